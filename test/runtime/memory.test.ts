import { describe, expect, it } from 'vitest';
import { MemoryError } from '../../src/index.js';
import { ALIGN, WasmHeap } from '../../src/runtime/memory.js';

const PAGE = 65536;
const heap = (pages = 1, max?: number) => new WasmHeap(new WebAssembly.Memory({ initial: pages }), 100, max);

describe('WasmHeap', () => {
  it('aligns blocks, reuses freed space best-fit and coalesces neighbours', () => {
    const h = heap();
    const [a, b, c] = h.allocMany('t', [10, 100, 1000]);
    for (const p of [a, b, c]) expect(p % ALIGN).toBe(0);
    expect(a).toBeGreaterThanOrEqual(100);
    expect(b - a).toBe(64);
    h.release(b);
    expect(h.alloc('t', 64)).toBe(b); // exact fit reused
    h.release(a);
    h.release(b);
    expect(h.alloc('t', 150)).toBe(a); // a and b coalesced into one 192-byte block
    h.release(a);
    h.release(c);
    expect(h.liveCount).toBe(0);
    expect(h.alloc('t', 5000)).toBe(a); // everything merged back into the top
  });

  it('grows memory on demand and re-creates views after growth', () => {
    const h = heap(1);
    const v1 = h.u8;
    const p = h.alloc('t', 3 * PAGE);
    expect(h.memoryBytes).toBeGreaterThanOrEqual(p + 3 * PAGE);
    expect(v1.byteLength).toBe(0); // detached by growth
    expect(h.u8.byteLength).toBe(h.memoryBytes);
  });

  it('allocates all or nothing, and refuses impossible requests with the byte count', () => {
    const h = heap(1, 4 * PAGE);
    h.alloc('t', 100);
    const live = h.liveCount;
    expect(() => h.allocMany('conv2d', [PAGE, 8 * PAGE])).toThrow(MemoryError);
    expect(h.liveCount).toBe(live); // the first block was rolled back
    try {
      h.allocMany('conv2d', [5 * 2 ** 32]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MemoryError);
      expect((e as MemoryError).bytes).toBe(5 * 2 ** 32);
      expect((e as Error).message).toMatch(/^conv2d: needs 21,474,836,480 bytes of Wasm memory/);
    }
    expect(() => h.allocMany('t', [-1])).toThrow(/not a non-negative integer/);
    expect(() => h.allocMany('t', [1.5])).toThrow(MemoryError);
  });

  it('ignores double release', () => {
    const h = heap();
    const p = h.alloc('t', 10);
    h.release(p);
    h.release(p);
    expect(h.liveCount).toBe(0);
  });
});

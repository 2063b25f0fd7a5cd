/**
 * The Wasm heap, owned by the host. Kernels never allocate: every buffer a call needs is planned
 * from its descriptor, allocated here in one transaction ({@link WasmHeap.allocMany}) and passed
 * to the kernel as a raw pointer. Freed blocks are coalesced and reused best-fit, so a workload
 * of repeating shapes stops growing memory after its first calls.
 * @module
 */
import { MemoryError, fmt } from '../errors.js';

const PAGE = 65536;
/** Every block starts on a 64-byte boundary (a cache line; v128 loads need 16). */
export const ALIGN = 64;
/** wasm32 can address at most 65536 pages. */
export const WASM32_MAX_BYTES = 65536 * PAGE;

/** Rounds a byte count up to a multiple of `a` (default {@link ALIGN}). */
export const alignUp = (n: number, a = ALIGN) => Math.ceil(n / a) * a;

interface Block {
  ptr: number;
  size: number;
}

export class WasmHeap {
  readonly memory: WebAssembly.Memory;
  /** The most bytes this heap lets Wasm memory reach. */
  readonly maxBytes: number;
  private readonly base: number;
  private top: number;
  private free: Block[] = []; // sorted by ptr, never adjacent (coalesced)
  private readonly live = new Map<number, number>();
  private buffer: ArrayBuffer | null = null;
  private u8View = new Uint8Array(0);

  constructor(memory: WebAssembly.Memory, heapBase: number, maxBytes = WASM32_MAX_BYTES) {
    this.memory = memory;
    this.base = alignUp(heapBase);
    this.top = this.base;
    this.maxBytes = Math.min(maxBytes, WASM32_MAX_BYTES);
  }

  /** Current size of Wasm memory in bytes. */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Bytes held by live allocations (rounded to the alignment). */
  get liveBytes(): number {
    let n = 0;
    for (const s of this.live.values()) n += s;
    return n;
  }

  /** Number of live allocations. */
  get liveCount(): number {
    return this.live.size;
  }

  /** A byte view of the whole memory, re-created after growth (growth detaches old views). */
  get u8(): Uint8Array {
    if (this.buffer !== this.memory.buffer) {
      this.buffer = this.memory.buffer;
      this.u8View = new Uint8Array(this.buffer);
    }
    return this.u8View;
  }

  /**
   * Allocates every size in `sizes` or none of them. Throws a {@link MemoryError} naming `op` and
   * the byte count when the request cannot fit in Wasm memory; nothing is allocated then.
   */
  allocMany(op: string, sizes: readonly number[]): number[] {
    let total = 0;
    for (const s of sizes) {
      if (!Number.isSafeInteger(s) || s < 0) throw new MemoryError(op, `buffer size ${fmt(s)} bytes is not a non-negative integer.`, 'check the shapes passed to this op.', Number.NaN);
      total += alignUp(Math.max(s, 1));
    }
    if (total > this.maxBytes - this.base) {
      throw new MemoryError(
        op,
        `needs ${fmt(total)} bytes of Wasm memory, more than the ${fmt(this.maxBytes - this.base)} bytes it can hold (wasm32 addresses at most 4 GiB${this.maxBytes < WASM32_MAX_BYTES ? `; this engine is capped at ${fmt(this.maxBytes)}` : ''}).`,
        'split the work: use a smaller batch or spatial tiles, or fewer channels per call.',
        total,
      );
    }
    const out: number[] = [];
    try {
      for (const s of sizes) out.push(this.alloc(op, s));
    } catch (e) {
      for (const p of out) this.release(p);
      throw e;
    }
    return out;
  }

  /** Allocates one block of at least `bytes` bytes, aligned to {@link ALIGN}. */
  alloc(op: string, bytes: number): number {
    const size = alignUp(Math.max(bytes, 1));
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i];
      if (b.size >= size && (best < 0 || b.size < this.free[best].size)) best = i;
    }
    if (best >= 0) {
      const b = this.free[best];
      const ptr = b.ptr;
      if (b.size === size) this.free.splice(best, 1);
      else {
        b.ptr += size;
        b.size -= size;
      }
      this.live.set(ptr, size);
      return ptr;
    }
    // Extend the top, absorbing a free block that ends there.
    const last = this.free[this.free.length - 1];
    let ptr = this.top;
    if (last && last.ptr + last.size === this.top) ptr = last.ptr;
    const end = ptr + size;
    this.ensure(op, end);
    if (ptr !== this.top) this.free.pop();
    this.top = end;
    this.live.set(ptr, size);
    return ptr;
  }

  /** Returns a block to the heap. Releasing an unknown or already released pointer is a no-op. */
  release(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) return;
    this.live.delete(ptr);
    // Insert sorted, then merge with neighbours.
    let i = 0;
    while (i < this.free.length && this.free[i].ptr < ptr) i++;
    this.free.splice(i, 0, { ptr, size });
    const next = this.free[i + 1];
    if (next && ptr + size === next.ptr) {
      this.free[i].size += next.size;
      this.free.splice(i + 1, 1);
    }
    const prev = this.free[i - 1];
    if (prev && prev.ptr + prev.size === ptr) {
      prev.size += this.free[i].size;
      this.free.splice(i, 1);
    }
    const tail = this.free[this.free.length - 1];
    if (tail && tail.ptr + tail.size === this.top) {
      this.top = tail.ptr;
      this.free.pop();
    }
  }

  /** Size of the live block at `ptr` (0 if none). */
  sizeOf(ptr: number): number {
    return this.live.get(ptr) ?? 0;
  }

  private ensure(op: string, end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    if (end > this.maxBytes) {
      throw new MemoryError(op, `needs Wasm memory up to byte ${fmt(end)}, beyond the limit of ${fmt(this.maxBytes)} bytes.`, 'release tensors you no longer need (tensor.dispose()), or split the work into smaller calls.', end - have);
    }
    // Grow by at least a quarter of the current size so that a growing workload grows rarely.
    const needed = Math.ceil((end - have) / PAGE);
    const pages = Math.min(Math.max(needed, Math.floor(have / PAGE / 4)), Math.floor(this.maxBytes / PAGE) - have / PAGE);
    try {
      this.memory.grow(pages);
    } catch {
      throw new MemoryError(op, `could not grow Wasm memory by ${fmt(pages * PAGE)} bytes (to ${fmt(have + pages * PAGE)}): the runtime refused.`, 'release tensors you no longer need, or split the work into smaller calls.', pages * PAGE);
    }
  }
}

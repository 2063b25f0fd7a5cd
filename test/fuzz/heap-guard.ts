/**
 * The "rejected before Wasm memory is touched" check of the fuzz tests: a call must throw a typed
 * error (a MacflowError subclass) with live allocations and the whole Wasm memory unchanged.
 */
import { expect } from 'vitest';
import { MacflowError, type Engine } from '../../src/index.js';

/** FNV-style hash of the whole Wasm memory (cheap enough for a few dozen rejected calls). */
export function memHash(e: Engine): number {
  const u = new Int32Array(e.heap.memory.buffer);
  let h = 0x811c9dc5;
  for (let i = 0; i < u.length; i++) h = Math.imul(h ^ u[i], 0x01000193);
  return h;
}

/** Expects `fn` to throw a MacflowError subclass (optionally `cls`) without touching the heap. */
export function expectRejected(e: Engine, what: string, fn: () => unknown, cls: new (...a: never[]) => MacflowError = MacflowError): void {
  const count = e.heap.liveCount;
  const bytes = e.heap.liveBytes;
  const hash = memHash(e);
  let err: unknown;
  try {
    fn();
  } catch (x) {
    err = x;
  }
  expect(err, `${e.isa} ${what}: throws`).toBeInstanceOf(cls);
  expect(err, `${e.isa} ${what}: a typed error`).toBeInstanceOf(MacflowError);
  expect(e.heap.liveCount, `${e.isa} ${what}: live count`).toBe(count);
  expect(e.heap.liveBytes, `${e.isa} ${what}: live bytes`).toBe(bytes);
  expect(memHash(e), `${e.isa} ${what}: Wasm memory untouched`).toBe(hash);
}

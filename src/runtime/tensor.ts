/**
 * Tensors that live in Wasm memory. A tensor is a pointer, a dtype and a shape; its `data` view
 * is created on each access because any memory growth detaches earlier views.
 * @module
 */
import { ShapeError, ValueError, fmt } from '../errors.js';
import type { WasmHeap } from './memory.js';

/** Element types of tensors. */
export type DType = 'int8' | 'uint8' | 'int16' | 'int32' | 'float32';

/** The typed array that holds each dtype. */
export interface TypedArrayOf {
  int8: Int8Array;
  uint8: Uint8Array;
  int16: Int16Array;
  int32: Int32Array;
  float32: Float32Array;
}
export type AnyTypedArray = TypedArrayOf[DType];

const CTORS = {
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  int32: Int32Array,
  float32: Float32Array,
} as const;

/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Record<DType, number> = { int8: 1, uint8: 1, int16: 2, int32: 4, float32: 4 };

/** The dtype of a typed array, or undefined if it is not one macflow uses. */
export function dtypeOf(a: unknown): DType | undefined {
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Float32Array) return 'float32';
  return undefined;
}

/** Creates a view of `length` elements of `dtype` at byte `ptr` of `buffer`. */
export function viewOf<D extends DType>(dtype: D, buffer: ArrayBufferLike, ptr: number, length: number): TypedArrayOf[D] {
  return new CTORS[dtype](buffer as ArrayBuffer, ptr, length) as TypedArrayOf[D];
}

/** Number of elements of a shape; validates that every dimension is a positive safe integer. */
export function checkShape(op: string, what: string, shape: readonly number[]): number {
  if (!Array.isArray(shape)) throw new ShapeError(op, `${what} shape ${fmt(shape)} is not an array of sizes.`, 'pass the shape as an array such as [1, 28, 28, 1].');
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d <= 0) {
      throw new ShapeError(op, `${what} shape ${fmt(shape)} has dimension ${i} = ${fmt(d)}; every size must be a positive integer.`, 'pass whole, positive sizes.');
    }
    n *= d;
  }
  if (!Number.isSafeInteger(n)) throw new ShapeError(op, `${what} shape ${fmt(shape)} has ${fmt(n)} elements, too many to address.`, 'use smaller tensors.');
  return n;
}

/** A tensor in Wasm memory. Dispose it when done (or pass it as `out` to be overwritten). */
export class Tensor<D extends DType = DType> {
  readonly dtype: D;
  readonly shape: readonly number[];
  /** Number of elements. */
  readonly size: number;
  private _ptr: number;
  private readonly heap: WasmHeap;

  /** @internal Use `engine.tensor()` or an op to create tensors. */
  constructor(heap: WasmHeap, dtype: D, shape: readonly number[], ptr: number) {
    this.heap = heap;
    this.dtype = dtype;
    this.shape = Object.freeze([...shape]);
    this.size = shape.reduce((a, b) => a * b, 1);
    this._ptr = ptr;
  }

  /** Byte address in Wasm memory (throws once disposed). */
  get ptr(): number {
    if (this._ptr < 0) throw new ValueError('tensor', `this ${this.dtype} tensor of shape ${fmt(this.shape)} was disposed.`, 'do not use a tensor after dispose(); keep a copy with toArray() if needed.');
    return this._ptr;
  }

  /** Bytes of payload. */
  get byteLength(): number {
    return this.size * DTYPE_BYTES[this.dtype];
  }

  /** A live view of the data (valid until the next call that may grow memory). */
  get data(): TypedArrayOf[D] {
    return viewOf(this.dtype, this.heap.memory.buffer, this.ptr, this.size);
  }

  /** A copy of the data that stays valid forever. */
  toArray(): TypedArrayOf[D] {
    return this.data.slice() as TypedArrayOf[D];
  }

  /** True once {@link dispose} has run. */
  get disposed(): boolean {
    return this._ptr < 0;
  }

  /** True if the tensor belongs to `heap` (the engine that made it). */
  belongsTo(heap: WasmHeap): boolean {
    return this.heap === heap;
  }

  /** Returns the memory to the engine. Idempotent. */
  dispose(): void {
    if (this._ptr >= 0) this.heap.release(this._ptr);
    this._ptr = -1;
  }
}

/**
 * Typed errors. Every error macflow throws names the op, the offending value and the fix, and is
 * thrown BEFORE any Wasm memory is touched, so the engine stays usable afterwards.
 *
 * - {@link ShapeError}: ranks, shapes, sizes, channel counts.
 * - {@link QuantError}: scales, zero points, clamps, bit widths.
 * - {@link ValueError}: other bad arguments (NaN/Infinity in float data, wrong dtypes, options).
 * - {@link UnsupportedError}: a valid request this build or runtime cannot serve.
 * - {@link MemoryError}: a request larger than Wasm memory can hold (with the byte count).
 * - {@link WasmLoadError}: the .wasm could not be fetched, read or compiled.
 *
 * @module
 */

/** Base class of every error macflow throws on purpose. */
export class MacflowError extends Error {
  /** The op (or API function) that refused the request, e.g. `conv2d`. */
  readonly op: string;
  /** What to do about it, as a sentence. */
  readonly fix: string;
  constructor(op: string, problem: string, fix: string) {
    super(`${op}: ${problem}${fix ? ` Fix: ${fix}` : ''}`);
    this.name = new.target.name;
    this.op = op;
    this.fix = fix;
  }
}

/** A rank, shape, size or channel count is wrong. */
export class ShapeError extends MacflowError {}
/** A quantisation parameter (scale, zero point, clamp, bit width) is wrong. */
export class QuantError extends MacflowError {}
/** Any other invalid argument (non-finite float data, wrong dtype, unknown option). */
export class ValueError extends MacflowError {}
/** A valid request that this build, runtime or kernel does not support. */
export class UnsupportedError extends MacflowError {}
/** The request needs more Wasm memory than can exist; `bytes` says how much. */
export class MemoryError extends MacflowError {
  readonly bytes: number;
  constructor(op: string, problem: string, fix: string, bytes: number) {
    super(op, problem, fix);
    this.bytes = bytes;
  }
}
/** The WebAssembly binary could not be fetched, read, validated or compiled. */
export class WasmLoadError extends MacflowError {}

/** Formats a number for messages: integers with thousands separators, others as given. */
export function fmt(value: unknown): string {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && Math.abs(value) >= 10000) return value.toLocaleString('en-US');
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(fmt).join(', ')}]`;
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

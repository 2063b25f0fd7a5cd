/**
 * The 2-D pooling descriptor (NHWC): validates kernel, strides, pads, dilations and ceil mode
 * once, with sentence errors, and derives the output size with ONNX semantics.
 *
 * Output size per spatial axis (input size I, pads pb + pe, kernel k, stride s, dilation d):
 *   O = floor_or_ceil((I + pb + pe - ((k - 1) * d + 1)) / s) + 1,
 * and in ceil mode a last window that would start in the trailing pad (at or past I + pb) is
 * dropped, as ONNX (opset 19+), onnxruntime and PyTorch do. Every window must hold at least one
 * input element (otherwise its max or average would be undefined).
 * @module
 */
import { ShapeError, UnsupportedError, ValueError, fmt } from '../errors.js';
import { checkPositiveInt } from '../ops/common.js';
import type { PoolGeometry } from '../reference/pool.js';

/** Options shared by {@link maxPool2d} and {@link avgPool2d}. */
export interface Pool2dOptions {
  /** Window size [kh, kw] (or one number for both). Required. */
  kernel: number | readonly [number, number];
  /** Strides [sh, sw] (or one number). Default 1 (ONNX's default). */
  strides?: number | readonly [number, number];
  /** Zero padding [top, left, bottom, right] (or one number for all four). Default 0. */
  pads?: number | readonly [number, number, number, number];
  /** Use ceil instead of floor for the output size (ONNX ceil_mode). Default false. */
  ceilMode?: boolean;
}

/** The resolved pooling geometry. */
export interface Pool2dInfo extends PoolGeometry {
  dilations: readonly [number, number];
  /** [N, OH, OW, C]. */
  outShape: readonly [number, number, number, number];
}

function pair(op: string, what: string, v: unknown, dflt: number): [number, number] {
  if (v === undefined) return [dflt, dflt];
  if (typeof v === 'number') {
    checkPositiveInt(op, what, v);
    return [v, v];
  }
  if (!Array.isArray(v) || v.length !== 2) throw new ValueError(op, `${what} = ${fmt(v)} must be a number or [height, width].`, `pass ${what} as one positive integer or two.`);
  return [checkPositiveInt(op, `${what}[0]`, v[0]), checkPositiveInt(op, `${what}[1]`, v[1])];
}

function padsOf(op: string, v: unknown): [number, number, number, number] {
  const ok = (p: unknown): p is number => typeof p === 'number' && Number.isInteger(p) && p >= 0;
  if (v === undefined) return [0, 0, 0, 0];
  if (typeof v === 'number') {
    if (!ok(v)) throw new ValueError(op, `pads = ${fmt(v)} must be a non-negative integer.`, 'pass whole numbers >= 0.');
    return [v, v, v, v];
  }
  if (!Array.isArray(v) || v.length !== 4) throw new ValueError(op, `pads = ${fmt(v)} must be a number or [top, left, bottom, right].`, 'pass four non-negative integers (ONNX order for 2-D: top, left, bottom, right).');
  v.forEach((p, i) => {
    if (!ok(p)) throw new ValueError(op, `pads[${i}] = ${fmt(p)} must be a non-negative integer.`, 'pass whole numbers >= 0.');
  });
  return [v[0], v[1], v[2], v[3]];
}

function outSize(op: string, axis: string, I: number, p0: number, p1: number, k: number, s: number, d: number, ceil: boolean): number {
  const eff = (k - 1) * d + 1;
  const span = I + p0 + p1 - eff;
  if (span < 0) {
    throw new ShapeError(op, `the ${axis} window (kernel ${k}${d > 1 ? `, dilation ${d}: extent ${eff}` : ''}) is larger than the padded input ${axis} ${I} + ${p0} + ${p1} = ${I + p0 + p1}.`, `use a smaller kernel or more padding along ${axis}.`);
  }
  let O = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (O - 1) * s >= I + p0) O -= 1;
  for (let o = 0; o < O; o++) {
    const start = o * s - p0;
    let hit = false;
    for (let i = 0; i < k && !hit; i++) hit = start + i * d >= 0 && start + i * d < I;
    if (!hit) {
      throw new ShapeError(op, `output ${axis} position ${o} has a window (input ${start}..${start + eff - 1}) that lies entirely in the padding.`, `use pads smaller than the kernel along ${axis} (or no dilation that skips the input).`);
    }
  }
  return O;
}

/** Validates pooling options for an NHWC input shape and resolves the geometry. */
export function pool2dInfo(op: string, xShape: readonly number[], options: Pool2dOptions & { dilations?: number | readonly [number, number] }): Pool2dInfo {
  if (xShape.length !== 4) throw new ShapeError(op, `x has shape ${fmt(xShape)} (rank ${xShape.length}); pooling needs rank 4, NHWC.`, 'reshape x to [batch, height, width, channels].');
  if (typeof options !== 'object' || options === null) throw new ValueError(op, `options must be an object with at least kernel, got ${fmt(options)}.`, 'pass { kernel: [kh, kw], strides?, pads?, ceilMode? }.');
  if (options.kernel === undefined) throw new ValueError(op, 'options.kernel is missing.', 'pass kernel: [kh, kw] (or one number).');
  const [N, H, W, C] = xShape;
  const kernel = pair(op, 'kernel', options.kernel, 1);
  const strides = pair(op, 'strides', options.strides, 1);
  const dilations = pair(op, 'dilations', options.dilations, 1);
  const pads = padsOf(op, options.pads);
  if (options.ceilMode !== undefined && typeof options.ceilMode !== 'boolean') throw new ValueError(op, `ceilMode = ${fmt(options.ceilMode)} must be true or false.`, 'pass a boolean.');
  const ceil = options.ceilMode ?? false;
  // The kernels index with int32 arithmetic (o * s - p + i * d).
  const big = [...kernel, ...strides, ...dilations, ...pads, (kernel[0] - 1) * dilations[0], (kernel[1] - 1) * dilations[1]].some((v) => v >= 2 ** 30);
  if (big) throw new UnsupportedError(op, `kernel ${fmt(kernel)}, strides ${fmt(strides)}, pads ${fmt(pads)} or dilations ${fmt(dilations)} reach 2^30.`, 'use sizes below 1,073,741,824.');
  const OH = outSize(op, 'height', H, pads[0], pads[2], kernel[0], strides[0], dilations[0], ceil);
  const OW = outSize(op, 'width', W, pads[1], pads[3], kernel[1], strides[1], dilations[1], ceil);
  return { N, H, W, C, OH, OW, kernel, strides, pads, dilations, outShape: [N, OH, OW, C] };
}

/** Largest average-pool window: 255 * count must fit an int32 sum. */
export const AVG_POOL_MAX_COUNT = 8421504;

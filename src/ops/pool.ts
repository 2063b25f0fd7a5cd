/**
 * Pooling on quantised NHWC tensors: max, average and global average. The output keeps the
 * input's dtype, scale and zero point. Rounding and padding rules: src/reference/pool.ts.
 * @module
 */
import { UnsupportedError, ValueError, fmt } from '../errors.js';
import type { Engine, TensorLike } from '../runtime/engine.js';
import type { Tensor } from '../runtime/tensor.js';
import { AVG_POOL_MAX_COUNT, pool2dInfo, type Pool2dInfo, type Pool2dOptions } from '../descriptors/pool.js';
import { checkZeroPoint } from './common.js';

export type { Pool2dOptions } from '../descriptors/pool.js';

/** Options of {@link maxPool2d}. */
export interface MaxPool2dOptions extends Pool2dOptions {
  /** Dilations [dh, dw] (or one number). Default 1. */
  dilations?: number | readonly [number, number];
  /** Write into this tensor (dtype of x, shape [N, OH, OW, C]). */
  out?: Tensor<'int8' | 'uint8'>;
}

/** Options of {@link avgPool2d}. */
export interface AvgPool2dOptions extends Pool2dOptions {
  /**
   * Count padded positions in the divisor (ONNX count_include_pad = 1); they add the zero point
   * (real 0) to the sum. Default false.
   */
  countIncludePad?: boolean;
  /** Zero point of x (and y). Only matters with countIncludePad. Default 0. */
  zeroPoint?: number;
  /** Write into this tensor (dtype of x, shape [N, OH, OW, C]). */
  out?: Tensor<'int8' | 'uint8'>;
}

/** Options of {@link globalAvgPool}. */
export interface GlobalAvgPoolOptions {
  /** Keep the pooled axes: [N, 1, 1, C] (default true) or [N, C]. */
  keepDims?: boolean;
  /** Write into this tensor (dtype of x, the result shape). */
  out?: Tensor<'int8' | 'uint8'>;
}

/**
 * Max pooling of an NHWC int8/uint8 tensor (ONNX MaxPool semantics; padding never wins).
 * @example maxPool2d(mf, x, { kernel: 2, strides: 2 })
 */
export function maxPool2d(engine: Engine, x: TensorLike<'int8' | 'uint8'>, options: MaxPool2dOptions): Tensor<'int8' | 'uint8'> {
  const op = 'maxPool2d';
  const { shape, dtype } = engine.checkInput(op, 'x', x, ['int8', 'uint8']);
  const g = pool2dInfo(op, shape, options);
  return engine.run(op, { inputs: [x], output: { dtype: dtype as 'int8' | 'uint8', shape: g.outShape, out: options.out } }, ({ inputs, out }) => {
    engine.kernels.q8_maxpool2d(inputs[0], g.N, g.H, g.W, g.C, out.ptr, g.OH, g.OW, g.kernel[0], g.kernel[1], g.strides[0], g.strides[1], g.pads[0], g.pads[1], g.dilations[0], g.dilations[1], dtype === 'int8' ? 1 : 0);
    return out;
  });
}

function runAvg(engine: Engine, op: string, x: TensorLike<'int8' | 'uint8'>, dtype: 'int8' | 'uint8', g: Pool2dInfo, outShape: readonly number[], includePad: boolean, zp: number, out: Tensor | undefined): Tensor<'int8' | 'uint8'> {
  const count = g.kernel[0] * g.kernel[1];
  if (count > AVG_POOL_MAX_COUNT) {
    throw new UnsupportedError(op, `the window holds ${fmt(count)} positions; at most ${fmt(AVG_POOL_MAX_COUNT)} keep the int32 sum exact.`, 'pool in two steps (e.g. rows, then columns) or use a smaller window.');
  }
  return engine.run(op, { inputs: [x], output: { dtype, shape: outShape, out } }, ({ inputs, out: y }) => {
    engine.kernels.q8_avgpool2d(inputs[0], g.N, g.H, g.W, g.C, y.ptr, g.OH, g.OW, g.kernel[0], g.kernel[1], g.strides[0], g.strides[1], g.pads[0], g.pads[1], g.pads[2], g.pads[3], includePad ? 1 : 0, zp, dtype === 'int8' ? 1 : 0);
    return y;
  });
}

/**
 * Average pooling of an NHWC int8/uint8 tensor: y = roundHalfEven(sum / count), exact integer
 * arithmetic, same scale and zero point as x (ONNX AveragePool / QLinearAveragePool with equal
 * scales).
 */
export function avgPool2d(engine: Engine, x: TensorLike<'int8' | 'uint8'>, options: AvgPool2dOptions): Tensor<'int8' | 'uint8'> {
  const op = 'avgPool2d';
  const { shape, dtype } = engine.checkInput(op, 'x', x, ['int8', 'uint8']);
  if (options && 'dilations' in options && options.dilations !== undefined) {
    throw new UnsupportedError(op, `dilations = ${fmt((options as { dilations: unknown }).dilations)} are not supported for average pooling.`, 'omit dilations (max pooling supports them).');
  }
  const g = pool2dInfo(op, shape, options);
  if (options.countIncludePad !== undefined && typeof options.countIncludePad !== 'boolean') throw new ValueError(op, `countIncludePad = ${fmt(options.countIncludePad)} must be true or false.`, 'pass a boolean.');
  const zp = checkZeroPoint(op, 'zeroPoint', options.zeroPoint ?? 0, dtype);
  return runAvg(engine, op, x, dtype as 'int8' | 'uint8', g, g.outShape, options.countIncludePad ?? false, zp, options.out);
}

/** Global average pooling: [N, H, W, C] -> [N, 1, 1, C] (or [N, C]), same rounding as {@link avgPool2d}. */
export function globalAvgPool(engine: Engine, x: TensorLike<'int8' | 'uint8'>, options: GlobalAvgPoolOptions = {}): Tensor<'int8' | 'uint8'> {
  const op = 'globalAvgPool';
  const { shape, dtype } = engine.checkInput(op, 'x', x, ['int8', 'uint8']);
  if (options.keepDims !== undefined && typeof options.keepDims !== 'boolean') throw new ValueError(op, `keepDims = ${fmt(options.keepDims)} must be true or false.`, 'pass a boolean.');
  const g = pool2dInfo(op, shape, { kernel: shape.length === 4 ? [shape[1], shape[2]] : 1 });
  const outShape = options.keepDims === false ? [g.N, g.C] : g.outShape;
  return runAvg(engine, op, x, dtype as 'int8' | 'uint8', g, outShape, false, 0, options.out);
}

/**
 * Elementwise activations on quantised tensors.
 * @module
 */
import type { Engine, TensorLike } from '../runtime/engine.js';
import type { Tensor } from '../runtime/tensor.js';
import { QuantError, ValueError, fmt } from '../errors.js';
import { checkZeroPoint } from './common.js';

export interface ReluOptions {
  /** Zero point of x (and y): the quantised value of real 0. Default 0. */
  zeroPoint?: number;
  /** Write into this tensor (same dtype and shape as x; may be x itself). */
  out?: Tensor<'int8' | 'uint8'>;
}

/** Quantised ReLU: y = max(x, zeroPoint), int8 or uint8, any shape. */
export function relu(engine: Engine, x: TensorLike<'int8' | 'uint8'>, options: ReluOptions = {}): Tensor<'int8' | 'uint8'> {
  const op = 'relu';
  const { shape, dtype } = engine.checkInput(op, 'x', x, ['int8', 'uint8']);
  const zp = checkZeroPoint(op, 'zeroPoint', options.zeroPoint ?? 0, dtype);
  const n = shape.reduce((a, b) => a * b, 1);
  return engine.run(op, { inputs: [x], output: { dtype: dtype as 'int8' | 'uint8', shape, out: options.out } }, ({ inputs, out }) => {
    engine.kernels.q8_relu(inputs[0], out.ptr, n, zp, dtype === 'int8' ? 1 : 0);
    return out;
  });
}

export interface ClampOptions {
  /** Lower bound in the quantised domain (e.g. the zero point for ReLU). Default: dtype minimum. */
  qmin?: number;
  /** Upper bound in the quantised domain (e.g. zeroPoint + round(6 / scale) for ReLU6). Default: dtype maximum. */
  qmax?: number;
  /** Write into this tensor (same dtype and shape as x; may be x itself). */
  out?: Tensor<'int8' | 'uint8'>;
}

/**
 * Quantised clamp: y = min(max(x, qmin), qmax), int8 or uint8, any shape. ReLU6 on a tensor with
 * scale s and zero point z is clamp(x, { qmin: z, qmax: min(dtype max, z + roundHalfEven(6 / s)) }).
 */
export function clamp(engine: Engine, x: TensorLike<'int8' | 'uint8'>, options: ClampOptions): Tensor<'int8' | 'uint8'> {
  const op = 'clamp';
  const { shape, dtype } = engine.checkInput(op, 'x', x, ['int8', 'uint8']);
  if (typeof options !== 'object' || options === null) throw new ValueError(op, `options must be an object, got ${fmt(options)}.`, 'pass { qmin?, qmax? }.');
  const lo = checkZeroPoint(op, 'qmin', options.qmin ?? (dtype === 'int8' ? -128 : 0), dtype);
  const hi = checkZeroPoint(op, 'qmax', options.qmax ?? (dtype === 'int8' ? 127 : 255), dtype);
  if (lo > hi) throw new QuantError(op, `the clamp is empty: qmin ${lo} > qmax ${hi}.`, 'pass qmin <= qmax.');
  const n = shape.reduce((a, b) => a * b, 1);
  return engine.run(op, { inputs: [x], output: { dtype: dtype as 'int8' | 'uint8', shape, out: options.out } }, ({ inputs, out }) => {
    engine.kernels.q8_clamp(inputs[0], out.ptr, n, lo, hi, dtype === 'int8' ? 1 : 0);
    return out;
  });
}

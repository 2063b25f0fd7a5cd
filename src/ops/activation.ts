/**
 * Elementwise activations on quantised tensors.
 * @module
 */
import type { Engine, TensorLike } from '../runtime/engine.js';
import type { Tensor } from '../runtime/tensor.js';
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

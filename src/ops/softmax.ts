/**
 * Quantised softmax over the last axis (ONNX QLinearSoftmax / TFLite conventions). The rule,
 * identical in every build and the reference: src/reference/softmax.ts.
 * @module
 */
import { ValueError, fmt } from '../errors.js';
import type { Engine, TensorLike } from '../runtime/engine.js';
import type { Tensor } from '../runtime/tensor.js';
import { softmaxTable, type SoftmaxOutput } from '../reference/softmax.js';
import { checkScale, checkZeroPoint } from './common.js';

export type { SoftmaxOutput } from '../reference/softmax.js';

/** Options of {@link softmax}. */
export interface SoftmaxOptions {
  /** Scale of x (real = scale * (q - zeroPoint)). Required. */
  scale: number;
  /** Zero point of x. It cancels out of softmax; validated only. Default 0. */
  zeroPoint?: number;
  /**
   * Output encoding: `'uint8'` (scale 1/256, zero point 0, the default), `'int8'` (scale 1/256,
   * zero point -128) or `'float32'` probabilities.
   */
  output?: SoftmaxOutput;
  /** Write into this tensor (the output dtype, shape of x). */
  out?: Tensor<'uint8' | 'int8' | 'float32'>;
}

const KIND: Record<SoftmaxOutput, number> = { uint8: 0, int8: 1, float32: 2 };

/**
 * Softmax over the last axis of an int8/uint8 tensor. The exp of every possible q - max(q) is
 * computed once on the host in float64 (Math.exp) and handed to the kernel as a 256-entry table;
 * sums are float64 in index order; quantised outputs round half to even and clamp at 255.
 */
export function softmax(engine: Engine, x: TensorLike<'int8' | 'uint8'>, options: SoftmaxOptions & { output: 'float32' }): Tensor<'float32'>;
export function softmax(engine: Engine, x: TensorLike<'int8' | 'uint8'>, options: SoftmaxOptions & { output: 'int8' }): Tensor<'int8'>;
export function softmax(engine: Engine, x: TensorLike<'int8' | 'uint8'>, options: SoftmaxOptions & { output?: 'uint8' }): Tensor<'uint8'>;
export function softmax(engine: Engine, x: TensorLike<'int8' | 'uint8'>, options: SoftmaxOptions): Tensor<'uint8' | 'int8' | 'float32'>;
export function softmax(engine: Engine, x: TensorLike<'int8' | 'uint8'>, options: SoftmaxOptions): Tensor<'uint8' | 'int8' | 'float32'> {
  const op = 'softmax';
  const { shape, dtype } = engine.checkInput(op, 'x', x, ['int8', 'uint8']);
  if (typeof options !== 'object' || options === null) throw new ValueError(op, `options must be an object with scale, got ${fmt(options)}.`, 'pass { scale, zeroPoint?, output? }.');
  const scale = checkScale(op, 'scale', options.scale);
  checkZeroPoint(op, 'zeroPoint', options.zeroPoint ?? 0, dtype);
  const output = options.output ?? 'uint8';
  if (!(output in KIND)) throw new ValueError(op, `output = ${fmt(output)} is not an output encoding.`, "use 'uint8', 'int8' or 'float32'.");
  if (shape.length === 0) throw new ValueError(op, 'x is a scalar; softmax needs at least one axis.', 'pass a tensor of rank >= 1.');
  const len = shape[shape.length - 1];
  const rows = shape.reduce((a, b) => a * b, 1) / len;
  const table = softmaxTable(scale);
  return engine.run(op, { inputs: [x], scratch: [table.byteLength], output: { dtype: output, shape, out: options.out } }, ({ inputs, scratch, out }) => {
    new Float64Array(engine.heap.memory.buffer, scratch[0], 256).set(table);
    engine.kernels.q8_softmax(inputs[0], rows, len, scratch[0], dtype === 'int8' ? 1 : 0, out.ptr, KIND[output]);
    return out;
  });
}

/**
 * Fully connected layer on int8/uint8 activations and int8/uint8 weights.
 * @module
 */
import { ShapeError, UnsupportedError, ValueError, fmt } from '../errors.js';
import { denseWithReport, type AcceleratorParams, type WithReport } from './with-report.js';
import type { Engine, TensorLike } from '../runtime/engine.js';
import type { Tensor } from '../runtime/tensor.js';
import { type MatmulParams, checkActivations, checkParams, runGemm } from './matmul.js';
import { resolveOutputStage } from '../descriptors/output-stage.js';
import { PackedWeights, resolveWeights } from './packed.js';

/**
 * Parameters of {@link dense}: zero points, bias, requantisation (fused ReLU / clamp via
 * `requantize.activation`), `out`, and `layout` of unpacked weights (default `'nk'`).
 */
export type DenseParams = MatmulParams;

/**
 * Fully connected layer: y[b, o] = sum_i (x[b, i] - xZeroPoint) * (w[o, i] - wZeroPoint[o]) + bias[o],
 * int32 without `requantize`, else requantised to int8/uint8 with the fused activation.
 *
 * - `x`: int8 or uint8, shape [batch, features] or [batch, d1, d2, ...]: each batch row is
 *   flattened (row-major, like ONNX Flatten(axis = 1) before Gemm), so features = d1 * d2 * ...
 * - `w`: {@link PackedWeights}, or int8 / uint8 [outFeatures, inFeatures] (PyTorch Linear / ONNX
 *   Gemm transB = 1; `layout: 'kn'` for [inFeatures, outFeatures]). `wZeroPoint` is in w's
 *   dtype: [-128, 127] for int8, [0, 255] for uint8.
 * - Result: [batch, outFeatures].
 * - `accelerator` (an arch, a preset name or a list; unpacked weights): returns `{ y, report, kernel }`,
 *   the same y plus accelerator reports from the zero-skipping kernel's counts (the FC layer as a
 *   1x1 conv on a 1x1 image; see conv2d).
 *
 * @example
 * ```ts
 * const y = dense(mf, x, { data: w, shape: [10, 784] }, {
 *   bias, requantize: { xScale: 0.02, wScale: 0.004, yScale: 0.1, activation: 'relu' },
 * });
 * ```
 */
export function dense(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'>, params: DenseParams & AcceleratorParams): WithReport<Tensor<'int32' | 'int8' | 'uint8'>>;
export function dense(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: PackedWeights | TensorLike<'int8' | 'uint8'>, params?: DenseParams): Tensor<'int32' | 'int8' | 'uint8'>;
export function dense(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: PackedWeights | TensorLike<'int8' | 'uint8'>, params?: DenseParams & Partial<AcceleratorParams>): Tensor<'int32' | 'int8' | 'uint8'> | WithReport<Tensor<'int32' | 'int8' | 'uint8'>> {
  const op = 'dense';
  if (params && typeof params === 'object' && params.accelerator !== undefined) {
    if (w instanceof PackedWeights) throw new UnsupportedError(op, 'accelerator reports need the unpacked weights: the counts come from the zero-skipping kernel, which builds its own weight layout.', 'pass the weights unpacked when asking for a report.');
    return denseWithReport(engine, x, w, params as DenseParams & AcceleratorParams);
  }
  const { accelerator: _a, layerName, ...prm } = checkParams(op, params);
  if (layerName !== undefined) throw new ValueError(op, `layerName = ${fmt(layerName)} is only used with accelerator.`, 'pass accelerator too, or omit layerName.');
  const { shape, dtype } = checkActivations(engine, op, 'x', x);
  const weights = resolveWeights(engine, op, 'w', w, prm.layout ?? 'nk');
  const batch = shape[0];
  const features = shape.slice(1).reduce((a, b) => a * b, 1);
  if (weights.K !== features) {
    throw new ShapeError(
      op,
      `x has ${fmt(features)} features per batch row (shape ${fmt(shape)}) but w has ${fmt(weights.K)} input features${weights.kind === 'packed' ? ' (packed)' : ` (${prm.layout ?? 'nk'} layout)`}.`,
      "make the flattened features of x equal w's input features (w is [outFeatures, inFeatures] in the default 'nk' layout).",
    );
  }
  const stage = resolveOutputStage(op, prm, weights.N, dtype, weights.dtype);
  return runGemm(engine, { op, a: x, signed: dtype === 'int8', M: batch, K: features, weights, stage, outShape: [batch, weights.N], out: prm.out });
}

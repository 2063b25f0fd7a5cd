/**
 * quantize / dequantize on an engine: validated wrappers over the Wasm kernels f32q8_quantize and
 * q8f32_dequantize (ONNX QuantizeLinear / DequantizeLinear in float32; spec in
 * src/reference/quant.ts).
 * @module
 */
import { ValueError, fmt } from '../errors.js';
import type { Engine, TensorLike } from '../runtime/engine.js';
import type { Tensor } from '../runtime/tensor.js';
import { resolveScheme, type QDType, type QuantScheme, type ResolvedScheme } from './params.js';

/** Copies the per-channel scales and zero points into the scratch buffers. */
function stageParams(engine: Engine, r: ResolvedScheme, scalesPtr: number, zpsPtr: number): void {
  const buf = engine.heap.memory.buffer;
  new Float32Array(buf, scalesPtr, r.channels).set(r.scales);
  new Int32Array(buf, zpsPtr, r.channels).set(r.zeroPoints);
}

/**
 * Quantises float32 data: q = clamp(roundHalfEven(f32(x / scale)) + zeroPoint, qmin, qmax),
 * per tensor or per channel along `params.axis` (default: last axis). Values beyond the range
 * saturate to qmin/qmax. Returns an int8 or uint8 tensor of x's shape (params.dtype).
 *
 * @example
 * ```ts
 * const p = quantParams({ min: -1, max: 3, dtype: 'uint8' });
 * const q = quantize(engine, { data: x, shape: [1, 8, 8, 3] }, p);
 * ```
 * @throws ValueError/ShapeError for bad data (NaN/Infinity, wrong length), QuantError for bad
 *   parameters; all before Wasm memory is touched.
 */
export function quantize(engine: Engine, x: TensorLike<'float32'>, params: QuantScheme, options: { out?: Tensor<'int8' | 'uint8'> } = {}): Tensor<'int8' | 'uint8'> {
  const op = 'quantize';
  const { shape } = engine.checkInput(op, 'x', x, ['float32']);
  const r = resolveScheme(op, params, shape);
  const bytes = r.channels * 4;
  return engine.run(op, { inputs: [x], scratch: [bytes, bytes], output: { dtype: r.dtype as 'int8' | 'uint8', shape, out: options.out } }, ({ inputs, scratch, out }) => {
    stageParams(engine, r, scratch[0], scratch[1]);
    engine.kernels.f32q8_quantize(inputs[0], out.ptr, r.outer, r.channels, r.inner, scratch[0], scratch[1], r.qmin, r.qmax, r.dtype === 'int8' ? 1 : 0);
    return out;
  });
}

/**
 * Dequantises int8/uint8 data: y = f32(q - zeroPoint) * scale (float32), per tensor or per
 * channel along `params.axis`. `params.dtype` must match the data's dtype.
 *
 * @throws ValueError/ShapeError for bad data, QuantError for bad parameters (including a zero
 *   point outside [qmin, qmax]); all before Wasm memory is touched.
 */
export function dequantize(engine: Engine, q: TensorLike<'int8' | 'uint8'>, params: QuantScheme, options: { out?: Tensor<'float32'> } = {}): Tensor<'float32'> {
  const op = 'dequantize';
  const { shape, dtype } = engine.checkInput(op, 'q', q, ['int8', 'uint8']);
  if (typeof params !== 'object' || params === null) throw new ValueError(op, `params must be a quantisation scheme object, got ${fmt(params)}.`, 'pass the parameters the tensor was quantised with ({ dtype, scale, zeroPoint, ... }).');
  const r = resolveScheme(op, { ...params, dtype: params.dtype ?? (dtype as QDType) }, shape);
  if (r.dtype !== dtype) {
    throw new ValueError(op, `q is ${dtype} but params.dtype is ${r.dtype}.`, `pass the parameters the tensor was quantised with (dtype '${dtype}').`);
  }
  const bytes = r.channels * 4;
  return engine.run(op, { inputs: [q], scratch: [bytes, bytes], output: { dtype: 'float32', shape, out: options.out } }, ({ inputs, scratch, out }) => {
    stageParams(engine, r, scratch[0], scratch[1]);
    engine.kernels.q8f32_dequantize(inputs[0], out.ptr, r.outer, r.channels, r.inner, scratch[0], scratch[1], r.dtype === 'int8' ? 1 : 0);
    return out;
  });
}

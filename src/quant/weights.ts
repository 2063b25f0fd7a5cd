/**
 * Offline weight and bias quantisation (pure TypeScript, no engine needed).
 * @module
 */
import { QuantError, ShapeError, ValueError, fmt } from '../errors.js';
import { roundHalfEven } from '../descriptors/output-stage.js';
import { quantizeRef } from '../reference/quant.js';
import { checkFinite } from '../runtime/engine.js';
import { checkShape } from '../runtime/tensor.js';
import { checkBits, quantParams, type ChannelQuant } from './params.js';

/** Options of {@link quantizeWeights}. */
export interface QuantizeWeightsOptions {
  /** One scale per output channel (along `axis`). Default true. */
  perChannel?: boolean;
  /** Bits, 2..8. Default 8. */
  bits?: number;
  /** Output-channel axis. Default 0 (OHWI / [out, in] layouts). */
  axis?: number;
  /** Symmetric range [-(2^(N-1) - 1), 2^(N-1) - 1] (e.g. [-127, 127]). Default true. */
  narrowRange?: boolean;
}

/** Result of {@link quantizeWeights}. */
export interface QuantizedWeights {
  /** int8 weights, same layout as the input. */
  data: Int8Array;
  shape: readonly number[];
  /** float32 scale per channel (one value when perChannel is false). */
  scales: Float32Array;
  /** Zero points: all 0 (symmetric). */
  zeroPoints: Int32Array;
  /** The same as a scheme for {@link dequantize} / {@link quantize} (`scale` is `scales`). */
  params: ChannelQuant;
}

/**
 * Symmetric int8 weight quantisation: scale[c] = max|w[c]| / qmax (qmax = 2^(N-1) - 1, 127 for
 * 8 bits), zero point 0, q = clamp(roundHalfEven(f32(w / scale)), qmin, qmax) (the same
 * arithmetic as {@link quantize}). A channel of all zeros gets scale 1.
 *
 * The narrow range [-127, 127] is the default because it is TFLite's convention for int8 weights
 * (exactly symmetric, zero point 0 so no weight zero-point correction), and because products of
 * weights in [-127, 127] with 7-bit operands keep the relaxed-SIMD dot-product kernels' options
 * open (i8 x i7 dot products and i16 pair sums that cannot overflow).
 *
 * @throws ShapeError / ValueError for a bad shape, length or NaN/Infinity; QuantError for bits.
 */
export function quantizeWeights(w: Float32Array, shape: readonly number[], options: QuantizeWeightsOptions = {}): QuantizedWeights {
  const op = 'quantizeWeights';
  if (!(w instanceof Float32Array)) throw new ValueError(op, `w is ${Object.prototype.toString.call(w)}, not a Float32Array.`, 'pass float32 weights.');
  const size = checkShape(op, 'w', shape);
  if (w.length !== size) throw new ShapeError(op, `w has ${fmt(w.length)} values but shape ${fmt(shape)} needs ${fmt(size)}.`, 'make w.length the product of the shape.');
  checkFinite(op, 'w', w);
  const bits = checkBits(op, options.bits ?? 8);
  const narrowRange = options.narrowRange ?? true;
  const perChannel = options.perChannel ?? true;
  const rank = shape.length;
  const a = options.axis ?? 0;
  if (typeof a !== 'number' || !Number.isInteger(a) || a < -rank || a >= rank) {
    throw new ShapeError(op, `axis = ${fmt(a)} is not an axis of shape ${fmt(shape)}.`, `use an integer in [${-rank}, ${rank - 1}] (0 for OHWI weights).`);
  }
  const axis = a < 0 ? a + rank : a;
  const channels = perChannel ? shape[axis] : 1;
  const inner = perChannel ? shape.slice(axis + 1).reduce((x, y) => x * y, 1) : size;
  const maxabs = new Float64Array(channels);
  for (let i = 0; i < size; i++) {
    const c = Math.floor(i / inner) % channels;
    const v = Math.abs(w[i]);
    if (v > maxabs[c]) maxabs[c] = v;
  }
  const scales = new Float32Array(channels);
  let qmin = 0;
  let qmax = 0;
  for (let c = 0; c < channels; c++) {
    const p = quantParams({ min: -maxabs[c], max: maxabs[c], bits, dtype: 'int8', symmetric: true, narrowRange });
    scales[c] = p.scale;
    qmin = p.qmin;
    qmax = p.qmax;
  }
  const zeroPoints = new Int32Array(channels);
  const params: ChannelQuant = { dtype: 'int8', bits, narrowRange, qmin, qmax, scale: scales, zeroPoint: zeroPoints, axis };
  // Per-tensor: scale has one value, which resolveScheme treats as per tensor.
  const data = quantizeRef(w, shape, params) as Int8Array;
  return { data, shape: Object.freeze([...shape]), scales, zeroPoints, params };
}

/**
 * int32 bias for an int8 layer (ONNX QLinearConv's B): b[c] = saturate_int32(roundHalfEven(
 * bias[c] / s[c])) with s[c] = f32(f32(xScale) * f32(wScale[c])), the float32 product the output
 * stage uses. The division is done in double so integer precision is kept beyond 2^24.
 * `wScales` is one scale or one per channel (length 1 or bias.length).
 *
 * @throws ValueError for NaN/Infinity bias; QuantError for bad scales or an underflowing product;
 *   ShapeError for a wScales length mismatch.
 */
export function quantizeBias(bias: Float32Array | ArrayLike<number>, xScale: number, wScales: number | ArrayLike<number>): Int32Array {
  const op = 'quantizeBias';
  if (typeof bias !== 'object' || bias === null || typeof bias.length !== 'number') throw new ValueError(op, `bias must be a Float32Array, got ${fmt(bias)}.`, 'pass the float bias, one value per output channel.');
  checkFinite(op, 'bias', bias);
  const n = bias.length;
  const checkS = (what: string, v: unknown): number => {
    const f = Math.fround(v as number);
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || !(f > 0) || !Number.isFinite(f)) {
      throw new QuantError(op, `${what} = ${fmt(v)}; a scale must be a finite float32 > 0.`, 'pass the scales the activations and weights were quantised with.');
    }
    return f;
  };
  const xs = checkS('xScale', xScale);
  const ws = typeof wScales === 'number' ? [wScales] : wScales;
  if (typeof ws !== 'object' || ws === null || typeof ws.length !== 'number') throw new ValueError(op, `wScales must be a number or an array, got ${fmt(wScales)}.`, 'pass one weight scale or one per channel.');
  if (ws.length !== 1 && ws.length !== n) throw new ShapeError(op, `wScales has ${ws.length} values but bias has ${n}.`, `pass one weight scale, or one per channel (${n}).`);
  const out = new Int32Array(n);
  for (let c = 0; c < n; c++) {
    const w = checkS(ws.length === 1 ? 'wScales' : `wScales[${c}]`, ws[ws.length === 1 ? 0 : c]);
    const s = Math.fround(xs * w);
    if (!(s > 0)) throw new QuantError(op, `xScale * wScale = ${fmt(xs * w)} for channel ${c} underflows float32.`, 'use scales of sensible magnitude.');
    const q = roundHalfEven(Math.fround(bias[c]) / s);
    out[c] = Math.min(2147483647, Math.max(-2147483648, q));
  }
  return out;
}

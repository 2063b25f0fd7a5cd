/**
 * Quantisation parameters: N-bit fixed point in an int8/uint8 container, gemmlowp's convention
 * `real = scale * (q - zeroPoint)` (doc/quantization.md), with real 0 always exactly representable.
 *
 * The N-bit rule (N = 2..8). The integers a tensor may hold are [qmin, qmax]:
 *
 * | dtype | full range                | narrowRange                   |
 * |-------|---------------------------|-------------------------------|
 * | int8  | [-2^(N-1), 2^(N-1) - 1]   | [-2^(N-1) + 1, 2^(N-1) - 1]   |
 * | uint8 | [0, 2^N - 1]              | [1, 2^N - 1]                  |
 *
 * e.g. int8 N = 4: [-8, 7], narrow [-7, 7]; int8 N = 8 narrow: [-127, 127] (TFLite weights);
 * int8 N = 2 narrow: [-1, 1] (ternary). Narrow range drops the one code that has no mirror image,
 * so a symmetric scheme is exactly symmetric.
 * @module
 */
import { QuantError, ValueError, fmt } from '../errors.js';
import { checkZeroPoint } from '../ops/common.js';
import { roundHalfEven } from '../descriptors/output-stage.js';

/** Container dtypes of quantised tensors. */
export type QDType = 'int8' | 'uint8';

/**
 * How a tensor is quantised: `real = scale * (q - zeroPoint)`, q in [qmin, qmax].
 * Per-tensor when `scale` is a number; per-channel along `axis` when `scale` is an array (one
 * value per channel; `zeroPoint` then a number shared by all channels or one per channel).
 */
export interface QuantScheme {
  /** Container dtype. */
  dtype: QDType;
  /** Bits used, 2..8 (default 8): restricts [qmin, qmax] inside the container (see module doc). */
  bits?: number;
  /** Drop the lowest code (int8: -2^(N-1); uint8: 0). Default false. An explicit qmin/qmax overrides it. */
  narrowRange?: boolean;
  /** Smallest integer a value may take. Default from dtype, bits and narrowRange. */
  qmin?: number;
  /** Largest integer a value may take. Default from dtype, bits and narrowRange. */
  qmax?: number;
  /** Real value of one step (> 0; used as float32). One per channel for per-channel schemes. */
  scale: number | ArrayLike<number>;
  /** The integer that represents real 0, in [qmin, qmax]. Default 0. */
  zeroPoint?: number | ArrayLike<number>;
  /**
   * Channel axis of a per-channel scheme (negative counts from the end). Default: the last axis
   * (NHWC activations); weights in OHWI use 0.
   */
  axis?: number;
}

/** A per-tensor scheme as {@link quantParams} returns it: every field resolved. */
export interface TensorQuant extends QuantScheme {
  scale: number;
  zeroPoint: number;
  bits: number;
  qmin: number;
  qmax: number;
}

/** A per-channel scheme as calibration returns it: every field resolved. */
export interface ChannelQuant extends QuantScheme {
  scale: Float32Array;
  zeroPoint: Int32Array;
  axis: number;
  bits: number;
  qmin: number;
  qmax: number;
}

/** Options of {@link quantParams}. */
export interface QuantParamsOptions {
  /** Smallest real value to represent (extended to 0 if positive). */
  min: number;
  /** Largest real value to represent (extended to 0 if negative). */
  max: number;
  /** Bits, 2..8. Default 8. */
  bits?: number;
  /** Container dtype. Default `'int8'`. */
  dtype?: QDType;
  /** Symmetric around real 0 (zero point 0 for int8, 2^(N-1) for uint8). Default false. */
  symmetric?: boolean;
  /** Drop the lowest code (see module doc). Default false. */
  narrowRange?: boolean;
}

/** Largest finite float32. */
export const FLT_MAX = 3.4028234663852886e38;
/** Smallest positive normal float32 (2^-126): the floor of every derived scale. */
export const MIN_SCALE = 2 ** -126;

/** Checks a bit width: an integer in 2..8. */
export function checkBits(op: string, bits: unknown): number {
  if (typeof bits !== 'number' || !Number.isInteger(bits) || bits < 2 || bits > 8) {
    throw new QuantError(op, `bits = ${fmt(bits)} is not an integer in 2..8.`, 'use 8 for standard int8/uint8 tensors, or 2..7 for narrower fixed point (1-bit tensors use the binary kernels).');
  }
  return bits;
}

/** Checks a container dtype. */
export function checkQDType(op: string, dtype: unknown): QDType {
  if (dtype !== 'int8' && dtype !== 'uint8') throw new QuantError(op, `dtype = ${fmt(dtype)} is not a quantised container.`, "use 'int8' or 'uint8'.");
  return dtype;
}

/** [qmin, qmax] of N-bit values in an int8/uint8 container (the table in the module doc). */
export function nbitRange(dtype: QDType, bits = 8, narrowRange = false): [number, number] {
  if (dtype === 'int8') return [-(2 ** (bits - 1)) + (narrowRange ? 1 : 0), 2 ** (bits - 1) - 1];
  return [narrowRange ? 1 : 0, 2 ** bits - 1];
}

/** The zero point of a symmetric scheme: 0 for int8, 2^(N-1) (the middle code) for uint8. */
export function symmetricZeroPoint(dtype: QDType, bits: number): number {
  return dtype === 'int8' ? 0 : 2 ** (bits - 1);
}

/** Smallest float32 >= x (x > 0, finite): scales are rounded up so that they cover the range. */
function f32Up(x: number): number {
  const f = Math.fround(x);
  if (f >= x) return f;
  const b = new Float32Array([f]);
  new Uint32Array(b.buffer)[0] += 1; // positive float: next bit pattern is the next float up
  return b[0];
}

function checkReal(op: string, what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new QuantError(op, `${what} = ${fmt(v)} is not a finite number.`, `pass a finite ${what} (calibrate from data without NaN/Infinity).`);
  }
  if (Math.abs(v) > FLT_MAX) throw new QuantError(op, `${what} = ${fmt(v)} is beyond the float32 range (±3.4e38).`, `pass a ${what} that float32 data can hold.`);
  return v;
}

/**
 * Scale and zero point for real values in [min, max] as N-bit fixed point.
 *
 * - The range is first extended to include 0 (min' = min(min, 0), max' = max(max, 0)), so real 0
 *   is exactly representable: it quantises to `zeroPoint` and dequantises to 0.
 * - Asymmetric: scale = (max' - min') / (qmax - qmin); zeroPoint = roundHalfEven(qmin - min'/scale)
 *   clamped to [qmin, qmax] (gemmlowp/TFLite's "nudged" zero point).
 * - Symmetric: zeroPoint = 0 (int8) or 2^(N-1) (uint8); scale = max(|min|, |max|) / m where m is
 *   the smaller of qmax - zeroPoint and zeroPoint - qmin (TFLite: maxabs / 127 for int8 and
 *   8 bits), so both +maxabs and -maxabs are representable without clamping.
 * - The scale is a float32 rounded UP, so scale * (qmax - qmin) covers the range; it is at least
 *   2^-126 (the smallest normal float32), which only matters for ranges narrower than ~1e-36.
 * - min == max == 0 (after extension; e.g. an all-zero tensor): scale = 1 (any scale represents
 *   0 exactly; 1 keeps downstream multipliers sane) and zeroPoint = the symmetric zero point when
 *   symmetric, else the representable integer closest to 0 (0 for int8, qmin for uint8).
 *
 * Within [min', max'] the round trip |dequantize(quantize(x)) - x| is at most scale / 2 (plus
 * float32 rounding of x / scale).
 *
 * @throws QuantError for NaN/Infinity bounds, min > max, bits outside 2..8 or a bad dtype.
 */
export function quantParams(options: QuantParamsOptions): TensorQuant {
  const op = 'quantParams';
  if (typeof options !== 'object' || options === null) throw new ValueError(op, `options must be an object, got ${fmt(options)}.`, 'pass { min, max, bits?, dtype?, symmetric?, narrowRange? }.');
  const min = checkReal(op, 'min', options.min);
  const max = checkReal(op, 'max', options.max);
  if (min > max) throw new QuantError(op, `min = ${fmt(min)} is greater than max = ${fmt(max)}.`, 'swap them, or pass min <= max.');
  const bits = checkBits(op, options.bits ?? 8);
  const dtype = checkQDType(op, options.dtype ?? 'int8');
  const symmetric = !!options.symmetric;
  const narrowRange = !!options.narrowRange;
  const [qmin, qmax] = nbitRange(dtype, bits, narrowRange);
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  if (symmetric) {
    const zeroPoint = symmetricZeroPoint(dtype, bits);
    const maxabs = Math.max(-lo, hi);
    const steps = Math.min(qmax - zeroPoint, zeroPoint - qmin);
    const scale = maxabs === 0 ? 1 : Math.max(MIN_SCALE, f32Up(maxabs / steps));
    return { dtype, bits, narrowRange, qmin, qmax, scale, zeroPoint };
  }
  if (lo === hi) return { dtype, bits, narrowRange, qmin, qmax, scale: 1, zeroPoint: Math.min(qmax, Math.max(qmin, 0)) };
  const scale = Math.max(MIN_SCALE, f32Up((hi - lo) / (qmax - qmin)));
  // + 0 turns a -0 (rounding -0.5) into 0.
  const zeroPoint = Math.min(qmax, Math.max(qmin, roundHalfEven(qmin - lo / scale))) + 0;
  return { dtype, bits, narrowRange, qmin, qmax, scale, zeroPoint };
}

/** A scheme validated and resolved for a tensor of a given shape (see {@link resolveScheme}). */
export interface ResolvedScheme {
  dtype: QDType;
  qmin: number;
  qmax: number;
  /** Channels (1 for per-tensor). */
  channels: number;
  /** Product of the dimensions before / after the channel axis (per-tensor: 1 and size). */
  outer: number;
  inner: number;
  /** float32 scales and int32 zero points, one per channel. */
  scales: Float32Array;
  zeroPoints: Int32Array;
}

function isArrayLike(v: unknown): v is ArrayLike<number> {
  return typeof v === 'object' && v !== null && typeof (v as ArrayLike<number>).length === 'number';
}

/**
 * Validates a {@link QuantScheme} for a tensor of `shape` and resolves it into per-channel arrays.
 * Every problem is a QuantError (or ShapeError-like QuantError for channel counts) naming `op`.
 * Pure: touches no Wasm memory.
 */
export function resolveScheme(op: string, scheme: QuantScheme, shape: readonly number[]): ResolvedScheme {
  if (typeof scheme !== 'object' || scheme === null) throw new ValueError(op, `params must be a quantisation scheme object, got ${fmt(scheme)}.`, 'pass quantParams({ min, max }) or { dtype, scale, zeroPoint }.');
  const dtype = checkQDType(op, scheme.dtype);
  const bits = checkBits(op, scheme.bits ?? 8);
  let [qmin, qmax] = nbitRange(dtype, bits, !!scheme.narrowRange);
  if (scheme.qmin !== undefined) qmin = checkZeroPoint(op, 'params.qmin', scheme.qmin, dtype);
  if (scheme.qmax !== undefined) qmax = checkZeroPoint(op, 'params.qmax', scheme.qmax, dtype);
  if (qmin > qmax) throw new QuantError(op, `params.qmin = ${qmin} is greater than params.qmax = ${qmax}.`, 'pass qmin <= qmax, or omit both to use the N-bit range.');
  const size = shape.reduce((a, b) => a * b, 1);
  // Per channel as soon as either the scales or the zero points hold more than one value.
  const perChannel = (isArrayLike(scheme.scale) && scheme.scale.length !== 1) || (isArrayLike(scheme.zeroPoint) && scheme.zeroPoint.length !== 1);
  let channels = 1;
  let outer = 1;
  let inner = size;
  if (perChannel) {
    const rank = shape.length;
    const a = scheme.axis ?? -1;
    if (typeof a !== 'number' || !Number.isInteger(a) || a < -rank || a >= rank) {
      throw new QuantError(op, `params.axis = ${fmt(a)} is not an axis of a rank-${rank} tensor.`, `use an integer in [${-rank}, ${rank - 1}] (-1 = last axis for NHWC, 0 for OHWI weights).`);
    }
    const axis = a < 0 ? a + rank : a;
    channels = shape[axis];
    outer = shape.slice(0, axis).reduce((x, y) => x * y, 1);
    inner = shape.slice(axis + 1).reduce((x, y) => x * y, 1);
  } else if (scheme.axis !== undefined && (typeof scheme.axis !== 'number' || !Number.isInteger(scheme.axis))) {
    throw new QuantError(op, `params.axis = ${fmt(scheme.axis)} is not an integer.`, 'pass an integer axis, or omit it for per-tensor parameters.');
  }
  const scales = new Float32Array(channels);
  const zeroPoints = new Int32Array(channels);
  const sc = scheme.scale;
  const zp = scheme.zeroPoint ?? 0;
  if (isArrayLike(sc) && sc.length !== 1 && sc.length !== channels) {
    throw new QuantError(op, `params.scale has ${sc.length} values but the tensor has ${channels} channels along params.axis = ${fmt(scheme.axis ?? -1)}.`, `pass one scale per channel (${channels}), or set axis to the channel axis.`);
  }
  if (isArrayLike(zp) && zp.length !== 1 && zp.length !== channels) {
    throw new QuantError(op, `params.zeroPoint has ${zp.length} values but the tensor has ${channels} channels.`, `pass one zero point, or one per channel (${channels}).`);
  }
  if (!isArrayLike(sc) && typeof sc !== 'number') throw new QuantError(op, `params.scale = ${fmt(sc)} is not a number or an array of numbers.`, 'pass a positive scale, or one per channel.');
  if (!isArrayLike(zp) && typeof zp !== 'number') throw new QuantError(op, `params.zeroPoint = ${fmt(zp)} is not a number or an array of numbers.`, 'pass an integer zero point, or one per channel.');
  for (let c = 0; c < channels; c++) {
    const sv = isArrayLike(sc) ? sc[sc.length === 1 ? 0 : c] : sc;
    const what = isArrayLike(sc) && sc.length > 1 ? `params.scale[${c}]` : 'params.scale';
    const f = Math.fround(sv);
    if (typeof sv !== 'number' || !Number.isFinite(sv) || sv <= 0 || !(f > 0) || !Number.isFinite(f)) {
      throw new QuantError(op, `${what} = ${fmt(sv)}; a scale must be a finite number > 0 that float32 can hold (about 1.4e-45 to 3.4e38).`, 'derive scales with quantParams or calibrate, or pass a positive number.');
    }
    scales[c] = f;
    const zv = isArrayLike(zp) ? zp[zp.length === 1 ? 0 : c] : zp;
    const zwhat = isArrayLike(zp) && zp.length > 1 ? `params.zeroPoint[${c}]` : 'params.zeroPoint';
    if (typeof zv !== 'number' || !Number.isInteger(zv) || zv < qmin || zv > qmax) {
      throw new QuantError(op, `${zwhat} = ${fmt(zv)} is not an integer in [${qmin}, ${qmax}] (the ${bits}-bit ${dtype} range), so real 0 would not be representable.`, `use a zero point in [${qmin}, ${qmax}] (quantParams computes one).`);
    }
    zeroPoints[c] = zv;
  }
  return { dtype, qmin, qmax, channels, outer, inner, scales, zeroPoints };
}


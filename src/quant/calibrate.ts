/**
 * Calibration: quantisation parameters from sample data (pure TypeScript; not a hot path).
 * @module
 */
import { QuantError, ShapeError, ValueError, fmt } from '../errors.js';
import { checkFinite } from '../runtime/engine.js';
import { checkShape } from '../runtime/tensor.js';
import { checkBits, checkQDType, quantParams, type ChannelQuant, type QDType, type TensorQuant } from './params.js';

/** Options of {@link calibrate}. */
export interface CalibrateOptions {
  /**
   * `'minmax'` (default): the smallest and largest sample. `'percentile'`: clip outliers (see
   * {@link calibrate} for the exact rank).
   */
  method?: 'minmax' | 'percentile';
  /** Percentile in [50, 100] for `method: 'percentile'`. Default 99.99. */
  percentile?: number;
  /**
   * Per-channel calibration. Give `shape` (each sample is one tensor of that shape, or a batch of
   * them: length a multiple of its size) and `axis`; without `shape`, `axis` must be -1 (channels
   * innermost: channel = i % channels, any length that is a multiple of `channels`) or 0 (channels
   * outermost: each sample is one tensor, channel = floor(i / (length / channels))).
   */
  perChannel?: { axis: number; channels?: number; shape?: readonly number[] };
  /** Bits, 2..8. Default 8. */
  bits?: number;
  /** Container dtype. Default `'int8'`. */
  dtype?: QDType;
  /** Symmetric around 0. Default false. */
  symmetric?: boolean;
  /** Drop the lowest code. Default false. */
  narrowRange?: boolean;
}

/** How flat indices map to channels: index i of a sample -> channel floor(i / inner) % channels. */
interface Layout {
  channels: number;
  /** Elements per channel run; 0 means "length / channels" of each sample (axis 0 without shape). */
  inner: number;
  /** Each sample's length must be a multiple of this. */
  unit: number;
  axis: number;
}

function layoutOf(op: string, pc: CalibrateOptions['perChannel']): Layout {
  if (typeof pc !== 'object' || pc === null) throw new ValueError(op, `perChannel must be { axis, channels?, shape? }, got ${fmt(pc)}.`, 'pass e.g. { axis: -1, channels: 16 } or { axis: 0, shape: [16, 3, 3, 8] }.');
  const { axis, shape } = pc;
  if (shape !== undefined) {
    const size = checkShape(op, 'perChannel', shape);
    const rank = shape.length;
    if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
      throw new QuantError(op, `perChannel.axis = ${fmt(axis)} is not an axis of shape ${fmt(shape)}.`, `use an integer in [${-rank}, ${rank - 1}].`);
    }
    const a = axis < 0 ? axis + rank : axis;
    if (pc.channels !== undefined && pc.channels !== shape[a]) {
      throw new ShapeError(op, `perChannel.channels = ${fmt(pc.channels)} but shape ${fmt(shape)} has ${shape[a]} along axis ${axis}.`, 'omit channels when giving shape, or make them agree.');
    }
    return { channels: shape[a], inner: shape.slice(a + 1).reduce((x, y) => x * y, 1), unit: size, axis: a };
  }
  const c = pc.channels;
  if (typeof c !== 'number' || !Number.isInteger(c) || c <= 0) {
    throw new ShapeError(op, `perChannel.channels = ${fmt(c)} is not a positive integer.`, 'pass the channel count, or perChannel.shape.');
  }
  if (axis === -1) return { channels: c, inner: 1, unit: c, axis: -1 };
  if (axis === 0) return { channels: c, inner: 0, unit: c, axis: 0 };
  throw new QuantError(op, `perChannel.axis = ${fmt(axis)} needs perChannel.shape to locate the channels.`, 'pass perChannel.shape, or use axis -1 (channels innermost) or 0 (channels outermost).');
}

/**
 * The rank used by the percentile method: k = ceil(p/100 * n), clamped to [1, n], computed in
 * double with a tolerance of 1e-9 * n so that decimal percentiles such as 99.99 do not round up a
 * whole rank through binary representation error.
 */
export function percentileRank(p: number, n: number): number {
  const k = Math.ceil((p * n) / 100 - 1e-9 * n);
  return Math.min(n, Math.max(1, k));
}

/** [lo, hi] of one channel's values (sorted or not) by the chosen method. */
function rangeOf(values: Float32Array, method: 'minmax' | 'percentile', p: number, symmetric: boolean): [number, number] {
  const n = values.length;
  if (method === 'minmax') {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return [lo, hi];
  }
  const k = percentileRank(p, n);
  if (symmetric) {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = Math.abs(values[i]);
    a.sort();
    return [-a[k - 1], a[k - 1]];
  }
  const s = Float32Array.from(values).sort();
  return [s[n - k], s[k - 1]];
}

/**
 * Quantisation parameters from sample data.
 *
 * - `minmax`: [min, max] of all samples (per channel with `perChannel`).
 * - `percentile` (p, default 99.99), over the n values of the tensor (or channel), k = ceil(p/100 * n)
 *   ({@link percentileRank}):
 *   symmetric: T = the k-th smallest |x| (1-based), range [-T, T];
 *   asymmetric: max = the k-th smallest x, min = the k-th largest x (both tails clipped alike).
 *   p = 100 gives the min/max. Deterministic (sorting), O(n log n).
 *
 * The range then goes through {@link quantParams} (extended to include 0, N bits, dtype,
 * symmetric, narrowRange). Per-channel results hold one scale and zero point per channel and the
 * channel `axis` (-1 or 0 without shape; the normalised axis with shape).
 *
 * @throws ValueError for NaN/Infinity in the samples or no data; ShapeError/QuantError for bad
 *   per-channel layouts, bits, dtype or percentile.
 */
export function calibrate(samples: Float32Array | readonly Float32Array[], options?: CalibrateOptions & { perChannel?: undefined }): TensorQuant;
export function calibrate(samples: Float32Array | readonly Float32Array[], options: CalibrateOptions & { perChannel: NonNullable<CalibrateOptions['perChannel']> }): ChannelQuant;
export function calibrate(samples: Float32Array | readonly Float32Array[], options?: CalibrateOptions): TensorQuant | ChannelQuant;
export function calibrate(samples: Float32Array | readonly Float32Array[], options: CalibrateOptions = {}): TensorQuant | ChannelQuant {
  const op = 'calibrate';
  const list = samples instanceof Float32Array ? [samples] : samples;
  if (!Array.isArray(list) || list.length === 0) throw new ValueError(op, `samples must be a Float32Array or a non-empty array of them, got ${fmt(samples)}.`, 'pass the calibration data as Float32Array(s).');
  list.forEach((s, i) => {
    if (!(s instanceof Float32Array)) throw new ValueError(op, `samples[${i}] is not a Float32Array.`, 'convert the data to Float32Array.');
    checkFinite(op, `samples[${i}]`, s);
  });
  const method = options.method ?? 'minmax';
  if (method !== 'minmax' && method !== 'percentile') throw new ValueError(op, `method = ${fmt(method)} is not known.`, "use 'minmax' or 'percentile'.");
  const p = options.percentile ?? 99.99;
  if (typeof p !== 'number' || !(p >= 50 && p <= 100)) throw new QuantError(op, `percentile = ${fmt(p)} is not in [50, 100].`, 'use e.g. 99.99 (clip the outermost 0.01 %), or 100 for min/max.');
  const bits = checkBits(op, options.bits ?? 8);
  const dtype = checkQDType(op, options.dtype ?? 'int8');
  const symmetric = !!options.symmetric;
  const narrowRange = !!options.narrowRange;
  const base = { bits, dtype, symmetric, narrowRange };

  if (options.perChannel === undefined) {
    const n = list.reduce((a, s) => a + s.length, 0);
    if (n === 0) throw new ValueError(op, 'the samples hold no values.', 'pass at least one value.');
    const all = new Float32Array(n);
    let o = 0;
    for (const s of list) {
      all.set(s, o);
      o += s.length;
    }
    const [min, max] = rangeOf(all, method, p, symmetric);
    return quantParams({ min, max, ...base });
  }

  const L = layoutOf(op, options.perChannel);
  const counts = new Array<number>(L.channels).fill(0);
  list.forEach((s, i) => {
    if (s.length === 0 || s.length % L.unit !== 0) {
      throw new ShapeError(op, `samples[${i}] has ${fmt(s.length)} values, not a positive multiple of ${fmt(L.unit)} (${L.inner === 0 ? 'the channel count' : 'the per-channel layout'}).`, 'pass whole tensors of the per-channel shape.');
    }
    for (let c = 0; c < L.channels; c++) counts[c] += s.length / L.channels;
  });
  const perCh = counts.map((n) => new Float32Array(n));
  const fill = new Array<number>(L.channels).fill(0);
  for (const s of list) {
    const inner = L.inner === 0 ? s.length / L.channels : L.inner;
    for (let i = 0; i < s.length; i++) {
      const c = Math.floor(i / inner) % L.channels;
      perCh[c][fill[c]++] = s[i];
    }
  }
  const scale = new Float32Array(L.channels);
  const zeroPoint = new Int32Array(L.channels);
  let qmin = 0;
  let qmax = 0;
  for (let c = 0; c < L.channels; c++) {
    const [min, max] = rangeOf(perCh[c], method, p, symmetric);
    const q = quantParams({ min, max, ...base });
    scale[c] = q.scale;
    zeroPoint[c] = q.zeroPoint;
    qmin = q.qmin;
    qmax = q.qmax;
  }
  return { dtype, bits, narrowRange, qmin, qmax, scale, zeroPoint, axis: L.axis };
}

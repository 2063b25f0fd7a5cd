/**
 * Binary and ternary weight quantisers (pure TypeScript, no engine): convert float weights trained
 * elsewhere (or by macflow) to the {-1, +1} / {-1, 0, +1} values that packBits / packTernary pack,
 * with per-channel scales.
 *
 * - {@link binarize}: XNOR-Net (Rastegari et al., ECCV 2016): b = sign(w) (0 -> +1, the packing
 *   convention), alpha[c] = mean |w| over channel c. `rounding: 'stochastic'` is BinaryConnect's
 *   (Courbariaux et al., NIPS 2015): b = +1 with probability hardSigmoid(w) = clip((w + 1) / 2, 0, 1).
 * - {@link ternarize}: TWN (Li and Liu, 2016): delta[c] = thresholdFactor (0.7) * mean |w|, t = sign(w)
 *   where |w| > delta else 0, alpha[c] = mean |w| over the non-zero t. `rounding: 'stochastic'` is
 *   ternary connect (Lin et al., ICLR 2016) on w / max|w|: t = sign(w) with probability |w| / max|w|,
 *   else 0, alpha = max|w| (so E[alpha * t] = w).
 *
 * Stochastic rounding is seeded (mulberry32): the same seed gives the same values.
 * @module
 */
import { seededRandom } from '../util/random.js';
import { QuantError, ShapeError, ValueError, fmt } from '../errors.js';
import { checkFinite } from '../runtime/engine.js';
import { checkShape } from '../runtime/tensor.js';

/** Options of {@link binarize} and {@link ternarize}. */
export interface BinaryQuantOptions {
  /** One scale per output channel (along `axis`); else one for the tensor. Default true. */
  perChannel?: boolean;
  /** Output-channel axis. Default 0 (OHWI / [out, in] layouts). */
  axis?: number;
  /** `'deterministic'` (default) or `'stochastic'` (seeded). */
  rounding?: 'deterministic' | 'stochastic';
  /** Seed of the stochastic rounding. Default 1. */
  seed?: number;
}

/** Options of {@link ternarize}. */
export interface TernaryQuantOptions extends BinaryQuantOptions {
  /** delta = thresholdFactor * mean |w| per channel (deterministic rounding). Default 0.7 (TWN). */
  thresholdFactor?: number;
}

/** Result of {@link binarize} / {@link ternarize}. */
export interface BinaryWeights {
  /** {-1, +1} or {-1, 0, +1}, same layout as the input. */
  values: Int8Array;
  shape: readonly number[];
  /** float32 scale per channel (one value when perChannel is false): w ~ scale * values. */
  scales: Float32Array;
  /** Ternary only: the threshold per channel (|w| <= delta became 0). */
  deltas?: Float32Array;
}


/** Resolves the channel of each element: (outer, channels, inner) around `axis`. */
function channels(op: string, w: ArrayLike<number>, shape: readonly number[], o: BinaryQuantOptions) {
  const size = checkShape(op, 'w', shape);
  if (!w || typeof w.length !== 'number' || w.length !== size) throw new ShapeError(op, `w has ${fmt(w?.length)} values but shape ${fmt(shape)} needs ${fmt(size)}.`, 'pass data whose length is the product of the shape.');
  checkFinite(op, 'w', w);
  const perChannel = o.perChannel ?? true;
  const axis = o.axis ?? 0;
  if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length) throw new ValueError(op, `axis = ${fmt(axis)} is not an axis of shape ${fmt(shape)}.`, `pass 0..${shape.length - 1}.`);
  const rounding = o.rounding ?? 'deterministic';
  if (rounding !== 'deterministic' && rounding !== 'stochastic') throw new ValueError(op, `rounding = ${fmt(rounding)} is not known.`, "use 'deterministic' or 'stochastic'.");
  const seed = o.seed ?? 1;
  if (!Number.isInteger(seed)) throw new ValueError(op, `seed = ${fmt(seed)} must be an integer.`, 'pass an integer seed.');
  const nc = perChannel ? shape[axis] : 1;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const chan = (i: number) => (perChannel ? Math.floor(i / inner) % nc : 0);
  return { size, nc, chan, rounding, rand: seededRandom(seed) };
}

/**
 * Binarises float weights: values = sign(w) in {-1, +1} (0 -> +1), scales = mean |w| per channel
 * (XNOR-Net's alpha), or BinaryConnect's stochastic rounding.
 */
export function binarize(w: ArrayLike<number>, shape: readonly number[], options: BinaryQuantOptions = {}): BinaryWeights {
  const op = 'binarize';
  const { size, nc, chan, rounding, rand } = channels(op, w, shape, options);
  const sums = new Float64Array(nc), counts = new Float64Array(nc);
  const values = new Int8Array(size);
  for (let i = 0; i < size; i++) {
    const c = chan(i);
    sums[c] += Math.abs(w[i]);
    counts[c]++;
    if (rounding === 'deterministic') values[i] = w[i] < 0 ? -1 : 1;
    else values[i] = rand() < Math.min(1, Math.max(0, (w[i] + 1) / 2)) ? 1 : -1;
  }
  const scales = Float32Array.from(sums, (s, c) => (s > 0 ? s / counts[c] : 1));
  return { values, shape: [...shape], scales };
}

/**
 * Ternarises float weights to {-1, 0, +1} with a per-channel threshold delta = thresholdFactor *
 * mean |w| and scale alpha = mean |w| over the kept weights (TWN), or Lin et al.'s stochastic
 * ternary rounding.
 */
export function ternarize(w: ArrayLike<number>, shape: readonly number[], options: TernaryQuantOptions = {}): BinaryWeights {
  const op = 'ternarize';
  const { size, nc, chan, rounding, rand } = channels(op, w, shape, options);
  const factor = options.thresholdFactor ?? 0.7;
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 0) throw new QuantError(op, `thresholdFactor = ${fmt(factor)} must be a finite number >= 0.`, 'pass e.g. 0.7 (TWN) or omit it.');
  const sum = new Float64Array(nc), count = new Float64Array(nc), maxAbs = new Float64Array(nc);
  for (let i = 0; i < size; i++) {
    const c = chan(i), a = Math.abs(w[i]);
    sum[c] += a;
    count[c]++;
    if (a > maxAbs[c]) maxAbs[c] = a;
  }
  const deltas = Float32Array.from(sum, (s, c) => (factor * s) / count[c]);
  const values = new Int8Array(size);
  const kept = new Float64Array(nc), keptN = new Float64Array(nc);
  for (let i = 0; i < size; i++) {
    const c = chan(i), a = Math.abs(w[i]);
    let t = 0;
    if (rounding === 'deterministic') t = a > deltas[c] ? (w[i] < 0 ? -1 : 1) : 0;
    else if (maxAbs[c] > 0) t = rand() < a / maxAbs[c] ? (w[i] < 0 ? -1 : 1) : 0;
    values[i] = t;
    if (t !== 0) {
      kept[c] += a;
      keptN[c]++;
    }
  }
  const scales = rounding === 'deterministic'
    ? Float32Array.from(kept, (s, c) => (keptN[c] > 0 ? s / keptN[c] : 1))
    : Float32Array.from(maxAbs, (m) => (m > 0 ? m : 1));
  return { values, shape: [...shape], scales, deltas };
}

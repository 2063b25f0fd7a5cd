/**
 * Kernel selection for {@link conv2dAuto} and {@link denseAuto}: dense, zero-skip (activations)
 * or CSR (pruned weights), from the measured activation and weight densities against crossovers
 * that bench/csr.mjs (suite `crossover`) and bench/conv-zeroskip.mjs justify. No Wasm memory is
 * written; the density scan reads an engine tensor with one Wasm kernel.
 * @module
 */
import { ValueError, fmt } from '../errors.js';
import { checkZeroPoint } from './common.js';
import type { Isa } from '../runtime/detect.js';
import type { Engine, TensorLike } from '../runtime/engine.js';
import { Tensor } from '../runtime/tensor.js';

/** A kernel the automatic ops can run. */
export type KernelChoice = 'dense' | 'zeroskip' | 'csr';

/** What the user passes as `use`: `'auto'` (measure and choose) or a forced kernel. */
export type KernelUse = 'auto' | KernelChoice;

/**
 * Weight density (non-zero fraction) below which CSR beats our dense kernel, per layer kind and
 * build. Measured with `node --no-liftoff --experimental-wasm-relaxed-simd bench/csr.mjs <reps>
 * <isa> crossover` (dense and CSR interleaved in one process, uniform random pruning, int8
 * weights with zero point 0, uint8 activations, requantised output; median of the per-pair
 * wall-clock speedups CSR / dense; 2-core box shared with other jobs, load 3.6-4.7, so single
 * cells are +-15 %):
 *
 * | CSR / dense at weight density | 0.9  | 0.8  | 0.7  | 0.6  | 0.5  | 0.4  | 0.3  | 0.2  |
 * |-------------------------------|------|------|------|------|------|------|------|------|
 * | FC 4096^2 batch 1, simd       |      |      |      | 1.02 | 1.10 | 1.50 | 1.66 | 2.68 |
 * | FC 4096^2 batch 1, relaxed    |      |      |      | 0.65 | 0.67 | 1.03 | 1.15 | 1.58 |
 * | FC 4096^2 batch 1, scalar     |      |      |      | 2.96 | 4.58 | 5.39 | 6.41 | 10.8 |
 * | FC 4096^2 batch 16, simd      |      |      |      | 0.93 | 1.21 | 1.48 | 1.86 | 2.64 |
 * | FC 4096^2 batch 16, relaxed   | 0.90 | 0.97 | 1.14 | 1.12 | 1.55 | 1.78 | 2.14 |      |
 * | FC 4096^2 batch 16, scalar    | 0.49 | 0.55 | 0.68 | 0.76 | 0.53 | 0.97 | 1.18 |      |
 * | VGG-16 conv3_1, simd          |      |      |      | 0.76 | 1.07 | 1.19 | 1.42 | 2.03 |
 * | VGG-16 conv3_1, relaxed       |      |      |      | 0.66 | 0.81 | 1.10 | 1.66 | 2.22 |
 * | VGG-16 conv3_1, scalar        |      |      |      | 0.85 | 1.15 | 1.36 | 1.81 | 2.64 |
 *
 * The defaults sit at (or a little below) the break-even points. Batch 1 of the scalar build
 * runs a slow dense matrix-vector path, so CSR wins there even at 0.6 (0.9 is an extrapolation).
 * Batch 1 values assume the int8 batch-1 form (every w - wzp in int8); the int16 fallback is
 * slower (about 0.2 in the simd build before that form existed). Other layer shapes move these
 * points: pass `csrCrossover` to override.
 */
export const CSR_CROSSOVER: Readonly<Record<'fc1' | 'fcBatched' | 'conv', Readonly<Record<Isa, number>>>> = {
  fc1: { scalar: 0.9, simd: 0.5, relaxed: 0.4 },
  fcBatched: { scalar: 0.35, simd: 0.55, relaxed: 0.6 },
  conv: { scalar: 0.55, simd: 0.45, relaxed: 0.4 },
};

/**
 * Activation density below which {@link denseAuto} runs the zero-skipping kernel (the FC layer as
 * a 1x1 convolution): 0, i.e. never by default. bench/csr.mjs (crossover suite) measured it on
 * FC 4096x4096 with dense weights at 0.13-0.5x our dense kernel (batch 1) and 0.15-0.37x (batch
 * 16) for activation densities 0.7 .. 0.1 in the SIMD builds, 0.09-0.55x in the scalar build
 * (it re-lays out the 16 MiB weight matrix per call).
 * Forcing `use: 'zeroskip'` still works.
 */
export const FC_ZERO_SKIP_CROSSOVER = 0;

/** Why a kernel ran: the measured densities, the thresholds compared, the decision. */
export interface KernelSelection {
  /** The kernel that ran. */
  ran: KernelChoice;
  /** True when the user forced it (`use` other than `'auto'`). */
  forced: boolean;
  /** Measured non-zero fraction of the activations (x != xZeroPoint); undefined when not measured. */
  activationDensity: number | undefined;
  /** Non-zero fraction of the weights (w != wZeroPoint of its row); undefined when not measured. */
  weightDensity: number | undefined;
  /** Activation density below which zero-skip pays (0 disables it). */
  zeroSkipCrossover: number;
  /** Weight density below which CSR pays. */
  csrCrossover: number;
  /** One sentence: the comparison that decided. */
  reason: string;
}

/**
 * The decision rule. Each sparse kernel is modelled as taking time proportional to its density
 * with break-even at its crossover, so its estimated speedup over dense is crossover / density;
 * the kernel with the largest estimate above 1 runs, else dense. With only one density sparse
 * this reduces to "density < crossover"; with both (pruned weights AND sparse activations) the
 * relatively sparser operand wins. CSR is never combined with skipZeros automatically:
 * bench/csr.mjs measured CSR + skipZeros at 0.4-0.74x plain CSR on conv3_1 (weight density 0.1,
 * clustered activations at density 0.5 .. 0.1), 0.04-0.4x on FC batch 1 and 0.53-0.85x on FC
 * batch 16 (the batch-1 skip path is scalar; the vector paths only skip all-zero lane vectors).
 *
 * `available`: kernels whose weight form exists (an {@link AutoWeights} keeps only some); the
 * best available one runs.
 */
export function chooseKernel(
  activationDensity: number | undefined, weightDensity: number | undefined,
  zeroSkipCrossover: number, csrCrossover: number, available: ReadonlySet<KernelChoice>,
): { ran: KernelChoice; reason: string } {
  const est = (x: number, d: number | undefined) => (d === undefined || x <= 0 ? 0 : d === 0 ? Infinity : x / d);
  const cand: { k: KernelChoice; s: number; why: string }[] = [
    { k: 'csr', s: est(csrCrossover, weightDensity), why: `weight density ${fmtD(weightDensity)} < CSR crossover ${csrCrossover}` },
    { k: 'zeroskip', s: est(zeroSkipCrossover, activationDensity), why: `activation density ${fmtD(activationDensity)} < zero-skip crossover ${zeroSkipCrossover}` },
  ];
  cand.sort((a, b) => b.s - a.s);
  for (const c of cand) {
    if (c.s > 1 && available.has(c.k)) {
      const other = cand.find((o) => o !== c && o.s > 1);
      return { ran: c.k, reason: c.why + (other ? ` (relatively sparser than: ${other.why}${available.has(other.k) ? '' : ', not packed'})` : '') };
    }
  }
  if (available.has('dense')) {
    return { ran: 'dense', reason: `no sparse kernel pays: activation density ${fmtD(activationDensity)} >= zero-skip crossover ${zeroSkipCrossover}, weight density ${fmtD(weightDensity)} >= CSR crossover ${csrCrossover}${cand.some((c) => c.s > 1) ? ' (or its weight form is not packed)' : ''}` };
  }
  // dense not packed: the best remaining form (an AutoWeights always keeps one).
  const k = cand.find((c) => available.has(c.k))!.k;
  return { ran: k, reason: `dense weights not packed; ${k} is the only form kept` };
}

function fmtD(d: number | undefined): string {
  return d === undefined ? 'unmeasured' : String(+d.toFixed(4));
}

/** Validates `use` (typed error naming the op). */
export function checkUse(op: string, use: unknown, allowed: readonly KernelUse[] = ['auto', 'dense', 'zeroskip', 'csr']): KernelUse {
  if (use === undefined) return 'auto';
  if (!allowed.includes(use as KernelUse)) throw new ValueError(op, `use = ${fmt(use)} is not known.`, `use ${allowed.map((a) => `'${a}'`).join(', ')}.`);
  return use as KernelUse;
}

/** Validates a crossover (a density in [0, 1]). */
export function checkCrossover(op: string, name: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new ValueError(op, `${name} = ${fmt(v)} must be a density in [0, 1].`, `omit it for the measured default (${dflt} on this build).`);
  return v;
}

/**
 * The selection step shared by {@link conv2dAuto} and {@link denseAuto}: with `use: 'auto'`
 * measure the activation density (and the weight density unless known) and apply
 * {@link chooseKernel}; otherwise record the forced choice. `scanMs` is the time the scans took.
 */
export function selectKernel(engine: Engine, o: {
  /** The calling op (named in errors). */
  op: string;
  use: KernelUse;
  x: TensorLike<'int8' | 'uint8'>;
  xZeroPoint: number;
  /** Known weight density (AutoWeights), else measured by `weightDensityOf` when needed. */
  weightDensity: number | undefined;
  weightDensityOf: () => number;
  zeroSkipCrossover: number;
  csrCrossover: number;
  available: ReadonlySet<KernelChoice>;
}): { selection: KernelSelection; scanMs: number } {
  const { use, zeroSkipCrossover, csrCrossover } = o;
  if (use !== 'auto') {
    return { selection: { ran: use, forced: true, activationDensity: undefined, weightDensity: o.weightDensity, zeroSkipCrossover, csrCrossover, reason: `forced by use = '${use}'` }, scanMs: 0 };
  }
  const t0 = performance.now();
  const density = densityOf(o.op, o.x, o.xZeroPoint, engine);
  const weightDensity = o.weightDensity ?? o.weightDensityOf();
  const scanMs = performance.now() - t0;
  const { ran, reason } = chooseKernel(density, weightDensity, zeroSkipCrossover, csrCrossover, o.available);
  return { selection: { ran, forced: false, activationDensity: density, weightDensity, zeroSkipCrossover, csrCrossover, reason }, scanMs };
}

/**
 * Fraction of elements of x that differ from `zeroPoint` (x's own domain): the activation density.
 * With `engine` and x a tensor of that engine, one vectorised Wasm pass over the tensor
 * (`q8_count_ne`, reads only); otherwise one pass in JavaScript over x.data (host array or a
 * tensor's view), several times slower on large inputs.
 */
export function activationDensity(x: TensorLike<'int8' | 'uint8'>, zeroPoint = 0, engine?: Engine): number {
  return densityOf('activationDensity', x, zeroPoint, engine);
}

/** {@link activationDensity} with errors naming `op`. */
function densityOf(op: string, x: TensorLike<'int8' | 'uint8'>, zeroPoint: number, engine: Engine | undefined): number {
  const data = x !== null && typeof x === 'object' ? (x instanceof Tensor ? undefined : (x as { data?: unknown }).data) : undefined;
  const dtype = x instanceof Tensor ? x.dtype : data instanceof Int8Array ? 'int8' : data instanceof Uint8Array ? 'uint8' : undefined;
  if (dtype !== 'int8' && dtype !== 'uint8') {
    throw new ValueError(op, `x must be int8 / uint8 activations (a tensor, or { data: Int8Array | Uint8Array }), got ${x instanceof Tensor ? `a ${x.dtype} tensor` : fmt(data ?? x)}.`, 'pass the int8 / uint8 activations.');
  }
  // Both scans compare whole bytes (zeroPoint & 0xff) except the JavaScript tail, which compares
  // values: a zero point outside x's dtype (or not an integer) made them disagree (int8 x, 200:
  // -56 counted as zero in the bytes, not in the tail). Refuse it instead.
  checkZeroPoint(op, 'xZeroPoint', zeroPoint, dtype);
  if (engine !== undefined && x instanceof Tensor && x.belongsTo(engine.heap)) {
    return x.size === 0 ? 0 : engine.kernels.q8_count_ne(x.ptr, x.size, zeroPoint) / x.size;
  }
  const d = x.data as Int8Array | Uint8Array;
  const n = d.length;
  if (n === 0) return 0;
  let nz = 0;
  // Four bytes at a time when the view is aligned: a zero point repeated in every byte.
  const aligned = d.byteOffset % 4 === 0;
  const q = aligned ? n >> 2 : 0;
  if (q > 0) {
    const z8 = zeroPoint & 0xff;
    const z32 = (z8 | (z8 << 8) | (z8 << 16) | (z8 << 24)) >>> 0;
    const u = new Uint32Array(d.buffer, d.byteOffset, q);
    for (let i = 0; i < q; i++) {
      // branch-free (ReLU data makes any branch unpredictable): high bit of each zero byte set
      const v = u[i] ^ z32;
      const zb = ~(((v & 0x7f7f7f7f) + 0x7f7f7f7f) | v) & 0x80808080;
      nz += 4 - (Math.imul(zb >>> 7, 0x01010101) >>> 24);
    }
  }
  for (let i = q * 4; i < n; i++) if (d[i] !== zeroPoint) nz++;
  return nz / n;
}

/**
 * conv2dAuto: dense, zero-skipping or CSR (pruned weights) convolution, chosen from the measured
 * density of the actual input (a JavaScript scan of x, counted in the call's cost) and of the
 * weights (measured once by packAutoWeights, or scanned per call for plain weights) against
 * crossovers that bench/conv-zeroskip.mjs and bench/csr.mjs justify (src/ops/select.ts). Reports
 * which kernel ran and why; the user can force any.
 * @module
 */
import { conv2dInfo } from '../descriptors/conv.js';
import type { QuantParams } from '../descriptors/output-stage.js';
import { ShapeError, UnsupportedError, ValueError, fmt } from '../errors.js';
import { kernel, kernelName } from '../kernels/registry.js';
import type { Isa } from '../runtime/detect.js';
import type { Engine, TensorLike } from '../runtime/engine.js';
import type { Tensor } from '../runtime/tensor.js';
import { conv2d, PackedConvWeights } from './conv2d.js';
import { conv2dZeroSkip, type Conv2DZeroSkipParams, type ZeroSkipCounts } from './conv2d-zeroskip.js';
import type { FeieReport } from '../accel/feie.js';
import { AutoWeights, csrOf, resolveZeroPoints, weightDensityOf } from './auto-weights.js';
import { CSR_CROSSOVER, checkCrossover, checkUse, selectKernel, type KernelChoice, type KernelSelection } from './select.js';
import { conv2dCsr, type SparseCounts } from './sparse.js';
import { QuantError } from '../errors.js';
import { Tensor as TensorClass } from '../runtime/tensor.js';

/**
 * Activation density (non-zero fraction) below which {@link conv2dAuto} runs the zero-skipping
 * kernel, per build. Measured on VGG-16 conv3_1, ResNet-50 3x3 and AlexNet conv2 with spatially
 * clustered ReLU zeros (bench/conv-zeroskip.results.md). SIMD builds (block-sparse kernel): zero-
 * skip is 0.89-1.03x dense at density 1.0 and 1.02-1.19x at 0.7, so the crossover sits between.
 * Scalar build (scatter kernel): 0.7-0.8x at 0.5, 1.17-1.44x at 0.3. Zeros that are less
 * clustered than ReLU's make the block-sparse kernel multiply more zeros: pass a lower
 * `crossover` for such data.
 */
export const ZERO_SKIP_CROSSOVER: Readonly<Record<Isa, number>> = { scalar: 0.4, simd: 0.75, relaxed: 0.75 };

/**
 * The default zero-skip crossover of one convolution: {@link ZERO_SKIP_CROSSOVER} of the build,
 * lowered where the per-network sweep (BENCHMARKS.md: `npm run bench -- --suite sparse --network
 * vgg16,resnet50,alexnet`, every distinct conv shape, SIMD build) measured the block-sparse kernel
 * slower than the dense one:
 * - fewer than 8 input channels per group (the first layers, C = 3): 0.58-0.91x dense at every
 *   density down to 0.1, so never (0): its k-pairs span few channels and a panel's list is long;
 * - 1x1 kernels (no tap pairs, channel pairs instead): 0.83-1.06x at 0.7, 0.95-1.33x at 0.5,
 *   1.13-1.48x at 0.3, so 0.45.
 * The scalar build's scatter kernel keeps its one measured value.
 */
export function zeroSkipCrossoverFor(isa: Isa, layer: { Cg: number; R: number; S: number }): number {
  if (isa === 'scalar') return ZERO_SKIP_CROSSOVER.scalar;
  if (layer.Cg < 8) return 0;
  if (layer.R * layer.S === 1) return Math.min(0.45, ZERO_SKIP_CROSSOVER[isa]);
  return ZERO_SKIP_CROSSOVER[isa];
}

/** What {@link conv2dAuto} may run: `'auto'` or a forced kernel. */
export type Conv2DChoice = 'auto' | 'dense' | 'zeroskip' | 'csr';

/** Parameters of {@link conv2dAuto}: those of {@link conv2dZeroSkip} plus the choice. */
export interface Conv2DAutoParams extends Conv2DZeroSkipParams {
  /** `'auto'` (default): by measured densities; `'dense'` / `'zeroskip'` / `'csr'` force one (no scan). */
  use?: Conv2DChoice;
  /** Activation density below which `'auto'` picks zero-skip. Default {@link zeroSkipCrossoverFor} the engine's build and this layer. */
  crossover?: number;
  /** Weight density below which `'auto'` picks CSR. Default {@link CSR_CROSSOVER}`.conv` of the engine's build. */
  csrCrossover?: number;
  /** CSR only: also skip zero activations (measured slower on ReLU data, so off by default). */
  csrSkipZeros?: boolean;
  /** Weights packed by {@link packConvWeights} for the dense kernel (used only when dense runs; not with {@link AutoWeights}). */
  packed?: PackedConvWeights;
}

/** The result of {@link conv2dAuto}. */
export interface Conv2DAutoResult<T extends Tensor<'int32' | 'int8' | 'uint8'>> {
  y: T;
  /** Which path ran. */
  ran: KernelChoice;
  /** Contract name of the main kernel that ran, with the build (e.g. `u8s8_gemm_3x12c2__simd`). */
  kernel: string;
  /** Measured fraction of non-zero activations (x != xZeroPoint); undefined when the choice was forced. */
  density: number | undefined;
  /** The zero-skip crossover used. */
  crossover: number;
  /** Measured fraction of non-zero weights (w != wZeroPoint); undefined when the choice was forced with plain weights. */
  weightDensity: number | undefined;
  /** The CSR crossover used. */
  csrCrossover: number;
  /** Why it ran: densities, thresholds, the decision. */
  selection: KernelSelection;
  /** Milliseconds the density scan took (0 when forced). */
  scanMs: number;
  /** Zero-skip only: exact counts and the FEIE model (see {@link conv2dZeroSkip}). */
  counts?: ZeroSkipCounts;
  feie?: FeieReport;
  /** CSR only: MACs executed / skipped (see {@link conv2dCsr}). */
  sparseCounts?: SparseCounts;
}

export { activationDensity } from './select.js';

/**
 * Quantised 2-D convolution that runs the dense kernel ({@link conv2d}: im2col + GEMM, or the
 * direct depthwise kernel), the zero-skipping one ({@link conv2dZeroSkip}) or the CSR one
 * ({@link conv2dCsr}), whichever is expected fastest: `'auto'` measures the activation density
 * (cost included in the call) and the weight density (once, in {@link packAutoWeights}; per call
 * for plain weights) and applies {@link chooseKernel} with {@link zeroSkipCrossoverFor} this layer and
 * {@link CSR_CROSSOVER}. Output is bit-identical whichever runs. CSR needs NHWC / OHWI.
 *
 * @param w unpacked int8 / uint8 weights, or {@link AutoWeights} (pack once, then only the
 *   activations are scanned per call); with plain weights pass `packed` too to let the dense
 *   kernel skip its per-call packing (CSR is then built per call when chosen).
 * @example
 * ```ts
 * const aw = packAutoWeights(mf, prunedW, { wZeroPoint: 0 });
 * const r = conv2dAuto(mf, x, aw, { pads: 1, requantize });
 * r.ran; r.selection.reason; // e.g. 'csr', 'weight density 0.1 < CSR crossover 0.33'
 * ```
 */
export function conv2dAuto(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'> | AutoWeights, params: Conv2DAutoParams & { requantize: NonNullable<QuantParams['requantize']> }): Conv2DAutoResult<Tensor<'int8' | 'uint8'>>;
export function conv2dAuto(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'> | AutoWeights, params?: Conv2DAutoParams & { requantize?: undefined }): Conv2DAutoResult<Tensor<'int32'>>;
export function conv2dAuto(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'> | AutoWeights, params?: Conv2DAutoParams): Conv2DAutoResult<Tensor<'int32' | 'int8' | 'uint8'>>;
export function conv2dAuto(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'> | AutoWeights, params: Conv2DAutoParams = {}): Conv2DAutoResult<Tensor<'int32' | 'int8' | 'uint8'>> {
  const op = 'conv2dAuto';
  if (params === null || typeof params !== 'object') throw new ValueError(op, `params = ${fmt(params)} must be an object.`, 'pass { strides, pads, xZeroPoint, requantize, use, crossover, csrCrossover, packed, ... } or omit it.');
  const { use: useIn, crossover: xIn, csrCrossover: cIn, csrSkipZeros, packed, ...rest } = params;
  const use = checkUse(op, useIn);
  const csrCrossover = checkCrossover(op, 'csrCrossover', cIn, CSR_CROSSOVER.conv[engine.isa]);
  if (csrSkipZeros !== undefined && typeof csrSkipZeros !== 'boolean') throw new ValueError(op, `csrSkipZeros = ${fmt(csrSkipZeros)} must be a boolean.`, 'pass true or false, or omit it.');
  if (w instanceof PackedConvWeights) throw new UnsupportedError(op, 'w is packed; the zero-skip kernel needs the unpacked weights.', 'pass the unpacked weights as w and the packed ones as params.packed, or packAutoWeights(engine, w).');
  if (packed !== undefined && !(packed instanceof PackedConvWeights)) throw new ValueError(op, `packed = ${fmt(packed)} is not PackedConvWeights.`, 'pass the result of packConvWeights(engine, w), or omit it.');
  const aw = w instanceof AutoWeights ? checkAutoWeights(engine, op, w, 'conv') : undefined;
  if (aw && packed) throw new ValueError(op, 'packed is given with AutoWeights, which carry their own dense form.', 'omit packed.');
  // validate shapes and dtypes up front: a bad call fails the same way whatever would have run
  const { shape: xShape } = engine.checkInput(op, 'x', x, ['int8', 'uint8']);
  const wt = aw ? undefined : engine.checkInput(op, 'w', w as TensorLike<'int8' | 'uint8'>, ['int8', 'uint8']);
  const wShape = aw ? aw.shape : wt!.shape;
  const info = conv2dInfo(xShape, wShape, rest, op);
  const crossover = checkCrossover(op, 'crossover', xIn, zeroSkipCrossoverFor(engine.isa, info));
  if (aw && aw.groups !== info.groups) throw new ValueError(op, `the AutoWeights were packed for groups = ${fmt(aw.groups)} but the call has groups = ${fmt(info.groups)}.`, 'pack them with the groups of the convolution.');
  if (packed && (packed.M !== info.M || packed.Cg !== info.Cg || packed.R !== info.R || packed.S !== info.S || packed.groups !== info.groups)) {
    throw new ValueError(op, `packed weights [${packed.wShape.join(', ')}] (groups ${packed.groups}) do not match w [${wShape.join(', ')}] (groups ${info.groups}).`, 'pack the same weights with the same groups.');
  }
  const wDtype = aw ? aw.dtype : (wt!.dtype as 'int8' | 'uint8');
  const zeroPoints = resolveZeroPoints(op, rest.wZeroPoint, info.M, wDtype);
  if (aw) checkSameZeroPoints(op, rest.wZeroPoint, zeroPoints, aw);
  const nhwc = (rest.layout ?? 'NHWC') === 'NHWC' && (rest.weightLayout ?? 'OHWI') === 'OHWI';
  const available = new Set<KernelChoice>(aw ? aw.forms : ['dense', 'zeroskip', 'csr']);
  if (!nhwc) available.delete('csr');
  if (use !== 'auto' && aw && !aw.forms.has(use)) throw new ValueError(op, `use = '${use}' but the AutoWeights keep only [${[...aw.forms].join(', ')}].`, `pack them with forms including '${use}'.`);
  const wData = () => (aw ? aw.host?.data : ((w instanceof TensorClass ? w.toArray() : (w as TensorLike).data) as Int8Array | Uint8Array));

  const { selection, scanMs } = selectKernel(engine, {
    op, use, x, xZeroPoint: params.xZeroPoint ?? 0, weightDensity: aw?.density,
    weightDensityOf: () => weightDensityOf(wData()!, info.M, zeroPoints),
    zeroSkipCrossover: crossover, csrCrossover, available,
  });
  const { ran, activationDensity: density, weightDensity } = selection;
  const base = { density, crossover, weightDensity, csrCrossover, selection, scanMs };
  const zpParam = aw ? aw.wZeroPointParam : rest.wZeroPoint;
  if (ran === 'zeroskip') {
    const r = conv2dZeroSkip(engine, x, aw ? aw.host! : (w as TensorLike<'int8' | 'uint8'>), { ...rest, wZeroPoint: zpParam });
    return { y: r.y, ran, kernel: r.kernel, ...base, counts: r.counts, feie: r.feie };
  }
  const { skipZeros, count, feieTiles, kernel: zk, ...denseParams } = rest;
  void skipZeros; void count; void feieTiles; void zk;
  if (ran === 'csr') {
    const { wZeroPoint, layout, weightLayout, ...csrParams } = denseParams;
    void wZeroPoint; void layout; void weightLayout;
    if (!nhwc) throw new UnsupportedError(op, `use = 'csr' needs NHWC activations and OHWI weights (layout ${fmt(rest.layout ?? 'NHWC')}, weightLayout ${fmt(rest.weightLayout ?? 'OHWI')}).`, "transpose to NHWC / OHWI, or use 'dense' / 'zeroskip'.");
    const cw = aw ? aw.csr! : csrOf(wData()!, wDtype, wShape, zeroPoints);
    const r = conv2dCsr(engine, x, cw, { ...csrParams, skipZeros: csrSkipZeros ?? false });
    return { y: r.y, ran, kernel: r.kernel, ...base, sparseCounts: r.counts };
  }
  const y = conv2d(engine, x, aw ? (aw.dense as PackedConvWeights) : (packed ?? (w as TensorLike<'int8' | 'uint8'>)), { ...denseParams, wZeroPoint: zpParam });
  const direct = info.Cg === 1 && info.Mg === 1;
  const name = direct ? kernelName(kernel('q8_dwconv_direct'), engine.isa) : kernelName(kernel('u8s8_gemm'), engine.isa);
  return { y, ran, kernel: name, ...base };
}

/** @internal AutoWeights usable by this engine for this kind of layer (typed errors otherwise). */
export function checkAutoWeights(engine: Engine, op: string, w: AutoWeights, kind: 'fc' | 'conv'): AutoWeights {
  if (w.disposed) throw new ValueError(op, 'the AutoWeights were disposed.', 'pack them again, or dispose them only after the last call.');
  const mine = (w.dense === undefined || ('belongsTo' in w.dense ? w.dense.belongsTo(engine) : w.dense.engine === engine)) && (w.csr === undefined || w.csr.belongsTo(engine));
  if (!mine) throw new ValueError(op, 'the AutoWeights were packed by another engine.', 'pack them with this engine (packAutoWeights(engine, w)).');
  if (w.kind !== kind) throw new ShapeError(op, `the AutoWeights are ${w.kind === 'fc' ? 'FC [out, in]' : 'conv OHWI'} weights (shape ${fmt(w.shape)}).`, kind === 'fc' ? 'use conv2dAuto for conv weights.' : 'use denseAuto for FC weights.');
  return w;
}

/** @internal A wZeroPoint passed with AutoWeights must be the one they were packed with. */
export function checkSameZeroPoints(op: string, given: unknown, resolved: Int32Array, w: AutoWeights): void {
  if (given === undefined) return;
  for (let r = 0; r < resolved.length; r++) {
    if (resolved[r] !== w.zeroPoints[r]) throw new QuantError(op, `wZeroPoint for row ${fmt(r)} is ${fmt(resolved[r])} but the AutoWeights were packed with ${fmt(w.zeroPoints[r])}.`, 'omit wZeroPoint (the AutoWeights carry it) or pack them with this zero point.');
  }
}

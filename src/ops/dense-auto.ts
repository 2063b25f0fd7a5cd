/**
 * denseAuto: the fully connected counterpart of conv2dAuto. Runs our dense GEMM ({@link dense}),
 * the CSR kernel ({@link denseCsr}) or the zero-skipping kernel (the FC layer as a 1x1
 * convolution, {@link conv2dZeroSkip}), chosen from the measured activation and weight densities
 * (src/ops/select.ts), and reports which ran and why.
 * @module
 */
import { resolveOutputStage, type QuantParams } from '../descriptors/output-stage.js';
import { ShapeError, ValueError, fmt } from '../errors.js';
import { kernel, kernelName } from '../kernels/registry.js';
import type { Engine, TensorLike } from '../runtime/engine.js';
import { Tensor } from '../runtime/tensor.js';
import { AutoWeights, csrOf, resolveZeroPoints, weightDensityOf } from './auto-weights.js';
import { conv2dZeroSkip, type ZeroSkipCounts } from './conv2d-zeroskip.js';
import { checkAutoWeights, checkSameZeroPoints } from './conv2d-auto.js';
import { dense } from './dense.js';
import { checkActivations, checkParams } from './matmul.js';
import type { PackedWeights } from './packed.js';
import { CSR_CROSSOVER, FC_ZERO_SKIP_CROSSOVER, checkCrossover, checkUse, selectKernel, type KernelChoice, type KernelSelection, type KernelUse } from './select.js';
import { reshape } from './shape.js';
import { denseCsr, type SparseCounts } from './sparse.js';

/** Parameters of {@link denseAuto}: quantisation, output, and the choice. Weights are [out, in]. */
export interface DenseAutoParams extends QuantParams {
  /** `'auto'` (default): by measured densities; `'dense'` / `'zeroskip'` / `'csr'` force one (no scan). */
  use?: KernelUse;
  /** Activation density below which `'auto'` picks zero-skip. Default {@link FC_ZERO_SKIP_CROSSOVER} (0: never; measured slower). */
  crossover?: number;
  /** Weight density below which `'auto'` picks CSR. Default {@link CSR_CROSSOVER} `fc1` (batch 1) or `fcBatched`. */
  csrCrossover?: number;
  /** CSR only: also skip zero activations (measured no faster, so off by default). */
  csrSkipZeros?: boolean;
  /** Write the result into this tensor (dtype and shape of the result). */
  out?: Tensor<'int32' | 'int8' | 'uint8'>;
}

/** The result of {@link denseAuto}. */
export interface DenseAutoResult<T extends Tensor<'int32' | 'int8' | 'uint8'>> {
  /** [batch, out]. */
  y: T;
  /** Which kernel ran. */
  ran: KernelChoice;
  /** Contract name of the main kernel that ran, with the build. */
  kernel: string;
  /** Measured fraction of non-zero activations; undefined when the choice was forced. */
  density: number | undefined;
  /** Fraction of non-zero weights; undefined when forced with plain weights. */
  weightDensity: number | undefined;
  /** The zero-skip and CSR crossovers used. */
  crossover: number;
  csrCrossover: number;
  /** Why it ran. */
  selection: KernelSelection;
  /** Milliseconds of the density scans (0 when forced). */
  scanMs: number;
  /** Zero-skip only: exact counts. */
  counts?: ZeroSkipCounts;
  /** CSR only: MACs executed / skipped. */
  sparseCounts?: SparseCounts;
}

/**
 * Fully connected layer (same arithmetic as {@link dense} with [out, in] weights) that runs
 * dense, CSR or zero-skip, whichever is expected fastest for these densities (see
 * {@link chooseKernel}). Output is bit-identical whichever runs.
 *
 * @param x int8 / uint8 [batch, features] (or [batch, d1, ...], flattened per row).
 * @param w int8 / uint8 [out, in] weights, or {@link AutoWeights} from {@link packAutoWeights}
 *   (weight density measured once, packed forms kept; recommended: with plain weights the
 *   weights are scanned, and packed for the chosen kernel, on every call).
 * @example
 * ```ts
 * const aw = packAutoWeights(mf, prunedFc, {});   // [4096, 4096], 10 % non-zero
 * const r = denseAuto(mf, x, aw, { requantize });
 * r.ran; // 'csr'
 * ```
 */
export function denseAuto(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'> | AutoWeights, params: DenseAutoParams & { requantize: NonNullable<QuantParams['requantize']> }): DenseAutoResult<Tensor<'int8' | 'uint8'>>;
export function denseAuto(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'> | AutoWeights, params?: DenseAutoParams & { requantize?: undefined }): DenseAutoResult<Tensor<'int32'>>;
export function denseAuto(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'> | AutoWeights, params?: DenseAutoParams): DenseAutoResult<Tensor<'int32' | 'int8' | 'uint8'>>;
export function denseAuto(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'> | AutoWeights, params?: DenseAutoParams): DenseAutoResult<Tensor<'int32' | 'int8' | 'uint8'>> {
  const op = 'denseAuto';
  const { use: useIn, crossover: xIn, csrCrossover: cIn, csrSkipZeros, ...rest } = checkParams(op, params);
  const use = checkUse(op, useIn);
  const { shape, dtype: xDtype } = checkActivations(engine, op, 'x', x);
  const B = shape[0];
  const K = shape.slice(1).reduce((a, b) => a * b, 1);
  const crossover = checkCrossover(op, 'crossover', xIn, FC_ZERO_SKIP_CROSSOVER);
  const csrDefault = B === 1 ? CSR_CROSSOVER.fc1[engine.isa] : CSR_CROSSOVER.fcBatched[engine.isa];
  const csrCrossover = checkCrossover(op, 'csrCrossover', cIn, csrDefault);
  if (csrSkipZeros !== undefined && typeof csrSkipZeros !== 'boolean') throw new ValueError(op, `csrSkipZeros = ${fmt(csrSkipZeros)} must be a boolean.`, 'pass true or false, or omit it.');
  if ('layout' in rest && (rest as { layout?: unknown }).layout !== undefined) throw new ValueError(op, `layout = ${fmt((rest as { layout?: unknown }).layout)}: denseAuto takes [out, in] weights only.`, 'transpose the weights to [out, in] and omit layout.');
  const aw = w instanceof AutoWeights ? checkAutoWeights(engine, op, w, 'fc') : undefined;
  const wt = aw ? undefined : engine.checkInput(op, 'w', w as TensorLike<'int8' | 'uint8'>, ['int8', 'uint8']);
  const wShape = aw ? aw.shape : wt!.shape;
  if (wShape.length !== 2) throw new ShapeError(op, `w has shape ${fmt(wShape)}; FC weights are [out, in].`, 'pass a rank-2 [out, in] weight matrix.');
  const [N, Kw] = wShape;
  if (Kw !== K) throw new ShapeError(op, `x has ${fmt(K)} features per batch row (shape ${fmt(shape)}) but w has ${fmt(Kw)} input features.`, 'make the flattened features of x equal the weight columns (weights are [out, in]).');
  const wDtype = aw ? aw.dtype : (wt!.dtype as 'int8' | 'uint8');
  const zeroPoints = resolveZeroPoints(op, rest.wZeroPoint, N, wDtype);
  if (aw) checkSameZeroPoints(op, rest.wZeroPoint, zeroPoints, aw);
  if (rest.out !== undefined && ((rest.out as unknown) === x || (rest.out as unknown) === w)) throw new ValueError(op, 'options.out is an input tensor.', 'pass a separate output tensor, or omit out.');
  // The output stage and `out` up front: the zero-skip path fills `out` (reshape) only after its
  // kernel has run, so a wrong out was reported after Wasm memory had been written.
  const stage = resolveOutputStage(op, { ...rest, wZeroPoint: aw ? aw.wZeroPointParam : rest.wZeroPoint }, N, xDtype as 'int8' | 'uint8', wDtype);
  if (rest.out !== undefined) engine.checkOut(op, rest.out, stage.requant ? stage.requant.outputDtype : 'int32', [B, N]);
  if (use !== 'auto' && aw && !aw.forms.has(use)) throw new ValueError(op, `use = '${use}' but the AutoWeights keep only [${[...aw.forms].join(', ')}].`, `pack them with forms including '${use}'.`);
  const wData = () => (aw ? undefined : ((w instanceof Tensor ? w.toArray() : (w as TensorLike).data) as Int8Array | Uint8Array));

  const { selection, scanMs } = selectKernel(engine, {
    op, use, x, xZeroPoint: rest.xZeroPoint ?? 0, weightDensity: aw?.density,
    weightDensityOf: () => weightDensityOf(wData()!, N, zeroPoints),
    zeroSkipCrossover: crossover, csrCrossover, available: aw ? aw.forms : new Set<KernelChoice>(['dense', 'zeroskip', 'csr']),
  });
  const { ran, activationDensity: density, weightDensity } = selection;
  const base = { density, weightDensity, crossover, csrCrossover, selection, scanMs };
  const zpParam = aw ? aw.wZeroPointParam : rest.wZeroPoint;
  if (ran === 'csr') {
    const { wZeroPoint, ...csrParams } = rest;
    void wZeroPoint;
    const r = denseCsr(engine, x, aw ? aw.csr! : csrOf(wData()!, wDtype, wShape, zeroPoints), { ...csrParams, skipZeros: csrSkipZeros ?? false });
    return { y: r.y, ran, kernel: r.kernel, ...base, sparseCounts: r.counts };
  }
  if (ran === 'zeroskip') {
    // The FC layer as a 1x1 conv on a 1x1 image (host copies: a tensor's view could be detached).
    const xv = { data: (x instanceof Tensor ? x.toArray() : x.data) as Int8Array | Uint8Array, shape: [B, 1, 1, K] };
    const wv = aw ? aw.host! : { data: wData()!, shape: [N, 1, 1, K] };
    const { out, ...zsParams } = rest;
    const r = conv2dZeroSkip(engine, xv, wv, { ...zsParams, wZeroPoint: zpParam });
    try {
      return { y: reshape(engine, r.y, [B, N], out ? { out } : {}) as Tensor<'int32' | 'int8' | 'uint8'>, ran, kernel: r.kernel, ...base, counts: r.counts };
    } finally {
      r.y.dispose();
    }
  }
  const y = dense(engine, x, aw ? (aw.dense as PackedWeights) : (w as TensorLike<'int8' | 'uint8'>), { ...rest, wZeroPoint: zpParam, layout: 'nk' });
  return { y, ran, kernel: kernelName(kernel('u8s8_gemm'), engine.isa), ...base };
}

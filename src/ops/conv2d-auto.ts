/**
 * conv2dAuto: dense or zero-skipping convolution, chosen from the measured density of the actual
 * input (a JavaScript scan of x, counted in the call's cost) against a crossover that
 * bench/conv-zeroskip.mjs justifies (numbers in bench/conv-zeroskip.results.md). Reports which
 * kernel ran and why; the user can force either.
 * @module
 */
import { conv2dInfo } from '../descriptors/conv.js';
import type { QuantParams } from '../descriptors/output-stage.js';
import { UnsupportedError, ValueError, fmt } from '../errors.js';
import { kernel, kernelName } from '../kernels/registry.js';
import type { Isa } from '../runtime/detect.js';
import type { Engine, TensorLike } from '../runtime/engine.js';
import type { Tensor } from '../runtime/tensor.js';
import { conv2d, PackedConvWeights } from './conv2d.js';
import { conv2dZeroSkip, type Conv2DZeroSkipParams, type ZeroSkipCounts } from './conv2d-zeroskip.js';
import type { FeieReport } from '../accel/feie.js';

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

/** What {@link conv2dAuto} may run. */
export type Conv2DChoice = 'auto' | 'dense' | 'zeroskip';

/** Parameters of {@link conv2dAuto}: those of {@link conv2dZeroSkip} plus the choice. */
export interface Conv2DAutoParams extends Conv2DZeroSkipParams {
  /** `'auto'` (default): by measured density; `'dense'` / `'zeroskip'` force one (no scan). */
  use?: Conv2DChoice;
  /** Density below which `'auto'` picks zero-skip. Default {@link ZERO_SKIP_CROSSOVER} of the engine's build. */
  crossover?: number;
  /** Weights packed by {@link packConvWeights} for the dense kernel (used only when dense runs). */
  packed?: PackedConvWeights;
}

/** The result of {@link conv2dAuto}. */
export interface Conv2DAutoResult<T extends Tensor<'int32' | 'int8' | 'uint8'>> {
  y: T;
  /** Which path ran. */
  ran: 'dense' | 'zeroskip';
  /** Contract name of the main kernel that ran, with the build (e.g. `u8s8_gemm_3x12c2__simd`). */
  kernel: string;
  /** Measured fraction of non-zero activations (x != xZeroPoint); undefined when the choice was forced. */
  density: number | undefined;
  /** The crossover used. */
  crossover: number;
  /** Milliseconds the density scan took (0 when forced). */
  scanMs: number;
  /** Zero-skip only: exact counts and the FEIE model (see {@link conv2dZeroSkip}). */
  counts?: ZeroSkipCounts;
  feie?: FeieReport;
}

/**
 * Fraction of elements of x that differ from `zeroPoint` (x's own domain): the activation density.
 * One pass in JavaScript over x.data (host array or a tensor's view); no Wasm memory is touched.
 */
export function activationDensity(x: TensorLike<'int8' | 'uint8'>, zeroPoint = 0): number {
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

/**
 * Quantised 2-D convolution that runs the dense kernel ({@link conv2d}: im2col + GEMM, or the
 * direct depthwise kernel) or the zero-skipping one ({@link conv2dZeroSkip}), whichever is
 * faster for this input: `'auto'` measures the activation density (cost included in the call)
 * and picks zero-skip below `crossover`. Output is bit-identical either way.
 *
 * @param w unpacked int8 / uint8 weights (both kernels need them); pass `packed` too to let the
 *   dense kernel skip its per-call packing.
 * @example
 * ```ts
 * const r = conv2dAuto(mf, x, w, { pads: 1, requantize, packed: pw });
 * r.ran; // 'zeroskip' at density 0.3, 'dense' at 1.0
 * ```
 */
export function conv2dAuto(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'>, params: Conv2DAutoParams & { requantize: NonNullable<QuantParams['requantize']> }): Conv2DAutoResult<Tensor<'int8' | 'uint8'>>;
export function conv2dAuto(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'>, params?: Conv2DAutoParams & { requantize?: undefined }): Conv2DAutoResult<Tensor<'int32'>>;
export function conv2dAuto(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'>, params?: Conv2DAutoParams): Conv2DAutoResult<Tensor<'int32' | 'int8' | 'uint8'>>;
export function conv2dAuto(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'>, params: Conv2DAutoParams = {}): Conv2DAutoResult<Tensor<'int32' | 'int8' | 'uint8'>> {
  const op = 'conv2dAuto';
  if (params === null || typeof params !== 'object') throw new ValueError(op, `params = ${fmt(params)} must be an object.`, 'pass { strides, pads, xZeroPoint, requantize, use, crossover, packed, ... } or omit it.');
  const { use = 'auto', crossover = ZERO_SKIP_CROSSOVER[engine.isa], packed, ...rest } = params;
  if (use !== 'auto' && use !== 'dense' && use !== 'zeroskip') throw new ValueError(op, `use = ${fmt(use)} is not known.`, "use 'auto', 'dense' or 'zeroskip'.");
  if (typeof crossover !== 'number' || !(crossover >= 0 && crossover <= 1)) throw new ValueError(op, `crossover = ${fmt(crossover)} must be a density in [0, 1].`, `omit it for the measured default (${ZERO_SKIP_CROSSOVER[engine.isa]} on this build).`);
  if (w instanceof PackedConvWeights) throw new UnsupportedError(op, 'w is packed; the zero-skip kernel needs the unpacked weights.', 'pass the unpacked weights as w and the packed ones as params.packed.');
  if (packed !== undefined && !(packed instanceof PackedConvWeights)) throw new ValueError(op, `packed = ${fmt(packed)} is not PackedConvWeights.`, 'pass the result of packConvWeights(engine, w), or omit it.');
  // validate shapes and dtypes up front: a bad call fails the same way whatever would have run
  const { shape: xShape } = engine.checkInput(op, 'x', x, ['int8', 'uint8']);
  const { shape: wShape } = engine.checkInput(op, 'w', w, ['int8', 'uint8']);
  const info = conv2dInfo(xShape, wShape, rest, op);
  if (packed && (packed.M !== info.M || packed.Cg !== info.Cg || packed.R !== info.R || packed.S !== info.S || packed.groups !== info.groups)) {
    throw new ValueError(op, `packed weights [${packed.wShape.join(', ')}] (groups ${packed.groups}) do not match w [${wShape.join(', ')}] (groups ${info.groups}).`, 'pack the same weights with the same groups.');
  }

  let ran: 'dense' | 'zeroskip' = use === 'zeroskip' ? 'zeroskip' : 'dense';
  let density: number | undefined;
  let scanMs = 0;
  if (use === 'auto') {
    const t0 = performance.now();
    const zp = params.xZeroPoint ?? 0;
    density = activationDensity(x, zp);
    scanMs = performance.now() - t0;
    ran = density < crossover ? 'zeroskip' : 'dense';
  }
  if (ran === 'zeroskip') {
    const r = conv2dZeroSkip(engine, x, w, rest);
    return { y: r.y, ran, kernel: r.kernel, density, crossover, scanMs, counts: r.counts, feie: r.feie };
  }
  const { skipZeros, count, feieTiles, kernel: zk, ...denseParams } = rest;
  void skipZeros; void count; void feieTiles; void zk;
  const y = conv2d(engine, x, packed ?? w, denseParams);
  const direct = info.Cg === 1 && info.Mg === 1;
  const name = direct ? kernelName(kernel('q8_dwconv_direct'), engine.isa) : kernelName(kernel('u8s8_gemm'), engine.isa);
  return { y, ran, kernel: name, density, crossover, scanMs };
}

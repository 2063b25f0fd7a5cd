/**
 * Zero-skipping quantised 2-D convolution scheduled like FEIE / ZASCAS (the seed's "Skipping
 * Noncontributory Computations in FEIE"), with exact counts for the given data from the same pass
 * and the FEIE cycle model ({@link feieLayer}) fed by those counts.
 *
 * Same semantics, descriptor ({@link conv2dInfo}) and output stage as {@link conv2d} (int32 sums,
 * then the shared s32_correct / q8_requantize of assembly/common/requant.ts), bit-exact with it.
 * A zero input is x equal to xZeroPoint (real value 0); padding is zero. Two CPU kernels, same
 * output and same counts (`kernel`):
 * - `'blocksparse'` (SIMD builds, groups with >= {@link BLOCKSPARSE_MIN_MG} output channels):
 *   assembly/feie/zsgemm.ts. A 2x16 register tile like the dense GEMM's on a K compacted per
 *   panel of 2 output pixels: a k-pair is one channel at two adjacent taps, and pairs that are
 *   zero for both pixels are skipped. Runs near the dense GEMM's per-MAC rate, but multiplies the zeros that
 *   share a listed pair with a non-zero (see {@link ZeroSkipCounts.cpuMultiplyAdds}).
 * - `'scatter'` (the scalar build, depthwise): assembly/feie/conv.ts, the FEIE order itself:
 *   the input streamed pixel by pixel, each non-zero input scattered into the outputs it meets.
 * The block-sparse kernel's weights can be packed once ({@link packZeroSkipWeights}).
 * Counts come from one vectorised pass over x (q8_conv_zs_count) for the block-sparse kernel and
 * from the scatter itself otherwise; they are a property of the data, not of the kernel.
 * @module
 */
import { alignUp } from '../runtime/memory.js';
import { feieLayer, FEIE_DEFAULT_TILES, type FeieReport } from '../accel/feie.js';
import { conv2dInfo, convWeightInfo, type Conv2DInfo, type Conv2DOptions, type WeightLayout } from '../descriptors/conv.js';
import { resolveOutputStage, type OutputStage, type QuantParams } from '../descriptors/output-stage.js';
import { UnsupportedError, ValueError, fmt } from '../errors.js';
import type { Engine, TensorLike } from '../runtime/engine.js';
import { Tensor, viewOf } from '../runtime/tensor.js';
import { kernel, kernelName } from '../kernels/registry.js';
import { PackedConvWeights, transposeBack, transposeInto } from './conv2d.js';
import { PackedConvBlock } from './packed.js';
import { checkPositiveInt } from './common.js';

/** Bytes of int32 accumulators per band of output rows (at least one output row per band). */
export const FEIE_ACC_BYTES = 1 << 20;

/** Parameters of {@link conv2dZeroSkip}. */
export interface Conv2DZeroSkipParams extends Conv2DOptions, QuantParams {
  /** Skip zero inputs (ZASCAS). `false` runs the same code path streaming every input (ZASCAD). Default true. */
  skipZeros?: boolean;
  /** Count inputs, MACs and per-row non-zeros in the same pass and run the FEIE model. Default true. */
  count?: boolean;
  /** Tiles G of the FEIE model. Default {@link FEIE_DEFAULT_TILES} (ours, configurable, not the paper's). */
  feieTiles?: number;
  /**
   * CPU kernel. `'blocksparse'` (default in the SIMD builds when a group has >= 8 output
   * channels): a GEMM tile on a K compacted per 2-pixel panel (assembly/feie/zsgemm.ts).
   * `'scatter'` (the scalar build, depthwise): the input-stationary FEIE scatter
   * (assembly/feie/conv.ts). Default `'auto'`. Counts and output do not depend on it.
   */
  kernel?: ZeroSkipKernel;
  /** Write the result into this tensor (dtype and shape of the result). */
  out?: Tensor<'int32' | 'int8' | 'uint8'>;
}

/** The CPU kernel of {@link conv2dZeroSkip}: `'auto'`, `'blocksparse'` or `'scatter'`. */
export type ZeroSkipKernel = 'auto' | 'blocksparse' | 'scatter';

/** Smallest output channels per group for which `'auto'` picks the block-sparse kernel. */
export const BLOCKSPARSE_MIN_MG = 8;
/** Bytes of the lowered A panels of one block-sparse tile (the tiler aims for this). */
export const BLOCKSPARSE_TILE_BYTES = 192 * 1024;

/** Exact counts of one {@link conv2dZeroSkip} call, for the data given. */
export interface ZeroSkipCounts {
  /** Whether zeros were skipped (ZASCAS) or every input streamed (ZASCAD). */
  skipZeros: boolean;
  /**
   * Input elements of the padded input (N * (H + top + bottom) * (W + left + right) * C):
   * streamed, and skipped (zeros and padding; 0 when skipZeros is false).
   */
  inputs: { total: number; streamed: number; skipped: number };
  /**
   * MACs: dense = N * M * E * F * R * S * C / groups; executed + skipped = dense. Skipping:
   * executed = the MACs with a non-zero input. Dense: executed = dense (ZASCAD streams padding
   * too; `padding` of them meet a padded zero, which the CPU kernel does not multiply).
   */
  macs: { dense: number; executed: number; skipped: number; padding: number };
  /** Non-zero inputs per (image, input row, channel): [N][H][C], the FEIE model's input. */
  rowNnz: Int32Array;
  /**
   * Multiply-adds the CPU kernel performed (lanes of i32x4.dot_i16x8_s that belong to a real
   * output channel), which differ from `macs.executed` (what the modelled FEIE accelerator
   * executes: one MAC per non-zero input, tap and filter). Block-sparse: 4 * Mg per listed k-pair
   * (2 pixels x 2 k), so the zeros inside a listed pair (and the missing rows of a last partial
   * panel) are multiplied too; with skipZeros false every pair is listed. undefined for the
   * scatter kernel, whose multiply-adds are the executed MACs plus at most one padding zero per
   * pixel, group and tap (odd non-zero counts are padded to pairs).
   */
  cpuMultiplyAdds: number | undefined;
}

/** The result of {@link conv2dZeroSkip}. */
export interface Conv2DZeroSkipResult<T extends Tensor<'int32' | 'int8' | 'uint8'>> {
  /** The convolution, exactly as {@link conv2d} computes it. */
  y: T;
  /** Counts (undefined with `count: false`). */
  counts: ZeroSkipCounts | undefined;
  /** FEIE model: dense (ZASCAD) always, zeroSkip (ZASCAS) when counted; tiles G, pesPerTile P. */
  feie: FeieReport;
  /** The kernel that ran (contract name with the build), and whether its channel loop was vectorised. */
  kernel: string;
  vectorised: boolean;
}

/** Options of {@link packZeroSkipWeights}. */
export interface PackZeroSkipWeightsOptions {
  /** Groups of the convolution these weights belong to. Default 1. */
  groups?: number;
  /** Layout of w. Default `'OHWI'`. */
  weightLayout?: WeightLayout;
  /**
   * Weight zero point(s), one or one per output channel, in w's dtype. The packing holds
   * w - wZeroPoint, so the zero points are fixed here; calls may omit `wZeroPoint` or must pass
   * the same values. Default 0.
   */
  wZeroPoint?: number | ArrayLike<number>;
}

/**
 * Convolution weights packed once for {@link conv2dZeroSkip}'s block-sparse kernel
 * (assembly/feie/zsgemm.ts: int16 w - wZeroPoint, k-pairs of adjacent taps, 16-channel panels),
 * so that repeated calls skip the per-call packing. Create with {@link packZeroSkipWeights} on a
 * SIMD engine; call {@link PackedZeroSkipWeights.dispose} when done.
 */
export class PackedZeroSkipWeights extends PackedConvBlock {
  /** The weight zero point of every output channel, in `dtype`'s range, as packed. */
  readonly wZeroPoints: Int32Array;
  /** @internal Bytes of one group's packed B in the block (group g at g * groupBytes). */
  readonly groupBytes: number;
  /** @internal Use {@link packZeroSkipWeights}. */
  constructor(init: Omit<PackedZeroSkipWeights, 'dispose' | 'disposed' | 'byteLength' | 'belongsTo'>) {
    super(init.block, init);
    this.wZeroPoints = init.wZeroPoints;
    this.groupBytes = init.groupBytes;
    // groupBytes and the geometry address the block: a crafted change after packing must not reach a kernel.
    Object.freeze(this);
  }
}

/**
 * Packs int8 / uint8 convolution weights once for {@link conv2dZeroSkip} (block-sparse kernel,
 * SIMD builds). `w` is never modified. Throws UnsupportedError on the scalar build (whose
 * zero-skip kernel is the scatter, which packs per call).
 *
 * @param w int8 / uint8 weights, OHWI [M, R, S, C/groups] or OIHW [M, C/groups, R, S] (`weightLayout`).
 * @param options `groups` (default 1), `weightLayout` (default 'OHWI'), `wZeroPoint` (default 0).
 * @example
 * ```ts
 * const zw = packZeroSkipWeights(mf, { data: w, shape: [256, 3, 3, 128] });
 * for (const x of inputs) conv2dZeroSkip(mf, x, zw, { pads: 1, requantize }).y.dispose();
 * zw.dispose();
 * ```
 */
export function packZeroSkipWeights(engine: Engine, w: TensorLike<'int8' | 'uint8'>, options: PackZeroSkipWeightsOptions = {}): PackedZeroSkipWeights {
  const op = 'packZeroSkipWeights';
  if (options === null || typeof options !== 'object') throw new ValueError(op, `options = ${fmt(options)} must be an object.`, 'pass { groups, weightLayout, wZeroPoint } or omit it.');
  if (w instanceof PackedConvWeights || w instanceof PackedZeroSkipWeights) throw new ValueError(op, 'w is already packed.', 'pass the unpacked weights.');
  if (engine.isa === 'scalar') throw new UnsupportedError(op, 'the block-sparse zero-skip kernel needs a SIMD build, but this engine runs the scalar one.', 'pass the unpacked weights to conv2dZeroSkip on this engine, or use an engine with isa \'simd\' or \'relaxed\'.');
  const { shape, dtype } = engine.checkInput(op, 'w', w, ['int8', 'uint8']);
  const wDtype = dtype as 'int8' | 'uint8';
  const wi = convWeightInfo(shape, options, op);
  const zps = resolveOutputStage(op, { wZeroPoint: options.wZeroPoint }, wi.M, 'uint8', wDtype).wZeroPoints;
  const shift = wDtype === 'uint8' ? 128 : 0;
  const own = Int32Array.from({ length: wi.M }, (_, m) => (zps ? zps[m] : 0) + shift);
  const K = wi.R * wi.S * wi.Cg;
  const groupBytes = alignUp(engine.kernels.q8_conv_zs_packed_b_bytes(wi.Mg, wi.R, wi.S, wi.Cg));
  const oihw = wi.weightLayout === 'OIHW' && wi.Cg > 1;
  return engine.run(op, { inputs: oihw ? [] : [w], scratch: [oihw ? wi.M * K : 0, wi.M * 4], output: { dtype: 'uint8', shape: [wi.groups * groupBytes] } }, ({ inputs, scratch, out }) => {
    const wPtr = oihw ? scratch[0] : inputs[0];
    if (oihw) writeOhwiCopy(engine, w.data, wDtype, wi.M, wi.R, wi.S, wi.Cg, wPtr);
    packZsGroups(engine, wPtr, wDtype, own, scratch[1], wi.M, wi.R, wi.S, wi.Cg, wi.groups, out.ptr, groupBytes);
    return new PackedZeroSkipWeights({ M: wi.M, R: wi.R, S: wi.S, Cg: wi.Cg, groups: wi.groups, weightLayout: wi.weightLayout, dtype: wDtype, wShape: wi.wShape, wZeroPoints: own, groupBytes, block: out });
  });
}

/** OIHW weights (host data) -> an OHWI copy at dst in Wasm memory, same dtype. */
function writeOhwiCopy(engine: Engine, src: ArrayLike<number>, wDtype: 'int8' | 'uint8', M: number, R: number, S: number, Cg: number, dst: number): void {
  const d = viewOf(wDtype, engine.heap.memory.buffer, dst, M * R * S * Cg);
  const RS = R * S;
  for (let m = 0; m < M; m++) for (let c = 0; c < Cg; c++) for (let t = 0; t < RS; t++) d[(m * RS + t) * Cg + c] = src[(m * Cg + c) * RS + t];
}

/** q8_conv_zs_pack_b for every group: OHWI weights at wPtr, zero points `own` (w's own domain) staged at zsPtr. */
function packZsGroups(engine: Engine, wPtr: number, wDtype: 'int8' | 'uint8', own: Int32Array, zsPtr: number, M: number, R: number, S: number, Cg: number, groups: number, dst: number, groupBytes: number): void {
  viewOf('int32', engine.heap.memory.buffer, zsPtr, M).set(own);
  const Mg = M / groups;
  const K = R * S * Cg;
  const wSigned = wDtype === 'int8' ? 1 : 0;
  for (let g = 0; g < groups; g++) engine.kernels.q8_conv_zs_pack_b(wPtr + g * Mg * K, wSigned, zsPtr + g * Mg * 4, Mg, R, S, Cg, dst + g * groupBytes);
}

/**
 * Quantised 2-D convolution that skips zero activations (FEIE / ZASCAS), returning the output
 * and exact counts plus FEIE cycles and utilisation for the actual data.
 *
 * y is bit-identical to {@link conv2d} with the same arguments: int32 sums of
 * (x - xZeroPoint) * (w - wZeroPoint[m]) plus bias (wrapping), optionally requantised.
 *
 * @param x int8 / uint8 activations, NHWC (default) or NCHW (`layout`).
 * @param w int8 / uint8 weights, OHWI (default) or OIHW (`weightLayout`), packed per call; or
 *   weights packed once by {@link packZeroSkipWeights} on this engine (block-sparse kernel; `groups`,
 *   `weightLayout` and `wZeroPoint` then come from the packing and may be omitted). conv2d's
 *   {@link packConvWeights} layout is not accepted.
 * @param params geometry, quantisation, `skipZeros` (default true), `count` (default true),
 *   `feieTiles` (default {@link FEIE_DEFAULT_TILES}), `out`.
 *
 * @example
 * ```ts
 * const { y, counts, feie } = conv2dZeroSkip(mf, x, w, { pads: 1, xZeroPoint: -128 });
 * counts.macs.executed / counts.macs.dense; // fraction of MACs done
 * feie.dense.cycles / feie.zeroSkip.cycles; // FEIE speedup from skipping
 * ```
 */
export function conv2dZeroSkip(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'> | PackedZeroSkipWeights, params: Conv2DZeroSkipParams & { requantize: NonNullable<QuantParams['requantize']> }): Conv2DZeroSkipResult<Tensor<'int8' | 'uint8'>>;
export function conv2dZeroSkip(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'> | PackedZeroSkipWeights, params?: Conv2DZeroSkipParams & { requantize?: undefined }): Conv2DZeroSkipResult<Tensor<'int32'>>;
export function conv2dZeroSkip(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'> | PackedZeroSkipWeights, params?: Conv2DZeroSkipParams): Conv2DZeroSkipResult<Tensor<'int32' | 'int8' | 'uint8'>>;
export function conv2dZeroSkip(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'> | PackedZeroSkipWeights, params: Conv2DZeroSkipParams = {}): Conv2DZeroSkipResult<Tensor<'int32' | 'int8' | 'uint8'>> {
  const op = 'conv2dZeroSkip';
  // --- validate everything before any Wasm memory is touched ---
  if (params === null || typeof params !== 'object') throw new ValueError(op, `params = ${fmt(params)} must be an object.`, 'pass { strides, pads, groups, xZeroPoint, wZeroPoint, bias, requantize, skipZeros, count, feieTiles } or omit it.');
  if (w instanceof PackedConvWeights) throw new UnsupportedError(op, 'w is packed for conv2d (im2col or direct); the zero-skip kernel uses its own int16 layout.', 'pass the unpacked weights.');
  if ('algorithm' in params) throw new ValueError(op, `algorithm = ${fmt((params as { algorithm: unknown }).algorithm)} is a conv2d option.`, 'omit it: conv2dZeroSkip always runs the zero-skipping kernel.');
  const { shape: xShape, dtype } = engine.checkInput(op, 'x', x, ['int8', 'uint8']);
  const xDtype = dtype as 'int8' | 'uint8';
  const packed = w instanceof PackedZeroSkipWeights ? w : undefined;
  let info: Conv2DInfo;
  let wDtype: 'int8' | 'uint8';
  let stage: OutputStage;
  if (packed) {
    if (!packed.belongsTo(engine)) throw new ValueError(op, 'w was packed by another engine.', 'pack the weights with this engine (packZeroSkipWeights(engine, ...)).');
    if (packed.disposed) throw new ValueError(op, 'the packed weights were disposed.', 'pack them again, or dispose them only after the last call.');
    if (params.weightLayout !== undefined && params.weightLayout !== packed.weightLayout) {
      throw new ValueError(op, `weightLayout = ${fmt(params.weightLayout)} but the weights were packed from ${packed.weightLayout}.`, 'omit weightLayout when passing packed weights.');
    }
    if (params.groups !== undefined && params.groups !== packed.groups) {
      throw new ValueError(op, `groups = ${fmt(params.groups)} but the weights were packed for groups = ${packed.groups}.`, `pass groups = ${packed.groups} (or omit it), or pack the weights again.`);
    }
    if (params.kernel === 'scatter') throw new UnsupportedError(op, "kernel 'scatter' packs its own weights; these are packed for the block-sparse kernel.", "use kernel 'auto' or 'blocksparse', or pass the unpacked weights.");
    info = conv2dInfo(xShape, packed.wShape, { ...params, groups: packed.groups, weightLayout: packed.weightLayout }, op);
    wDtype = packed.dtype;
    stage = resolveOutputStage(op, { ...params, wZeroPoint: params.wZeroPoint ?? packed.wZeroPoints }, info.M, xDtype, wDtype);
    const shift = wDtype === 'uint8' ? 128 : 0;
    const zs = stage.wZeroPoints;
    for (let m = 0; m < info.M; m++) {
      const z = (zs ? zs[m] : 0) + shift;
      if (z !== packed.wZeroPoints[m]) throw new ValueError(op, `wZeroPoint of output channel ${m} is ${z} but the weights were packed with ${packed.wZeroPoints[m]}.`, 'omit wZeroPoint with packed weights, or pack them again with the zero points you want.');
    }
  } else {
    const { shape: wShape, dtype: wdt } = engine.checkInput(op, 'w', w as TensorLike, ['int8', 'uint8']);
    wDtype = wdt as 'int8' | 'uint8';
    info = conv2dInfo(xShape, wShape, params, op);
    stage = resolveOutputStage(op, params, info.M, xDtype, wDtype);
  }
  if (params.out !== undefined && ((params.out as unknown) === x || (params.out as unknown) === w)) {
    throw new ValueError(op, 'options.out is the input tensor itself; a convolution reads each input pixel many times, so it cannot run in place.', 'pass a separate output tensor, or omit out.');
  }
  const skip = params.skipZeros ?? true;
  const count = params.count ?? true;
  if (typeof skip !== 'boolean') throw new ValueError(op, `skipZeros = ${fmt(skip)} must be a boolean.`, 'pass true (ZASCAS) or false (dense ZASCAD order).');
  if (typeof count !== 'boolean') throw new ValueError(op, `count = ${fmt(count)} must be a boolean.`, 'pass true or false.');
  const tiles = checkPositiveInt(op, 'feieTiles', params.feieTiles ?? FEIE_DEFAULT_TILES);
  const kname = params.kernel ?? 'auto';
  if (kname !== 'auto' && kname !== 'blocksparse' && kname !== 'scatter') throw new ValueError(op, `kernel = ${fmt(kname)} is not known.`, "use 'auto', 'blocksparse' or 'scatter'.");
  if (kname === 'blocksparse' && engine.isa === 'scalar') throw new UnsupportedError(op, "kernel 'blocksparse' needs a SIMD build, but this engine runs the scalar one.", "use kernel 'auto' or 'scatter', or an engine with isa 'simd' or 'relaxed'.");
  if (packed && engine.isa === 'scalar') throw new UnsupportedError(op, 'the weights are packed for the block-sparse kernel, which needs a SIMD build.', 'pass the unpacked weights on this engine.');
  if (packed || kname === 'blocksparse' || (kname === 'auto' && engine.isa !== 'scalar' && info.Mg >= BLOCKSPARSE_MIN_MG)) {
    return runBlockSparse(engine, x, packed ?? (w as TensorLike<'int8' | 'uint8'>), info, stage, xDtype, wDtype, skip, count, tiles, params.out);
  }

  const w0 = w as TensorLike<'int8' | 'uint8'>;
  const { N, H, W, C, M, R, S, E, F, Mg, Cg, groups } = info;
  const outDtype = stage.requant ? stage.requant.outputDtype : 'int32';
  const outBytes = outDtype === 'int32' ? 4 : 1;
  const nchw = info.layout === 'NCHW';
  const bandRows = Math.min(E, Math.max(1, Math.floor(FEIE_ACC_BYTES / (F * M * 4))));
  const direct = !stage.requant && !nchw; // int32 sums straight into y
  const k = engine.kernels;
  const listBytes = k.q8_conv_feie_list_bytes(C, groups, R, S);
  const inputs: TensorLike[] = nchw ? [] : [x];
  const scratch = [
    nchw ? N * H * W * C : 0, // 0: NHWC copy of x
    M * info.K * 2, // 1: int16 weights [g][r][s][c][Mg], zero points subtracted
    listBytes, // 2: the kernel's per-pixel list
    count ? N * H * C * 4 : 0, // 3: rowNnz
    16, // 4: counts (f64 x 2)
    M * 4, // 5: colTerm = bias
    stage.requant ? M * 4 : 0, // 6: multipliers
    bandRows * F * 4, // 7: zero row sums (the zero points are subtracted in the kernel)
    direct ? 0 : bandRows * F * M * 4, // 8: int32 band
    nchw ? N * E * F * M * outBytes : 0, // 9: NHWC result before the transpose
  ];

  return engine.run(op, { inputs, scratch, output: { dtype: outDtype, shape: info.yShape, out: params.out } }, ({ inputs: ptrs, scratch: sp, out }) => {
    const buf = () => engine.heap.memory.buffer;
    let xPtr: number;
    if (nchw) {
      xPtr = sp[0];
      transposeInto(viewOf(xDtype, buf(), xPtr, N * H * W * C), x.data, N, C, H * W);
    } else xPtr = ptrs[0];
    writeWeights(viewOf('int16', buf(), sp[1], M * info.K), w0.data, info, wDtype, stage.wZeroPoints);
    const rowNnz = count ? sp[3] : 0;
    if (count) viewOf('int32', buf(), rowNnz, N * H * C).fill(0);
    const zc = new DataView(buf(), sp[4], 16); // counts: two f64
    zc.setFloat64(0, 0, true);
    zc.setFloat64(8, 0, true);
    viewOf('int32', buf(), sp[5], M).set(stage.bias);
    const rq = stage.requant;
    if (rq) viewOf('float32', buf(), sp[6], M).set(rq.multipliers);
    viewOf('int32', buf(), sp[7], bandRows * F).fill(0);
    const hasBias = stage.bias.some((b) => b !== 0);
    const xzp = xDtype === 'int8' ? stage.xZeroPoint - 128 : stage.xZeroPoint;
    const signed = xDtype === 'int8' ? 1 : 0;
    const outSigned = rq?.outputDtype === 'int8' ? 1 : 0;
    const yBase = nchw ? sp[9] : out.ptr;
    const [sh, sw] = info.strides;
    const [dh, dw] = info.dilations;
    const [pt, pl] = info.pads;
    const effR = (R - 1) * dh + 1;
    for (let n = 0; n < N; n++) {
      const xImg = xPtr + n * H * W * C;
      const nnzImg = count ? rowNnz + n * H * C * 4 : 0;
      let counted = 0; // input rows [0, counted) of this image are counted already
      for (let e0 = 0; e0 < E; e0 += bandRows) {
        const e1 = Math.min(E, e0 + bandRows);
        // input rows that reach this band's outputs, clipped to the image
        let lo = Math.max(0, e0 * sh - pt);
        let hi = Math.min(H, (e1 - 1) * sh - pt + effR);
        if (hi <= lo) lo = hi = counted;
        const countHi = e1 === E ? H : Math.max(counted, hi);
        const rows = (e1 - e0) * F;
        const yBand = yBase + (n * E * F + e0 * F) * M * outBytes;
        const acc = direct ? yBand : sp[8];
        k.q8_conv_feie(xImg, H, W, C, R, S, sh, sw, dh, dw, pt, pl, F, groups, Mg, sp[1], xzp, signed, skip ? 1 : 0,
          e0, e1, Math.min(lo, counted), Math.max(hi, countHi), counted, countHi, acc, M, sp[2], nnzImg, sp[4]);
        counted = countHi;
        if (rq) k.q8_requantize(acc, rows, M, M, sp[5], sp[7], 0, sp[6], rq.yZeroPoint, rq.qmin, rq.qmax, yBand, M, outSigned);
        else if (hasBias) k.s32_correct(acc, rows, M, M, sp[5], sp[7], 0);
        if (!direct && !rq) new Uint8Array(buf(), yBand, rows * M * 4).set(new Uint8Array(buf(), acc, rows * M * 4));
      }
    }
    if (nchw) transposeBack(out.data, viewOf(outDtype, buf(), yBase, N * E * F * M), N, M, E * F);

    const tallies = count ? new DataView(buf(), sp[4], 16) : undefined;
    const { counts, feie } = countsAndFeie(info, tiles, skip, tallies && {
      macsNonZero: tallies.getFloat64(0, true), macsReal: tallies.getFloat64(8, true), rowNnz: viewOf('int32', buf(), rowNnz, N * H * C).slice(),
    });
    const isaName = kernelName(kernel('q8_conv_feie'), engine.isa);
    return { y: out, counts, feie, kernel: isaName, vectorised: engine.isa !== 'scalar' && Mg >= 8 };
  });
}


/**
 * The counts and the FEIE report of one zero-skip call from the kernel's tallies (per group of
 * output channels: multiply-adds with a non-zero input and with a real, non-padding input; non-zero
 * inputs per row and channel), shared by the scatter and the block-sparse paths. Without tallies
 * (`count: false`) only the dense FEIE model.
 */
function countsAndFeie(info: Conv2DInfo, tiles: number, skip: boolean, t?: { macsNonZero: number; macsReal: number; rowNnz: Int32Array; streamed?: number; cpuMultiplyAdds?: number }): { counts: ZeroSkipCounts | undefined; feie: FeieReport } {
  if (!t) return { counts: undefined, feie: feieLayer(info, { tiles }) };
  const { N, H, W, C, Mg } = info;
  const macsNonZero = Mg * t.macsNonZero;
  const macsReal = Mg * t.macsReal;
  let streamed = t.streamed;
  if (streamed === undefined) {
    streamed = 0;
    for (let i = 0; i < t.rowNnz.length; i++) streamed += t.rowNnz[i];
  }
  const total = N * (H + info.pads[0] + info.pads[2]) * (W + info.pads[1] + info.pads[3]) * C;
  const executed = skip ? macsNonZero : info.macs;
  const counts: ZeroSkipCounts = {
    skipZeros: skip,
    inputs: skip ? { total, streamed, skipped: total - streamed } : { total, streamed: total, skipped: 0 },
    macs: { dense: info.macs, executed, skipped: info.macs - executed, padding: info.macs - macsReal },
    rowNnz: t.rowNnz,
    cpuMultiplyAdds: t.cpuMultiplyAdds,
  };
  return { counts, feie: feieLayer(info, { tiles }, { rowNnz: t.rowNnz, macsExecuted: macsNonZero }) };
}

/** Output pixels per block-sparse tile: a multiple of 6 (whole panels), A panels within {@link BLOCKSPARSE_TILE_BYTES}. */
export function blockSparseTileRows(info: Conv2DInfo): number {
  const RS = info.R * info.S;
  const kp = Math.floor(RS / 2) * info.Cg + (RS % 2) * Math.ceil(info.Cg / 2); // k-pairs, as assembly/feie/zsgemm.ts
  // per output pixel: 4 bytes of lowered A per k-pair (2 rows x 2 i16 / 2) + 2 of pair list
  const rows = Math.max(6, Math.floor(BLOCKSPARSE_TILE_BYTES / (kp * 6) / 6) * 6);
  return Math.min(rows, Math.ceil((info.E * info.F) / 6) * 6);
}

/** conv2dZeroSkip on the block-sparse GEMM (assembly/feie/zsgemm.ts); counts from q8_conv_zs_count. */
function runBlockSparse(
  engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'> | PackedZeroSkipWeights, info: Conv2DInfo, stage: OutputStage,
  xDtype: 'int8' | 'uint8', wDtype: 'int8' | 'uint8', skip: boolean, count: boolean, tiles: number, outT: Tensor<'int32' | 'int8' | 'uint8'> | undefined,
): Conv2DZeroSkipResult<Tensor<'int32' | 'int8' | 'uint8'>> {
  const op = 'conv2dZeroSkip';
  const k = engine.kernels;
  const { N, H, W, C, M, R, S, E, F, K, Mg, Cg, groups } = info;
  const EF = E * F;
  const outDtype = stage.requant ? stage.requant.outputDtype : 'int32';
  const outBytes = outDtype === 'int32' ? 4 : 1;
  const nchw = info.layout === 'NCHW';
  const packed = w instanceof PackedZeroSkipWeights ? w : undefined;
  const oihw = !packed && info.weightLayout === 'OIHW' && Cg > 1;
  const rows = blockSparseTileRows(info);
  const direct = !stage.requant && !nchw;
  const pbBytes = packed ? packed.groupBytes : alignUp(k.q8_conv_zs_packed_b_bytes(Mg, R, S, Cg));
  const inputs: TensorLike[] = [];
  if (!nchw) inputs.push(x);
  if (!oihw && !packed) inputs.push(w as TensorLike);
  const sizes = [
    nchw ? N * H * W * C : 0, // 0: NHWC copy of x
    oihw ? M * K : 0, // 1: OHWI copy of w
    packed ? 0 : M * 4, // 2: weight zero points, w's own domain
    packed ? 0 : groups * pbBytes, // 3: packed B per group
    count ? N * H * C * 4 : 0, // 4: rowNnz
    24, // 5: counts (f64 x 3)
    M * 4, // 6: colTerm = bias
    stage.requant ? M * 4 : 0, // 7: multipliers
    rows * 4, // 8: zero row sums (zero points are subtracted in the kernel)
    direct ? 0 : rows * M * 4, // 9: int32 tile
    k.q8_conv_zs_work_bytes(rows, R, S, Cg), // 10: lowered panels + pair lists
    nchw ? N * EF * M * outBytes : 0, // 11: NHWC result before the transpose
  ];
  return engine.run(op, { inputs, scratch: sizes, output: { dtype: outDtype, shape: info.yShape, out: outT } }, ({ inputs: ptrs, scratch: sp, out }) => {
    const buf = () => engine.heap.memory.buffer;
    let xPtr: number;
    if (nchw) {
      xPtr = sp[0];
      transposeInto(viewOf(xDtype, buf(), xPtr, N * H * W * C), x.data, N, C, H * W);
    } else xPtr = ptrs[0];
    let pb: number;
    if (packed) pb = packed.block.ptr;
    else {
      let wPtr: number;
      if (oihw) {
        wPtr = sp[1];
        writeOhwiCopy(engine, (w as TensorLike).data, wDtype, M, R, S, Cg, wPtr);
      } else wPtr = ptrs[nchw ? 0 : 1];
      // resolveOutputStage moves uint8 zero points by -128 for the flipped GEMM weights; undo it.
      const shift = wDtype === 'uint8' ? 128 : 0;
      const own = Int32Array.from({ length: M }, (_, m) => (stage.wZeroPoints ? stage.wZeroPoints[m] : 0) + shift);
      packZsGroups(engine, wPtr, wDtype, own, sp[2], M, R, S, Cg, groups, sp[3], pbBytes);
      pb = sp[3];
    }
    const zc = new DataView(buf(), sp[5], 24);
    for (let i = 0; i < 3; i++) zc.setFloat64(i * 8, 0, true);
    viewOf('int32', buf(), sp[6], M).set(stage.bias);
    const rq = stage.requant;
    if (rq) viewOf('float32', buf(), sp[7], M).set(rq.multipliers);
    viewOf('int32', buf(), sp[8], rows).fill(0);
    const hasBias = stage.bias.some((b) => b !== 0);
    const xzp = xDtype === 'int8' ? stage.xZeroPoint - 128 : stage.xZeroPoint;
    const signed = xDtype === 'int8' ? 1 : 0;
    const outSigned = rq?.outputDtype === 'int8' ? 1 : 0;
    const yBase = nchw ? sp[11] : out.ptr;
    const [sh, sw] = info.strides;
    const [dh, dw] = info.dilations;
    const [pt, pl] = info.pads;
    if (count) viewOf('int32', buf(), sp[4], N * H * C).fill(0);
    let listed = 0;
    for (let n = 0; n < N; n++) {
      const xImg = xPtr + n * H * W * C;
      if (count) k.q8_conv_zs_count(xImg, H, W, C, R, S, sh, sw, dh, dw, pt, pl, E, F, xzp, signed, sp[4] + n * H * C * 4, sp[5]);
      for (let p0 = 0; p0 < EF; p0 += rows) {
        const tr = Math.min(rows, EF - p0);
        const yRow = yBase + (n * EF + p0) * M * outBytes;
        const acc = direct ? yRow : sp[9];
        for (let g = 0; g < groups; g++) {
          listed += k.q8_conv_zs_gemm(xImg, H, W, C, R, S, sh, sw, dh, dw, pt, pl, F, p0, tr, g * Cg, Cg, xzp, signed, skip ? 1 : 0,
            pb + g * pbBytes, Mg, acc + g * Mg * 4, M, sp[10]);
        }
        if (rq) k.q8_requantize(acc, tr, M, M, sp[6], sp[8], 0, sp[7], rq.yZeroPoint, rq.qmin, rq.qmax, yRow, M, outSigned);
        else if (hasBias) k.s32_correct(acc, tr, M, M, sp[6], sp[8], 0);
        if (!direct && !rq) new Uint8Array(buf(), yRow, tr * M * 4).set(new Uint8Array(buf(), acc, tr * M * 4));
      }
    }
    if (nchw) transposeBack(out.data, viewOf(outDtype, buf(), yBase, N * EF * M), N, M, EF);

    const tallies = count ? new DataView(buf(), sp[5], 24) : undefined;
    const { counts, feie } = countsAndFeie(info, tiles, skip, tallies && {
      macsNonZero: tallies.getFloat64(0, true), macsReal: tallies.getFloat64(8, true), streamed: tallies.getFloat64(16, true),
      rowNnz: viewOf('int32', buf(), sp[4], N * H * C).slice(), cpuMultiplyAdds: listed * 2 * Mg,
    });
    const isaName = kernelName(kernel('q8_conv_zsgemm_2x16c2'), engine.isa);
    return { y: out, counts, feie, kernel: isaName, vectorised: true };
  });
}

/** w (OHWI or OIHW, int8 or uint8 values) -> int16 [g][r][s][c][Mg] with w - wzp[m] (w's own domain). */
function writeWeights(dst: Int16Array, src: ArrayLike<number>, info: Conv2DInfo, wDtype: 'int8' | 'uint8', shifted: Int32Array | undefined): void {
  const { M, R, S, Cg, Mg } = info;
  const oihw = info.weightLayout === 'OIHW';
  // resolveOutputStage moves uint8 zero points by -128 for the flipped GEMM weights; undo it.
  const shift = wDtype === 'uint8' ? 128 : 0;
  for (let m = 0; m < M; m++) {
    const g = Math.floor(m / Mg);
    const mm = m - g * Mg;
    const z = (shifted ? shifted[m] : 0) + shift;
    for (let r = 0; r < R; r++) {
      for (let s = 0; s < S; s++) {
        const d = (((g * R + r) * S + s) * Cg) * Mg + mm;
        for (let c = 0; c < Cg; c++) {
          const v = oihw ? src[((m * Cg + c) * R + r) * S + s] : src[((m * R + r) * S + s) * Cg + c];
          dst[d + c * Mg] = v - z;
        }
      }
    }
  }
}

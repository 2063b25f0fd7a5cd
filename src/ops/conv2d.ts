/**
 * Quantised 2-D convolution (ONNX QLinearConv / ConvInteger semantics) on int8 / uint8
 * activations and int8 / uint8 weights (uint8 weights are flipped to int8 w - 128 once, when
 * packed, by the shared `weightsToS8` of src/ops/packed.ts; their zero point moves with them).
 *
 * Two algorithms, chosen per layer:
 * - `'im2col'` (any conv): a tile of output pixels of one image and one group is lowered to a
 *   uint8 matrix (assembly/conv/im2col.ts, at most ~160 KiB per tile, so a big layer never
 *   materialises its whole im2col matrix), multiplied with the packed weights through the GEMM
 *   contract (assembly/gemm/u8s8.ts) and finished by the shared output stage
 *   (assembly/common/requant.ts). A 1x1, stride-1, unpadded uint8 conv skips the lowering.
 * - `'direct'` (depthwise with depth multiplier 1): assembly/conv/depthwise.ts, SIMD over channels.
 *
 * Layouts: NHWC activations and OHWI weights ([M, R, S, C/groups]) are native. NCHW activations
 * (`layout: 'NCHW'`) are transposed to NHWC on the way in and the result back on the way out:
 * one extra pass over x and y in JavaScript plus an NHWC copy of each in Wasm memory. OIHW weights
 * (`weightLayout: 'OIHW'`) are transposed once when packed: prepack them ({@link packConvWeights})
 * to pay that once per model instead of once per call.
 * @module
 */
import { alignUp } from '../runtime/memory.js';
import type { Conv2DInfo, Conv2DOptions, WeightLayout } from '../descriptors/conv.js';
import { conv2dInfo, convWeightInfo } from '../descriptors/conv.js';
import { resolveOutputStage, type OutputStage, type QuantParams } from '../descriptors/output-stage.js';
import { UnsupportedError, ValueError, fmt } from '../errors.js';
import type { Engine, TensorLike } from '../runtime/engine.js';
import { Tensor, viewOf } from '../runtime/tensor.js';
import { PackedConvBlock, type WeightDtype, weightFlipBytes, weightsToS8 } from './packed.js';
import { conv2dWithReport, type AcceleratorParams, type WithReport } from './with-report.js';

/** Which conv algorithm runs. `'auto'`: direct for depthwise with multiplier 1, else im2col. */
export type Conv2DAlgorithm = 'auto' | 'im2col' | 'direct';

/** Bytes of one lowered (im2col) tile that the tiler aims for. */
export const IM2COL_TILE_BYTES = 160 * 1024;
/** Bytes of one int32 accumulator tile that the tiler allows. */
export const ACC_TILE_BYTES = 256 * 1024;

/** Options of {@link packConvWeights}. */
export interface PackConvWeightsOptions {
  /** Groups of the convolution these weights belong to. Default 1. */
  groups?: number;
  /** Layout of w. Default `'OHWI'`. */
  weightLayout?: WeightLayout;
  /** Algorithm to pack for. Default `'auto'` (direct for depthwise with multiplier 1). */
  algorithm?: Conv2DAlgorithm;
}

/** Parameters of {@link conv2d}: geometry, quantisation, algorithm and an optional output. */
export interface Conv2DParams extends Conv2DOptions, QuantParams {
  /** Algorithm. Default `'auto'`. With packed weights it must match the packing (or be omitted). */
  algorithm?: Conv2DAlgorithm;
  /** Write the result into this tensor (dtype and shape of the result). */
  out?: Tensor<'int32' | 'int8' | 'uint8'>;
}

/**
 * Convolution weights packed once in Wasm memory for repeated {@link conv2d} calls on the same
 * engine. Holds one packed GEMM B matrix per group plus its column sums (im2col), or the
 * weights in [R, S, M] order (direct depthwise). Call {@link PackedConvWeights.dispose} when done.
 */
export class PackedConvWeights extends PackedConvBlock {
  // dtype: per-call `wZeroPoint` is in its range ([0, 255] for uint8; the block holds uint8
  // weights as w - 128 and the zero point is moved to match).
  /** The algorithm the packing serves. */
  readonly algorithm: 'im2col' | 'direct';
  /** @internal Byte offset of each group's packed B, and of the column sums, in the block. */
  readonly groupOffsets: readonly number[];
  /** @internal */
  readonly colSumsOffset: number;
  /** @internal Use {@link packConvWeights}. */
  constructor(init: Omit<PackedConvWeights, 'dispose' | 'disposed' | 'byteLength' | 'belongsTo'>) {
    super(init.block, init);
    this.algorithm = init.algorithm;
    this.groupOffsets = Object.freeze([...init.groupOffsets]);
    this.colSumsOffset = init.colSumsOffset;
    // The offsets and geometry address the block: a crafted change after packing must not reach a kernel.
    Object.freeze(this);
  }
}


interface WeightPlan {
  algorithm: 'im2col' | 'direct';
  groupOffsets: number[];
  colSumsOffset: number;
  bytes: number;
}

function chooseAlgorithm(op: string, requested: unknown, Cg: number, Mg: number): 'im2col' | 'direct' {
  const a = requested ?? 'auto';
  if (a !== 'auto' && a !== 'im2col' && a !== 'direct') throw new ValueError(op, `algorithm = ${fmt(a)} is not known.`, "use 'auto', 'im2col' or 'direct'.");
  const directOk = Cg === 1 && Mg === 1;
  if (a === 'direct' && !directOk) {
    throw new UnsupportedError(op, `the direct kernel serves depthwise convolutions with depth multiplier 1 (one input and one output channel per group), but this one has ${Cg} input and ${Mg} output channels per group.`, "use algorithm 'auto' or 'im2col'.");
  }
  return a === 'auto' ? (directOk ? 'direct' : 'im2col') : a;
}

function weightPlan(engine: Engine, algorithm: 'im2col' | 'direct', M: number, K: number, groups: number): WeightPlan {
  if (algorithm === 'direct') return { algorithm, groupOffsets: [0], colSumsOffset: alignUp(M * K), bytes: M * K };
  const Mg = M / groups;
  const per = alignUp(engine.kernels.u8s8_gemm_packed_b_bytes(Mg, K));
  const groupOffsets = Array.from({ length: groups }, (_, g) => g * per);
  return { algorithm, groupOffsets, colSumsOffset: groups * per, bytes: groups * per + M * 4 };
}

/** Copies OHWI weights (from host data or a tensor view, in `layout`) into Wasm at `dst`, same dtype. */
function writeOhwi(engine: Engine, w: TensorLike, dtype: WeightDtype, layout: WeightLayout, M: number, R: number, S: number, Cg: number, dst: number): void {
  const src = w.data;
  const d = viewOf(dtype, engine.heap.memory.buffer, dst, M * R * S * Cg);
  if (layout === 'OHWI' || Cg === 1) {
    d.set(src as Int8Array);
    return;
  }
  const RS = R * S;
  for (let m = 0; m < M; m++) {
    const base = m * RS * Cg;
    for (let c = 0; c < Cg; c++) for (let t = 0; t < RS; t++) d[base + t * Cg + c] = src[base + c * RS + t];
  }
}

/** Packs OHWI int8 weights at `wPtr` (after {@link weightsToS8}) into the block at `base` following `plan`. */
function packWeights(engine: Engine, plan: WeightPlan, wPtr: number, M: number, R: number, S: number, Cg: number, groups: number, base: number): void {
  const K = R * S * Cg;
  if (plan.algorithm === 'direct') {
    // [M, R*S] -> [R*S, M]: the direct kernel reads channels contiguously.
    const RS = R * S;
    const buf = engine.heap.memory.buffer;
    const s = viewOf('int8', buf, wPtr, M * RS);
    const d = viewOf('int8', buf, base, M * RS);
    for (let m = 0; m < M; m++) for (let t = 0; t < RS; t++) d[t * M + m] = s[m * RS + t];
    return;
  }
  const Mg = M / groups;
  for (let g = 0; g < groups; g++) {
    engine.kernels.u8s8_gemm_pack_b(wPtr + g * Mg * K, K, Mg, K, base + plan.groupOffsets[g], base + plan.colSumsOffset + g * Mg * 4);
  }
}

/**
 * Packs int8 or uint8 convolution weights once, for reuse across {@link conv2d} calls on the same
 * engine. `w` is never modified. uint8 weights (ONNX ConvInteger / QLinearConv) are stored as
 * w - 128 ({@link PackedConvWeights.dtype} records it); pass their `wZeroPoint` in [0, 255] on
 * each call, as for unpacked uint8 weights.
 *
 * @param w int8 / uint8 weights, OHWI [M, R, S, C/groups] or OIHW [M, C/groups, R, S] (`weightLayout`).
 * @example
 * ```ts
 * const pw = packConvWeights(mf, { data: w, shape: [64, 3, 3, 32] });
 * for (const x of batches) conv2d(mf, x, pw, { pads: 'same_upper', requantize }).toArray();
 * pw.dispose();
 * ```
 */
export function packConvWeights(engine: Engine, w: TensorLike<'int8' | 'uint8'>, options: PackConvWeightsOptions = {}): PackedConvWeights {
  const op = 'packConvWeights';
  const { shape, dtype } = engine.checkInput(op, 'w', w, ['int8', 'uint8']);
  const wDtype = dtype as WeightDtype;
  if (options === null || typeof options !== 'object') throw new ValueError(op, `options = ${fmt(options)} must be an object.`, 'pass { groups, weightLayout, algorithm } or omit it.');
  const wi = convWeightInfo(shape, options, op);
  const algorithm = chooseAlgorithm(op, options.algorithm, wi.Cg, wi.Mg);
  const K = wi.R * wi.S * wi.Cg;
  const plan = weightPlan(engine, algorithm, wi.M, K, wi.groups);
  const transpose = wi.weightLayout === 'OIHW' && wi.Cg > 1;
  // A private OHWI copy: for the transpose, or as the flip's destination for a uint8 tensor.
  const copy = transpose || weightFlipBytes(wDtype, engine.stageBytes(w) > 0, wi.M * K) > 0;
  return engine.run(op, { inputs: transpose ? [] : [w], scratch: [copy ? wi.M * K : 0], output: { dtype: 'uint8', shape: [plan.bytes] } }, ({ inputs, scratch, out }) => {
    let wPtr = inputs[0];
    if (transpose) {
      wPtr = scratch[0];
      writeOhwi(engine, w, wDtype, wi.weightLayout, wi.M, wi.R, wi.S, wi.Cg, wPtr);
    }
    wPtr = weightsToS8(engine, wDtype, wPtr, wi.M * K, copy ? scratch[0] : wPtr);
    packWeights(engine, plan, wPtr, wi.M, wi.R, wi.S, wi.Cg, wi.groups, out.ptr);
    return new PackedConvWeights({ M: wi.M, R: wi.R, S: wi.S, Cg: wi.Cg, groups: wi.groups, weightLayout: wi.weightLayout, dtype: wDtype, wShape: wi.wShape, algorithm, groupOffsets: plan.groupOffsets, colSumsOffset: plan.colSumsOffset, block: out });
  });
}

/** The memory plan of one conv2d call (bytes), exposed for tests and accelerator models. */
export interface Conv2DTilePlan {
  algorithm: 'im2col' | 'direct';
  /** Output pixels per tile (per image and group). */
  rows: number;
  /** Tiles per image and group: ceil(E * F / rows). */
  tiles: number;
  /** True when im2col is skipped (1x1, stride 1, unpadded, uint8 input). */
  skipLowering: boolean;
  /** Bytes of the lowered tile (rows * K), the packed A tile, and the int32 accumulator tile. */
  loweredBytes: number;
  packedABytes: number;
  accBytes: number;
}

/**
 * Plans the tiles of a conv2d call: rows per tile so that the lowered tile stays within
 * {@link IM2COL_TILE_BYTES} and the int32 tile within {@link ACC_TILE_BYTES} (at least one row).
 */
export function planConv2dTiles(engine: Engine, info: Conv2DInfo, algorithm: 'im2col' | 'direct', xDtype: 'int8' | 'uint8', requantize: boolean): Conv2DTilePlan {
  const EF = info.E * info.F;
  const accCols = algorithm === 'direct' ? info.M : info.Mg;
  let rows = Math.min(EF, Math.max(1, Math.floor(ACC_TILE_BYTES / (4 * accCols))));
  if (algorithm === 'im2col') rows = Math.min(rows, Math.max(1, Math.floor(IM2COL_TILE_BYTES / info.K)));
  if (rows > 8 && rows < EF) rows -= rows % 8; // whole GEMM row blocks
  const skipLowering = algorithm === 'im2col' && xDtype === 'uint8' && info.R === 1 && info.S === 1 && info.strides[0] === 1 && info.strides[1] === 1 && info.pads.every((p) => p === 0);
  return {
    algorithm,
    rows,
    tiles: Math.ceil(EF / rows),
    skipLowering,
    loweredBytes: algorithm === 'im2col' && !skipLowering ? rows * info.K : 0,
    packedABytes: algorithm === 'im2col' ? engine.kernels.u8s8_gemm_packed_a_bytes(rows, info.K) : 0,
    accBytes: requantize ? rows * accCols * 4 : 0,
  };
}

/**
 * Quantised 2-D convolution.
 *
 * y[n, e, f, m] = bias[m] + sum over (r, s, c of m's group) (x - xZeroPoint) * (w[m] - wZeroPoint[m])
 * as int32 (wrapping), then optionally requantised (ONNX QLinearConv: float32 multiplier
 * xScale * wScale[m] / yScale, round half to even, + yZeroPoint, clamp / fused ReLU).
 *
 * @param x int8 or uint8 activations, [N, H, W, C] (NHWC, default) or [N, C, H, W] (`layout: 'NCHW'`).
 * @param w int8 or uint8 weights, [M, R, S, C/groups] (OHWI, default) or [M, C/groups, R, S]
 *   (`weightLayout: 'OIHW'`), or weights packed by {@link packConvWeights} on this engine. Never
 *   modified. `wZeroPoint` is in w's dtype: [-128, 127] for int8, [0, 255] for uint8.
 * @param params geometry ({@link Conv2DOptions}), quantisation ({@link QuantParams}), `algorithm`, `out`;
 *   `accelerator` (an arch, a preset name or a list) to get `{ y, report, kernel }` instead: the
 *   zero-skipping kernel (conv2dZeroSkip, bit-exact) runs and its counts feed the accelerator
 *   models (ZASCAD vs ZASCAS side by side, then the other targets); `layerName` names the layer.
 * @returns int32 (no `requantize`) or int8/uint8 (`requantize.outputDtype`), [N, E, F, M]
 *   (NHWC) or [N, M, E, F] (NCHW).
 *
 * @example
 * ```ts
 * const y = conv2d(mf, { data: x, shape: [1, 32, 32, 16] }, { data: w, shape: [32, 3, 3, 16] }, {
 *   strides: 1, pads: 'same_upper', xZeroPoint: -3, bias,
 *   requantize: { xScale: 0.02, wScale: 0.004, yScale: 0.05, outputDtype: 'int8', activation: 'relu' },
 * });
 * ```
 */
export function conv2d(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'>, params: Conv2DParams & AcceleratorParams & { requantize: NonNullable<QuantParams['requantize']> }): WithReport<Tensor<'int8' | 'uint8'>>;
export function conv2d(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'>, params: Conv2DParams & AcceleratorParams & { requantize?: undefined }): WithReport<Tensor<'int32'>>;
export function conv2d(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'>, params: Conv2DParams & AcceleratorParams): WithReport<Tensor<'int32' | 'int8' | 'uint8'>>;
export function conv2d(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'> | PackedConvWeights, params: Conv2DParams & { requantize: NonNullable<QuantParams['requantize']> }): Tensor<'int8' | 'uint8'>;
export function conv2d(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'> | PackedConvWeights, params?: Conv2DParams & { requantize?: undefined }): Tensor<'int32'>;
export function conv2d(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'> | PackedConvWeights, params?: Conv2DParams): Tensor<'int32' | 'int8' | 'uint8'>;
export function conv2d(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'> | PackedConvWeights, params: Conv2DParams & Partial<AcceleratorParams> = {}): Tensor<'int32' | 'int8' | 'uint8'> | WithReport<Tensor<'int32' | 'int8' | 'uint8'>> {
  const op = 'conv2d';
  if (params === null || typeof params !== 'object') throw new ValueError(op, `params = ${fmt(params)} must be an object.`, 'pass { strides, pads, groups, xZeroPoint, wZeroPoint, bias, requantize, ... } or omit it.');
  if (params.accelerator !== undefined) {
    if (w instanceof PackedConvWeights) throw new UnsupportedError(op, 'accelerator reports need the unpacked weights: the counts come from the zero-skipping kernel, which builds its own weight layout.', 'pass the weights unpacked when asking for a report.');
    return conv2dWithReport(engine, x, w, params as Conv2DParams & AcceleratorParams);
  }
  if (params.layerName !== undefined) throw new ValueError(op, `layerName = ${fmt(params.layerName)} is only used with accelerator.`, 'pass accelerator too, or omit layerName.');
  const { shape: xShape, dtype } = engine.checkInput(op, 'x', x, ['int8', 'uint8']);
  const xDtype = dtype as 'int8' | 'uint8';

  // --- validate everything before any Wasm memory is touched ---
  let info: Conv2DInfo;
  let algorithm: 'im2col' | 'direct';
  let wDtype: WeightDtype;
  const packed = w instanceof PackedConvWeights ? w : undefined;
  if (packed) {
    if (!packed.belongsTo(engine)) throw new ValueError(op, 'w was packed by another engine.', 'pack the weights with this engine (packConvWeights(engine, ...)).');
    if (packed.disposed) throw new ValueError(op, 'the packed weights were disposed.', 'pack them again, or dispose them only after the last call.');
    if (params.weightLayout !== undefined && params.weightLayout !== packed.weightLayout) {
      throw new ValueError(op, `weightLayout = ${fmt(params.weightLayout)} but the weights were packed from ${packed.weightLayout}.`, 'omit weightLayout when passing packed weights.');
    }
    if (params.groups !== undefined && params.groups !== packed.groups) {
      throw new ValueError(op, `groups = ${fmt(params.groups)} but the weights were packed for groups = ${packed.groups}.`, `pass groups = ${packed.groups} (or omit it), or pack the weights again.`);
    }
    info = conv2dInfo(xShape, packed.wShape, { ...params, groups: packed.groups, weightLayout: packed.weightLayout }, op);
    if (params.algorithm !== undefined && params.algorithm !== 'auto' && params.algorithm !== packed.algorithm) {
      throw new ValueError(op, `algorithm = ${fmt(params.algorithm)} but the weights were packed for '${packed.algorithm}'.`, 'omit algorithm, or pack the weights with the algorithm you want.');
    }
    algorithm = packed.algorithm;
    wDtype = packed.dtype;
  } else {
    const { shape: wShape, dtype: wdt } = engine.checkInput(op, 'w', w as TensorLike, ['int8', 'uint8']);
    wDtype = wdt as WeightDtype;
    info = conv2dInfo(xShape, wShape, params, op);
    algorithm = chooseAlgorithm(op, params.algorithm, info.Cg, info.Mg);
  }
  if (params.out !== undefined && ((params.out as unknown) === x || (params.out as unknown) === w)) {
    throw new ValueError(op, 'options.out is the input tensor itself; a convolution reads each input pixel many times, so it cannot run in place.', 'pass a separate output tensor, or omit out.');
  }
  const stage = resolveOutputStage(op, params, info.M, xDtype, wDtype);
  const outDtype = stage.requant ? stage.requant.outputDtype : 'int32';
  const outBytes = outDtype === 'int32' ? 4 : 1;
  const { N, H, W, C, M, R, S, E, F, K, Mg, groups } = info;
  const EF = E * F;
  const tiles = planConv2dTiles(engine, info, algorithm, xDtype, stage.requant !== undefined);
  const nchw = info.layout === 'NCHW';
  const wPlan = packed ? undefined : weightPlan(engine, algorithm, M, K, groups);
  const wTranspose = !packed && info.weightLayout === 'OIHW' && info.Cg > 1;
  const wStaged = !packed && !wTranspose;
  // A private int8 OHWI copy of w: for the transpose, or as the flip's destination for a uint8 tensor.
  const wCopy = wTranspose || (wStaged && weightFlipBytes(wDtype, engine.stageBytes(w as TensorLike) > 0, M * K) > 0);

  const inputs: TensorLike[] = [];
  if (!nchw) inputs.push(x);
  if (wStaged) inputs.push(w as TensorLike);
  const scratchSizes = [
    nchw ? N * H * W * C : 0, // 0: NHWC copy of x
    wCopy ? M * K : 0, // 1: OHWI copy of w
    wPlan ? wPlan.bytes : 0, // 2: packed weights (+ column sums for im2col)
    algorithm === 'direct' ? R * S * M * 2 : 0, // 3: int16 (w - wzp), [R, S, M]
    M * 4, // 4: colTerm
    stage.wZeroPoints ? M * 4 : 0, // 5: weight zero points
    stage.requant ? M * 4 : 0, // 6: multipliers
    tiles.loweredBytes, // 7: lowered tile
    tiles.packedABytes, // 8: packed A tile
    tiles.rows * 4, // 9: row sums
    tiles.accBytes, // 10: int32 tile
    nchw ? N * EF * M * outBytes : 0, // 11: NHWC result before the transpose
  ];
  return engine.run(op, { inputs, scratch: scratchSizes, output: { dtype: outDtype, shape: info.yShape, out: params.out } }, ({ inputs: ptrs, scratch, out }) => {
    const buf = () => engine.heap.memory.buffer;
    // x in NHWC
    let xPtr: number;
    if (nchw) {
      xPtr = scratch[0];
      transposeInto(viewOf(xDtype, buf(), xPtr, N * H * W * C), x.data, N, C, H * W);
    } else xPtr = ptrs[0];

    // per-channel constants
    const i32 = (p: number, n: number) => viewOf('int32', buf(), p, n);
    if (stage.wZeroPoints) i32(scratch[5], M).set(stage.wZeroPoints);
    if (stage.requant) viewOf('float32', buf(), scratch[6], M).set(stage.requant.multipliers);
    const colTerm = i32(scratch[4], M);

    // weights: packed ones, or packed now exactly as packConvWeights does
    let base: number;
    let groupOffsets: readonly number[];
    let colSumsOffset: number;
    if (packed) {
      base = packed.block.ptr;
      groupOffsets = packed.groupOffsets;
      colSumsOffset = packed.colSumsOffset;
    } else {
      let wPtr: number;
      if (wTranspose) {
        wPtr = scratch[1];
        writeOhwi(engine, w as TensorLike, wDtype, info.weightLayout, M, R, S, info.Cg, wPtr);
      } else wPtr = ptrs[nchw ? 0 : 1];
      wPtr = weightsToS8(engine, wDtype, wPtr, M * K, wCopy ? scratch[1] : wPtr);
      base = scratch[2];
      packWeights(engine, wPlan!, wPtr, M, R, S, info.Cg, groups, base);
      groupOffsets = wPlan!.groupOffsets;
      colSumsOffset = wPlan!.colSumsOffset;
    }
    if (algorithm === 'im2col') {
      const colSumsPtr = base + colSumsOffset;
      // colTerm[m] = bias[m] - za*colSum[m] + K*za*zb[m] (wrapping, see assembly/common/requant.ts)
      const za = stage.xZeroPoint;
      const colSums = i32(colSumsPtr, M);
      const zb = stage.wZeroPoints;
      for (let m = 0; m < M; m++) colTerm[m] = (stage.bias[m] - Math.imul(za, colSums[m]) + (zb ? Math.imul(Math.imul(K, za), zb[m]) : 0)) | 0;
    } else {
      // direct: zero points are subtracted inside, so the output stage only adds the bias.
      colTerm.set(stage.bias);
      const w16 = viewOf('int16', buf(), scratch[3], R * S * M);
      const zb = stage.wZeroPoints;
      const RS = R * S;
      const pw = viewOf('int8', buf(), base, RS * M); // [R*S, M] int8
      for (let i = 0; i < RS * M; i++) w16[i] = pw[i] - (zb ? zb[i % M] : 0);
    }

    const yPtr = nchw ? scratch[11] : out.ptr;
    runTiles(engine, info, algorithm, tiles, stage, xPtr, xDtype, base, groupOffsets, scratch, yPtr, outBytes);

    if (nchw) {
      // [N, E*F, M] -> [N, M, E*F]
      const y = out.data;
      transposeBack(y, viewOf(outDtype, buf(), yPtr, N * EF * M), N, M, EF);
    }
    return out;
  });
}

/** [N, C, P] -> [N, P, C] into `dst`. @internal */
export function transposeInto(dst: ArrayLike<number> & { [i: number]: number }, src: ArrayLike<number>, N: number, C: number, P: number): void {
  for (let n = 0; n < N; n++) {
    const o = n * C * P;
    for (let c = 0; c < C; c++) for (let p = 0; p < P; p++) dst[o + p * C + c] = src[o + c * P + p];
  }
}

/** [N, P, C] from `src` -> [N, C, P] into `dst`. @internal */
export function transposeBack(dst: ArrayLike<number> & { [i: number]: number }, src: ArrayLike<number>, N: number, C: number, P: number): void {
  for (let n = 0; n < N; n++) {
    const o = n * C * P;
    for (let c = 0; c < C; c++) for (let p = 0; p < P; p++) dst[o + c * P + p] = src[o + p * C + c];
  }
}

/** Runs every tile: lowering (or direct kernel) -> GEMM -> output stage, NHWC into yPtr. */
function runTiles(
  engine: Engine, info: Conv2DInfo, algorithm: 'im2col' | 'direct', tiles: Conv2DTilePlan, stage: OutputStage,
  xPtr: number, xDtype: 'int8' | 'uint8', wBase: number, groupOffsets: readonly number[], scratch: number[], yPtr: number, outBytes: number,
): void {
  const k = engine.kernels;
  const { N, H, W, C, M, R, S, E, F, K, Mg, Cg, groups } = info;
  const [sh, sw] = info.strides;
  const [dh, dw] = info.dilations;
  const [pt, pl] = info.pads;
  const EF = E * F;
  const signed = xDtype === 'int8' ? 1 : 0;
  const rq = stage.requant;
  const colTerm = scratch[4];
  const wzp = stage.wZeroPoints ? scratch[5] : 0;
  const mult = scratch[6];
  const lowered = scratch[7];
  const packedA = scratch[8];
  const rowSums = scratch[9];
  const acc = scratch[10];
  const outSigned = rq?.outputDtype === 'int8' ? 1 : 0;
  const xzpOwn = signed ? stage.xZeroPoint - 128 : stage.xZeroPoint;
  for (let n = 0; n < N; n++) {
    const xImg = xPtr + n * H * W * C;
    for (let p0 = 0; p0 < EF; p0 += tiles.rows) {
      const rows = Math.min(tiles.rows, EF - p0);
      const yRow = yPtr + (n * EF + p0) * M * outBytes;
      if (algorithm === 'direct') {
        const dst = rq ? acc : yRow;
        k.q8_dwconv_direct(xImg, H, W, C, R, S, sh, sw, dh, dw, pt, pl, F, p0, rows, scratch[3], xzpOwn, signed, dst, M);
        if (rq) k.q8_requantize(acc, rows, M, M, colTerm, rowSums, 0, mult, rq.yZeroPoint, rq.qmin, rq.qmax, yRow, M, outSigned);
        else k.s32_correct(yRow, rows, M, M, colTerm, rowSums, 0);
        continue;
      }
      for (let g = 0; g < groups; g++) {
        let aMax: number;
        if (tiles.skipLowering) {
          aMax = k.u8s8_gemm_pack_a(xImg + p0 * C + g * Cg, C, rows, K, packedA, rowSums);
        } else {
          k.u8_im2col(xImg, H, W, C, R, S, sh, sw, dh, dw, pt, pl, F, p0, rows, g * Cg, Cg, stage.xZeroPoint, signed, lowered);
          aMax = k.u8s8_gemm_pack_a(lowered, K, rows, K, packedA, rowSums);
        }
        const gOff = g * Mg * 4;
        const wz = wzp ? wzp + gOff : 0;
        if (rq) {
          k.u8s8_gemm(rows, Mg, K, packedA, wBase + groupOffsets[g], acc, Mg, aMax);
          k.q8_requantize(acc, rows, Mg, Mg, colTerm + gOff, rowSums, wz, mult + gOff, rq.yZeroPoint, rq.qmin, rq.qmax, yRow + g * Mg, M, outSigned);
        } else {
          const c = yRow + gOff;
          k.u8s8_gemm(rows, Mg, K, packedA, wBase + groupOffsets[g], c, M, aMax);
          k.s32_correct(c, rows, Mg, M, colTerm + gOff, rowSums, wz);
        }
      }
    }
  }
}

/**
 * Integer matrix multiply (ONNX MatMulInteger / QLinearMatMul semantics, plus bias) over the u8 x s8
 * GEMM contract: pack -> int32 accumulate -> output stage (zero-point correction, requantisation).
 * @module
 */
import { type OutputStage, type QuantParams, resolveOutputStage } from '../descriptors/output-stage.js';
import { ShapeError, ValueError, fmt } from '../errors.js';
import type { Engine, TensorLike } from '../runtime/engine.js';
import { alignUp } from '../runtime/memory.js';
import type { Tensor } from '../runtime/tensor.js';
import { PackedWeights, type ResolvedWeights, type MatrixLayout, checkPlanFits, packedBytes, resolveWeights, weightsToS8 } from './packed.js';

/**
 * Rows of A packed and accumulated at a time. Bounds the scratch of a call to about
 * ROW_TILE x (K + 4N) bytes whatever M is: a big batch never needs an M x N int32 buffer.
 */
export const ROW_TILE = 64;

/** Parameters of {@link matmul}: the output stage plus the layout of host weights and `out`. */
export interface MatmulParams extends QuantParams {
  /** Layout of `b` when it is not packed: `'kn'` (K x N, ONNX MatMul B; default) or `'nk'`. */
  layout?: MatrixLayout;
  /** Write the result into this tensor (dtype and shape of the result). */
  out?: Tensor;
}

/** The validated description of one GEMM call. @internal */
export interface GemmJob {
  op: string;
  a: TensorLike;
  signed: boolean;
  M: number;
  K: number;
  weights: ResolvedWeights;
  stage: OutputStage;
  outShape: readonly number[];
  out?: Tensor;
}

/**
 * Runs a validated GEMM job: plans every buffer from the shapes, allocates them in one
 * transaction (MemoryError with the byte count if impossible), then loops over tiles of
 * {@link ROW_TILE} rows: (int8 -> uint8), pack A, GEMM, correct or requantise. @internal
 */
export function runGemm(engine: Engine, job: GemmJob): Tensor<'int32' | 'int8' | 'uint8'> {
  const { op, a, signed, M, K, weights: wt, stage } = job;
  const N = wt.N;
  const MT = Math.min(M, ROW_TILE);
  const rq = stage.requant;
  const outDtype = rq ? rq.outputDtype : 'int32';

  // The plan: every scratch buffer by name, sized from the shapes.
  const aBytes = packedBytes(engine, 'a', MT, K);
  const raw = wt.kind === 'raw';
  const bBytes = raw ? packedBytes(engine, 'b', N, K) : 0;
  const plan: Record<string, number> = {
    packedA: aBytes ?? MT * K,
    rowSums: MT * 4,
    colTerm: N * 4,
  };
  if (raw) {
    plan.packedB = bBytes ?? N * K;
    plan.colSums = N * 4;
    if (wt.flipBytes) plan.wFlip = wt.flipBytes;
  }
  if (signed) plan.flip = MT * K;
  if (rq) {
    plan.acc = MT * N * 4;
    plan.mult = N * 4;
  }
  if (stage.wZeroPoints) plan.wzp = N * 4;
  // engine.run carves every temporary from one block (one heap allocation per call).
  const names = Object.keys(plan);
  const scratchBytes = names.reduce((t, n) => t + alignUp(plan[n]), 0);
  const outBytes = job.out ? 0 : M * N * (rq ? 1 : 4);
  const inBytes = engine.stageBytes(a) + (wt.kind === 'raw' ? wt.stageBytes : 0);
  const total = inBytes + scratchBytes + outBytes;
  checkPlanFits(engine, op, total, aBytes === undefined || bBytes === undefined, `${op} of ${fmt(M)} x ${fmt(K)} by ${fmt(K)} x ${fmt(N)}`);
  // Only now (the plan fits) transpose 'kn' host weights.
  const inputs: TensorLike[] = wt.kind === 'raw' ? [a, wt.nk()] : [a];

  return engine.run(op, { inputs, scratch: names.map((n) => plan[n]), output: { dtype: outDtype, shape: job.outShape, out: job.out } }, ({ inputs: ptrs, scratch: sp, out }) => {
    const k = engine.kernels;
    const p: Record<string, number> = Object.fromEntries(names.map((n, i) => [n, sp[i]]));
    const buf = engine.heap.memory.buffer; // no growth from here on: kernels never allocate
    const aPtr = ptrs[0];

    let packedB: number;
    let colSums: Int32Array;
    if (raw) {
      const bt = weightsToS8(engine, wt.dtype, ptrs[1], N * K, wt.flipBytes ? p.wFlip : ptrs[1]);
      k.u8s8_gemm_pack_b(bt, K, N, K, p.packedB, p.colSums);
      packedB = p.packedB;
      colSums = new Int32Array(buf, p.colSums, N);
    } else {
      const pw = (wt as { packed: PackedWeights }).packed;
      packedB = pw.ptr;
      colSums = pw.colSumsView;
    }

    // Per-column constants of the correction (assembly/common/requant.ts), wrapping like int32:
    // colTerm[n] = bias[n] - za*colSum[n] + K*za*zb[n].
    const za = stage.xZeroPoint;
    const zb = stage.wZeroPoints;
    const colTerm = new Int32Array(buf, p.colTerm, N);
    const kza = Math.imul(K, za);
    for (let n = 0; n < N; n++) colTerm[n] = (stage.bias[n] - Math.imul(za, colSums[n]) + (zb ? Math.imul(kza, zb[n]) : 0)) | 0;
    const wzp = zb ? p.wzp : 0;
    if (zb) new Int32Array(buf, p.wzp, N).set(zb);
    if (rq) new Float32Array(buf, p.mult, N).set(rq.multipliers);

    for (let m0 = 0; m0 < M; m0 += MT) {
      const mt = Math.min(MT, M - m0);
      let src = aPtr + m0 * K;
      if (signed) {
        k.q8_flip_sign(src, p.flip, mt * K);
        src = p.flip;
      }
      const aMax = k.u8s8_gemm_pack_a(src, K, mt, K, p.packedA, p.rowSums);
      if (!rq) {
        // int32 output: accumulate straight into the result rows, correct in place.
        const c = out.ptr + m0 * N * 4;
        k.u8s8_gemm(mt, N, K, p.packedA, packedB, c, N, aMax);
        k.s32_correct(c, mt, N, N, p.colTerm, p.rowSums, wzp);
      } else {
        k.u8s8_gemm(mt, N, K, p.packedA, packedB, p.acc, N, aMax);
        k.q8_requantize(p.acc, mt, N, N, p.colTerm, p.rowSums, wzp, p.mult, rq.yZeroPoint, rq.qmin, rq.qmax, out.ptr + m0 * N, N, rq.outputDtype === 'int8' ? 1 : 0);
      }
    }
    return out;
  });
}

/** Checks the activations of a GEMM op: int8/uint8, rank >= 2. @internal */
export function checkActivations(engine: Engine, op: string, what: string, x: TensorLike<'int8' | 'uint8'>): { shape: readonly number[]; dtype: 'int8' | 'uint8' } {
  const { shape, dtype } = engine.checkInput(op, what, x, ['int8', 'uint8']);
  if (shape.length < 2) {
    throw new ShapeError(op, `${what} has shape ${fmt(shape)} (rank ${shape.length}); it must have rank >= 2.`, `reshape it to [1, ${shape[0] ?? 1}] for a single row.`);
  }
  return { shape, dtype: dtype as 'int8' | 'uint8' };
}

/** Checks the optional params object itself. @internal */
export function checkParams<P extends object>(op: string, params: P | undefined): P {
  if (params === undefined) return {} as P;
  if (params === null || typeof params !== 'object') throw new ValueError(op, `params must be an object, got ${fmt(params)}.`, 'pass { xZeroPoint?, wZeroPoint?, bias?, requantize?, out? } or omit it.');
  return params;
}

/**
 * Integer matrix multiply: y = (a - xZeroPoint) x (b - wZeroPoint) + bias, then optionally
 * requantised (ONNX MatMulInteger plus bias, or QLinearMatMul with per-channel weights).
 *
 * - `a`: int8 or uint8, shape [..., M, K] (leading batch dims are flattened into the rows).
 * - `b`: {@link PackedWeights}, or int8 / uint8 weights of shape K x N (`layout: 'kn'`, default)
 *   or N x K (`layout: 'nk'`), packed for this call and freed (never modified). b is not
 *   batched. `wZeroPoint` is in b's dtype: [-128, 127] for int8, [0, 255] for uint8.
 * - Result: [..., M, N]; int32 (corrected sums + bias, wrapping mod 2^32) without
 *   `requantize`, else int8/uint8 (round half to even, saturate, fused clamp).
 *
 * The rows are processed {@link ROW_TILE} at a time, so scratch memory stays bounded for any M.
 * Every argument is validated before Wasm memory is touched.
 *
 * @example
 * ```ts
 * const y = matmul(mf, { data: a, shape: [M, K] }, { data: b, shape: [K, N] }, { xZeroPoint: 3 });
 * ```
 */
export function matmul(engine: Engine, a: TensorLike<'int8' | 'uint8'>, b: PackedWeights | TensorLike<'int8' | 'uint8'>, params?: MatmulParams): Tensor<'int32' | 'int8' | 'uint8'> {
  const op = 'matmul';
  const prm = checkParams(op, params);
  const { shape, dtype } = checkActivations(engine, op, 'a', a);
  const weights = resolveWeights(engine, op, 'b', b, prm.layout ?? 'kn');
  const K = shape[shape.length - 1];
  if (weights.K !== K) {
    throw new ShapeError(op, `a has ${fmt(K)} columns (shape ${fmt(shape)}) but b has depth K = ${fmt(weights.K)}${weights.kind === 'packed' ? ' (packed)' : ` (${prm.layout ?? 'kn'} layout)`}.`, "make a's last dimension equal b's K (check the weight layout: 'kn' is K x N, 'nk' is N x K).");
  }
  const stage = resolveOutputStage(op, prm, weights.N, dtype, weights.dtype);
  const M = shape.slice(0, -1).reduce((x, y) => x * y, 1);
  return runGemm(engine, { op, a, signed: dtype === 'int8', M, K, weights, stage, outShape: [...shape.slice(0, -1), weights.N], out: prm.out });
}

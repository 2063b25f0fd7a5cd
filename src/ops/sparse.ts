/**
 * Sparse (CSR) fully connected and convolution layers over pruned int8 weights, optionally also
 * skipping zero activations. Kernels: assembly/sparse/csr.ts; output stage: the shared
 * assembly/common/requant.ts (the CSR values are stored as w - wzp, so the zero-point
 * correction reduces to adding the bias).
 *
 * Counts: every call returns the dense MACs of the layer split into MACs executed, skipped
 * because the weight was pruned, and skipped because the activation was zero (x == xZeroPoint,
 * conv padding included) when `skipZeros` is on. They are exact per (lane, entry) pair.
 * The scalar kernel (batch 1) really skips each zero-activation entry; the vector kernels
 * (batch > 1, conv) skip an entry pair only when ALL lanes of both activation vectors are zero,
 * so on mixed data they gate rather than skip those MACs: the counts are the logical ones.
 * @module
 */
import { alignUp } from '../runtime/memory.js';
import { WasmBlockOwner } from '../runtime/owned.js';
import { conv2dInfo, type Conv2DInfo, type Conv2DOptions } from '../descriptors/conv.js';
import { resolveOutputStage, type OutputStage, type QuantParams } from '../descriptors/output-stage.js';
import { QuantError, ShapeError, UnsupportedError, ValueError, fmt } from '../errors.js';
import type { Engine, TensorLike } from '../runtime/engine.js';
import { viewOf, type Tensor } from '../runtime/tensor.js';
import { CsrMatrix } from '../sparse/csr.js';
import { checkActivations, checkParams } from './matmul.js';
import { checkPlanFits } from './packed.js';
import { kernel, kernelName } from '../kernels/registry.js';

/** Lanes (batch rows or output pixels) per kernel call. */
export const CSR_LANES = 32;
/** Largest column count the packed form supports (16-bit column indices). */
export const CSR_MAX_COLS = 65536;
/**
 * Columns per panel of packed FC weights (4096 columns x 16 lanes x 2 bytes = 128 KiB of
 * activations, L2-resident). Measured on FC 4096x4096 batch 16 at weight density 0.1
 * (bench/csr.mjs, same process): 512 -> 2.24-2.37 ms, 1024 -> 2.00-2.07, 2048 -> 1.93-1.98,
 * 4096 -> 1.91-1.96: shorter per-panel row segments cost more (loop exits, odd tails, accumulator
 * reloads) than L1 residency of the activations gains.
 */
export const CSR_PANEL_COLS = 4096;

const CSR_SLACK = 16;

/** MAC counts of one sparse call. executed + skippedWeights + skippedZeros = dense. */
export interface SparseCounts {
  /** MACs of the dense layer (N * M * E * F * K for conv, batch * out * in for FC). */
  dense: number;
  /** MACs computed (entry present and, with skipZeros, activation non-zero). */
  executed: number;
  /** MACs not computed because the weight was pruned (absent from the CSR). */
  skippedWeights: number;
  /** MACs not computed because the activation was zero (0 unless skipZeros). */
  skippedZeros: number;
}

/** Result of {@link denseCsr} / {@link conv2dCsr}: the output tensor and the counts. */
export interface SparseResult<D extends 'int32' | 'int8' | 'uint8' = 'int32' | 'int8' | 'uint8'> {
  y: Tensor<D>;
  counts: SparseCounts;
  /** The kernel that ran (contract name with the build), e.g. `s8_csr_spmv__simd` for batch 1. */
  kernel: string;
}

/**
 * Host copies of each packed matrix's row pointers and column indices, from which conv2dCsr
 * computes read offsets: kept here, out of every caller's reach, because typed arrays cannot be
 * frozen and a changed index must never reach a kernel.
 */
const CSR_HOST = new WeakMap<PackedCsrWeights, { rowPtr: Int32Array; colIdx: Int32Array }>();

/**
 * CSR weights packed in Wasm memory (validated again when packed): int32 row pointers, u16
 * column indices, int16 values w - wzp[row], int32 entries per column (4 bytes per entry). FC
 * weights whose w - wzp all fit in int8 also get a row-contiguous batch-1 form (u16 columns, i8
 * values, rows padded to multiples of 8 with zero fillers: 3 more bytes per entry) that the
 * batch-1 kernel reads instead. Create with {@link packCsrWeights}; call
 * {@link PackedCsrWeights.dispose} when done.
 */
export class PackedCsrWeights extends WasmBlockOwner {
  readonly rows: number;
  readonly cols: number;
  readonly nnz: number;
  /** Per-row zero points the matrix was built with (int8 domain). */
  readonly zeroPoints: Int32Array;
  /** OHWI filter shape for conv weights. */
  readonly convShape: readonly [number, number, number, number] | undefined;
  /** @internal Byte offsets in the block (frozen). */
  readonly offsets: Readonly<CsrOffsets>;
  /** Column panels (entries stored panel by panel, each with its own rows + 1 row pointers). */
  readonly panels: number;
  /** @internal Use {@link packCsrWeights}. */
  constructor(csr: CsrMatrix, block: Tensor<'uint8'>, offsets: PackedCsrWeights['offsets'], panels: number) {
    super(block);
    this.panels = panels;
    this.rows = csr.rows;
    this.cols = csr.cols;
    this.nnz = csr.nnz;
    this.zeroPoints = csr.zeroPoints.slice();
    this.convShape = csr.convShape;
    CSR_HOST.set(this, { rowPtr: csr.rowPtr.slice(), colIdx: csr.colIdx.slice() });
    this.offsets = Object.freeze({ ...offsets });
    // rows, cols, panels and the offsets size and address the kernels' reads: a crafted change
    // after packing must not reach them.
    Object.freeze(this);
  }

  /** nnz / (rows * cols). */
  get density(): number {
    return this.nnz / (this.rows * this.cols);
  }

}

/** @internal Byte offsets of the packed arrays in the block (b1*: -1 when there is no batch-1 form). */
export interface CsrOffsets {
  rowPtr: number;
  colIdx: number;
  vals: number;
  colCount: number;
  /** Batch-1 form (FC weights whose w - wzp all fit in int8): row starts, u16 columns, i8 values. */
  b1RowPtr: number;
  b1Col: number;
  b1Val: number;
}

/**
 * Entries of the row-contiguous int8 batch-1 form (rows padded to multiples of 8), or undefined
 * when it does not apply: conv weights, or a value w - wzp outside int8.
 */
function b1Entries(csr: CsrMatrix): number | undefined {
  if (csr.convShape !== undefined) return undefined;
  for (let r = 0; r < csr.rows; r++) {
    const z = csr.zeroPoints[r];
    for (let i = csr.rowPtr[r]; i < csr.rowPtr[r + 1]; i++) {
      const v = csr.values[i] - z;
      if (v < -128 || v > 127) return undefined;
    }
  }
  let n = 0;
  for (let r = 0; r < csr.rows; r++) n += (csr.rowPtr[r + 1] - csr.rowPtr[r] + 7) & ~7;
  return n;
}

function layoutOf(rows: number, cols: number, nnz: number, panels: number, b1: number | undefined) {
  const rowPtr = 0;
  const colIdx = alignUp(panels * (rows + 1) * 4);
  // 16 entries of zero slack after the last one (batch 1 reads whole 8-entry blocks).
  const vals = colIdx + alignUp((nnz + CSR_SLACK) * 2);
  const colCount = vals + alignUp((nnz + CSR_SLACK) * 2);
  let end = colCount + alignUp(cols * 4);
  let b1RowPtr = -1, b1Col = -1, b1Val = -1;
  if (b1 !== undefined) {
    b1RowPtr = end;
    b1Col = b1RowPtr + alignUp((rows + 1) * 4);
    b1Val = b1Col + alignUp((b1 + CSR_SLACK) * 2);
    end = b1Val + alignUp(b1 + CSR_SLACK);
  }
  return { offsets: { rowPtr, colIdx, vals, colCount, b1RowPtr, b1Col, b1Val }, bytes: end };
}

/**
 * Columns per panel: FC matrices are split into column panels of {@link CSR_PANEL_COLS} so that
 * the activations one panel gathers from (panel columns x lanes x 2 bytes) stay in L1; conv
 * matrices (which read a small receptive field per tile) keep one panel.
 */
function panelColsOf(cols: number, conv: boolean): number {
  return conv ? cols : Math.min(cols, CSR_PANEL_COLS);
}

function checkCsrArg(op: string, csr: unknown): CsrMatrix {
  if (!(csr instanceof CsrMatrix)) throw new ValueError(op, `the weights must be a CsrMatrix (csrFromArrays / denseToCsr / pruning), got ${csr === null ? 'null' : typeof csr}.`, 'build the matrix with csrFromArrays() or denseToCsr().');
  csr.validate(op); // the arrays are mutable: re-check every index before Wasm sees it
  if (csr.dtype !== 'int8') throw new UnsupportedError(op, 'the CSR values are float32; the kernels run int8 weights.', 'quantise the weights (quantizeWeights) and build an int8 CSR matrix.');
  if (csr.cols > CSR_MAX_COLS) throw new UnsupportedError(op, `the matrix has ${fmt(csr.cols)} columns; packed CSR uses 16-bit column indices (at most ${fmt(CSR_MAX_COLS)}).`, 'split the input features into chunks of at most 65,536 columns.');
  return csr;
}

/**
 * Packs a validated int8 CSR matrix into Wasm memory for {@link denseCsr} / {@link conv2dCsr}.
 * Every index is re-validated first; nothing touches Wasm memory before that.
 */
export function packCsrWeights(engine: Engine, csr: CsrMatrix): PackedCsrWeights {
  const op = 'packCsrWeights';
  checkCsrArg(op, csr);
  const pc = panelColsOf(csr.cols, csr.convShape !== undefined);
  const panels = Math.ceil(csr.cols / pc);
  const b1 = b1Entries(csr);
  const { offsets, bytes } = layoutOf(csr.rows, csr.cols, csr.nnz, panels, b1);
  checkPlanFits(engine, op, bytes, false, `packing a ${fmt(csr.rows)} x ${fmt(csr.cols)} CSR matrix with ${fmt(csr.nnz)} entries`);
  return engine.run(op, { inputs: [], output: { dtype: 'uint8', shape: [bytes] } }, ({ out }) => {
    const buf = engine.heap.memory.buffer;
    const base = out.ptr;
    const nnz = csr.nnz;
    const rp = viewOf('int32', buf, base + offsets.rowPtr, panels * (csr.rows + 1));
    const ci = new Uint16Array(buf, base + offsets.colIdx, nnz + CSR_SLACK);
    const vv = viewOf('int16', buf, base + offsets.vals, nnz + CSR_SLACK);
    const cc = viewOf('int32', buf, base + offsets.colCount, csr.cols);
    cc.fill(0);
    // Panel by panel; within a panel, row by row (columns stay ascending).
    const cursor = csr.rowPtr.slice(0, csr.rows);
    let k = 0;
    for (let j = 0; j < panels; j++) {
      const end = (j + 1) * pc;
      const ptr = j * (csr.rows + 1);
      for (let r = 0; r < csr.rows; r++) {
        rp[ptr + r] = k;
        const z = csr.zeroPoints[r];
        let i = cursor[r];
        const e = csr.rowPtr[r + 1];
        for (; i < e && csr.colIdx[i] < end; i++, k++) {
          ci[k] = csr.colIdx[i];
          vv[k] = csr.values[i] - z;
          cc[csr.colIdx[i]]++;
        }
        cursor[r] = i;
      }
      rp[ptr + csr.rows] = k;
    }
    ci.fill(0, nnz);
    vv.fill(0, nnz);
    if (b1 !== undefined) {
      // Row-contiguous batch-1 form: each row padded to a multiple of 8 with (column 0, value 0).
      const brp = viewOf('int32', buf, base + offsets.b1RowPtr, csr.rows + 1);
      const bc = new Uint16Array(buf, base + offsets.b1Col, b1 + CSR_SLACK);
      const bv = new Int8Array(buf, base + offsets.b1Val, b1 + CSR_SLACK);
      bc.fill(0);
      bv.fill(0);
      let o = 0;
      for (let r = 0; r < csr.rows; r++) {
        brp[r] = o;
        const z = csr.zeroPoints[r];
        const e = csr.rowPtr[r + 1];
        for (let i = csr.rowPtr[r]; i < e; i++, o++) {
          bc[o] = csr.colIdx[i];
          bv[o] = csr.values[i] - z;
        }
        o = (o + 7) & ~7;
      }
      brp[csr.rows] = o;
    }
    return new PackedCsrWeights(csr, out, offsets, panels);
  });
}

/** Options shared by the sparse ops. */
export interface SparseOptions {
  /** Also skip MACs whose activation is zero (x == xZeroPoint); counts them. Default false. */
  skipZeros?: boolean;
  /** Write the result into this tensor (dtype and shape of the result). */
  out?: Tensor<'int32' | 'int8' | 'uint8'>;
}

/** Parameters of {@link denseCsr}. `wZeroPoint`, if given, must equal the matrix's zero points. */
export type DenseCsrParams = QuantParams & SparseOptions;
/** Parameters of {@link conv2dCsr} (NHWC activations; OHWI CSR weights). */
export type Conv2DCsrParams = Conv2DOptions & QuantParams & SparseOptions;

/** Resolves the weights (packed, or a CsrMatrix packed for the call) without touching Wasm. */
function resolveCsr(engine: Engine, op: string, w: unknown): { packed?: PackedCsrWeights; csr?: CsrMatrix; rows: number; cols: number; nnz: number; zeroPoints: Int32Array; convShape: PackedCsrWeights['convShape'] } {
  if (w instanceof PackedCsrWeights) {
    if (!w.belongsTo(engine)) throw new ValueError(op, 'the CSR weights were packed by another engine.', 'pack them with this engine (packCsrWeights(engine, csr)).');
    if (w.disposed) throw new ValueError(op, 'the packed CSR weights were disposed.', 'pack them again, or dispose them only after the last call.');
    return { packed: w, rows: w.rows, cols: w.cols, nnz: w.nnz, zeroPoints: w.zeroPoints, convShape: w.convShape };
  }
  const csr = checkCsrArg(op, w);
  return { csr, rows: csr.rows, cols: csr.cols, nnz: csr.nnz, zeroPoints: csr.zeroPoints, convShape: csr.convShape };
}

/** The output stage with the weight zero point fixed by the matrix (a different one is refused). */
function stageFor(op: string, params: QuantParams, zeroPoints: Int32Array, xDtype: 'int8' | 'uint8'): OutputStage {
  const stage = resolveOutputStage(op, params, zeroPoints.length, xDtype, 'int8');
  if (params.wZeroPoint !== undefined) {
    for (let r = 0; r < zeroPoints.length; r++) {
      const z = stage.wZeroPoints ? stage.wZeroPoints[r] : 0;
      if (z !== zeroPoints[r]) {
        throw new QuantError(op, `wZeroPoint for row ${fmt(r)} is ${fmt(z)} but the CSR matrix was built with zero point ${fmt(zeroPoints[r])} (a pruned weight stands for that value, real 0).`, 'omit wZeroPoint (the matrix carries it) or rebuild the CSR matrix with this zero point.');
      }
    }
  }
  return stage;
}

interface Job {
  op: string;
  packedBytes: number;
  scratch: Record<string, number>;
  inputs: TensorLike[];
  outShape: readonly number[];
}

/** Allocates and runs: packs a CsrMatrix if needed, sets the output-stage constants, calls `body`. */
function runSparse<D extends 'int32' | 'int8' | 'uint8'>(
  engine: Engine, job: Job, w: ReturnType<typeof resolveCsr>, stage: OutputStage, out: Tensor | undefined,
  body: (p: { x: number; wBase: number; offsets: CsrOffsets; panels: number; s: Record<string, number>; out: Tensor<D> }) => SparseCounts,
): Omit<SparseResult<D>, 'kernel'> {
  const rq = stage.requant;
  const outDtype = (rq ? rq.outputDtype : 'int32') as D;
  const names = Object.keys(job.scratch);
  const sizes = names.map((n) => job.scratch[n]);
  const layout = w.csr ? layoutOf(w.rows, w.cols, w.nnz, Math.ceil(w.cols / panelColsOf(w.cols, w.convShape !== undefined)), b1Entries(w.csr)) : undefined;
  const total = job.inputs.reduce((a, x) => a + engine.stageBytes(x), 0) + sizes.reduce((a, b) => a + alignUp(b), 0) + (layout ? layout.bytes : 0) + (out ? 0 : job.outShape.reduce((a, b) => a * b, 1) * (rq ? 1 : 4));
  checkPlanFits(engine, job.op, total, false, `${job.op} of ${fmt(w.rows)} x ${fmt(w.cols)} CSR weights (${fmt(w.nnz)} entries)`);
  const packed = w.packed ?? packCsrWeights(engine, w.csr!);
  try {
    return engine.run(job.op, { inputs: job.inputs, scratch: sizes, output: { dtype: outDtype, shape: job.outShape, out } }, ({ inputs, scratch, out: o }) => {
      const s: Record<string, number> = {};
      names.forEach((n, i) => (s[n] = scratch[i]));
      const buf = engine.heap.memory.buffer;
      viewOf('int32', buf, s.colTerm, w.rows).set(stage.bias);
      viewOf('int32', buf, s.rowSums, CSR_LANES).fill(0);
      if (rq) viewOf('float32', buf, s.mult, w.rows).set(rq.multipliers);
      const counts = body({ x: inputs[0], wBase: packed.block.ptr, offsets: packed.offsets, panels: packed.panels, s, out: o as Tensor<D> });
      return { y: o as Tensor<D>, counts };
    });
  } finally {
    if (!w.packed) packed.dispose();
  }
}

/** Output stage of `lanes` rows of int32 sums at acc (row stride ld) into y (row stride ld). */
function outputStage(engine: Engine, stage: OutputStage, s: Record<string, number>, acc: number, lanes: number, n: number, ld: number, y: number): void {
  const rq = stage.requant;
  if (rq) engine.kernels.q8_requantize(acc, lanes, n, ld, s.colTerm, s.rowSums, 0, s.mult, rq.yZeroPoint, rq.qmin, rq.qmax, y, ld, rq.outputDtype === 'int8' ? 1 : 0);
  else engine.kernels.s32_correct(acc, lanes, n, ld, s.colTerm, s.rowSums, 0);
}

function checkSkip(op: string, v: unknown): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new ValueError(op, `skipZeros = ${fmt(v)} must be a boolean.`, 'pass true or false, or omit it.');
  return v;
}

/**
 * Fully connected layer with CSR weights: y[b, o] = bias[o] + sum over the entries (o, i, w) of
 * (x[b, i] - xZeroPoint) * (w - wzp[o]), int32 wrapping, then the usual output stage.
 * Bit-exact with {@link dense} on `csrToDense(csr)` (absent entries = the row's zero point).
 *
 * @param x int8 / uint8 [batch, features] (or [batch, d1, ...], flattened per row).
 * @param w {@link PackedCsrWeights} or an int8 {@link CsrMatrix} [out, in] (packed for this call).
 * @returns `{ y, counts }`: y [batch, out] int32 or int8/uint8 with `requantize`.
 */
export function denseCsr(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: PackedCsrWeights | CsrMatrix, params?: DenseCsrParams): SparseResult {
  const op = 'denseCsr';
  const prm = checkParams(op, params);
  const { shape, dtype } = checkActivations(engine, op, 'x', x);
  const wt = resolveCsr(engine, op, w);
  const B = shape[0];
  const K = shape.slice(1).reduce((a, b) => a * b, 1);
  if (K !== wt.cols) throw new ShapeError(op, `x has ${fmt(K)} features per batch row (shape ${fmt(shape)}) but the CSR weights have ${fmt(wt.cols)} columns.`, 'make the flattened features of x equal the weight columns (weights are [out, in]).');
  const skip = checkSkip(op, prm.skipZeros);
  const stage = stageFor(op, prm, wt.zeroPoints, dtype);
  const N = wt.rows;
  const T = B === 1 ? 1 : Math.min(B, CSR_LANES);
  const ldx = T === 1 ? 1 : Math.ceil(T / 8) * 8;
  const scratch: Record<string, number> = { xT: K * ldx * 2, colTerm: N * 4, rowSums: CSR_LANES * 4, mult: stage.requant ? N * 4 : 0, acc: stage.requant ? T * N * 4 : 0, accT: T > 1 ? N * ldx * 4 : 0 };
  const xzp = dtype === 'int8' ? stage.xZeroPoint - 128 : stage.xZeroPoint;
  let used = 's16_csr_spmm';
  const r = runSparse(engine, { op, packedBytes: 0, scratch, inputs: [x], outShape: [B, N] }, wt, stage, prm.out, ({ x: xp, wBase, offsets, panels, s, out }) => {
    const k = engine.kernels;
    let zeros = 0;
    for (let b0 = 0; b0 < B; b0 += T) {
      const t = Math.min(T, B - b0);
      k.q8_csr_transpose_x(xp + b0 * K, t, K, xzp, dtype === 'int8' ? 1 : 0, s.xT, ldx);
      if (skip) zeros += k.csr_zero_macs(s.xT, K, ldx, t, wBase + offsets.colCount);
      // int32 sums [lane, row]: straight into the output rows, or the requantisation tile.
      const acc = stage.requant ? s.acc : out.ptr + b0 * N * 4;
      // Batch 1: [row] is already [lane 0, row]; else sums land in accT [row, lane] first.
      const accT = T === 1 ? acc : s.accT;
      if (T === 1 && !skip && offsets.b1RowPtr >= 0) {
        used = 's8_csr_spmv';
        k.s8_csr_spmv(wBase + offsets.b1RowPtr, wBase + offsets.b1Col, wBase + offsets.b1Val, N, s.xT, accT);
      } else k.s16_csr_spmm(wBase + offsets.rowPtr, panels, wBase + offsets.colIdx, wBase + offsets.vals, N, s.xT, ldx, t, accT, ldx, skip ? 1 : 0);
      if (T > 1) k.s32_csr_untranspose(accT, N, ldx, t, acc, N);
      outputStage(engine, stage, s, acc, t, N, N, stage.requant ? out.ptr + b0 * N : acc);
    }
    const dense = B * N * K;
    return { dense, executed: B * wt.nnz - zeros, skippedWeights: dense - B * wt.nnz, skippedZeros: zeros };
  });
  return { ...r, kernel: kernelName(kernel(used), engine.isa) };
}

/**
 * 2-D convolution with CSR weights (rows = output channels, columns = (r, s, c) of the OHWI
 * filter [M, R, S, C/groups]): the same arithmetic as {@link conv2d} on `csrToDense(csr)`
 * reshaped to OHWI. NHWC activations only. Output pixels are processed 32 at a time: their
 * receptive fields are lowered (transposed, x - xZeroPoint as int16, padding = 0) and each
 * weight entry pair multiplies 32 pixels at once.
 *
 * @param x int8 / uint8 NHWC [N, H, W, C].
 * @param w {@link PackedCsrWeights} or int8 {@link CsrMatrix} with `convShape` set.
 * @returns `{ y, counts }`: y NHWC [N, E, F, M]; counts over the whole layer (padding taps
 *   count as zero activations).
 */
export function conv2dCsr(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: PackedCsrWeights | CsrMatrix, params: Conv2DCsrParams = {}): SparseResult {
  const op = 'conv2dCsr';
  const prm = checkParams(op, params);
  const { shape: xShape, dtype: xdt } = engine.checkInput(op, 'x', x, ['int8', 'uint8']);
  const dtype = xdt as 'int8' | 'uint8';
  const wt = resolveCsr(engine, op, w);
  if (!wt.convShape) throw new ShapeError(op, `the CSR weights (${fmt(wt.rows)} x ${fmt(wt.cols)}) have no convShape.`, 'build them with denseToCsr(w, [M, R, S, C/groups]) or csrFromArrays({ ..., convShape }).');
  if ((prm.layout ?? 'NHWC') !== 'NHWC') throw new UnsupportedError(op, `layout = ${fmt(prm.layout)}; the CSR conv runs NHWC activations.`, 'transpose x to NHWC, or use conv2d.');
  if ((prm.weightLayout ?? 'OHWI') !== 'OHWI') throw new UnsupportedError(op, `weightLayout = ${fmt(prm.weightLayout)}; CSR columns are in OHWI (r, s, c) order.`, 'omit weightLayout.');
  const info: Conv2DInfo = conv2dInfo(xShape, wt.convShape, { ...prm, layout: 'NHWC', weightLayout: 'OHWI' }, op);
  if (prm.out !== undefined && (prm.out as unknown) === x) throw new ValueError(op, 'options.out is the input tensor itself.', 'pass a separate output tensor, or omit out.');
  const skip = checkSkip(op, prm.skipZeros);
  const stage = stageFor(op, prm, wt.zeroPoints, dtype);
  const { N, H, W, C, M, R, S, E, F, K, Mg, Cg, groups } = info;
  const EF = E * F;
  const T = CSR_LANES;
  const [sh, sw] = info.strides;
  const [dh, dw] = info.dilations;
  const [pt, pl, pb, pr] = info.pads;
  // Unit stride along W: the direct layout (no lowering; 32 output pixels of one output row read
  // 32 consecutive columns of a padded, channel-major copy of x). Otherwise: lowered tiles.
  const direct = sw === 1;
  const Hp = H + pt + pb;
  const Wp = Math.ceil((W + pl + pr + T) / 8) * 8;
  const scratch: Record<string, number> = {
    xT: direct ? Hp * C * Wp * 2 : K * T * 2, colTerm: M * 4, rowSums: T * 4, mult: stage.requant ? M * 4 : 0, acc: stage.requant ? T * M * 4 : 0, accT: M * T * 4,
    groupCount: groups > 1 && skip ? groups * K * 4 : 0,
    offs: direct ? wt.nnz * 4 + 8 : 0,
    offK: direct && skip ? groups * K * 4 : 0,
  };
  if (direct && Hp * C * Wp * 2 > 0xffffffff) throw new UnsupportedError(op, `the padded input copy would need ${fmt(Hp * C * Wp * 2)} bytes.`, 'split the image into spatial tiles.');
  const xzp = dtype === 'int8' ? stage.xZeroPoint - 128 : stage.xZeroPoint;
  const r = runSparse(engine, { op, packedBytes: 0, scratch, inputs: [x], outShape: info.yShape }, wt, stage, prm.out, ({ x: xp, wBase, offsets, s, out }) => {
    const k = engine.kernels;
    const buf = () => engine.heap.memory.buffer;
    const { rowPtr, colIdx } = wt.packed ? CSR_HOST.get(wt.packed)! : wt.csr!;
    // Entries per column of each group's rows (the packed colCount covers all rows = group 0 when groups = 1).
    const countPtr = (g: number) => (groups === 1 ? wBase + offsets.colCount : s.groupCount + g * K * 4);
    if (groups > 1 && skip) {
      const gc = viewOf('int32', buf(), s.groupCount, groups * K);
      gc.fill(0);
      for (let g = 0; g < groups; g++) for (let i = rowPtr[g * Mg]; i < rowPtr[(g + 1) * Mg]; i++) gc[g * K + colIdx[i]]++;
    }
    // Direct layout: byte offset of column k = (r, s, c) of group g from a tile's base.
    const colOff = (kk: number, g: number) => {
      const c = kk % Cg;
      const q = (kk - c) / Cg;
      const ss = q % S;
      const r = (q - ss) / S;
      return ((r * dh * C + g * Cg + c) * Wp + ss * dw) * 2;
    };
    if (direct) {
      const offs = new Uint32Array(buf(), s.offs, wt.nnz);
      for (let m = 0; m < M; m++) {
        const g = Math.floor(m / Mg);
        for (let i = rowPtr[m]; i < rowPtr[m + 1]; i++) offs[i] = colOff(colIdx[i], g);
      }
      if (skip) {
        const ok = new Uint32Array(buf(), s.offK, groups * K);
        for (let g = 0; g < groups; g++) for (let kk = 0; kk < K; kk++) ok[g * K + kk] = colOff(kk, g);
      }
    }
    const outBytes = stage.requant ? 1 : 4;
    const signed = dtype === 'int8' ? 1 : 0;
    let zeros = 0;
    for (let n = 0; n < N; n++) {
      const xImg = xp + n * H * W * C;
      if (direct) {
        k.q8_csr_rows_t(xImg, H, W, C, pt, pl, Hp, Wp, xzp, signed, s.xT);
        for (let e = 0; e < E; e++) {
          for (let f0 = 0; f0 < F; f0 += T) {
            const P = Math.min(T, F - f0);
            const yRow = out.ptr + (n * EF + e * F + f0) * M * outBytes;
            const acc = stage.requant ? s.acc : yRow;
            const base = s.xT + (e * sh * C * Wp + f0) * 2;
            for (let g = 0; g < groups; g++) {
              if (skip) zeros += k.csr_zero_macs_direct(base, s.offK + g * K * 4, K, P, countPtr(g));
              k.s16_csr_spmm_direct(wBase + offsets.rowPtr + g * Mg * 4, s.offs, wBase + offsets.vals, Mg, base, P, s.accT + g * Mg * T * 4, T, skip ? 1 : 0, 0);
            }
            k.s32_csr_untranspose(s.accT, M, T, P, acc, M);
            outputStage(engine, stage, s, acc, P, M, M, stage.requant ? yRow : acc);
          }
        }
        continue;
      }
      for (let p0 = 0; p0 < EF; p0 += T) {
        const P = Math.min(T, EF - p0);
        const yRow = out.ptr + (n * EF + p0) * M * outBytes;
        const acc = stage.requant ? s.acc : yRow;
        for (let g = 0; g < groups; g++) {
          k.q8_csr_im2col_t(xImg, H, W, C, R, S, sh, sw, dh, dw, pt, pl, F, p0, P, g * Cg, Cg, xzp, signed, s.xT, T);
          if (skip) zeros += k.csr_zero_macs(s.xT, K, T, P, countPtr(g));
          k.s16_csr_spmm(wBase + offsets.rowPtr + g * Mg * 4, 1, wBase + offsets.colIdx, wBase + offsets.vals, Mg, s.xT, T, P, s.accT + g * Mg * T * 4, T, skip ? 1 : 0);
        }
        k.s32_csr_untranspose(s.accT, M, T, P, acc, M);
        outputStage(engine, stage, s, acc, P, M, M, stage.requant ? yRow : acc);
      }
    }
    const dense = info.macs;
    const entries = N * EF * wt.nnz;
    return { dense, executed: entries - zeros, skippedWeights: dense - entries, skippedZeros: zeros };
  });
  return { ...r, kernel: kernelName(kernel(direct ? 's16_csr_spmm_direct' : 's16_csr_spmm'), engine.isa) };
}

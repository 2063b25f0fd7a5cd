/**
 * Pre-packed int8 / uint8 weights for matmul and dense: packed once into the GEMM kernels' private
 * layout (assembly/gemm/u8s8.ts) and reused across calls. Also the weight checks shared by both
 * ops, and {@link weightsToS8}, the one place where uint8 weights become the kernels' int8.
 * @module
 */
import { MemoryError, ShapeError, ValueError, fmt } from '../errors.js';
import type { Engine, HostTensor, TensorLike } from '../runtime/engine.js';
import { Tensor } from '../runtime/tensor.js';
import { WasmBlockOwner } from '../runtime/owned.js';
import type { WeightLayout } from '../descriptors/conv.js';

/**
 * How 2-D weights are laid out: `'nk'` is N x K (one row per output column: PyTorch Linear,
 * ONNX Gemm with transB = 1); `'kn'` is K x N (ONNX MatMul / MatMulInteger B).
 */
export type MatrixLayout = 'nk' | 'kn';

/** Options of {@link packWeights}. */
export interface PackOptions {
  /** Layout of `w` (required: a square matrix would otherwise be silently misread). */
  layout: MatrixLayout;
}

const I32_MAX = 2147483647;

/**
 * dtypes weights may have. The kernels are u8 x s8; ONNX ConvInteger / MatMulInteger /
 * QLinearConv / QLinearMatMul also allow uint8 weights with a uint8 zero point, which are
 * flipped to int8 once, when packed ({@link weightsToS8}).
 */
export type WeightDtype = 'int8' | 'uint8';

/** Geometry of convolution weights, as every packed form of them records it. */
export interface ConvWeightGeometry {
  /** Output channels (filters). */
  readonly M: number;
  /** Kernel height and width. */
  readonly R: number;
  readonly S: number;
  /** Input channels per group (the filter's input depth). */
  readonly Cg: number;
  /** Groups the weights were packed for. */
  readonly groups: number;
  /** Layout the weights were given in (and in which `wShape` is stated). */
  readonly weightLayout: WeightLayout;
  /** dtype of the weights as given (zero points are in its range). */
  readonly dtype: WeightDtype;
  readonly wShape: readonly [number, number, number, number];
}

/** A Wasm block holding convolution weights packed for one kernel family, with their geometry. */
export abstract class PackedConvBlock extends WasmBlockOwner implements ConvWeightGeometry {
  readonly M: number;
  readonly R: number;
  readonly S: number;
  readonly Cg: number;
  readonly groups: number;
  readonly weightLayout: WeightLayout;
  readonly dtype: WeightDtype;
  readonly wShape: readonly [number, number, number, number];

  constructor(block: Tensor<'uint8'>, g: ConvWeightGeometry) {
    super(block);
    this.M = g.M;
    this.R = g.R;
    this.S = g.S;
    this.Cg = g.Cg;
    this.groups = g.groups;
    this.weightLayout = g.weightLayout;
    this.dtype = g.dtype;
    this.wShape = Object.freeze([...g.wShape]) as unknown as readonly [number, number, number, number];
  }
}

/**
 * Bytes of scratch {@link weightsToS8} needs as its destination: `n` for uint8 weights that would
 * otherwise be flipped in the caller's own tensor, 0 for int8 weights or when the weights are
 * already a private copy in Wasm memory (staged host data, a transposed copy). @internal
 */
export function weightFlipBytes(dtype: WeightDtype, privateCopy: boolean, n: number): number {
  return dtype === 'uint8' && !privateCopy ? n : 0;
}

/**
 * The one conversion of weight data, done once before packing (both packing paths, src/ops/packed.ts
 * and src/ops/conv2d.ts, call it): int8 weights are used where they are; uint8 weights w become
 * int8 w ^ 0x80 = w - 128 at `dst` (the Wasm kernel q8_flip_sign; `dst` may equal `src` when
 * `src` is a private copy). resolveOutputStage moves the zero point by the same -128, so
 * (w - zb) is exact. Returns the address of the int8 weights. @internal
 */
export function weightsToS8(engine: Engine, dtype: WeightDtype, src: number, n: number, dst: number): number {
  if (dtype === 'int8') return src;
  engine.kernels.q8_flip_sign(src, dst, n);
  return dst;
}

/**
 * Bytes of a packed GEMM operand from the contract's size function, or `undefined` when the
 * i32 contract cannot express it (the buffer would exceed 2 GiB). `rows * K` is a lower bound.
 * @internal
 */
export function packedBytes(engine: Engine, which: 'a' | 'b', rows: number, K: number): number | undefined {
  if (rows * K > I32_MAX - (1 << 20)) return undefined;
  const n = which === 'a' ? engine.kernels.u8s8_gemm_packed_a_bytes(rows, K) : engine.kernels.u8s8_gemm_packed_b_bytes(rows, K);
  return n >= rows * K ? n : undefined;
}

/**
 * Refuses a plan that cannot fit, naming the byte count, BEFORE any allocation: covers sizes the
 * i32 kernel contract cannot express and totals beyond the engine's memory cap.
 * @internal
 */
export function checkPlanFits(engine: Engine, op: string, total: number, overflow: boolean, what: string): void {
  const cap = engine.heap.maxBytes;
  if (overflow || !Number.isSafeInteger(total) || total > cap) {
    throw new MemoryError(
      op,
      `${what} needs ${overflow ? 'at least ' : ''}${fmt(total)} bytes of Wasm memory, more than the ${fmt(cap)} bytes it can hold${overflow ? ' (a packed GEMM operand must stay below 2 GiB)' : ''}.`,
      'split the work: fewer rows per call (batch), or fewer output channels per weight matrix.',
      total,
    );
  }
}

/**
 * Int8 or uint8 weights packed in Wasm memory for the u8 x s8 GEMM, with their per-column sums
 * (needed for zero-point correction). Create with {@link packWeights}; belongs to the engine that
 * made it; call {@link PackedWeights.dispose} when done. The weight zero point is given per call
 * (`wZeroPoint`), in the dtype the weights were packed from ({@link PackedWeights.dtype}).
 */
export class PackedWeights {
  /** Output columns (output features). */
  readonly N: number;
  /** Depth (input features). */
  readonly K: number;
  /** The engine whose memory holds the packed data. */
  readonly engine: Engine;
  /**
   * dtype of the weights as given: per-call `wZeroPoint` is in its range ([0, 255] for uint8;
   * the kernels hold uint8 weights as w - 128 and the zero point is moved to match).
   */
  readonly dtype: WeightDtype;
  // ES-private (not TypeScript-private): the addresses a kernel reads must not be writable from outside.
  #packedPtr: number;
  #colSumsPtr: number;
  readonly #sums: Int32Array;

  /** @internal Use {@link packWeights}. */
  constructor(engine: Engine, N: number, K: number, packedPtr: number, colSumsPtr: number, colSums: Int32Array, dtype: WeightDtype = 'int8') {
    this.engine = engine;
    this.dtype = dtype;
    this.N = N;
    this.K = K;
    this.#packedPtr = packedPtr;
    this.#colSumsPtr = colSumsPtr;
    this.#sums = colSums;
    // N and K size the kernels' reads: a crafted change after packing must not reach them.
    Object.freeze(this);
  }

  /** Shape of the logical weight matrix in the 'nk' layout: [N, K]. */
  get shape(): readonly [number, number] {
    return [this.N, this.K];
  }

  /** @internal Byte address of the packed weights. */
  get ptr(): number {
    if (this.#packedPtr < 0) throw new ValueError('PackedWeights', `these packed ${this.N} x ${this.K} weights were disposed.`, 'pack the weights again with packWeights().');
    return this.#packedPtr;
  }

  /** sum_k w[n, k] per output column n (int32) of the int8 weights the kernels hold (w - 128 for uint8 weights), a copy. */
  get colSums(): Int32Array {
    return this.#sums.slice();
  }

  /** @internal The column sums without copying. */
  get colSumsView(): Int32Array {
    return this.#sums;
  }

  /** True once {@link dispose} has run. */
  get disposed(): boolean {
    return this.#packedPtr < 0;
  }

  /** Returns the Wasm memory to the engine. Idempotent. */
  dispose(): void {
    if (this.#packedPtr >= 0) {
      this.engine.heap.release(this.#packedPtr);
      this.engine.heap.release(this.#colSumsPtr);
    }
    this.#packedPtr = -1;
    this.#colSumsPtr = -1;
  }
}

/** Weights resolved by {@link resolveWeights}: pre-packed, or N x K int8/uint8 to pack in the call. */
export type ResolvedWeights =
  | { kind: 'packed'; N: number; K: number; dtype: WeightDtype; packed: PackedWeights }
  | {
      kind: 'raw';
      N: number;
      K: number;
      dtype: WeightDtype;
      /** Bytes {@link Engine.stage} will need for `nk()`, known without transposing. */
      stageBytes: number;
      /** Scratch bytes {@link weightsToS8} needs (uint8 weights that stage as the caller's own tensor). */
      flipBytes: number;
      /** N x K int8/uint8, contiguous (transposes 'kn' on the host: call only once the plan fits). */
      nk: () => TensorLike<'int8' | 'uint8'>;
    };

function checkLayout(op: string, layout: unknown): MatrixLayout {
  if (layout !== 'nk' && layout !== 'kn') {
    throw new ValueError(op, `layout = ${fmt(layout)} is not a weight layout.`, "use 'nk' (N x K: PyTorch Linear, ONNX Gemm transB=1) or 'kn' (K x N: ONNX MatMul B).");
  }
  return layout;
}

/**
 * Validates weights (a {@link PackedWeights} of this engine, or a rank-2 int8/uint8 tensor in
 * `layout`) WITHOUT touching Wasm memory. @internal
 */
export function resolveWeights(engine: Engine, op: string, what: string, w: PackedWeights | TensorLike<'int8' | 'uint8'>, layout: unknown): ResolvedWeights {
  if (w instanceof PackedWeights) {
    if (w.engine !== engine) throw new ValueError(op, `${what} are packed weights of another engine (another build or init() call).`, 'pack the weights with the engine that runs the op.');
    if (w.disposed) throw new ValueError(op, `${what} are packed weights that were disposed.`, 'pack them again with packWeights(), or dispose them only after the last use.');
    return { kind: 'packed', N: w.N, K: w.K, dtype: w.dtype, packed: w };
  }
  const lay = checkLayout(op, layout);
  const { shape, dtype: dt } = engine.checkInput(op, what, w, ['int8', 'uint8']);
  const dtype = dt as WeightDtype;
  if (shape.length !== 2) {
    throw new ShapeError(op, `${what} has shape ${fmt(shape)} (rank ${shape.length}); weights must be rank 2 (${lay === 'nk' ? 'N x K' : 'K x N'}).`, 'reshape the weights to a matrix, or pack them with packWeights().');
  }
  const [N, K] = lay === 'nk' ? [shape[0], shape[1]] : [shape[1], shape[0]];
  const nk = (): TensorLike<'int8' | 'uint8'> => {
    if (lay === 'nk') return w;
    // K x N -> N x K on the host: weights are packed once, so a JS transpose is cheap enough.
    const src = w instanceof Tensor ? (w.data as Int8Array | Uint8Array) : (w as HostTensor<Int8Array | Uint8Array>).data;
    const t = dtype === 'uint8' ? new Uint8Array(N * K) : new Int8Array(N * K);
    for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) t[n * K + k] = src[k * N + n];
    return { data: t, shape: [N, K] };
  };
  const stageBytes = lay === 'nk' ? engine.stageBytes(w) : N * K;
  return { kind: 'raw', N, K, dtype, stageBytes, flipBytes: weightFlipBytes(dtype, stageBytes > 0, N * K), nk };
}

/**
 * Packs int8 or uint8 weights for {@link matmul} and {@link dense}, once, so that later calls skip
 * the packing. `w` is N x K (`layout: 'nk'`, PyTorch Linear / ONNX Gemm transB = 1) or K x N
 * (`layout: 'kn'`, ONNX MatMul B), host data or a tensor of this engine (never modified). uint8
 * weights (ONNX MatMulInteger / QLinearMatMul) are stored as w - 128; pass their `wZeroPoint` in
 * [0, 255] on each call, as for unpacked uint8 weights. Every argument is validated before Wasm
 * memory is touched.
 *
 * @example
 * ```ts
 * const pw = packWeights(mf, { data: w, shape: [outFeatures, inFeatures] }, { layout: 'nk' });
 * const y = dense(mf, x, pw, { bias });
 * pw.dispose();
 * ```
 */
export function packWeights(engine: Engine, w: TensorLike<'int8' | 'uint8'>, options: PackOptions): PackedWeights {
  const op = 'packWeights';
  if (options === null || typeof options !== 'object') throw new ValueError(op, `options must be { layout: 'nk' | 'kn' }, got ${fmt(options)}.`, "pass { layout: 'nk' } for N x K weights or { layout: 'kn' } for K x N.");
  if (w instanceof PackedWeights) throw new ValueError(op, 'w is already packed.', 'pass the PackedWeights directly to matmul/dense.');
  const r = resolveWeights(engine, op, 'w', w, options.layout);
  if (r.kind !== 'raw') throw new Error('unreachable');
  const { N, K } = r;
  const bytes = packedBytes(engine, 'b', N, K);
  const stageBytes = r.stageBytes;
  checkPlanFits(engine, op, stageBytes + r.flipBytes + (bytes ?? N * K) + N * 4, bytes === undefined, `packing ${fmt(N)} x ${fmt(K)} weights`);
  const src = r.nk();
  const [stagePtr, flipPtr, packedPtr, sumsPtr] = engine.heap.allocMany(op, [stageBytes, r.flipBytes, bytes!, N * 4]);
  try {
    const staged = engine.stage(src, stagePtr);
    const bt = weightsToS8(engine, r.dtype, staged, N * K, r.flipBytes ? flipPtr : staged);
    engine.kernels.u8s8_gemm_pack_b(bt, K, N, K, packedPtr, sumsPtr);
    const sums = new Int32Array(engine.heap.memory.buffer, sumsPtr, N).slice();
    return new PackedWeights(engine, N, K, packedPtr, sumsPtr, sums, r.dtype);
  } catch (e) {
    engine.heap.release(packedPtr);
    engine.heap.release(sumsPtr);
    throw e;
  } finally {
    engine.heap.release(stagePtr);
    engine.heap.release(flipPtr);
  }
}

/**
 * Binary and ternary ops (conventions: src/binary/conventions.ts): bit packing, binary / ternary
 * GEMM and conv2d (XNOR-popcount, ternary x ternary, binary or ternary weights x int8
 * activations), with the output stage to int32, float32, int8 or packed bits.
 * @module
 */
import { QuantError, ShapeError, UnsupportedError, ValueError, fmt } from '../errors.js';
import type { Engine, TensorLike } from '../runtime/engine.js';
import { Tensor } from '../runtime/tensor.js';
import { conv2dInfo, type Conv2DInfo, type Conv2DOptions } from '../descriptors/conv.js';
import { wordsFor, wordsPerRow, type BinaryOutput, type BitKind } from '../binary/conventions.js';
import { checkZeroPoint } from './common.js';
import { unpackBitsRef } from '../reference/binary.js';

/**
 * A tensor of packed bits in Wasm memory: the logical shape (last axis = channels), packed
 * channels-last into u64 words (held as an int32 tensor of u32 halves). Create with
 * {@link packBits} / {@link packTernary} or as the `'bits'` output of a binary op.
 */
export class PackedBits {
  /** The engine whose memory holds the words. */
  readonly engine: Engine;
  /** `'binary'` {-1, +1} or `'ternary'` {-1, 0, +1}. */
  readonly kind: BitKind;
  /** Logical shape; the last axis is packed. */
  readonly shape: readonly number[];
  /** Channel groups of the last axis (each starts on a word boundary). */
  readonly groups: number;
  /** Packed rows (product of all but the last axis) and channels (the last axis). */
  readonly rows: number;
  readonly channels: number;
  /** u64 words per row. */
  readonly wordsPerRow: number;
  /** @internal the int32 tensor that holds the words (2 per u64). */
  readonly words: Tensor<'int32'>;

  /** @internal Use {@link packBits} / {@link packTernary}. */
  constructor(engine: Engine, kind: BitKind, shape: readonly number[], groups: number, words: Tensor<'int32'>) {
    this.engine = engine;
    this.kind = kind;
    this.shape = Object.freeze([...shape]);
    this.groups = groups;
    this.channels = shape[shape.length - 1];
    this.rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    this.wordsPerRow = wordsPerRow(this.channels, groups, kind);
    this.words = words;
    // rows and wordsPerRow size the kernels' reads: a crafted change after packing must not reach them.
    Object.freeze(this);
  }

  /** Byte address of the first word. */
  get ptr(): number {
    return this.words.ptr;
  }

  /** True once disposed. */
  get disposed(): boolean {
    return this.words.disposed;
  }

  /** A copy of the packed words as u32 (little-endian halves of the u64 words). */
  toWords(): Uint32Array {
    return new Uint32Array(this.words.toArray().buffer);
  }

  /** The values as int8 {-1, +1} (binary) or {-1, 0, +1} (ternary), in the logical shape. */
  unpack(): Int8Array {
    return unpackBitsRef(this.toWords(), this.rows, this.channels, this.groups, this.kind);
  }

  /** Sum of the values of each row (n - 2 * popcount for binary): the zero-point correction's weight sums. */
  rowSums(): Int32Array {
    const v = this.unpack();
    const s = new Int32Array(this.rows);
    for (let i = 0; i < v.length; i++) s[Math.floor(i / this.channels)] += v[i];
    return s;
  }

  /** Sums of the values over `count` equal blocks of rows (per filter of conv weights [M, R, S, Cg]: count = M). */
  rowSumsPerFilter(count: number): Int32Array {
    const r = this.rowSums();
    const per = this.rows / count;
    const s = new Int32Array(count);
    for (let i = 0; i < r.length; i++) s[Math.floor(i / per)] += r[i];
    return s;
  }

  /** Returns the memory to the engine. Idempotent. */
  dispose(): void {
    this.words.dispose();
  }
}

/** Options of {@link packBits}. */
export interface PackBitsOptions {
  /** Bit = x < threshold (-1). Default: 0 for float32, the zero point for int8 / uint8. */
  threshold?: number;
  /** Zero point of int8 / uint8 x (the quantised value of real 0). Default 0. */
  zeroPoint?: number;
  /** Groups of the last axis, each packed from a word boundary (grouped binary convs). Default 1. */
  groups?: number;
}

/** Options of {@link packTernary}. */
export interface PackTernaryOptions {
  /** Values with |x - zeroPoint| <= delta become 0. Default 0 (only exact zeros). */
  delta?: number;
  /** Zero point of int8 / uint8 x. Default 0. */
  zeroPoint?: number;
  /** Groups of the last axis. Default 1. */
  groups?: number;
}

type PackInput = TensorLike<'float32' | 'int8' | 'uint8'>;

function checkGroups(op: string, groups: unknown, C: number): number {
  if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1 || C % groups !== 0) {
    throw new ShapeError(op, `groups = ${fmt(groups)} must be a positive integer dividing the ${C} channels of the last axis.`, 'pass a divisor of the channel count (1 for a dense layer).');
  }
  return groups;
}

function packShape(op: string, shape: readonly number[]): void {
  if (shape.length < 1) throw new ShapeError(op, 'x is a scalar; there is no channel axis to pack.', 'pass a tensor with at least one axis (the last is packed).');
}

function packOut(engine: Engine, op: string, shape: readonly number[], groups: number, kind: BitKind) {
  const C = shape[shape.length - 1];
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return { rows, C, outShape: [rows, 2 * wordsPerRow(C, groups, kind)] };
}

/**
 * Packs float32 / int8 / uint8 values by sign into bits (bit 1 = -1), channels-last: the last axis
 * (any length) is packed into u64 words per row. float32: bit = x < threshold (default 0);
 * int8 / uint8: bit = x < threshold (default the zero point, i.e. real x < 0).
 */
export function packBits(engine: Engine, x: PackInput, options: PackBitsOptions = {}): PackedBits {
  const op = 'packBits';
  const { shape, dtype } = engine.checkInput(op, 'x', x, ['float32', 'int8', 'uint8']);
  packShape(op, shape);
  const groups = checkGroups(op, options.groups ?? 1, shape[shape.length - 1]);
  let thr: number;
  if (dtype === 'float32') {
    thr = options.threshold ?? 0;
    if (typeof thr !== 'number' || !Number.isFinite(thr)) throw new ValueError(op, `threshold = ${fmt(thr)} must be a finite number.`, 'pass a finite threshold or omit it (0).');
  } else {
    const zp = checkZeroPoint(op, 'zeroPoint', options.zeroPoint ?? 0, dtype);
    thr = checkZeroPoint(op, 'threshold', options.threshold ?? zp, dtype);
  }
  const { rows, C, outShape } = packOut(engine, op, shape, groups, 'binary');
  const t = engine.run(op, { inputs: [x], output: { dtype: 'int32', shape: outShape } }, ({ inputs, out }) => {
    if (dtype === 'float32') engine.kernels.b1_pack_f32(inputs[0], rows, C, groups, thr, out.ptr);
    else engine.kernels.b1_pack_q8(inputs[0], rows, C, groups, thr, dtype === 'int8' ? 1 : 0, out.ptr);
    return out;
  });
  return new PackedBits(engine, 'binary', shape, groups, t);
}

/**
 * Packs float32 / int8 / uint8 values into ternary {-1, 0, +1} bit-planes: 0 where
 * |x - zeroPoint| <= delta, else the sign (two planes, nz and neg, interleaved per word).
 */
export function packTernary(engine: Engine, x: PackInput, options: PackTernaryOptions = {}): PackedBits {
  const op = 'packTernary';
  const { shape, dtype } = engine.checkInput(op, 'x', x, ['float32', 'int8', 'uint8']);
  packShape(op, shape);
  const groups = checkGroups(op, options.groups ?? 1, shape[shape.length - 1]);
  const delta = options.delta ?? 0;
  if (typeof delta !== 'number' || !Number.isFinite(delta) || delta < 0 || (dtype !== 'float32' && !Number.isInteger(delta))) {
    throw new QuantError(op, `delta = ${fmt(delta)} must be a finite number >= 0${dtype !== 'float32' ? ' and an integer for quantised x' : ''}.`, 'pass the ternary threshold, e.g. from quant.ternarize.');
  }
  const zp = dtype === 'float32' ? 0 : checkZeroPoint(op, 'zeroPoint', options.zeroPoint ?? 0, dtype);
  const { rows, C, outShape } = packOut(engine, op, shape, groups, 'ternary');
  const t = engine.run(op, { inputs: [x], output: { dtype: 'int32', shape: outShape } }, ({ inputs, out }) => {
    if (dtype === 'float32') engine.kernels.t2_pack_f32(inputs[0], rows, C, groups, delta, out.ptr);
    else engine.kernels.t2_pack_q8(inputs[0], rows, C, groups, zp, delta, dtype === 'int8' ? 1 : 0, out.ptr);
    return out;
  });
  return new PackedBits(engine, 'ternary', shape, groups, t);
}

/** The output stage of {@link binaryGemm} / {@link binaryConv2d}. */
export interface BinaryOutputParams {
  /** `'int32'` (raw exact dots, default), `'float32'`, `'int8'` or `'bits'` (packed signs for the next binary layer). */
  output?: BinaryOutput;
  /** float32 scale per output channel (e.g. XNOR-Net's alpha) or one for all. Default 1. */
  scale?: number | ArrayLike<number>;
  /** float32 bias per output channel, added after scaling. Default none. */
  bias?: ArrayLike<number>;
  /** float32 output: [lo, hi] clamp (default none). int8 output: [qmin, qmax] (default [-128, 127]). */
  clamp?: readonly [number, number];
  /** int8 output zero point. Default 0. */
  zeroPoint?: number;
  /** Groups of a `'bits'` output's channels (for a grouped binary layer next). Default 1. */
  outGroups?: number;
}

/** Parameters of {@link binaryGemm}. */
export interface BinaryGemmParams extends BinaryOutputParams {
  /** Zero point of int8 / uint8 `a`. Default 0. */
  aZeroPoint?: number;
}

/** Parameters of {@link binaryConv2d}: geometry (NHWC / OHWI only) and the output stage. */
export interface BinaryConv2DParams extends BinaryOutputParams, Conv2DOptions {
  /** Zero point of int8 / uint8 `x`. Default 0. */
  xZeroPoint?: number;
}

type BinaryResult = Tensor<'int32'> | Tensor<'float32'> | Tensor<'int8'> | PackedBits;
type AInput = PackedBits | TensorLike<'int8' | 'uint8'>;

function checkPacked(engine: Engine, op: string, what: string, p: PackedBits): void {
  if (p.engine !== engine) throw new ValueError(op, `${what} was packed by another engine.`, 'pack it with this engine.');
  if (p.disposed) throw new ValueError(op, `${what} was disposed.`, 'do not use packed bits after dispose().');
}

/** Two packings of C channels are the same bits when their groups match or every segment is whole words. */
function sameLayout(C: number, g1: number, g2: number): boolean {
  return g1 === g2 || ((C / g1) % 64 === 0 && (C / g2) % 64 === 0);
}

interface Stage {
  kind: number;
  lo: number;
  hi: number;
  zp: number;
  outGroups: number;
  scale: Float32Array;
  bias?: Float32Array;
}

function resolveStage(op: string, p: BinaryOutputParams, N: number): Stage & { output: BinaryOutput } {
  const output = p.output ?? 'int32';
  const kind = { float32: 0, int8: 1, bits: 2, int32: 3 }[output];
  if (kind === undefined) throw new ValueError(op, `output = ${fmt(output)} is not known.`, "use 'int32', 'float32', 'int8' or 'bits'.");
  const s = p.scale ?? 1;
  const scale = new Float32Array(N);
  if (typeof s === 'number') scale.fill(s);
  else {
    if (s.length !== N) throw new QuantError(op, `scale has ${fmt(s.length)} entries but there are ${fmt(N)} output channels.`, 'pass one scale, or one per output channel.');
    scale.set(s);
  }
  for (const v of scale) if (!Number.isFinite(v)) throw new QuantError(op, `scale holds ${v}; scales must be finite.`, 'pass finite scales.');
  let bias: Float32Array | undefined;
  if (p.bias !== undefined) {
    if (p.bias.length !== N) throw new ShapeError(op, `bias has ${fmt(p.bias.length)} entries but there are ${fmt(N)} output channels.`, 'pass one bias per output channel.');
    bias = Float32Array.from(p.bias);
    for (const v of bias) if (!Number.isFinite(v)) throw new ValueError(op, `bias holds ${v}; it must be finite.`, 'pass finite biases.');
  }
  if (output === 'int32' && (p.scale !== undefined || p.bias !== undefined || p.clamp !== undefined)) {
    throw new ValueError(op, "scale, bias and clamp need output 'float32', 'int8' or 'bits'; 'int32' returns the raw dots.", "pass output: 'float32' (or 'int8' / 'bits'), or drop scale / bias / clamp.");
  }
  let lo = -Infinity, hi = Infinity, zp = 0;
  if (output === 'int8') {
    zp = checkZeroPoint(op, 'zeroPoint', p.zeroPoint ?? 0, 'int8');
    const [qmin, qmax] = p.clamp ?? [-128, 127];
    checkZeroPoint(op, 'clamp[0]', qmin, 'int8');
    checkZeroPoint(op, 'clamp[1]', qmax, 'int8');
    if (qmin > qmax) throw new QuantError(op, `the clamp is empty: ${qmin} > ${qmax}.`, 'pass qmin <= qmax.');
    lo = qmin - zp;
    hi = qmax - zp;
  } else if (p.clamp !== undefined) {
    if (output === 'bits') throw new ValueError(op, "clamp does not apply to a 'bits' output (only the sign is kept).", 'drop clamp.');
    const [a, b] = p.clamp;
    if (typeof a !== 'number' || typeof b !== 'number' || Number.isNaN(a) || Number.isNaN(b) || a > b) throw new ValueError(op, `clamp = ${fmt(p.clamp)} must be [lo, hi] with lo <= hi.`, 'pass two numbers, lo <= hi.');
    lo = a;
    hi = b;
  }
  const outGroups = output === 'bits' ? checkGroups(op, p.outGroups ?? 1, N) : 1;
  return { output, kind, lo, hi, zp, outGroups, scale, bias };
}

/** Output allocation of a stage for `rows` x N results with logical shape `shape`. */
function outSpec(st: ReturnType<typeof resolveStage>, rows: number, N: number, shape: readonly number[]) {
  if (st.output === 'bits') return { dtype: 'int32' as const, shape: [rows, 2 * wordsPerRow(N, st.outGroups, 'binary')] };
  return { dtype: st.output === 'int8' ? ('int8' as const) : st.output === 'float32' ? ('float32' as const) : ('int32' as const), shape };
}

/** Bytes of the stage's host arrays in Wasm memory: colTerm, scale, bias. */
function stageScratch(N: number): number[] {
  return [N * 4, N * 4, N * 4];
}

function runStage(engine: Engine, st: Stage, acc: number, M: number, N: number, colTerm: Int32Array | undefined, ptrs: number[], out: number, ldout: number): void {
  const [ct, sc, bi] = ptrs;
  const mem = engine.heap.memory.buffer;
  if (colTerm) new Int32Array(mem, ct, N).set(colTerm);
  new Float32Array(mem, sc, N).set(st.scale);
  if (st.bias) new Float32Array(mem, bi, N).set(st.bias);
  engine.kernels.b1_output(acc, M, N, N, colTerm ? ct : 0, sc, st.bias ? bi : 0, st.kind, st.lo, st.hi, st.zp, st.outGroups, out, ldout);
}

function wrapResult(engine: Engine, st: ReturnType<typeof resolveStage>, t: Tensor, shape: readonly number[]): BinaryResult {
  return st.output === 'bits' ? new PackedBits(engine, 'binary', shape, st.outGroups, t as Tensor<'int32'>) : (t as BinaryResult);
}

/**
 * Binary / ternary matrix product: y[m, n] = sum_k a[m, k] * b[n, k] over {-1, +1} / {-1, 0, +1}
 * values (or int8 `a` minus its zero point), then the output stage.
 *
 * - `a` packed binary and `b` packed binary: XNOR-popcount (XNOR-Net).
 * - `a` packed ternary and `b` packed ternary: two-plane popcount.
 * - `a` int8 / uint8 [M, K] and `b` packed binary or ternary: BinaryConnect-style inference
 *   (additions and subtractions of a only).
 *
 * @param a [M, K]: packed bits or int8 / uint8 activations.
 * @param b [N, K] packed weights (the 'nk' layout, one row per output column).
 * @returns [M, N] int32 (default), float32, int8, or packed bits.
 */
export function binaryGemm(engine: Engine, a: AInput, b: PackedBits, params: BinaryGemmParams = {}): BinaryResult {
  const op = 'binaryGemm';
  if (!(b instanceof PackedBits)) throw new ValueError(op, 'b must be packed bits (packBits / packTernary).', 'pack the weights with packBits(engine, w) or packTernary(engine, w, { delta }).');
  checkPacked(engine, op, 'b', b);
  if (b.shape.length !== 2) throw new ShapeError(op, `b must be [N, K], but its shape is ${fmt(b.shape)}.`, 'pack the weights as a 2-D [N, K] matrix.');
  if (!sameLayout(b.channels, b.groups, 1)) throw new ShapeError(op, `b was packed with groups = ${b.groups}.`, 'pack GEMM operands with groups = 1.');
  const [N, K] = b.shape;
  let M: number;
  let aBits = false;
  let dtype: 'int8' | 'uint8' = 'int8';
  let azp = 0;
  if (a instanceof PackedBits) {
    checkPacked(engine, op, 'a', a);
    aBits = true;
    if (a.shape.length !== 2) throw new ShapeError(op, `a must be [M, K], but its shape is ${fmt(a.shape)}.`, 'pack a as a 2-D [M, K] matrix.');
    if (!sameLayout(a.channels, a.groups, 1)) throw new ShapeError(op, `a was packed with groups = ${a.groups}.`, 'pack GEMM operands with groups = 1.');
    if (a.kind !== b.kind) throw new UnsupportedError(op, `a is ${a.kind} but b is ${b.kind}; packed operands must be both binary or both ternary.`, `pack both with ${b.kind === 'binary' ? 'packBits' : 'packTernary'}, or pass a as int8.`);
    M = a.shape[0];
    if (a.shape[1] !== K) throw new ShapeError(op, `a is [${a.shape}] and b is [${b.shape}]: the depths ${a.shape[1]} and ${K} differ.`, 'pass a [M, K] and b [N, K] with the same K.');
  } else {
    const info = engine.checkInput(op, 'a', a, ['int8', 'uint8']);
    dtype = info.dtype as 'int8' | 'uint8';
    if (info.shape.length !== 2 || info.shape[1] !== K) throw new ShapeError(op, `a has shape ${fmt(info.shape)} but b is [${b.shape}]; a must be [M, ${K}].`, 'pass a as [M, K] with the K of the packed weights.');
    M = info.shape[0];
    azp = checkZeroPoint(op, 'aZeroPoint', params.aZeroPoint ?? 0, dtype);
  }
  const st = resolveStage(op, params, N);
  const k = engine.kernels;
  const signed = dtype === 'int8';
  const accBytes = st.output === 'int32' ? 0 : M * N * 4;
  const flipBytes = !aBits && signed ? M * K : 0;
  const Kw = wordsFor(K);
  // Packed x packed: both operands repacked into 4-row panels per call (about 0.4 % of the
  // GEMM's time at 1024^3: bench/binary-tiles.mjs); the panel kernels ran about 1.2-1.3x the
  // earlier row-layout ones. Ternary rows are (nz, neg) word pairs: one 2-word chunk per pair.
  const panelBytes = (rows: number) => (aBits ? k.b1_panel_bytes(rows, b.wordsPerRow) : 0);
  const inputs = aBits ? [(a as PackedBits).words, b.words] : [a as TensorLike, b.words];
  const t = engine.run(op, { inputs, scratch: [accBytes, flipBytes, ...stageScratch(N), panelBytes(M), panelBytes(N)], output: outSpec(st, M, N, [M, N]) }, ({ inputs: ip, scratch, out }) => {
    const acc = accBytes ? scratch[0] : out.ptr;
    let colTerm: Int32Array | undefined;
    if (aBits) {
      const [pa, pb] = scratch.slice(5);
      k.b1_pack_panels(ip[0], M, (a as PackedBits).wordsPerRow, b.wordsPerRow, pa);
      k.b1_pack_panels(ip[1], N, b.wordsPerRow, b.wordsPerRow, pb);
      if (b.kind === 'binary') k.b1b1_gemm_panel(M, N, Kw, K, pa, pb, acc, N);
      else k.t2t2_gemm_panel(M, N, Kw, pa, pb, acc, N);
    } else {
      let src = ip[0];
      if (signed) {
        k.q8_flip_sign(src, scratch[1], M * K);
        src = scratch[1];
      }
      const zpu = signed ? azp + 128 : azp;
      if (b.kind === 'binary') k.b1u8_gemm(M, N, 1, K, src, K, ip[1], b.wordsPerRow, b.wordsPerRow, acc, N);
      else k.t2u8_gemm(M, N, 1, K, src, K, ip[1], b.wordsPerRow, b.wordsPerRow, acc, N);
      if (zpu !== 0) colTerm = b.rowSums().map((s) => Math.imul(-zpu, s));
    }
    if (st.output !== 'int32' || colTerm) runStage(engine, st, acc, M, N, colTerm, scratch.slice(2, 5), out.ptr, st.output === 'bits' ? out.shape[1] / 2 : N);
    return out;
  });
  return wrapResult(engine, st, t, [M, N]);
}

/** Rows of one im2col tile: about 128 KiB of lowered data, a multiple of the 4-row panel. */
function tileRows(rowBytes: number, pixels: number): number {
  return Math.max(1, Math.min(pixels, Math.max(PANEL, Math.floor((128 * 1024) / rowBytes / PANEL) * PANEL)));
}

/** Rows per panel of b1_pack_panels / b1_im2col_panels / b1b1_gemm_panel (B1_PANEL). */
const PANEL = 4;

/**
 * Binary / ternary 2-D convolution, NHWC activations and OHWI weights ([M, R, S, C/groups] packed
 * along C/groups), with strides, dilations, explicit or auto padding (exact: a padded pixel
 * counts as 0, see conventions) and groups.
 *
 * - `x` packed binary, `w` packed binary: XNOR-popcount (XNOR-Net).
 * - `x` packed ternary, `w` packed ternary: two-plane popcount.
 * - `x` int8 / uint8 NHWC, `w` packed binary or ternary: BinaryConnect-style (adds and subtracts).
 *
 * Packed `x` of a grouped conv must be packed with the same `groups` (unless C/groups is a
 * multiple of 64). @returns [N, E, F, M] int32 (default), float32, int8 or packed bits.
 */
export function binaryConv2d(engine: Engine, x: AInput, w: PackedBits, params: BinaryConv2DParams = {}): BinaryResult {
  const op = 'binaryConv2d';
  if (!(w instanceof PackedBits)) throw new ValueError(op, 'w must be packed bits (packBits / packTernary of OHWI weights).', 'pack the weights with packBits(engine, w) or packTernary(engine, w, { delta }).');
  checkPacked(engine, op, 'w', w);
  if ((params.layout ?? 'NHWC') !== 'NHWC' || (params.weightLayout ?? 'OHWI') !== 'OHWI') {
    throw new UnsupportedError(op, 'packed binary convolutions take NHWC activations and OHWI weights only.', 'transpose to NHWC / OHWI before packing.');
  }
  if (!sameLayout(w.channels, w.groups, 1)) throw new ShapeError(op, `w was packed with groups = ${w.groups}.`, 'pack the weights along C/groups with groups = 1.');
  const xBits = x instanceof PackedBits;
  let xShape: readonly number[];
  let dtype: 'int8' | 'uint8' = 'int8';
  if (xBits) {
    checkPacked(engine, op, 'x', x);
    xShape = x.shape;
  } else {
    const info = engine.checkInput(op, 'x', x, ['int8', 'uint8']);
    xShape = info.shape;
    dtype = info.dtype as 'int8' | 'uint8';
  }
  const info: Conv2DInfo = conv2dInfo(xShape, w.shape, params, op);
  const { N, H, W, C, M, R, S, E, F, Cg, Mg, groups } = info;
  if (xBits) {
    const xp = x as PackedBits;
    if (xp.kind !== w.kind) throw new UnsupportedError(op, `x is ${xp.kind} but w is ${w.kind}; packed operands must be both binary or both ternary.`, `pack both with ${w.kind === 'binary' ? 'packBits' : 'packTernary'}, or pass x as int8.`);
    if (!sameLayout(C, xp.groups, groups)) throw new ShapeError(op, `x was packed with groups = ${xp.groups} but the conv has groups = ${groups} (C/groups = ${Cg} is not a multiple of 64, so groups must start on word boundaries).`, `pack x with packBits(engine, x, { groups: ${groups} }).`);
  }
  const xzp = xBits ? 0 : checkZeroPoint(op, 'xZeroPoint', params.xZeroPoint ?? 0, dtype);
  const st = resolveStage(op, params, M);
  const k = engine.kernels;
  const RS = R * S;
  const ternary = w.kind === 'ternary';
  const wg = wordsFor(Cg) * (ternary ? 2 : 1); // words per tap of one group (both operands)
  const ldb = RS * wg;
  const pixels = E * F;
  const rowBytes = xBits ? ldb * 8 : RS * Cg;
  const P = tileRows(rowBytes, pixels);
  const accBytes = st.output === 'int32' ? 0 : N * pixels * M * 4;
  const xnor = xBits && !ternary;
  const tapPopBytes = xnor ? M * RS * 4 : 0;
  // Packed x packed: im2col straight into 4-row panels, weights repacked into panels once per call.
  const colBytes = xBits ? k.b1_panel_bytes(P, ldb) : P * rowBytes;
  const wPanelBytes = xBits ? k.b1_panel_bytes(Mg, ldb) : 0;
  const inputs = xBits ? [(x as PackedBits).words, w.words] : [x as TensorLike, w.words];
  const [sh, sw] = info.strides;
  const [dh, dw] = info.dilations;
  const [pt, pl] = info.pads;
  const t = engine.run(op, { inputs, scratch: [colBytes, accBytes, tapPopBytes, ...stageScratch(M), groups * wPanelBytes, xnor ? k.b1_pad_scratch_bytes(Mg) : 0], output: outSpec(st, N * pixels, M, info.yShape) }, ({ inputs: ip, scratch, out }) => {
    const [col, accS, tapPop] = scratch;
    const acc = accBytes ? accS : out.ptr;
    const wPanels = scratch[6];
    if (xnor) k.b1_popcounts(ip[1], M * RS, wg, wg, tapPop);
    if (xBits) for (let g = 0; g < groups; g++) k.b1_pack_panels(ip[1] + g * Mg * ldb * 8, Mg, ldb, ldb, wPanels + g * wPanelBytes);
    const wpp = xBits ? (x as PackedBits).wordsPerRow : 0;
    const zpu = dtype === 'int8' ? xzp + 128 : xzp;
    for (let n = 0; n < N; n++) {
      for (let g = 0; g < groups; g++) {
        const wPtr = ip[1] + g * Mg * ldb * 8;
        for (let p0 = 0; p0 < pixels; p0 += P) {
          const rows = Math.min(P, pixels - p0);
          const c = acc + ((n * pixels + p0) * M + g * Mg) * 4;
          if (xBits) {
            k.b1_im2col_panels(ip[0] + n * H * W * wpp * 8, H, W, wpp, R, S, sh, sw, dh, dw, pt, pl, F, p0, rows, g * wg, wg, col);
            if (ternary) k.t2t2_gemm_panel(rows, Mg, RS * wordsFor(Cg), col, wPanels + g * wPanelBytes, c, M);
            else {
              k.b1b1_gemm_panel(rows, Mg, ldb, RS * Cg, col, wPanels + g * wPanelBytes, c, M);
              k.b1_pad_correct(c, M, H, W, R, S, sh, sw, dh, dw, pt, pl, F, p0, rows, Cg, Mg, tapPop + g * Mg * RS * 4, scratch[7]);
            }
          } else {
            k.u8_im2col(ip[0] + n * H * W * C, H, W, C, R, S, sh, sw, dh, dw, pt, pl, F, p0, rows, g * Cg, Cg, zpu, dtype === 'int8' ? 1 : 0, col);
            if (ternary) k.t2u8_gemm(rows, Mg, RS, Cg, col, RS * Cg, wPtr, ldb, wg, c, M);
            else k.b1u8_gemm(rows, Mg, RS, Cg, col, RS * Cg, wPtr, ldb, wg, c, M);
          }
        }
      }
    }
    const colTerm = !xBits && zpu !== 0 ? w.rowSumsPerFilter(M).map((s) => Math.imul(-zpu, s)) : undefined;
    if (st.output !== 'int32' || colTerm) runStage(engine, st, acc, N * pixels, M, colTerm, scratch.slice(3, 6), out.ptr, st.output === 'bits' ? out.shape[1] / 2 : M);
    return out;
  });
  return wrapResult(engine, st, t, info.yShape);
}

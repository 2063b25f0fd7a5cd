/**
 * Reference binary / ternary kernels (src/binary/conventions.ts): bit packing, the dot products
 * and the output stage, naive loops. Packed words are read and written as u32 (little-endian
 * halves of the u64 words). The convolutions' spec is {@link conv2dRef} on the unpacked
 * {-1, 0, +1} values (zero padding contributes 0).
 * @module
 */
import { WORD_BITS, wordsFor, type BitKind } from '../binary/conventions.js';
import { roundHalfEven } from '../descriptors/output-stage.js';

/** u32 words per packed row of C channels in `groups` groups. */
function u32PerRow(C: number, groups: number, kind: BitKind): number {
  return groups * wordsFor(C / groups) * (kind === 'ternary' ? 4 : 2);
}

/**
 * Binary packing: bit = x < threshold, rows x C values (channels-last) in `groups` groups.
 * @returns u32 words, rows x groups x ceil(Cg / 64) u64 words.
 */
export function packBitsRef(x: ArrayLike<number>, rows: number, C: number, groups = 1, threshold = 0): Uint32Array {
  const Cg = C / groups;
  const WG = wordsFor(Cg);
  const out = new Uint32Array(rows * u32PerRow(C, groups, 'binary'));
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < groups; g++) {
      for (let c = 0; c < Cg; c++) {
        if (x[r * C + g * Cg + c] < threshold) {
          const bit = (r * groups + g) * WG * WORD_BITS + c;
          out[bit >>> 5] |= 1 << (bit & 31);
        }
      }
    }
  }
  return out;
}

/**
 * Ternary packing: neg = x < lo, nz = x < lo or x > hi (float: lo = -delta, hi = delta; int8:
 * zp -+ delta). Word pairs (nz, neg) per 64 channels.
 */
export function packTernaryRef(x: ArrayLike<number>, rows: number, C: number, groups: number, lo: number, hi: number): Uint32Array {
  const Cg = C / groups;
  const WG = wordsFor(Cg);
  const out = new Uint32Array(rows * u32PerRow(C, groups, 'ternary'));
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < groups; g++) {
      const base = (r * groups + g) * WG * 4; // u32 index of the segment
      for (let c = 0; c < Cg; c++) {
        const v = x[r * C + g * Cg + c];
        const w = base + (c >>> 6) * 4 + ((c & 63) >>> 5);
        if (v < lo || v > hi) out[w] |= 1 << (c & 31);
        if (v < lo) out[w + 2] |= 1 << (c & 31);
      }
    }
  }
  return out;
}

/** Unpacks rows of packed words back to values {-1, +1} (binary) or {-1, 0, +1} (ternary). */
export function unpackBitsRef(words: ArrayLike<number>, rows: number, C: number, groups: number, kind: BitKind): Int8Array {
  const Cg = C / groups;
  const WG = wordsFor(Cg);
  const out = new Int8Array(rows * C);
  const bit = (i: number) => (words[i >>> 5] >>> (i & 31)) & 1;
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < groups; g++) {
      for (let c = 0; c < Cg; c++) {
        const seg = (r * groups + g) * WG;
        if (kind === 'binary') {
          out[r * C + g * Cg + c] = bit(seg * 64 + c) ? -1 : 1;
        } else {
          const i = seg * 128 + (c >>> 6) * 128 + (c & 63);
          out[r * C + g * Cg + c] = bit(i) ? (bit(i + 64) ? -1 : 1) : 0;
        }
      }
    }
  }
  return out;
}

/** C[m, n] = sum_k a[m, k] * b[n, k] on integer values (int32 wrapping): every binary GEMM's spec. */
export function intGemmRef(a: ArrayLike<number>, b: ArrayLike<number>, M: number, N: number, K: number): Int32Array {
  const c = new Int32Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) s = (s + Math.imul(a[m * K + k], b[n * K + k])) | 0;
      c[m * N + n] = s;
    }
  }
  return c;
}

/** Parameters of {@link binaryOutputRef}. */
export interface BinaryOutputRefParams {
  /** int32 added per column before scaling. Default none. */
  colTerm?: ArrayLike<number>;
  /** float32 scale per column. */
  scale: ArrayLike<number>;
  /** float32 bias per column. Default none. */
  bias?: ArrayLike<number>;
  /** Bounds: float32 output clamp, or int8 qmin / qmax. */
  lo?: number;
  hi?: number;
  /** int8 output zero point. Default 0. */
  zeroPoint?: number;
  /** Groups of the bits output. Default 1. */
  groups?: number;
}

/**
 * The output stage: v = acc + colTerm (int32), y = f32(f32(v) * scale) + bias in float32; then
 * int32 v, float32 clamp(y), int8 clamp(roundHalfEven(y) + zp, qmin, qmax), or bits (y < 0).
 */
export function binaryOutputRef(acc: ArrayLike<number>, M: number, N: number, kind: 'int32' | 'float32' | 'int8' | 'bits', p: BinaryOutputRefParams): Int32Array | Float32Array | Int8Array | Uint32Array {
  const f = Math.fround;
  const val = (m: number, n: number) => (acc[m * N + n] + (p.colTerm ? p.colTerm[n] : 0)) | 0;
  const y = (m: number, n: number) => f(f(f(val(m, n)) * f(p.scale[n])) + (p.bias ? f(p.bias[n]) : 0));
  if (kind === 'int32') return Int32Array.from({ length: M * N }, (_, i) => val(Math.floor(i / N), i % N));
  if (kind === 'float32') {
    const lo = p.lo ?? -Infinity, hi = p.hi ?? Infinity;
    return Float32Array.from({ length: M * N }, (_, i) => Math.min(Math.max(y(Math.floor(i / N), i % N), lo), hi));
  }
  if (kind === 'int8') {
    const zp = p.zeroPoint ?? 0, lo = p.lo ?? -128, hi = p.hi ?? 127;
    return Int8Array.from({ length: M * N }, (_, i) => Math.min(Math.max(roundHalfEven(y(Math.floor(i / N), i % N)) + zp, lo), hi));
  }
  const signs = Float32Array.from({ length: M * N }, (_, i) => (y(Math.floor(i / N), i % N) < 0 ? -1 : 1));
  return packBitsRef(signs, M, N, p.groups ?? 1, 0);
}


/**
 * The binary and ternary conventions of macflow, in one place (larq compute-engine's
 * `core/types.h`). The Wasm side is assembly/binary/conventions.ts; the executable spec is
 * src/reference/binary.ts.
 *
 * - **Bit meaning**: one bit per value, **bit 1 = -1**, bit 0 = +1, so `a XOR w` is 1 exactly where
 *   the product is -1. Packing by sign sets the bit where `x < threshold` (threshold 0 for float32,
 *   the zero point for int8 / uint8): 0 and -0 pack as +1.
 * - **Word**: packed data is u64 words ({@link WORD_BITS} = 64; one `i64.popcnt` each). Bit j of
 *   word w is channel 64w + j; little-endian, so as u32 (the host's `Uint32Array` view) channel
 *   32i + j is bit j of u32 word i.
 * - **Layout**: channels-last, one packed row per pixel or matrix row. C channels in G groups are G
 *   segments of Cg = C / G channels, each padded to ceil(Cg / 64) words, so every group starts on a
 *   word boundary. **Pad bits are 0 in both operands**: XOR and AND give 0 there, so they never count.
 * - **Ternary** {-1, 0, +1}: two bit-planes interleaved per word, `[nz_0, neg_0, nz_1, neg_1, ...]`:
 *   nz = 1 for a non-zero value, neg = 1 for -1 (neg is 0 wherever nz is 0).
 * - **Dot products** over n real positions: binary x binary `n - 2 * popcount(a XOR w)`;
 *   ternary x ternary `popcount(nz) - 2 * popcount(nz & (negA XOR negW))` with nz = nzA & nzW;
 *   binary weights x int8 activations `sum(x) - 2 * sum over w = -1 of x`, the activation zero
 *   point leaving as `-zx * sum(w)` with `sum(w) = n - 2 * popcount(w)`; ternary weights x int8
 *   `sum over w = +1 of x - sum over w = -1 of x`, zero point likewise.
 * - **Spatial padding** of a binary conv: a padded pixel is real 0, neither +1 nor -1. The bit im2col
 *   writes 0 words (+1) there, and the correction subtracts what those taps added, per output pixel
 *   and filter: for each padded tap t, `Cg - 2 * popcount(w[m, t])`. The result equals a
 *   zero-padded convolution exactly. Ternary activations need no correction (nz = 0 there);
 *   int8 activations are padded with their zero point.
 * - **Reads past buffers**: none ({@link OVERREAD_BYTES} = 0). Kernels read whole words of whole rows
 *   only, and v128 loads of int8 rows stop at the last full 16 bytes, so no over-allocation is needed.
 * - **Output transform** (pack -> int32 accumulate -> output stage, gemmlowp's split): with
 *   `v = acc + colTerm[m]` (int32, wrapping) and `y = f32(f32(v) * scale[m]) + bias[m]` in float32:
 *   float32 output `min(max(y, lo), hi)`; int8 output `clamp(roundHalfEven(y) + zp, qmin, qmax)`;
 *   bits output (the next binary layer's input) `bit = y < 0`, packed with the layout above.
 * @module
 */

/** Bits per packed word. */
export const WORD_BITS = 64;

/** Bytes any binary kernel may read past the end of a buffer (none: no over-allocation needed). */
export const OVERREAD_BYTES = 0;

/** Words of one packed segment of `n` channels (binary; ternary needs twice as many). */
export function wordsFor(n: number): number {
  return Math.ceil(n / WORD_BITS);
}

/** What the packed values mean: `'binary'` {-1, +1} (one plane) or `'ternary'` {-1, 0, +1} (two planes). */
export type BitKind = 'binary' | 'ternary';

/** u64 words per row of `C` channels in `groups` groups, for one or two planes. */
export function wordsPerRow(C: number, groups: number, kind: BitKind): number {
  return groups * wordsFor(C / groups) * (kind === 'ternary' ? 2 : 1);
}

/** Output of a binary / ternary GEMM or conv: raw int32 dots, float32, int8, or packed bits for the next binary layer. */
export type BinaryOutput = 'int32' | 'float32' | 'int8' | 'bits';

// THE binary / ternary conventions (larq compute-engine's core/types.h, in one place). Every
// kernel in assembly/binary/ and the TS mirror src/binary/conventions.ts follow these; the
// reference (src/reference/binary.ts) is their executable spec.
//
// Bit meaning. One bit per value, bit 1 = -1, bit 0 = +1 (so XOR of two bits is 1 exactly when
// the product is -1). Packing by sign: bit = x < threshold (threshold 0 for float, the zero point
// for int8/uint8), so 0 and -0 pack as +1.
//
// Word. Packed data is u64 words (popcnt<u64> = one i64.popcnt; on x86 V8 faster than the
// emulated i8x16.popcnt, but the two together beat either: see gemm.ts's panel kernels and the
// probes in peak.ts, measured in bench/binary.mjs). Bit j of word w
// holds channel 64 * w + j. In memory the words are little-endian, so the same data read as u32
// has channel 32 * i + j at bit j of u32 word i (the TS side reads Uint32Array views).
//
// Layout. Channels-last: one packed row per pixel (or matrix row). A row of C channels in G
// groups is G segments of Cg = C / G channels, each segment padded to WG = ceil(Cg / 64) words,
// so every group starts on a word boundary (grouped convs need this). Pad bits are 0 in both
// operands: XOR gives 0, the AND of ternary masks gives 0, so they never count.
// Inside a packed x packed GEMM / conv (per call, in scratch, never a tensor's layout) both
// operands are repacked into 4-row panels of 2-word chunks (b1_pack_panels, b1_im2col_panels):
// the rows up to a multiple of 4 and an odd last word are 0 in both operands, so they add 0 and
// only the valid rows x columns are stored.
//
// Ternary. Two bit-planes interleaved per word: [nz_0, neg_0, nz_1, neg_1, ...]: nz = 1 for a
// non-zero value, neg = 1 for -1 (neg is 0 wherever nz is 0). A ternary segment is 2 * WG words.
//
// Dot products over n real positions (pad bits excluded):
//   binary x binary:   n - 2 * popcount(a XOR w)
//   ternary x ternary: popcount(nz_a & nz_w) - 2 * popcount(nz_a & nz_w & (neg_a XOR neg_w))
//   binary w x u8 a:   sum(a) - 2 * sum over bit=1 of a    (raw; the zero point leaves as
//                      -za * sum(w), sum(w) = n - 2 * popcount(w), folded into colTerm)
//   ternary w x u8 a:  sum over (nz & !neg) of a - sum over neg of a  (-za * sum(w) likewise)
//
// Spatial padding of a binary conv. A padded pixel is real 0, which is neither +1 nor -1. The
// bit im2col writes 0 words (+1) there, then b1_pad_correct subtracts, per output pixel and
// filter, what those taps added: for each padded tap t, Cg - 2 * popcount(w[m, t]). The result
// equals a convolution with zero padding exactly. Ternary activations need no correction (their
// nz plane is 0 there) and int8 activations are padded with their zero point (u8_im2col).
//
// Reads past buffers. None: every kernel reads whole words of whole rows and no byte beyond
// (B1_OVERREAD_BYTES = 0), so no over-allocation is needed (the panels' padding is in their
// own scratch, sized by b1_panel_bytes). v128 loads of int8 rows stop at the
// last full 16 bytes and the rest runs scalar.
//
// Output transform (b1_output, gemmlowp's split: pack -> int32 accumulate -> output stage):
//   v = acc + colTerm[n] (int32, wrapping);  y = f32(f32(v) * scale[n]) + bias[n]  (float32)
//   float32 out: min(max(y, lo), hi);   int8 out: clamp(roundHalfEven(y), qmin - zp, qmax - zp) + zp;
//   bits out (next binary layer): bit = y < 0, packed with the layout above.

/** Bits per packed word. */
export const B1_WORD_BITS: i32 = 64;
/** Bytes a binary kernel may read past the end of an input buffer (none). */
export const B1_OVERREAD_BYTES: i32 = 0;

/** Words of one packed segment of n channels (pad bits up to a whole word). */
// @ts-ignore: decorator
@inline export function b1Words(n: i32): i32 {
  return (n + 63) >> 6;
}

/** The conventions as numbers for the host to check: word bits, over-read bytes. */
export function b1_conventions(which: i32): i32 {
  return which == 0 ? B1_WORD_BITS : B1_OVERREAD_BYTES;
}

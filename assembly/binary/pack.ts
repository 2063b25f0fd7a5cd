// Bit-packing by sign or threshold, channels-last, any channel count (conventions.ts): rows x C
// values in, rows x G segments of ceil(Cg / 64) u64 words out (binary) or twice that (ternary,
// interleaved nz / neg planes). Pad bits are written as 0.
import { b1Words } from './conventions';

/** Binary: bit = x < thr, float32 x of `rows` rows of C values in `groups` groups. */
export function b1_pack_f32(x: usize, rows: i32, C: i32, groups: i32, thr: f32, dst: usize): void {
  const Cg = C / groups;
  const WG = b1Words(Cg);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < groups; g++) {
      const src = x + ((<usize>r * C + <usize>g * Cg) << 2);
      const out = dst + ((<usize>(r * groups + g) * WG) << 3);
      for (let w = 0; w < WG; w++) {
        const c0 = w << 6;
        const n = min(64, Cg - c0);
        let bits: u64 = 0;
        let j = 0;
        if (ASC_FEATURE_SIMD) {
          const t = f32x4.splat(thr);
          for (; j + 4 <= n; j += 4) {
            const m = i32x4.bitmask(f32x4.lt(v128.load(src + (<usize>(c0 + j) << 2)), t));
            bits |= (<u64>m) << j;
          }
        }
        for (; j < n; j++) if (load<f32>(src + (<usize>(c0 + j) << 2)) < thr) bits |= (<u64>1) << j;
        store<u64>(out + (<usize>w << 3), bits);
      }
    }
  }
}

/** Binary: bit = x < thr for int8 (signed = 1) or uint8 x; thr in the dtype's range. */
export function b1_pack_q8(x: usize, rows: i32, C: i32, groups: i32, thr: i32, signed: i32, dst: usize): void {
  const Cg = C / groups;
  const WG = b1Words(Cg);
  // Compare in the signed domain: uint8 values and thresholds shift by 128 (x ^ 0x80).
  const flip = signed ? 0 : 0x80;
  const t = signed ? thr : thr - 128;
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < groups; g++) {
      const src = x + <usize>r * C + <usize>g * Cg;
      const out = dst + ((<usize>(r * groups + g) * WG) << 3);
      for (let w = 0; w < WG; w++) {
        const c0 = w << 6;
        const n = min(64, Cg - c0);
        let bits: u64 = 0;
        let j = 0;
        if (ASC_FEATURE_SIMD) {
          const tv = i8x16.splat(<i8>t);
          const fv = i8x16.splat(<i8>flip);
          for (; j + 16 <= n; j += 16) {
            const v = v128.xor(v128.load(src + c0 + j), fv);
            bits |= (<u64>i8x16.bitmask(i8x16.lt_s(v, tv))) << j;
          }
        }
        for (; j < n; j++) if (<i32>(<i8>(load<u8>(src + c0 + j) ^ <u8>flip)) < t) bits |= (<u64>1) << j;
        store<u64>(out + (<usize>w << 3), bits);
      }
    }
  }
}

/** Ternary from float32: nz = |x| > delta, neg = x < -delta (delta >= 0). */
export function t2_pack_f32(x: usize, rows: i32, C: i32, groups: i32, delta: f32, dst: usize): void {
  const Cg = C / groups;
  const WG = b1Words(Cg);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < groups; g++) {
      const src = x + ((<usize>r * C + <usize>g * Cg) << 2);
      const out = dst + ((<usize>(r * groups + g) * WG) << 4);
      for (let w = 0; w < WG; w++) {
        const c0 = w << 6;
        const n = min(64, Cg - c0);
        let pos: u64 = 0, neg: u64 = 0;
        let j = 0;
        if (ASC_FEATURE_SIMD) {
          const hi = f32x4.splat(delta), lo = f32x4.splat(-delta);
          for (; j + 4 <= n; j += 4) {
            const v = v128.load(src + (<usize>(c0 + j) << 2));
            pos |= (<u64>i32x4.bitmask(f32x4.gt(v, hi))) << j;
            neg |= (<u64>i32x4.bitmask(f32x4.lt(v, lo))) << j;
          }
        }
        for (; j < n; j++) {
          const v = load<f32>(src + (<usize>(c0 + j) << 2));
          if (v > delta) pos |= (<u64>1) << j;
          if (v < -delta) neg |= (<u64>1) << j;
        }
        store<u64>(out + (<usize>w << 4), pos | neg);
        store<u64>(out + (<usize>w << 4), neg, 8);
      }
    }
  }
}

/** Ternary from int8 (signed = 1) / uint8: neg = x < zp - delta, nz = neg or x > zp + delta. */
export function t2_pack_q8(x: usize, rows: i32, C: i32, groups: i32, zp: i32, delta: i32, signed: i32, dst: usize): void {
  const Cg = C / groups;
  const WG = b1Words(Cg);
  const flip = signed ? 0 : 0x80;
  const z = signed ? zp : zp - 128;
  // Bounds saturated to the i8 range give the same comparisons (x < -129 and x < -128 are both
  // never true; x > 127 and x > 128 likewise), so the vector compares need no widening.
  const lo = max(z - delta, -128);
  const hi = min(z + delta, 127);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < groups; g++) {
      const src = x + <usize>r * C + <usize>g * Cg;
      const out = dst + ((<usize>(r * groups + g) * WG) << 4);
      for (let w = 0; w < WG; w++) {
        const c0 = w << 6;
        const n = min(64, Cg - c0);
        let pos: u64 = 0, neg: u64 = 0;
        let j = 0;
        if (ASC_FEATURE_SIMD) {
          const lv = i8x16.splat(<i8>lo), hv = i8x16.splat(<i8>hi), fv = i8x16.splat(<i8>flip);
          for (; j + 16 <= n; j += 16) {
            const v = v128.xor(v128.load(src + c0 + j), fv);
            pos |= (<u64>i8x16.bitmask(i8x16.gt_s(v, hv))) << j;
            neg |= (<u64>i8x16.bitmask(i8x16.lt_s(v, lv))) << j;
          }
        }
        for (; j < n; j++) {
          const v = <i32>(<i8>(load<u8>(src + c0 + j) ^ <u8>flip));
          if (v > hi) pos |= (<u64>1) << j;
          if (v < lo) neg |= (<u64>1) << j;
        }
        store<u64>(out + (<usize>w << 4), pos | neg);
        store<u64>(out + (<usize>w << 4), neg, 8);
      }
    }
  }
}

/**
 * Per segment popcounts: out[i] = popcount of the `words` words at src + i * stride words, for
 * `count` segments (weights' per-tap counts for the pad correction, per-row counts for sums).
 */
export function b1_popcounts(src: usize, count: i32, stride: i32, words: i32, out: usize): void {
  for (let i = 0; i < count; i++) {
    const p = src + ((<usize>i * stride) << 3);
    let s = 0;
    for (let w = 0; w < words; w++) s += <i32>popcnt<u64>(load<u64>(p + (<usize>w << 3)));
    store<i32>(out + (<usize>i << 2), s);
  }
}

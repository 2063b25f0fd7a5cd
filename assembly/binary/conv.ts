// Binary / ternary convolution = bit im2col (panels) + b1b1_gemm_panel / t2t2_gemm_panel + (binary only) the
// exact padding correction, conventions.ts. Activations are NHWC packed rows of `wpp` words per
// pixel; one group's segment is `wg` words at word offset w0 of each pixel.

// Valid s range [sLo, sHi) of a kernel row for an output column starting at input column iw0.
// @ts-ignore: decorator
@inline function sRange(iw0: i32, W: i32, S: i32, dw: i32): u64 {
  let sLo = 0;
  if (iw0 < 0) sLo = (-iw0 + dw - 1) / dw;
  let sHi = S;
  const lim = W - iw0;
  if (lim <= 0) sHi = 0;
  else if ((S - 1) * dw >= lim) sHi = (lim + dw - 1) / dw;
  if (sHi < sLo) sHi = sLo;
  return (<u64>sLo << 32) | <u64>sHi;
}

/**
 * Bit im2col: the R * S * wg words (taps in (r, s) order) of output pixels [p0, p0 + rows)
 * (e = p / F, f = p % F) of one packed image x (H x W pixels of wpp words), written straight into
 * the panel layout of b1_pack_panels (the A operand of b1b1_gemm_panel): Kw = R * S * wg words per row, row p's word k at byte
 * (p >> 2) * K2 * 64 + (k >> 1) * 64 + (p & 3) * 16 + (k & 1) * 8, K2 = ceil(Kw / 2); an odd
 * last word is paired with a 0 word and the rows of the last panel past `rows` are 0 words.
 * Padded taps are 0 words (+1).
 */
export function b1_im2col_panels(
  x: usize, H: i32, W: i32, wpp: i32, R: i32, S: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, F: i32,
  p0: i32, rows: i32, w0: i32, wg: i32, dst: usize,
): void {
  const Kw = R * S * wg;
  const K2 = (Kw + 1) >> 1;
  const panelBytes = <usize>K2 << 6;
  let e = p0 / F;
  let f = p0 - e * F;
  const padded = (rows + 3) & ~3;
  for (let p = 0; p < padded; p++) {
    const d = dst + <usize>(p >> 2) * panelBytes + (<usize>(p & 3) << 4);
    if (p >= rows) {
      for (let k = 0; k < K2; k++) {
        store<u64>(d + (<usize>k << 6), 0);
        store<u64>(d + (<usize>k << 6), 0, 8);
      }
      continue;
    }
    if (Kw & 1) store<u64>(d + (<usize>(K2 - 1) << 6), 0, 8);
    const ih0 = e * sh - pt;
    const iw0 = f * sw - pl;
    let k = 0;
    for (let r = 0; r < R; r++) {
      const ih = ih0 + r * dh;
      const rowIn = <u32>ih < <u32>H;
      for (let s = 0; s < S; s++) {
        const iw = iw0 + s * dw;
        if (rowIn && <u32>iw < <u32>W) {
          const src = x + ((<usize>((ih * W + iw) * wpp + w0)) << 3);
          for (let w = 0; w < wg; w++, k++) store<u64>(d + (<usize>(k >> 1) << 6) + (<usize>(k & 1) << 3), load<u64>(src + (<usize>w << 3)));
        } else {
          for (let w = 0; w < wg; w++, k++) store<u64>(d + (<usize>(k >> 1) << 6) + (<usize>(k & 1) << 3), 0);
        }
      }
    }
    f++;
    if (f == F) {
      f = 0;
      e++;
    }
  }
}

// The pad correction's pattern cache: a border pixel's padded taps depend only on its valid
// ranges (rLo, rHi, sLo, sHi), and few patterns exist (8 for a 3x3 pad 1 conv), so each pattern's
// per-filter correction is computed once per call and then added as a vector. Per-pixel,
// per-filter tap loops took 12-21 % of a VGG / ResNet 3x3 conv (bench/binary-tiles.mjs).
const PAD_SLOTS: i32 = 16;

/** Bytes of the scratch b1_pad_correct needs for Mg filters (PAD_SLOTS keys and vectors). */
export function b1_pad_scratch_bytes(Mg: i32): i32 {
  return PAD_SLOTS * 8 + PAD_SLOTS * Mg * 4;
}

/**
 * Exact zero-padding correction of a binary conv computed on +1-padded im2col rows: for output
 * pixels [p0, p0 + rows) and filters [0, Mg) of one group, acc[p, m] += sum over padded taps t of
 * (2 * tapPop[m, t] - Cg) (int32, wrapping), tapPop = per (filter, tap) popcounts (b1_popcounts),
 * R * S per filter. Interior pixels are skipped. `cache`: b1_pad_scratch_bytes(Mg) bytes of
 * scratch (no state kept between calls).
 */
export function b1_pad_correct(
  acc: usize, ldacc: i32, H: i32, W: i32, R: i32, S: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, F: i32,
  p0: i32, rows: i32, Cg: i32, Mg: i32, tapPop: usize, cache: usize,
): void {
  const RS = R * S;
  const vecs = cache + (<usize>PAD_SLOTS << 3);
  const vecBytes = <usize>Mg << 2;
  for (let i = 0; i < PAD_SLOTS; i++) store<u64>(cache + (<usize>i << 3), <u64>-1);
  let next = 0;
  let e = p0 / F;
  let f = p0 - e * F;
  for (let p = 0; p < rows; p++) {
    const ih0 = e * sh - pt;
    const iw0 = f * sw - pl;
    const sr = sRange(iw0, W, S, dw);
    const sLo = <i32>(sr >> 32), sHi = <i32>(sr & 0xffffffff);
    let rLo = 0;
    while (rLo < R && ih0 + rLo * dh < 0) rLo++;
    let rHi = R;
    while (rHi > rLo && ih0 + (rHi - 1) * dh >= H) rHi--;
    if (rLo > 0 || rHi < R || sLo > 0 || sHi < S) {
      const key = (<u64>(<u32>((rLo << 16) | rHi)) << 32) | <u64>(<u32>((sLo << 16) | sHi));
      let slot = 0;
      while (slot < PAD_SLOTS && load<u64>(cache + (<usize>slot << 3)) != key) slot++;
      const corr = vecs + <usize>(slot < PAD_SLOTS ? slot : next) * vecBytes;
      if (slot == PAD_SLOTS) {
        // miss: compute this pattern's correction per filter into the next slot (round robin)
        store<u64>(cache + (<usize>next << 3), key);
        next = (next + 1) % PAD_SLOTS;
        const npadCg = (RS - (rHi - rLo) * (sHi - sLo)) * Cg;
        for (let m = 0; m < Mg; m++) {
          const tp = tapPop + ((<usize>m * RS) << 2);
          let s = 0;
          for (let r = 0; r < R; r++) {
            const inR = r >= rLo && r < rHi;
            for (let q = 0; q < S; q++) {
              if (inR && q >= sLo && q < sHi) continue;
              s += load<i32>(tp + (<usize>(r * S + q) << 2));
            }
          }
          store<i32>(corr + (<usize>m << 2), 2 * s - npadCg);
        }
      }
      const row = acc + ((<usize>p * ldacc) << 2);
      let m = 0;
      if (ASC_FEATURE_SIMD) {
        for (; m + 4 <= Mg; m += 4) {
          const o = <usize>m << 2;
          v128.store(row + o, i32x4.add(v128.load(row + o), v128.load(corr + o)));
        }
      }
      for (; m < Mg; m++) {
        const o = <usize>m << 2;
        store<i32>(row + o, load<i32>(row + o) + load<i32>(corr + o));
      }
    }
    f++;
    if (f == F) {
      f = 0;
      e++;
    }
  }
}

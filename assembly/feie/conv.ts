// Zero-skipping convolution scheduled like FEIE / ZASCAS (Ardakani, Condo, Gross, IEEE TC 2020;
// the seed tutorial's "Skipping Noncontributory Computations in FEIE"): input pixels are streamed
// one at a time, each non-zero input (x != xzp; padding is zero) is broadcast to the output
// channels it meets and multiplied by the weight vectors of the taps that reach it, accumulating
// into the outputs it touches (an input-stationary scatter). Zero inputs are not streamed.
//
// CPU form: per input pixel, its non-zero channels of each group are compacted into a list of
// (weight-row offset, x - xzp) pairs; then for each valid tap (r, s) -> output (e, f), the list is
// multiplied by the int16 weight rows w16[g][r][s][c][0..Mg) (zero points already subtracted),
// vectorised over output channels: two list entries at a time, their weight rows interleaved as
// i16 pairs and reduced with i32x4.dot_i16x8_s. (x - xzp) and (w - wzp) are in [-255, 255], so a
// pair of products fits in i32; sums wrap mod 2^32 like the reference.
//
// Counts from the same pass (rowNnz != 0): rowNnz[ih*C + c] += 1 per non-zero input of the rows
// [countLo, countHi), and counts (f64) [0] += nnz(pixel) * taps, [1] += C * taps, where taps is
// the number of (r, s) of the pixel that reach an output of this band. Multiply by Mg for MACs.

// @ts-ignore: decorator
@inline
function ilo16(a: v128, b: v128): v128 {
  return i8x16.shuffle(a, b, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23);
}

// @ts-ignore: decorator
@inline
function ihi16(a: v128, b: v128): v128 {
  return i8x16.shuffle(a, b, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31);
}

/** Bytes of the `list` scratch of {@link q8_conv_feie} for C channels, groups, an R x S kernel. */
export function q8_conv_feie_list_bytes(C: i32, groups: i32, R: i32, S: i32): i32 {
  return ((C + groups) * 4) + (((C + groups) * 2 + 3) & ~3) + (groups + 1) * 4 + R * 8 + S * 8 + 64;
}

/**
 * One band of output rows [e0, e1) of one NHWC image x (H x W x C): acc (int32, row stride ldacc
 * elements, (e1 - e0) * F rows) is zeroed, then every input row in [ihLo, ihHi) is streamed pixel
 * by pixel and scattered as above. skip = 0 streams every input (dense ZASCAD order, same code).
 * w16: int16 [groups][R][S][Cg][Mg], zero points subtracted. xzp in x's own domain (int8 when
 * signed = 1). rowNnz = 0 turns counting off.
 */
export function q8_conv_feie(
  x: usize, H: i32, W: i32, C: i32, R: i32, S: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, F: i32,
  groups: i32, Mg: i32, w16: usize, xzp: i32, signed: i32, skip: i32,
  e0: i32, e1: i32, ihLo: i32, ihHi: i32, countLo: i32, countHi: i32,
  acc: usize, ldacc: i32, list: usize, rowNnz: usize, counts: usize,
): void {
  const Cg = C / groups;
  const idx = list;
  const val = idx + <usize>((C + groups) * 4);
  const seg = val + <usize>(((C + groups) * 2 + 3) & ~3);
  const rl = seg + <usize>((groups + 1) * 4);
  const sl = rl + <usize>(R * 8);
  memory.fill(acc, 0, <usize>(e1 - e0) * <usize>F * <usize>ldacc * 4);
  const counting = rowNnz != 0;
  const rowBytes = <usize>Mg << 1; // one weight row (one input channel, all Mg filters)
  const tapBytes = <usize>Cg * rowBytes;
  let macNz: f64 = 0;
  let macAll: f64 = 0;
  const zb = <u8>xzp;
  for (let ih = ihLo; ih < ihHi; ih++) {
    const cnt = counting && ih >= countLo && ih < countHi;
    // taps r of this row that reach an output row of the band: (r, e - e0)
    let nr = 0;
    for (let r = 0; r < R; r++) {
      const t = ih + pt - r * dh;
      if (t < 0) break;
      if (t % sh != 0) continue;
      const e = t / sh;
      if (e < e0 || e >= e1) continue;
      store<i32>(rl + (<usize>nr << 3), r);
      store<i32>(rl + (<usize>nr << 3), e - e0, 4);
      nr++;
    }
    if (nr == 0 && !cnt) continue;
    const cntRow = rowNnz + (<usize>(ih * C) << 2);
    for (let iw = 0; iw < W; iw++) {
      let ns = 0;
      if (nr > 0) {
        for (let s = 0; s < S; s++) {
          const t = iw + pl - s * dw;
          if (t < 0) break;
          if (t % sw != 0) continue;
          const f = t / sw;
          if (f >= F) continue;
          store<i32>(sl + (<usize>ns << 3), s);
          store<i32>(sl + (<usize>ns << 3), f, 4);
          ns++;
        }
      }
      const taps = nr * ns;
      if (taps == 0 && !cnt) continue;
      // --- stream: compact this pixel's inputs, group by group (pairs; odd lists get a 0 pad) ---
      const px = x + <usize>((ih * W + iw) * C);
      let n = 0;
      let nnz = 0;
      for (let g = 0; g < groups; g++) {
        store<i32>(seg + (<usize>g << 2), n);
        const c0 = g * Cg;
        const c1 = c0 + Cg;
        let c = c0;
        if (ASC_FEATURE_SIMD) {
          const zv = i8x16.splat(<i8>zb);
          for (; c + 16 <= c1; c += 16) {
            const v = v128.load(px + <usize>c);
            let nz = i8x16.bitmask(v128.not(i8x16.eq(v, zv)));
            nnz += popcnt<i32>(nz);
            if (skip) {
              // one pass over the non-zero lanes: list them (and count them)
              while (nz) {
                const k = ctz<i32>(nz);
                const cc = c + k;
                const xv = signed ? <i32>load<i8>(px + <usize>cc) : <i32>load<u8>(px + <usize>cc);
                store<i32>(idx + (<usize>n << 2), <i32>(<usize>(cc - c0) * rowBytes));
                store<i16>(val + (<usize>n << 1), <i16>(xv - xzp));
                if (cnt) {
                  const p = cntRow + (<usize>cc << 2);
                  store<i32>(p, load<i32>(p) + 1);
                }
                n++;
                nz &= nz - 1;
              }
            } else {
              for (let k = 0; k < 16; k++) {
                const cc = c + k;
                const xv = signed ? <i32>load<i8>(px + <usize>cc) : <i32>load<u8>(px + <usize>cc);
                store<i32>(idx + (<usize>n << 2), <i32>(<usize>(cc - c0) * rowBytes));
                store<i16>(val + (<usize>n << 1), <i16>(xv - xzp));
                n++;
              }
              if (cnt) {
                while (nz) {
                  const p = cntRow + (<usize>(c + ctz<i32>(nz)) << 2);
                  store<i32>(p, load<i32>(p) + 1);
                  nz &= nz - 1;
                }
              }
            }
          }
        }
        for (; c < c1; c++) {
          const xv = signed ? <i32>load<i8>(px + <usize>c) : <i32>load<u8>(px + <usize>c);
          const d = xv - xzp;
          if (d != 0) {
            nnz++;
            if (cnt) {
              const p = cntRow + (<usize>c << 2);
              store<i32>(p, load<i32>(p) + 1);
            }
          }
          if (d != 0 || !skip) {
            store<i32>(idx + (<usize>n << 2), <i32>(<usize>(c - c0) * rowBytes));
            store<i16>(val + (<usize>n << 1), <i16>d);
            n++;
          }
        }
        if (n & 1) {
          store<i32>(idx + (<usize>n << 2), 0);
          store<i16>(val + (<usize>n << 1), 0);
          n++;
        }
      }
      store<i32>(seg + (<usize>groups << 2), n);
      if (counting) {
        macNz += <f64>nnz * <f64>taps;
        macAll += <f64>C * <f64>taps;
      }
      if (n == 0 || taps == 0) continue;
      // --- broadcast to every tap that reaches an output of the band ---
      for (let ir = 0; ir < nr; ir++) {
        const r = load<i32>(rl + (<usize>ir << 3));
        const eb = load<i32>(rl + (<usize>ir << 3), 4);
        for (let is = 0; is < ns; is++) {
          const s = load<i32>(sl + (<usize>is << 3));
          const f = load<i32>(sl + (<usize>is << 3), 4);
          const out = acc + ((<usize>(eb * F + f) * <usize>ldacc) << 2);
          for (let g = 0; g < groups; g++) {
            const j0 = load<i32>(seg + (<usize>g << 2));
            const j1 = load<i32>(seg + (<usize>(g + 1) << 2));
            if (j0 == j1) continue;
            const wt = w16 + <usize>((g * R + r) * S + s) * tapBytes;
            const og = out + (<usize>(g * Mg) << 2);
            let m = 0;
            if (ASC_FEATURE_SIMD) {
              for (; m + 16 <= Mg; m += 16) {
                let a0 = i32x4.splat(0);
                let a1 = i32x4.splat(0);
                let a2 = i32x4.splat(0);
                let a3 = i32x4.splat(0);
                const wm = wt + (<usize>m << 1);
                for (let j = j0; j < j1; j += 2) {
                  const pa = wm + <usize>load<i32>(idx + (<usize>j << 2));
                  const pb = wm + <usize>load<i32>(idx + (<usize>j << 2), 4);
                  const vp = i32x4.splat(load<i32>(val + (<usize>j << 1)));
                  const wa0 = v128.load(pa);
                  const wb0 = v128.load(pb);
                  const wa1 = v128.load(pa, 16);
                  const wb1 = v128.load(pb, 16);
                  a0 = i32x4.add(a0, i32x4.dot_i16x8_s(ilo16(wa0, wb0), vp));
                  a1 = i32x4.add(a1, i32x4.dot_i16x8_s(ihi16(wa0, wb0), vp));
                  a2 = i32x4.add(a2, i32x4.dot_i16x8_s(ilo16(wa1, wb1), vp));
                  a3 = i32x4.add(a3, i32x4.dot_i16x8_s(ihi16(wa1, wb1), vp));
                }
                const o = og + (<usize>m << 2);
                v128.store(o, i32x4.add(v128.load(o), a0));
                v128.store(o, i32x4.add(v128.load(o, 16), a1), 16);
                v128.store(o, i32x4.add(v128.load(o, 32), a2), 32);
                v128.store(o, i32x4.add(v128.load(o, 48), a3), 48);
              }
              for (; m + 8 <= Mg; m += 8) {
                let a0 = i32x4.splat(0);
                let a1 = i32x4.splat(0);
                const wm = wt + (<usize>m << 1);
                for (let j = j0; j < j1; j += 2) {
                  const wa = v128.load(wm + <usize>load<i32>(idx + (<usize>j << 2)));
                  const wb = v128.load(wm + <usize>load<i32>(idx + (<usize>j << 2), 4));
                  const vp = i32x4.splat(load<i32>(val + (<usize>j << 1)));
                  a0 = i32x4.add(a0, i32x4.dot_i16x8_s(ilo16(wa, wb), vp));
                  a1 = i32x4.add(a1, i32x4.dot_i16x8_s(ihi16(wa, wb), vp));
                }
                const o = og + (<usize>m << 2);
                v128.store(o, i32x4.add(v128.load(o), a0));
                v128.store(o, i32x4.add(v128.load(o, 16), a1), 16);
              }
            }
            for (; m < Mg; m++) {
              let a: i32 = 0;
              const wm = wt + (<usize>m << 1);
              for (let j = j0; j < j1; j++) {
                a += <i32>load<i16>(val + (<usize>j << 1)) * <i32>load<i16>(wm + <usize>load<i32>(idx + (<usize>j << 2)));
              }
              const o = og + (<usize>m << 2);
              store<i32>(o, load<i32>(o) + a);
            }
          }
        }
      }
    }
  }
  if (counting) {
    store<f64>(counts, load<f64>(counts) + macNz);
    store<f64>(counts, load<f64>(counts, 8) + macAll, 8);
  }
}

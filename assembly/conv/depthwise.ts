// Direct depthwise convolution (groups == C, depth multiplier 1) on NHWC int8/uint8 activations.
// Zero points are subtracted before multiplying: (x - xzp) and (w - wzp) are both in [-255, 255],
// so each product fits in int32 (not int16) and the sums wrap mod 2^32 exactly like the
// reference. Output: raw int32 sums without bias; the shared output stage (common/requant.ts)
// adds the bias and requantises.

/**
 * acc[p, c] = sum over valid (r, s) of (x[ih, iw, c] - xzp) * w16[(r*S + s)*C + c] for output
 * pixels [p0, p0 + rows) (row-major over E x F) of one NHWC image x (H x W x C).
 * `w16` holds int16 weights with their zero points already subtracted, layout [R, S, C].
 * `xzp` is in x's own domain (int8 when signed = 1, uint8 otherwise). Padded taps contribute 0.
 * `ldacc` is the row stride of acc in elements (>= C).
 */
export function q8_dwconv_direct(
  x: usize, H: i32, W: i32, C: i32, R: i32, S: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, F: i32,
  p0: i32, rows: i32, w16: usize, xzp: i32, signed: i32, acc: usize, ldacc: i32,
): void {
  let e = p0 / F;
  let f = p0 - e * F;
  for (let p = 0; p < rows; p++) {
    const ih0 = e * sh - pt;
    const iw0 = f * sw - pl;
    // Valid tap ranges [rLo, rHi) and [sLo, sHi), computed once per pixel.
    let rLo = 0;
    if (ih0 < 0) rLo = (-ih0 + dh - 1) / dh;
    let rHi = R;
    const limH = H - ih0;
    if (limH <= 0) rHi = 0;
    else if ((R - 1) * dh >= limH) rHi = (limH + dh - 1) / dh;
    let sLo = 0;
    if (iw0 < 0) sLo = (-iw0 + dw - 1) / dw;
    let sHi = S;
    const limW = W - iw0;
    if (limW <= 0) sHi = 0;
    else if ((S - 1) * dw >= limW) sHi = (limW + dw - 1) / dw;

    const out = acc + ((<usize>p * ldacc) << 2);
    let c = 0;
    if (ASC_FEATURE_SIMD) {
      // uint8 x: x ^ 0x80 read as int8 is x - 128, so one signed path serves both dtypes.
      const flip = i8x16.splat(signed ? 0 : -128);
      const z = i16x8.splat(<i16>(signed ? xzp : xzp - 128));
      // 16 channels per step: one x load feeds four i32x4 accumulators.
      for (; c + 16 <= C; c += 16) {
        let a0 = i32x4.splat(0);
        let a1 = i32x4.splat(0);
        let a2 = i32x4.splat(0);
        let a3 = i32x4.splat(0);
        for (let r = rLo; r < rHi; r++) {
          const ih = ih0 + r * dh;
          let xp = x + <usize>((ih * W + iw0 + sLo * dw) * C + c);
          let wp = w16 + ((<usize>((r * S + sLo) * C + c)) << 1);
          const xStep = <usize>(dw * C);
          const wStep = <usize>C << 1;
          for (let s = sLo; s < sHi; s++) {
            const xb = v128.xor(v128.load(xp), flip);
            const xl = i16x8.sub(i16x8.extend_low_i8x16_s(xb), z);
            const xh = i16x8.sub(i16x8.extend_high_i8x16_s(xb), z);
            const wl = v128.load(wp);
            const wh = v128.load(wp, 16);
            a0 = i32x4.add(a0, i32x4.extmul_low_i16x8_s(xl, wl));
            a1 = i32x4.add(a1, i32x4.extmul_high_i16x8_s(xl, wl));
            a2 = i32x4.add(a2, i32x4.extmul_low_i16x8_s(xh, wh));
            a3 = i32x4.add(a3, i32x4.extmul_high_i16x8_s(xh, wh));
            xp += xStep;
            wp += wStep;
          }
        }
        const o = out + (<usize>c << 2);
        v128.store(o, a0);
        v128.store(o, a1, 16);
        v128.store(o, a2, 32);
        v128.store(o, a3, 48);
      }
      for (; c + 8 <= C; c += 8) {
        let a0 = i32x4.splat(0);
        let a1 = i32x4.splat(0);
        for (let r = rLo; r < rHi; r++) {
          const ih = ih0 + r * dh;
          const xrow = x + <usize>((ih * W) * C + c);
          const wrow = w16 + ((<usize>(r * S * C + c)) << 1);
          for (let s = sLo; s < sHi; s++) {
            const iw = iw0 + s * dw;
            const xb = v128.xor(v128.load64_zero(xrow + <usize>(iw * C)), flip);
            const xv = i16x8.sub(i16x8.extend_low_i8x16_s(xb), z);
            const wv = v128.load(wrow + ((<usize>(s * C)) << 1));
            a0 = i32x4.add(a0, i32x4.extmul_low_i16x8_s(xv, wv));
            a1 = i32x4.add(a1, i32x4.extmul_high_i16x8_s(xv, wv));
          }
        }
        v128.store(out + (<usize>c << 2), a0);
        v128.store(out + (<usize>c << 2), a1, 16);
      }
    }
    for (; c < C; c++) {
      let a: i32 = 0;
      for (let r = rLo; r < rHi; r++) {
        const ih = ih0 + r * dh;
        for (let s = sLo; s < sHi; s++) {
          const iw = iw0 + s * dw;
          const src = x + <usize>((ih * W + iw) * C + c);
          const xv = (signed ? <i32>load<i8>(src) : <i32>load<u8>(src)) - xzp;
          a += xv * <i32>load<i16>(w16 + ((<usize>((r * S + s) * C + c)) << 1));
        }
      }
      store<i32>(out + (<usize>c << 2), a);
    }
    f++;
    if (f == F) {
      f = 0;
      e++;
    }
  }
}

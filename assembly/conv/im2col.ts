// Tiled im2col for int8 convolution: lowers a tile of output pixels of one image and one group to
// rows of a uint8 matrix that the u8s8 GEMM contract consumes (gemm/u8s8.ts). Row p holds the
// receptive field of output pixel p in (r, s, c) order, K = R * S * Cg bytes. Padded positions
// get the activation zero point (uint8 domain), so that after the zero-point correction of the
// output stage they contribute exactly 0. int8 activations are shifted to uint8 on the fly
// (x ^ 0x80), as the GEMM contract wants.

/**
 * Copies n bytes from src to dst, XOR-ing each with `flip` (0x80 for int8 input, else 0).
 * Segments shorter than 16 bytes (small S * Cg, e.g. LeNet's 5 x 1) are one v128 copy when 16
 * bytes can be read before `srcEnd` and written before `dstEnd` (the tile's end): the extra bytes
 * land past the segment, where later (ascending) writes of the same tile overwrite them.
 */
// @ts-ignore: decorator
@inline
function copyFlip(dst: usize, src: usize, n: i32, flip: i32, srcEnd: usize, dstEnd: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const f = i8x16.splat(<i8>flip);
    if (n >= 16) {
      for (; i + 16 <= n; i += 16) v128.store(dst + i, v128.xor(v128.load(src + i), f));
      // Tail: one overlapping copy of the last 16 bytes.
      if (i < n) v128.store(dst + n - 16, v128.xor(v128.load(src + n - 16), f));
      return;
    }
    if (src + 16 <= srcEnd && dst + 16 <= dstEnd) {
      v128.store(dst, v128.xor(v128.load(src), f));
      return;
    }
  }
  for (; i < n; i++) store<u8>(dst + i, load<u8>(src + i) ^ <u8>flip);
}

/**
 * Writes `rows` rows of the lowered matrix (row stride K = R*S*Cg bytes) for output pixels
 * [p0, p0 + rows) (row-major over E x F, pixel p at e = p / F, f = p % F) of one NHWC image `x`
 * (H x W x C) and the channel slice [c0, c0 + Cg) of one group.
 * Geometry: strides sh, sw; dilations dh, dw; top / left pads pt, pl (bottom / right pads are
 * implied by E, F). `zp` is the activation zero point in the uint8 domain; `signed` = 1 for
 * int8 x (each byte is XOR-ed with 0x80). Nothing past
 * rows * K bytes of dst is written.
 */
export function u8_im2col(
  x: usize, H: i32, W: i32, C: i32, R: i32, S: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, F: i32,
  p0: i32, rows: i32, c0: i32, Cg: i32, zp: i32, signed: i32, dst: usize,
): void {
  const flip = signed ? 0x80 : 0;
  const rowBytes = <usize>(S * Cg);
  const K = <usize>R * rowBytes;
  // With one group and unit dilation along W, the valid s of one kernel row are one contiguous
  // run of x: copy it at once.
  const merged = Cg == C && dw == 1;
  const xEnd = x + <usize>H * W * C;
  const dEnd = dst + <usize>rows * K;
  let e = p0 / F;
  let f = p0 - e * F;
  for (let p = 0; p < rows; p++) {
    const row = dst + <usize>p * K;
    const ih0 = e * sh - pt;
    const iw0 = f * sw - pl;
    // Valid s range [sLo, sHi): 0 <= iw0 + s*dw < W.
    let sLo = 0;
    if (iw0 < 0) sLo = (-iw0 + dw - 1) / dw;
    let sHi = S;
    const lim = W - iw0; // s*dw < lim
    if (lim <= 0) sHi = 0;
    else if ((S - 1) * dw >= lim) sHi = (lim + dw - 1) / dw;
    if (sHi < sLo) sHi = sLo;
    for (let r = 0; r < R; r++) {
      const ih = ih0 + r * dh;
      const d = row + <usize>r * rowBytes;
      if (<u32>ih >= <u32>H || sLo >= sHi) {
        memory.fill(d, <u8>zp, rowBytes);
        continue;
      }
      if (sLo > 0) memory.fill(d, <u8>zp, <usize>(sLo * Cg));
      const src = x + (<usize>(ih * W + iw0) * C) + c0;
      if (merged) {
        copyFlip(d + sLo * Cg, src + <usize>(sLo * C), (sHi - sLo) * C, flip, xEnd, dEnd);
      } else {
        for (let s = sLo; s < sHi; s++) copyFlip(d + s * Cg, src + <usize>(s * dw * C), Cg, flip, xEnd, dEnd);
      }
      if (sHi < S) memory.fill(d + sHi * Cg, <u8>zp, <usize>((S - sHi) * Cg));
    }
    f++;
    if (f == F) {
      f = 0;
      e++;
    }
  }
}

// 2-D pooling on NHWC int8 / uint8 tensors. The caller (src/ops/pool.ts via
// src/descriptors/pool.ts) computes the output size (floor or ceil mode) and guarantees that
// every window holds at least one input element. Windows start at (oh*sh - pt, ow*sw - pl);
// positions outside the input are padding.
//
// Max pool: padding never wins (it is -infinity).
// Average pool: y = roundHalfEven(S / cnt), exact, where S is the integer sum of the window's
// input values plus, when countIncludePad, zp for every padded position inside the padded input
// [-pt, H + pb) x [-pl, W + pr) (real 0 = the zero point: ONNX QLinearAveragePool with equal
// input/output scales). cnt counts the input positions (countIncludePad = 0) or every position
// of the window clipped to the padded input (countIncludePad = 1, as onnxruntime and PyTorch do
// in ceil mode). Output keeps the input's scale and zero point.
//
// The vector finalisation divides in float32: for cnt <= 32768 and |S / cnt| <= 255,
// f32(S) / f32(cnt) rounded to nearest is within 255 * 2^-24 < 1 / (2 cnt) of the true quotient,
// closer than any non-tie quotient is to a tie k + 1/2, and exact ties are representable: so
// rounding it half to even gives the exact integer result. Larger windows use integer division.

const MAGIC: f32 = 12582912.0; // 1.5 * 2^23: f32 add rounds to an integer, ties to even
const MAGIC_BITS: i32 = 0x4b400000;
const F32_DIV_MAX_COUNT: i32 = 32768;

/** roundHalfEven(s / d) for d > 0, in exact integer arithmetic. */
// @ts-ignore: decorator
@inline
function divRoundHalfEven(s: i32, d: i32): i32 {
  let q = s / d;
  let r = s - q * d;
  if (r < 0) { q -= 1; r += d; } // floor division
  const r2 = r << 1;
  if (r2 > d || (r2 == d && (q & 1) != 0)) q += 1;
  return q;
}

/**
 * Max pooling, NHWC, int8 (signed = 1) or uint8. x is N x H x W x C, y is N x OH x OW x C.
 * Kernel kh x kw, strides sh/sw, leading pads pt/pl, dilations dh/dw.
 */
export function q8_maxpool2d(
  x: usize, N: i32, H: i32, W: i32, C: i32, y: usize, OH: i32, OW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32, signed: i32,
): void {
  const rowStride = <usize>W * C;
  for (let n = 0; n < N; n++) {
    const xn = x + <usize>n * H * rowStride;
    for (let oh = 0; oh < OH; oh++) {
      const hs = oh * sh - pt;
      for (let ow = 0; ow < OW; ow++) {
        const ws = ow * sw - pl;
        const dst = y + ((<usize>(n * OH + oh) * OW + ow) * C);
        let c = 0;
        if (ASC_FEATURE_SIMD) {
          for (; c + 16 <= C; c += 16) {
            let m = signed ? i8x16.splat(-128) : i8x16.splat(0);
            for (let i = 0; i < kh; i++) {
              const ih = hs + i * dh;
              if (<u32>ih >= <u32>H) continue;
              const xr = xn + <usize>ih * rowStride + c;
              for (let j = 0; j < kw; j++) {
                const iw = ws + j * dw;
                if (<u32>iw >= <u32>W) continue;
                const v = v128.load(xr + <usize>iw * C);
                m = signed ? i8x16.max_s(m, v) : i8x16.max_u(m, v);
              }
            }
            v128.store(dst + c, m);
          }
          if (c + 8 <= C) {
            // 8 channels: 64-bit loads and store (never touches bytes past the row).
            let m = signed ? i8x16.splat(-128) : i8x16.splat(0);
            for (let i = 0; i < kh; i++) {
              const ih = hs + i * dh;
              if (<u32>ih >= <u32>H) continue;
              const xr = xn + <usize>ih * rowStride + c;
              for (let j = 0; j < kw; j++) {
                const iw = ws + j * dw;
                if (<u32>iw >= <u32>W) continue;
                const v = v128.load64_zero(xr + <usize>iw * C);
                m = signed ? i8x16.max_s(m, v) : i8x16.max_u(m, v);
              }
            }
            v128.store64_lane(dst + c, m, 0);
            c += 8;
          }
        }
        for (; c < C; c++) {
          let m: i32 = signed ? -128 : 0;
          for (let i = 0; i < kh; i++) {
            const ih = hs + i * dh;
            if (<u32>ih >= <u32>H) continue;
            const xr = xn + <usize>ih * rowStride + c;
            for (let j = 0; j < kw; j++) {
              const iw = ws + j * dw;
              if (<u32>iw >= <u32>W) continue;
              const v = signed ? <i32>load<i8>(xr + <usize>iw * C) : <i32>load<u8>(xr + <usize>iw * C);
              if (v > m) m = v;
            }
          }
          store<u8>(dst + c, <u8>m);
        }
      }
    }
  }
}

/**
 * Average pooling, NHWC, int8 (signed = 1) or uint8, round half to even (see the file comment).
 * Pads pt/pl/pb/pr (pb/pr only bound the counted region when countIncludePad = 1); zp is the
 * input zero point, the value of padded positions when they are counted.
 */
export function q8_avgpool2d(
  x: usize, N: i32, H: i32, W: i32, C: i32, y: usize, OH: i32, OW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, pt: i32, pl: i32, pb: i32, pr: i32,
  countIncludePad: i32, zp: i32, signed: i32,
): void {
  const rowStride = <usize>W * C;
  for (let n = 0; n < N; n++) {
    const xn = x + <usize>n * H * rowStride;
    for (let oh = 0; oh < OH; oh++) {
      const hs = oh * sh - pt;
      const h0 = max(hs, 0);
      const h1 = min(hs + kh, H);
      for (let ow = 0; ow < OW; ow++) {
        const ws = ow * sw - pl;
        const w0 = max(ws, 0);
        const w1 = min(ws + kw, W);
        const valid = (h1 - h0) * (w1 - w0);
        let cnt = valid;
        if (countIncludePad) cnt = (min(hs + kh, H + pb) - hs) * (min(ws + kw, W + pr) - ws);
        const padSum = (cnt - valid) * zp;
        const dst = y + ((<usize>(n * OH + oh) * OW + ow) * C);
        let c = 0;
        if (ASC_FEATURE_SIMD) {
          const fcnt = f32x4.splat(<f32>cnt);
          const magic = f32x4.splat(MAGIC);
          const bits = i32x4.splat(MAGIC_BITS);
          for (; c + 16 <= C; c += 16) {
            let a0 = i32x4.splat(padSum);
            let a1 = a0;
            let a2 = a0;
            let a3 = a0;
            for (let ih = h0; ih < h1; ih++) {
              const xr = xn + <usize>ih * rowStride + c;
              for (let iw = w0; iw < w1; iw++) {
                const v = v128.load(xr + <usize>iw * C);
                const lo = signed ? i16x8.extend_low_i8x16_s(v) : i16x8.extend_low_i8x16_u(v);
                const hi = signed ? i16x8.extend_high_i8x16_s(v) : i16x8.extend_high_i8x16_u(v);
                a0 = i32x4.add(a0, i32x4.extend_low_i16x8_s(lo));
                a1 = i32x4.add(a1, i32x4.extend_high_i16x8_s(lo));
                a2 = i32x4.add(a2, i32x4.extend_low_i16x8_s(hi));
                a3 = i32x4.add(a3, i32x4.extend_high_i16x8_s(hi));
              }
            }
            if (cnt <= F32_DIV_MAX_COUNT) {
              a0 = i32x4.sub(f32x4.add(f32x4.div(f32x4.convert_i32x4_s(a0), fcnt), magic), bits);
              a1 = i32x4.sub(f32x4.add(f32x4.div(f32x4.convert_i32x4_s(a1), fcnt), magic), bits);
              a2 = i32x4.sub(f32x4.add(f32x4.div(f32x4.convert_i32x4_s(a2), fcnt), magic), bits);
              a3 = i32x4.sub(f32x4.add(f32x4.div(f32x4.convert_i32x4_s(a3), fcnt), magic), bits);
            } else {
              a0 = divLanes(a0, cnt);
              a1 = divLanes(a1, cnt);
              a2 = divLanes(a2, cnt);
              a3 = divLanes(a3, cnt);
            }
            const p = i16x8.narrow_i32x4_s(a0, a1);
            const q = i16x8.narrow_i32x4_s(a2, a3);
            v128.store(dst + c, signed ? i8x16.narrow_i16x8_s(p, q) : i8x16.narrow_i16x8_u(p, q));
          }
          if (c + 8 <= C) {
            // 8 channels: 64-bit loads and store.
            let a0 = i32x4.splat(padSum);
            let a1 = a0;
            for (let ih = h0; ih < h1; ih++) {
              const xr = xn + <usize>ih * rowStride + c;
              for (let iw = w0; iw < w1; iw++) {
                const v = v128.load64_zero(xr + <usize>iw * C);
                const lo = signed ? i16x8.extend_low_i8x16_s(v) : i16x8.extend_low_i8x16_u(v);
                a0 = i32x4.add(a0, i32x4.extend_low_i16x8_s(lo));
                a1 = i32x4.add(a1, i32x4.extend_high_i16x8_s(lo));
              }
            }
            if (cnt <= F32_DIV_MAX_COUNT) {
              a0 = i32x4.sub(f32x4.add(f32x4.div(f32x4.convert_i32x4_s(a0), fcnt), magic), bits);
              a1 = i32x4.sub(f32x4.add(f32x4.div(f32x4.convert_i32x4_s(a1), fcnt), magic), bits);
            } else {
              a0 = divLanes(a0, cnt);
              a1 = divLanes(a1, cnt);
            }
            const p = i16x8.narrow_i32x4_s(a0, a1);
            v128.store64_lane(dst + c, signed ? i8x16.narrow_i16x8_s(p, p) : i8x16.narrow_i16x8_u(p, p), 0);
            c += 8;
          }
        }
        for (; c < C; c++) {
          let s = padSum;
          for (let ih = h0; ih < h1; ih++) {
            const xr = xn + <usize>ih * rowStride + c;
            for (let iw = w0; iw < w1; iw++) {
              s += signed ? <i32>load<i8>(xr + <usize>iw * C) : <i32>load<u8>(xr + <usize>iw * C);
            }
          }
          store<u8>(dst + c, <u8>divRoundHalfEven(s, cnt));
        }
      }
    }
  }
}

// Exact integer division of each lane (only for windows larger than F32_DIV_MAX_COUNT).
// @ts-ignore: decorator
@inline
function divLanes(a: v128, d: i32): v128 {
  let r = i32x4.splat(divRoundHalfEven(i32x4.extract_lane(a, 0), d));
  r = i32x4.replace_lane(r, 1, divRoundHalfEven(i32x4.extract_lane(a, 1), d));
  r = i32x4.replace_lane(r, 2, divRoundHalfEven(i32x4.extract_lane(a, 2), d));
  return i32x4.replace_lane(r, 3, divRoundHalfEven(i32x4.extract_lane(a, 3), d));
}

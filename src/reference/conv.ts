/**
 * Reference 2-D convolution on NHWC activations and OHWI weights: the spec that every conv
 * kernel (im2col + GEMM, direct depthwise) and build must match bit for bit.
 * @module
 */
import type { Conv2DInfo } from '../descriptors/conv.js';
import { requantizeRef } from './gemm.js';

/** Integer parameters of {@link conv2dRef}. */
export interface Conv2DRefParams {
  /** Zero point of x, in x's own domain (int8 or uint8 values). Default 0. */
  xZeroPoint?: number;
  /** Weight zero point in w's own domain (int8 or uint8 values): one, or one per output channel. Default 0. */
  wZeroPoint?: number | ArrayLike<number>;
  /** int32 bias per output channel. Default none. */
  bias?: ArrayLike<number>;
}

/**
 * y[n, e, f, m] = bias[m] + sum over r, s and the c of m's group of
 * (x[n, e*sh - top + r*dh, f*sw - left + s*dw, c] - xzp) * (w[m, r, s, c - g*Cg] - wzp[m]),
 * int32 wrapping (Math.imul, `| 0`); padded positions contribute 0.
 *
 * @param x NHWC [N, H, W, C], int8 or uint8 values.
 * @param w OHWI [M, R, S, C/groups], int8 or uint8 values (zero points in the same dtype).
 * @returns int32 NHWC [N, E, F, M].
 */
export function conv2dRef(x: ArrayLike<number>, w: ArrayLike<number>, info: Conv2DInfo, params: Conv2DRefParams = {}): Int32Array {
  const { N, H, W, C, M, R, S, E, F, Cg, Mg } = info;
  const [sh, sw] = info.strides;
  const [dh, dw] = info.dilations;
  const [top, left] = info.pads;
  const xzp = params.xZeroPoint ?? 0;
  const wz = params.wZeroPoint ?? 0;
  const y = new Int32Array(N * E * F * M);
  for (let n = 0; n < N; n++) {
    for (let e = 0; e < E; e++) {
      for (let f = 0; f < F; f++) {
        for (let m = 0; m < M; m++) {
          const g = Math.floor(m / Mg);
          const wzp = typeof wz === 'number' ? wz : wz[m];
          let acc = params.bias ? params.bias[m] | 0 : 0;
          for (let r = 0; r < R; r++) {
            const ih = e * sh - top + r * dh;
            if (ih < 0 || ih >= H) continue;
            for (let s = 0; s < S; s++) {
              const iw = f * sw - left + s * dw;
              if (iw < 0 || iw >= W) continue;
              for (let c = 0; c < Cg; c++) {
                const xv = x[((n * H + ih) * W + iw) * C + g * Cg + c];
                const wv = w[((m * R + r) * S + s) * Cg + c];
                acc = (acc + Math.imul(xv - xzp, wv - wzp)) | 0;
              }
            }
          }
          y[((n * E + e) * F + f) * M + m] = acc;
        }
      }
    }
  }
  return y;
}

/**
 * The quantised reference: {@link conv2dRef} followed by {@link requantizeRef} with per-channel
 * (or broadcast) float32 multipliers and the clamp [qmin, qmax].
 */
export function conv2dRequantRef(
  x: ArrayLike<number>, w: ArrayLike<number>, info: Conv2DInfo, params: Conv2DRefParams,
  multipliers: Float32Array, yZeroPoint: number, qmin: number, qmax: number, outputDtype: 'uint8' | 'int8',
): Uint8Array | Int8Array {
  return requantizeRef(conv2dRef(x, w, info, params), info.M, multipliers, yZeroPoint, qmin, qmax, outputDtype);
}

/** Typed arrays the layout helpers accept. */
export type NumericArray = Int8Array | Uint8Array | Int16Array | Int32Array | Float32Array;

function like<A extends NumericArray>(x: A): A {
  return new (x.constructor as new (n: number) => A)(x.length);
}

/** [N, C, H, W] -> [N, H, W, C] (same element type). */
export function nchwToNhwc<A extends NumericArray>(x: A, N: number, C: number, H: number, W: number): A {
  const y = like(x);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let i = 0; i < H * W; i++) y[(n * H * W + i) * C + c] = x[(n * C + c) * H * W + i];
  return y;
}

/** [N, H, W, C] -> [N, C, H, W] (same element type). */
export function nhwcToNchw<A extends NumericArray>(x: A, N: number, H: number, W: number, C: number): A {
  const y = like(x);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let i = 0; i < H * W; i++) y[(n * C + c) * H * W + i] = x[(n * H * W + i) * C + c];
  return y;
}

/** OIHW [M, I, R, S] -> OHWI [M, R, S, I]: the same transposition as NCHW -> NHWC. */
export function oihwToOhwi<A extends NumericArray>(w: A, M: number, I: number, R: number, S: number): A {
  return nchwToNhwc(w, M, I, R, S);
}

/**
 * The lowered (im2col) rows of output pixels [p0, p0 + rows) of image n and group g, as the
 * `u8_im2col` kernel writes them: K = R*S*Cg uint8 per row in (r, s, c) order, int8 x shifted to
 * uint8 (x + 128), padded positions = `zpU8` (the activation zero point in the uint8 domain).
 */
export function im2colRef(x: ArrayLike<number>, signed: boolean, info: Conv2DInfo, n: number, g: number, p0: number, rows: number, zpU8: number): Uint8Array {
  const { H, W, C, R, S, F, Cg, K } = info;
  const out = new Uint8Array(rows * K);
  for (let p = 0; p < rows; p++) {
    const e = Math.floor((p0 + p) / F);
    const f = (p0 + p) % F;
    for (let r = 0; r < R; r++) {
      for (let s = 0; s < S; s++) {
        const ih = e * info.strides[0] - info.pads[0] + r * info.dilations[0];
        const iw = f * info.strides[1] - info.pads[1] + s * info.dilations[1];
        for (let c = 0; c < Cg; c++) {
          const inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
          const v = inside ? x[((n * H + ih) * W + iw) * C + g * Cg + c] : zpU8;
          out[p * K + (r * S + s) * Cg + c] = inside && signed ? v + 128 : v;
        }
      }
    }
  }
  return out;
}

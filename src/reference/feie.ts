/**
 * Reference counts of the zero-skipping (FEIE / ZASCAS) convolution: what the kernel
 * assembly/feie/conv.ts must count in its pass, computed here by naive loops over the outputs.
 * @module
 */
import type { Conv2DInfo } from '../descriptors/conv.js';

/** Counts of {@link feieCountsRef}. */
export interface FeieCountsRef {
  /** Non-zero inputs per (image, input row, channel): [N][H][C]. */
  rowNnz: Int32Array;
  /** MACs whose input is a real, non-zero pixel. */
  macsNonZero: number;
  /** MACs whose input is a real pixel (not padding), zero or not. */
  macsReal: number;
}

/**
 * Counts for NHWC x (int8 or uint8 values) with zero point `xZeroPoint` in x's own domain: an
 * input is zero when it equals the zero point (real value 0); padding is zero.
 */
export function feieCountsRef(x: ArrayLike<number>, info: Conv2DInfo, xZeroPoint: number): FeieCountsRef {
  const { N, H, W, C, M, R, S, E, F, Cg, Mg } = info;
  const [sh, sw] = info.strides;
  const [dh, dw] = info.dilations;
  const [top, left] = info.pads;
  const rowNnz = new Int32Array(N * H * C);
  for (let n = 0; n < N; n++) {
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++) {
        for (let c = 0; c < C; c++) if (x[((n * H + h) * W + w) * C + c] !== xZeroPoint) rowNnz[(n * H + h) * C + c]++;
      }
    }
  }
  let macsNonZero = 0;
  let macsReal = 0;
  for (let n = 0; n < N; n++) {
    for (let e = 0; e < E; e++) {
      for (let f = 0; f < F; f++) {
        for (let g = 0; g < M / Mg; g++) {
          for (let r = 0; r < R; r++) {
            const ih = e * sh - top + r * dh;
            if (ih < 0 || ih >= H) continue;
            for (let s = 0; s < S; s++) {
              const iw = f * sw - left + s * dw;
              if (iw < 0 || iw >= W) continue;
              for (let c = 0; c < Cg; c++) {
                macsReal += Mg;
                if (x[((n * H + ih) * W + iw) * C + g * Cg + c] !== xZeroPoint) macsNonZero += Mg;
              }
            }
          }
        }
      }
    }
  }
  return { rowNnz, macsNonZero, macsReal };
}

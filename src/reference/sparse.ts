/**
 * Reference CSR arithmetic: the spec every sparse kernel and build must match bit for bit, and
 * which must itself equal the DENSE reference on the densified matrix (absent entries = the row's
 * zero point, i.e. real 0). Sums wrap mod 2^32 like int32 hardware.
 * @module
 */
import type { Conv2DInfo } from '../descriptors/conv.js';

/** The arrays of a CSR matrix the references read (a CsrMatrix fits). */
export interface CsrRefMatrix {
  rows: number;
  cols: number;
  rowPtr: ArrayLike<number>;
  colIdx: ArrayLike<number>;
  values: ArrayLike<number>;
  /** Per-row zero points (int8 domain). */
  zeroPoints: ArrayLike<number>;
}

/**
 * y[b, o] = sum over the entries (o, i, v) of (x[b, i] - xzp) * (v - zp[o]) (+ bias[o]), int32
 * wrapping. x is [B, cols] with values in its own dtype and xzp in the same dtype.
 */
export function csrDenseRef(x: ArrayLike<number>, B: number, xzp: number, w: CsrRefMatrix, bias?: ArrayLike<number>): Int32Array {
  const y = new Int32Array(B * w.rows);
  for (let b = 0; b < B; b++) {
    for (let o = 0; o < w.rows; o++) {
      let acc = bias ? bias[o] | 0 : 0;
      for (let i = w.rowPtr[o]; i < w.rowPtr[o + 1]; i++) acc = (acc + Math.imul(x[b * w.cols + w.colIdx[i]] - xzp, w.values[i] - w.zeroPoints[o])) | 0;
      y[b * w.rows + o] = acc;
    }
  }
  return y;
}

/**
 * CSR convolution, output-stationary: y[n, e, f, m] = bias[m] + sum over the entries (m, k, v)
 * with k = (r * S + s) * Cg + c of (x[n, ih, iw, g*Cg + c] - xzp) * (v - zp[m]); padded taps
 * contribute 0. NHWC x, output NHWC int32.
 */
export function csrConv2dRef(x: ArrayLike<number>, w: CsrRefMatrix, info: Conv2DInfo, xzp: number, bias?: ArrayLike<number>): Int32Array {
  const { N, H, W, C, M, S, E, F, Cg, Mg } = info;
  const [sh, sw] = info.strides;
  const [dh, dw] = info.dilations;
  const [top, left] = info.pads;
  const y = new Int32Array(N * E * F * M);
  for (let n = 0; n < N; n++) for (let e = 0; e < E; e++) for (let f = 0; f < F; f++) for (let m = 0; m < M; m++) {
    const g = Math.floor(m / Mg);
    let acc = bias ? bias[m] | 0 : 0;
    for (let i = w.rowPtr[m]; i < w.rowPtr[m + 1]; i++) {
      const k = w.colIdx[i];
      const c = k % Cg;
      const s = Math.floor(k / Cg) % S;
      const r = Math.floor(k / (Cg * S));
      const ih = e * sh - top + r * dh;
      const iw = f * sw - left + s * dw;
      if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
      acc = (acc + Math.imul(x[((n * H + ih) * W + iw) * C + g * Cg + c] - xzp, w.values[i] - w.zeroPoints[m])) | 0;
    }
    y[((n * E + e) * F + f) * M + m] = acc;
  }
  return y;
}

/**
 * Exact MAC counts of a CSR conv with zero skipping: per (pixel, entry) pair, executed when the
 * tap is inside the image and x != xzp, else skipped as a zero activation (padding included);
 * dense - entries are skipped as pruned weights.
 */
export function csrConvCountsRef(x: ArrayLike<number>, w: CsrRefMatrix, info: Conv2DInfo, xzp: number): { dense: number; executed: number; skippedWeights: number; skippedZeros: number } {
  const { N, H, W, C, M, S, E, F, Cg, Mg } = info;
  let zeros = 0;
  let entries = 0;
  for (let n = 0; n < N; n++) for (let e = 0; e < E; e++) for (let f = 0; f < F; f++) for (let m = 0; m < M; m++) {
    const g = Math.floor(m / Mg);
    for (let i = w.rowPtr[m]; i < w.rowPtr[m + 1]; i++) {
      entries++;
      const k = w.colIdx[i];
      const c = k % Cg;
      const s = Math.floor(k / Cg) % S;
      const r = Math.floor(k / (Cg * S));
      const ih = e * info.strides[0] - info.pads[0] + r * info.dilations[0];
      const iw = f * info.strides[1] - info.pads[1] + s * info.dilations[1];
      if (ih < 0 || ih >= H || iw < 0 || iw >= W || x[((n * H + ih) * W + iw) * C + g * Cg + c] === xzp) zeros++;
    }
  }
  return { dense: info.macs, executed: entries - zeros, skippedWeights: info.macs - entries, skippedZeros: zeros };
}

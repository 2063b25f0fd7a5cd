/**
 * Reference quantised add (ONNX QLinearAdd): the spec of assembly/ops/add.ts.
 * @module
 */
import { roundHalfEven } from '../descriptors/output-stage.js';

/** Parameters of {@link addRef}: the float32 ratios aScale / yScale and bScale / yScale, zero points and clamp. */
export interface AddRefParams {
  aZeroPoint: number;
  bZeroPoint: number;
  /** f32(aScale / yScale). */
  aRatio: number;
  /** f32(bScale / yScale). */
  bRatio: number;
  yZeroPoint: number;
  qmin: number;
  qmax: number;
  outputDtype: 'int8' | 'uint8';
}

/**
 * y[i] = clamp(roundHalfEven(f32(f32(aRatio * (a[i] - za)) + f32(bRatio * (b[i] - zb)))) + yZeroPoint, qmin, qmax).
 * Every step rounds to float32 (no fused multiply-add); a, b are int8 or uint8 values.
 */
export function addRef(a: ArrayLike<number>, b: ArrayLike<number>, p: AddRefParams): Int8Array | Uint8Array {
  const f = Math.fround;
  const y = p.outputDtype === 'int8' ? new Int8Array(a.length) : new Uint8Array(a.length);
  const ra = f(p.aRatio);
  const rb = f(p.bRatio);
  for (let i = 0; i < a.length; i++) {
    const v = f(f(ra * (a[i] - p.aZeroPoint)) + f(rb * (b[i] - p.bZeroPoint)));
    y[i] = Math.min(p.qmax, Math.max(p.qmin, roundHalfEven(v) + p.yZeroPoint));
  }
  return y;
}

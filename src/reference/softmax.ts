/**
 * Reference quantised softmax over the last axis: the spec of assembly/ops/softmax.ts.
 *
 * The rule (identical in every build): with table[k] = Math.exp(xScale * (k - 255)) in float64
 * (computed on the host), for each row
 *   mx = max(q); s = 0; for i = 0.. : s += table[q[i] - mx + 255]  (float64, in index order)
 *   p_i = table[q[i] - mx + 255] / s                                (float64)
 * and the output is p_i as float32 (round to nearest even), or quantised with scale 1/256:
 * uint8 min(255, roundHalfEven(p_i * 256)) (zero point 0), int8 that minus 128 (zero point -128).
 * The input zero point cancels (q - mx).
 * @module
 */
import { roundHalfEven } from '../descriptors/output-stage.js';

/** table[k] = exp(xScale * (k - 255)), k = 0..255: exp of every possible q - max(q). */
export function softmaxTable(xScale: number): Float64Array {
  const t = new Float64Array(256);
  for (let k = 0; k < 256; k++) t[k] = Math.exp(xScale * (k - 255));
  return t;
}

/** Output encodings of softmax. */
export type SoftmaxOutput = 'uint8' | 'int8' | 'float32';

/** Reference softmax of `x` (rows of `len` values) with input scale `xScale`. */
export function softmaxRef(x: Int8Array | Uint8Array, len: number, xScale: number, output: 'uint8'): Uint8Array;
export function softmaxRef(x: Int8Array | Uint8Array, len: number, xScale: number, output: 'int8'): Int8Array;
export function softmaxRef(x: Int8Array | Uint8Array, len: number, xScale: number, output: 'float32'): Float32Array;
export function softmaxRef(x: Int8Array | Uint8Array, len: number, xScale: number, output: SoftmaxOutput): Uint8Array | Int8Array | Float32Array;
export function softmaxRef(x: Int8Array | Uint8Array, len: number, xScale: number, output: SoftmaxOutput): Uint8Array | Int8Array | Float32Array {
  const table = softmaxTable(xScale);
  const y = output === 'float32' ? new Float32Array(x.length) : output === 'int8' ? new Int8Array(x.length) : new Uint8Array(x.length);
  for (let r = 0; r * len < x.length; r++) {
    let mx = -Infinity;
    for (let i = 0; i < len; i++) mx = Math.max(mx, x[r * len + i]);
    let s = 0;
    for (let i = 0; i < len; i++) s += table[x[r * len + i] - mx + 255];
    for (let i = 0; i < len; i++) {
      const p = table[x[r * len + i] - mx + 255] / s;
      if (output === 'float32') y[r * len + i] = p; // Float32Array stores round to nearest even
      else y[r * len + i] = Math.min(255, roundHalfEven(p * 256)) - (output === 'int8' ? 128 : 0);
    }
  }
  return y;
}

/**
 * Reference integer matrix arithmetic: the spec that every GEMM kernel and build must match bit
 * for bit. Sums wrap mod 2^32 like int32 hardware.
 * @module
 */
import { roundHalfEven } from '../descriptors/output-stage.js';

/**
 * y[m, n] = sum_k (a[m,k] - za) * (bt[n,k] - zb[n]) + bias[n], int32 wrapping.
 * `a` is M x K (uint8 or int8 values), `bt` is N x K int8 or uint8 (weights, one row per output
 * column). Zero points are in each operand's own dtype: no domain shift here.
 */
export function qgemmRef(a: ArrayLike<number>, za: number, bt: ArrayLike<number>, zb: ArrayLike<number> | number, bias: ArrayLike<number> | undefined, M: number, N: number, K: number): Int32Array {
  const y = new Int32Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      const z = typeof zb === 'number' ? zb : zb[n];
      let acc = bias ? bias[n] | 0 : 0;
      for (let k = 0; k < K; k++) acc = (acc + Math.imul(a[m * K + k] - za, bt[n * K + k] - z)) | 0;
      y[m * N + n] = acc;
    }
  }
  return y;
}

/**
 * The output stage in float32, ONNX QLinearConv as onnxruntime computes it:
 * q = clamp(roundHalfEven(f32(acc) * multiplier[n]) + yZeroPoint, qmin, qmax).
 */
export function requantizeRef(acc: Int32Array, N: number, multipliers: Float32Array, yZeroPoint: number, qmin: number, qmax: number, outputDtype: 'uint8' | 'int8'): Uint8Array | Int8Array {
  const out = outputDtype === 'uint8' ? new Uint8Array(acc.length) : new Int8Array(acc.length);
  for (let i = 0; i < acc.length; i++) {
    const f = Math.fround(Math.fround(acc[i]) * multipliers[i % N]);
    out[i] = Math.min(qmax, Math.max(qmin, roundHalfEven(f) + yZeroPoint));
  }
  return out;
}

/** Transposes a rows x cols matrix (e.g. K x N weights to the N x K form qgemmRef takes). */
export function transposeRef<A extends Int8Array | Uint8Array | Int32Array>(x: A, rows: number, cols: number): A {
  const y = new (x.constructor as new (n: number) => A)(x.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) y[c * rows + r] = x[r * cols + c];
  return y;
}

/**
 * The whole quantised matmul as the ops compute it: {@link qgemmRef} on the raw activation
 * values (int8 or uint8, with their own zero point: no shift needed here), then
 * {@link requantizeRef} when `requant` is given (ONNX QLinearMatMul), else the int32 sums.
 */
export function qmatmulRef(
  a: ArrayLike<number>, za: number, bt: ArrayLike<number>, zb: ArrayLike<number> | number, bias: ArrayLike<number> | undefined,
  M: number, N: number, K: number,
  requant?: { multipliers: Float32Array; yZeroPoint: number; qmin: number; qmax: number; outputDtype: 'uint8' | 'int8' },
): Int32Array | Uint8Array | Int8Array {
  const acc = qgemmRef(a, za, bt, zb, bias, M, N, K);
  if (!requant) return acc;
  return requantizeRef(acc, N, requant.multipliers, requant.yZeroPoint, requant.qmin, requant.qmax, requant.outputDtype);
}

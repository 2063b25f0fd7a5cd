/**
 * Reference quantise / dequantise (ONNX QuantizeLinear / DequantizeLinear in float32), the spec
 * that the Wasm kernels f32q8_quantize and q8f32_dequantize match bit for bit:
 *
 *   q = clamp(roundHalfEven(f32(x / scale)) + zeroPoint, qmin, qmax)
 *   y = f32(f32(q - zeroPoint) * scale)
 *
 * x / scale is a float32 division: Math.fround(fround(x) / fround(scale)) is correctly rounded
 * (double has more than 2 * 24 + 2 bits, so rounding twice gives the float32 quotient).
 * q - zeroPoint is exact in float32 (|q - zp| <= 510) and the float32 product is correctly rounded
 * for the same reason.
 * @module
 */
import { roundHalfEven } from '../descriptors/output-stage.js';
import { resolveScheme, type QuantScheme } from '../quant/params.js';

/** The channel of flat index i in a tensor seen as [outer, channels, inner]. */
function channelOf(i: number, channels: number, inner: number): number {
  return Math.floor(i / inner) % channels;
}

/** Reference quantisation of float32 data of `shape` with a per-tensor or per-channel scheme. */
export function quantizeRef(x: ArrayLike<number>, shape: readonly number[], scheme: QuantScheme): Int8Array | Uint8Array {
  const r = resolveScheme('quantizeRef', scheme, shape);
  const q = r.dtype === 'int8' ? new Int8Array(x.length) : new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const c = channelOf(i, r.channels, r.inner);
    const v = Math.fround(Math.fround(x[i]) / r.scales[c]);
    q[i] = Math.min(r.qmax, Math.max(r.qmin, roundHalfEven(v) + r.zeroPoints[c]));
  }
  return q;
}

/** Reference dequantisation of int8/uint8 data of `shape` to float32. */
export function dequantizeRef(q: ArrayLike<number>, shape: readonly number[], scheme: QuantScheme): Float32Array {
  const r = resolveScheme('dequantizeRef', scheme, shape);
  const y = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) {
    const c = channelOf(i, r.channels, r.inner);
    y[i] = Math.fround((q[i] - r.zeroPoints[c]) * r.scales[c]);
  }
  return y;
}

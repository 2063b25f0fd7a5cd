/**
 * The output stage of every int8 op (gemmlowp's MulParams / ONNX QLinear* semantics): zero points,
 * bias, requantisation multiplier per tensor or per channel, and the clamp that fuses ReLU.
 * Validated once here; kernels receive the resolved arrays.
 * @module
 */
import { QuantError, ShapeError, ValueError, fmt } from '../errors.js';
import { checkScale, checkZeroPoint, qrange } from '../ops/common.js';

/** Quantised output: requantise the int32 sums to int8 / uint8. */
export interface Requantize {
  /** Scale of the activations x (real = xScale * (q - xZeroPoint)). */
  xScale: number;
  /** Scale of the weights: one number, or one per output channel. */
  wScale: number | ArrayLike<number>;
  /** Scale of the output y. */
  yScale: number;
  /** Zero point of y. Default 0. */
  yZeroPoint?: number;
  /** dtype of y. Default `'uint8'`. */
  outputDtype?: 'uint8' | 'int8';
  /**
   * Fused activation: `'relu'` clamps at real 0, `{ min, max }` at real bounds (e.g. ReLU6 =
   * `{ min: 0, max: 6 }`), `{ qmin, qmax }` at quantised bounds. Default: none (dtype range).
   */
  activation?: FusedActivation;
}

/** Integer arithmetic parameters shared by conv2d, dense and matmul. */
export interface QuantParams {
  /** Zero point of x (int8: [-128, 127]; uint8: [0, 255]). Default 0. */
  xZeroPoint?: number;
  /**
   * Zero point of w: one, or one per output channel, in the weights' own dtype: [-128, 127] for
   * int8 weights, [0, 255] for uint8 weights (ONNX ConvInteger / MatMulInteger / QLinear* allow
   * both; packed weights remember their dtype). Default 0.
   */
  wZeroPoint?: number | ArrayLike<number>;
  /** int32 bias per output channel, in units of xScale * wScale (ONNX QLinearConv's B). */
  bias?: Int32Array | ArrayLike<number>;
  /** Requantise to int8/uint8; omit to get the corrected int32 sums (ONNX ConvInteger/MatMulInteger plus bias). */
  requantize?: Requantize;
}

/** The resolved output stage handed to the kernels. */
export interface OutputStage {
  /** Activation zero point as the kernel sees it (uint8 domain: int8 inputs are shifted by 128). */
  xZeroPoint: number;
  /**
   * Per-channel weight zero points in the int8 domain the kernels see (uint8 weights are flipped
   * to w - 128 when packed, see `weightsToS8` in src/ops/packed.ts, so their zero point moves by
   * -128 too), or undefined when all are 0.
   */
  wZeroPoints: Int32Array | undefined;
  /** Per-channel bias (zeros when none was given). */
  bias: Int32Array;
  /** Requantisation, or undefined for int32 output. */
  requant:
    | {
        multipliers: Float32Array;
        yZeroPoint: number;
        qmin: number;
        qmax: number;
        outputDtype: 'uint8' | 'int8';
      }
    | undefined;
}

function perChannel(op: string, what: string, v: number | ArrayLike<number>, channels: number): ArrayLike<number> | number {
  if (typeof v === 'number') return v;
  if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<number>).length !== 'number') {
    throw new ValueError(op, `${what} must be a number or an array of ${channels} numbers, got ${fmt(v)}.`, `pass one value or one per output channel (${channels}).`);
  }
  if (v.length !== channels && v.length !== 1) {
    throw new ShapeError(op, `${what} has ${v.length} values but there are ${channels} output channels.`, `pass one value or exactly ${channels}.`);
  }
  return v.length === 1 ? v[0] : v;
}

/**
 * Validates quantisation parameters for an op with `channels` output channels, `xDtype`
 * activations and `wDtype` weights (default int8), and resolves them for the kernels: both zero
 * points are checked in their own dtype's range, then moved to the u8 x s8 kernel domain.
 */
export function resolveOutputStage(op: string, params: QuantParams, channels: number, xDtype: 'int8' | 'uint8', wDtype: 'int8' | 'uint8' = 'int8'): OutputStage {
  const xzp = checkZeroPoint(op, 'xZeroPoint', params.xZeroPoint ?? 0, xDtype);
  const xZeroPoint = xDtype === 'int8' ? xzp + 128 : xzp;

  // uint8 weights reach the kernels as w - 128 (int8), so their zero point moves with them.
  const wShift = wDtype === 'uint8' ? 128 : 0;
  const wz = perChannel(op, 'wZeroPoint', params.wZeroPoint ?? 0, channels);
  let wZeroPoints: Int32Array | undefined;
  if (typeof wz === 'number') {
    const z = checkZeroPoint(op, 'wZeroPoint', wz, wDtype) - wShift;
    if (z !== 0) wZeroPoints = new Int32Array(channels).fill(z);
  } else {
    wZeroPoints = new Int32Array(channels);
    const [lo, hi] = qrange(wDtype);
    let any = 0;
    for (let i = 0; i < channels; i++) {
      // The message (and its string) is built only for a value that fails: this loop runs per call.
      const v = wz[i];
      const z = Number.isInteger(v) && v >= lo && v <= hi ? v : checkZeroPoint(op, `wZeroPoint[${i}]`, v, wDtype);
      any |= wZeroPoints[i] = z - wShift;
    }
    if (any === 0) wZeroPoints = undefined;
  }

  const bias = new Int32Array(channels);
  if (params.bias !== undefined) {
    const b = params.bias;
    if (b === null || typeof b !== 'object' || typeof b.length !== 'number') throw new ValueError(op, `bias must be an Int32Array of ${channels} values, got ${fmt(b)}.`, 'pass an Int32Array with one int32 per output channel.');
    if (b.length !== channels) throw new ShapeError(op, `bias has ${b.length} values but there are ${channels} output channels.`, `pass exactly ${channels} bias values.`);
    if (b instanceof Int32Array) bias.set(b); // int32 by construction
    else for (let i = 0; i < channels; i++) {
      const v = b[i];
      if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) throw new QuantError(op, `bias[${i}] = ${fmt(v)} is not an int32.`, 'quantise the bias to int32 (bias_real / (xScale * wScale), rounded).');
      bias[i] = v;
    }
  }

  const rq = params.requantize;
  if (rq === undefined) return { xZeroPoint, wZeroPoints, bias, requant: undefined };
  if (typeof rq !== 'object' || rq === null) throw new ValueError(op, `requantize must be an object, got ${fmt(rq)}.`, 'pass { xScale, wScale, yScale, yZeroPoint?, outputDtype?, activation? }.');
  const outputDtype = rq.outputDtype ?? 'uint8';
  if (outputDtype !== 'uint8' && outputDtype !== 'int8') throw new ValueError(op, `requantize.outputDtype = ${fmt(outputDtype)}.`, "use 'uint8' or 'int8'.");
  const xs = checkScale(op, 'requantize.xScale', rq.xScale);
  const ys = checkScale(op, 'requantize.yScale', rq.yScale);
  const ws = perChannel(op, 'requantize.wScale', rq.wScale, channels);
  const yZeroPoint = checkZeroPoint(op, 'requantize.yZeroPoint', rq.yZeroPoint ?? 0, outputDtype);
  // float32 arithmetic, as onnxruntime computes its requantisation multiplier.
  const f = Math.fround;
  const multiplier = (w: number, i: number): number => {
    const m = f(f(f(xs) * f(w)) / f(ys));
    if (!Number.isFinite(m) || m === 0) {
      throw new QuantError(op, `the requantisation multiplier xScale*wScale/yScale = ${fmt(m)} for channel ${i} is not representable in float32.`, 'use scales of sensible magnitude (the multiplier should be between 1e-30 and 1e30).');
    }
    return m;
  };
  const multipliers = new Float32Array(channels);
  if (typeof ws === 'number') multipliers.fill(multiplier(checkScale(op, 'requantize.wScale', ws), 0));
  else {
    for (let i = 0; i < channels; i++) {
      // As above: the label string only for a failing value.
      const v = ws[i];
      multipliers[i] = multiplier(typeof v === 'number' && v > 0 && v < Infinity ? v : checkScale(op, `requantize.wScale[${i}]`, v), i);
    }
  }
  const [qmin, qmax] = resolveActivation(op, rq.activation, ys, yZeroPoint, outputDtype);
  return { xZeroPoint, wZeroPoints, bias, requant: { multipliers, yZeroPoint, qmin, qmax, outputDtype } };
}

/** A fused activation: none, ReLU, real bounds or quantised bounds. */
export type FusedActivation = 'none' | 'relu' | { min?: number; max?: number } | { qmin?: number; qmax?: number };

/**
 * Resolves a fused activation to the quantised clamp [qmin, qmax] of an output with scale
 * `yScale` and zero point `yZeroPoint`: `'relu'` clamps at real 0, `{ min, max }` at real bounds
 * (rounded half to even, kept inside the dtype), `{ qmin, qmax }` at quantised bounds.
 */
export function resolveActivation(op: string, activation: FusedActivation | undefined, yScale: number, yZeroPoint: number, outputDtype: 'uint8' | 'int8'): [number, number] {
  const [lo, hi] = qrange(outputDtype);
  let qmin = lo;
  let qmax = hi;
  const act = activation ?? 'none';
  if (act === 'relu') qmin = Math.max(lo, yZeroPoint);
  else if (typeof act === 'object' && act !== null) {
    const a = act as { min?: number; max?: number; qmin?: number; qmax?: number };
    if ('qmin' in a || 'qmax' in a) {
      if (a.qmin !== undefined) qmin = checkZeroPoint(op, 'activation.qmin', a.qmin, outputDtype);
      if (a.qmax !== undefined) qmax = checkZeroPoint(op, 'activation.qmax', a.qmax, outputDtype);
    } else {
      for (const k of ['min', 'max'] as const) {
        const v = a[k];
        if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) throw new QuantError(op, `activation.${k} = ${fmt(v)} is not a finite number.`, 'pass real-valued clamp bounds, e.g. { min: 0, max: 6 } for ReLU6.');
      }
      if (a.min !== undefined) qmin = Math.min(hi, Math.max(lo, yZeroPoint + roundHalfEven(a.min / yScale)));
      if (a.max !== undefined) qmax = Math.min(hi, Math.max(lo, yZeroPoint + roundHalfEven(a.max / yScale)));
    }
  } else if (act !== 'none') {
    throw new ValueError(op, `activation = ${fmt(act)} is not known.`, "use 'none', 'relu', { min, max } (real) or { qmin, qmax } (quantised).");
  }
  if (qmin > qmax) throw new QuantError(op, `the clamp is empty: qmin ${qmin} > qmax ${qmax}.`, 'choose activation bounds with min <= max inside the output range.');
  return [qmin, qmax];
}

/** Round half to even (banker's rounding), as ONNX and IEEE `nearest` do. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

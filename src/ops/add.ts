/**
 * Quantised elementwise add (ONNX QLinearAdd): two int8/uint8 tensors of the same shape, each
 * with its own scale and zero point, requantised to the output's scale and zero point. Used by
 * residual connections (src/nets/graph.ts). The rule, identical in every build and the reference:
 * src/reference/add.ts (float32 ratios aScale / yScale and bScale / yScale, no fused multiply-add,
 * round half to even, clamp). No broadcasting: both inputs must have the same shape.
 * @module
 */
import { QuantError, ShapeError, ValueError, fmt } from '../errors.js';
import type { Engine, TensorLike } from '../runtime/engine.js';
import type { Tensor } from '../runtime/tensor.js';
import { resolveActivation, type FusedActivation } from '../descriptors/output-stage.js';
import type { AddRefParams } from '../reference/add.js';
import { checkScale, checkZeroPoint } from './common.js';

/** Quantisation of one operand of {@link add}: real = scale * (q - zeroPoint). */
export interface AddOperandQuant {
  /** Scale (> 0). */
  scale: number;
  /** Zero point in the operand's dtype. Default 0. */
  zeroPoint?: number;
}

/** Options of {@link add}. */
export interface AddOptions {
  /** Quantisation of a. */
  a: AddOperandQuant;
  /** Quantisation of b. */
  b: AddOperandQuant;
  /** Quantisation of y. */
  y: AddOperandQuant;
  /** dtype of y. Default: a's dtype. */
  outputDtype?: 'int8' | 'uint8';
  /** Fused activation on y: `'relu'` clamps at real 0 (q >= yZeroPoint). Default `'none'`. */
  activation?: FusedActivation;
  /** Write into this tensor (outputDtype, shape of a). May be a or b itself. */
  out?: Tensor<'int8' | 'uint8'>;
}

/** The resolved parameters of one add (what the kernel and the reference take). @internal */
export type ResolvedAdd = AddRefParams;

/** Validates {@link AddOptions} for operand dtypes and resolves the float32 ratios and the clamp. @internal */
export function resolveAdd(op: string, options: AddOptions, aDtype: 'int8' | 'uint8', bDtype: 'int8' | 'uint8'): ResolvedAdd {
  if (typeof options !== 'object' || options === null) throw new ValueError(op, `options must be an object, got ${fmt(options)}.`, 'pass { a: { scale, zeroPoint }, b: { scale, zeroPoint }, y: { scale, zeroPoint } }.');
  for (const k of ['a', 'b', 'y'] as const) {
    if (typeof options[k] !== 'object' || options[k] === null) throw new QuantError(op, `options.${k} = ${fmt(options[k])} must be { scale, zeroPoint? }.`, `pass the quantisation of ${k}.`);
  }
  const outputDtype = options.outputDtype ?? aDtype;
  if (outputDtype !== 'int8' && outputDtype !== 'uint8') throw new ValueError(op, `outputDtype = ${fmt(outputDtype)}.`, "use 'int8' or 'uint8'.");
  const as = checkScale(op, 'a.scale', options.a.scale);
  const bs = checkScale(op, 'b.scale', options.b.scale);
  const ys = checkScale(op, 'y.scale', options.y.scale);
  const aZeroPoint = checkZeroPoint(op, 'a.zeroPoint', options.a.zeroPoint ?? 0, aDtype);
  const bZeroPoint = checkZeroPoint(op, 'b.zeroPoint', options.b.zeroPoint ?? 0, bDtype);
  const yZeroPoint = checkZeroPoint(op, 'y.zeroPoint', options.y.zeroPoint ?? 0, outputDtype);
  const f = Math.fround;
  const aRatio = f(f(as) / f(ys));
  const bRatio = f(f(bs) / f(ys));
  if (!Number.isFinite(aRatio) || !Number.isFinite(bRatio) || aRatio === 0 || bRatio === 0) {
    throw new QuantError(op, `the ratios a.scale / y.scale = ${fmt(aRatio)} and b.scale / y.scale = ${fmt(bRatio)} must be finite and non-zero in float32.`, 'use scales of sensible magnitude.');
  }
  const [qmin, qmax] = resolveActivation(op, options.activation, ys, yZeroPoint, outputDtype);
  return { aZeroPoint, bZeroPoint, aRatio, bRatio, yZeroPoint, qmin, qmax, outputDtype };
}

/**
 * Quantised elementwise add, ONNX QLinearAdd: real y = real a + real b, i.e.
 * y = clamp(roundHalfEven(f32(aScale/yScale) * (a - za) + f32(bScale/yScale) * (b - zb)) + yZeroPoint, qmin, qmax)
 * with float32 steps (src/reference/add.ts). a and b: int8 or uint8 (each its own), same shape.
 *
 * @example
 * ```ts
 * const y = add(mf, a, b, { a: { scale: 0.05, zeroPoint: -3 }, b: { scale: 0.02 }, y: { scale: 0.06, zeroPoint: -10 }, activation: 'relu' });
 * ```
 */
export function add(engine: Engine, a: TensorLike<'int8' | 'uint8'>, b: TensorLike<'int8' | 'uint8'>, options: AddOptions): Tensor<'int8' | 'uint8'> {
  const op = 'add';
  const { shape, dtype: ad } = engine.checkInput(op, 'a', a, ['int8', 'uint8']);
  const { shape: bShape, dtype: bd } = engine.checkInput(op, 'b', b, ['int8', 'uint8']);
  if (shape.length !== bShape.length || shape.some((d, i) => d !== bShape[i])) {
    throw new ShapeError(op, `a has shape ${fmt(shape)} but b has shape ${fmt(bShape)}; add does not broadcast.`, 'pass two tensors of the same shape.');
  }
  const p = resolveAdd(op, options, ad as 'int8' | 'uint8', bd as 'int8' | 'uint8');
  const n = shape.reduce((x, y) => x * y, 1);
  const same = (a as unknown) === b;
  return engine.run(op, { inputs: same ? [a] : [a, b], output: { dtype: p.outputDtype, shape, out: options.out } }, ({ inputs, out }) => {
    const bp = same ? inputs[0] : inputs[1];
    engine.kernels.q8_add(inputs[0], ad === 'int8' ? 1 : 0, p.aZeroPoint, p.aRatio, bp, bd === 'int8' ? 1 : 0, p.bZeroPoint, p.bRatio, out.ptr, p.outputDtype === 'int8' ? 1 : 0, p.yZeroPoint, p.qmin, p.qmax, n);
    return out;
  });
}

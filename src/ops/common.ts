/**
 * Argument checks shared by the ops. Each throws a typed error naming the op, the value and the fix.
 * @module
 */
import { QuantError, ValueError, fmt } from '../errors.js';
import type { DType } from '../runtime/tensor.js';

/** The representable range of a quantised dtype. */
export function qrange(dtype: DType): [number, number] {
  switch (dtype) {
    case 'int8':
      return [-128, 127];
    case 'uint8':
      return [0, 255];
    case 'int16':
      return [-32768, 32767];
    case 'int32':
      return [-2147483648, 2147483647];
    default:
      throw new ValueError('qrange', `dtype ${dtype} is not a quantised integer type.`, 'use int8, uint8, int16 or int32.');
  }
}

/** Checks an integer zero point against its dtype's range and returns it. */
export function checkZeroPoint(op: string, what: string, value: unknown, dtype: DType): number {
  const [lo, hi] = qrange(dtype);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) {
    throw new QuantError(op, `${what} = ${fmt(value)} is outside the ${dtype} range [${lo}, ${hi}] or not an integer.`, `use an integer zero point in [${lo}, ${hi}].`);
  }
  return value;
}

/** Checks a scale: finite and > 0. */
export function checkScale(op: string, what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new QuantError(op, `${what} = ${fmt(value)}; a scale must be a finite number > 0.`, 'derive scales from calibration (quant.calibrate) or pass a positive number.');
  }
  return value;
}

/** Checks an optional positive integer option. */
export function checkPositiveInt(op: string, what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ValueError(op, `${what} = ${fmt(value)} must be a positive integer.`, `pass a whole number >= 1 for ${what}.`);
  }
  return value;
}

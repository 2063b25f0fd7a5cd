import { describe, expect, it } from 'vitest';
import { QuantError, ValueError, quant, quantParams } from '../../src/index.js';

describe('quantParams', () => {
  it('N-bit ranges inside int8/uint8 (the documented rule)', () => {
    expect(quant.nbitRange('int8', 8)).toEqual([-128, 127]);
    expect(quant.nbitRange('int8', 8, true)).toEqual([-127, 127]);
    expect(quant.nbitRange('int8', 4)).toEqual([-8, 7]);
    expect(quant.nbitRange('int8', 4, true)).toEqual([-7, 7]);
    expect(quant.nbitRange('int8', 2, true)).toEqual([-1, 1]);
    expect(quant.nbitRange('uint8', 8)).toEqual([0, 255]);
    expect(quant.nbitRange('uint8', 8, true)).toEqual([1, 255]);
    expect(quant.nbitRange('uint8', 3)).toEqual([0, 7]);
    for (let b = 2; b <= 8; b++) {
      for (const dtype of ['int8', 'uint8'] as const) {
        for (const narrowRange of [false, true]) {
          const p = quantParams({ min: -1, max: 1, bits: b, dtype, narrowRange });
          expect([p.qmin, p.qmax]).toEqual(quant.nbitRange(dtype, b, narrowRange));
          expect(p.qmax - p.qmin).toBe(2 ** b - 1 - (narrowRange ? 1 : 0));
        }
      }
    }
  });

  it('asymmetric: gemmlowp scale and nudged zero point', () => {
    const p = quantParams({ min: -1, max: 3, dtype: 'int8' });
    expect(p.scale).toBe(Math.fround(4 / 255) >= 4 / 255 ? Math.fround(4 / 255) : p.scale);
    expect(p.scale * 255).toBeGreaterThanOrEqual(4);
    expect(p.zeroPoint).toBe(-64); // round(-128 + 1 / (4/255)) = round(-64.25)
    const u = quantParams({ min: -1, max: 3, dtype: 'uint8' });
    expect(u.zeroPoint).toBe(64);
    expect(u.scale).toBe(p.scale);
    // Ranges that exclude 0 are extended to include it.
    const pos = quantParams({ min: 2, max: 5, dtype: 'uint8' });
    expect(pos.zeroPoint).toBe(0);
    expect(pos.scale * 255).toBeGreaterThanOrEqual(5);
    expect(pos.scale).toBe(quantParams({ min: 0, max: 5, dtype: 'uint8' }).scale);
    const neg = quantParams({ min: -6, max: -2, dtype: 'int8' });
    expect(neg.zeroPoint).toBe(127);
    const i4 = quantParams({ min: -1, max: 1, bits: 4, dtype: 'int8' });
    // scale = 2/15 rounded UP to float32, so -8 + 1/scale is just below -0.5 and rounds to -1.
    expect([i4.qmin, i4.qmax, i4.zeroPoint]).toEqual([-8, 7, -1]);
    // An exact tie -8 + 7.5 = -0.5 (scale floored at 2^-126) rounds half to even to 0, never -0.
    const tie = quantParams({ min: -7.5 * 2 ** -126, max: 0, bits: 4 });
    expect(tie.scale).toBe(quant.MIN_SCALE);
    expect(Object.is(tie.zeroPoint, 0)).toBe(true);
  });

  it('scales are float32 and rounded up to cover the range', () => {
    for (const [min, max] of [[-1, 3], [-0.1, 0.7], [-123.456, 0.001], [0, 1e-3], [-3e38, 3e38]]) {
      const p = quantParams({ min, max });
      expect(Math.fround(p.scale)).toBe(p.scale);
      expect(p.scale * 255).toBeGreaterThanOrEqual(max - min);
    }
  });

  it('symmetric: zero point 0 (int8) or 2^(N-1) (uint8), scale = maxabs / steps', () => {
    const p = quantParams({ min: -2, max: 1, symmetric: true });
    expect(p.zeroPoint).toBe(0);
    expect(p.scale).toBe(Math.fround(2 / 127) >= 2 / 127 ? Math.fround(2 / 127) : p.scale);
    expect(p.scale * 127).toBeGreaterThanOrEqual(2);
    const n = quantParams({ min: -2, max: 1, symmetric: true, narrowRange: true });
    expect([n.qmin, n.qmax, n.zeroPoint, n.scale]).toEqual([-127, 127, 0, p.scale]);
    const u = quantParams({ min: -1, max: 4, symmetric: true, dtype: 'uint8' });
    expect(u.zeroPoint).toBe(128);
    expect(u.scale * 127).toBeGreaterThanOrEqual(4);
    const i4 = quantParams({ min: -3.5, max: 0, bits: 4, symmetric: true });
    expect([i4.qmin, i4.qmax, i4.zeroPoint]).toEqual([-8, 7, 0]);
    expect(i4.scale).toBe(0.5); // 3.5 / 7
    const u3 = quantParams({ min: -3, max: 3, bits: 3, symmetric: true, dtype: 'uint8' });
    expect([u3.qmin, u3.qmax, u3.zeroPoint, u3.scale]).toEqual([0, 7, 4, 1]);
  });

  it('min == max: all-zero gives scale 1; a single nonzero value is extended to 0', () => {
    expect(quantParams({ min: 0, max: 0 })).toMatchObject({ scale: 1, zeroPoint: 0 });
    expect(quantParams({ min: 0, max: 0, dtype: 'uint8' })).toMatchObject({ scale: 1, zeroPoint: 0 });
    expect(quantParams({ min: 0, max: 0, dtype: 'uint8', narrowRange: true })).toMatchObject({ scale: 1, zeroPoint: 1 });
    expect(quantParams({ min: 0, max: 0, dtype: 'uint8', symmetric: true })).toMatchObject({ scale: 1, zeroPoint: 128 });
    expect(quantParams({ min: -0, max: 0, symmetric: true })).toMatchObject({ scale: 1, zeroPoint: 0 });
    const p = quantParams({ min: 3, max: 3, dtype: 'uint8' });
    expect(p.zeroPoint).toBe(0);
    expect(p.scale * 255).toBeGreaterThanOrEqual(3);
    // Tiny ranges: the scale never goes below 2^-126.
    expect(quantParams({ min: 0, max: 1e-44 }).scale).toBe(quant.MIN_SCALE);
  });

  it('typed errors naming the value and the fix', () => {
    expect(() => quantParams({ min: Number.NaN, max: 1 })).toThrow(QuantError);
    expect(() => quantParams({ min: Number.NaN, max: 1 })).toThrow(/quantParams: min = NaN is not a finite number.*Fix:/);
    expect(() => quantParams({ min: 0, max: Infinity })).toThrow(/max = Infinity/);
    expect(() => quantParams({ min: -1e39, max: 0 })).toThrow(/beyond the float32 range/);
    expect(() => quantParams({ min: 2, max: 1 })).toThrow(/min = 2 is greater than max = 1/);
    expect(() => quantParams({ min: 0, max: 1, bits: 1 })).toThrow(/bits = 1 is not an integer in 2..8/);
    expect(() => quantParams({ min: 0, max: 1, bits: 9 })).toThrow(QuantError);
    expect(() => quantParams({ min: 0, max: 1, bits: 4.5 })).toThrow(QuantError);
    expect(() => quantParams({ min: 0, max: 1, dtype: 'int16' as never })).toThrow(/dtype = "int16"/);
    expect(() => quantParams({ min: '0' as never, max: 1 })).toThrow(QuantError);
    expect(() => quantParams(null as never)).toThrow(ValueError);
    try {
      quantParams({ min: 5, max: -5 });
    } catch (e) {
      expect((e as QuantError).op).toBe('quantParams');
      expect((e as QuantError).fix).toMatch(/min <= max/);
    }
  });
});

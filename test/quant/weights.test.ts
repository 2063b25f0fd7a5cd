import { beforeAll, describe, expect, it } from 'vitest';
import { QuantError, ShapeError, ValueError, dequantize, quantParams, quantizeBias, quantizeWeights, type Engine } from '../../src/index.js';
import { dequantizeRef, quantizeRef } from '../../src/reference/index.js';
import { allEngines, expectAllAgree, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

describe('quantizeWeights', () => {
  it('per output channel (OHWI, axis 0), symmetric narrow range [-127, 127] by default', () => {
    const shape = [4, 3, 3, 2];
    const per = 18;
    const r = rng(1);
    const w = new Float32Array(4 * per);
    for (let i = 0; i < w.length; i++) w[i] = (r() - 0.5) * (Math.floor(i / per) + 1);
    w.fill(0, 2 * per, 3 * per); // channel 2 is all zero
    w[5] = -3; // channel 0's maxabs
    const qw = quantizeWeights(w, shape);
    expect(qw.data).toBeInstanceOf(Int8Array);
    expect(Array.from(qw.zeroPoints)).toEqual([0, 0, 0, 0]);
    expect([qw.params.qmin, qw.params.qmax, qw.params.axis]).toEqual([-127, 127, 0]);
    for (let c = 0; c < 4; c++) {
      let m = 0;
      for (let i = 0; i < per; i++) m = Math.max(m, Math.abs(w[c * per + i]));
      expect(qw.scales[c]).toBe(m === 0 ? 1 : quantParams({ min: -m, max: m, symmetric: true, narrowRange: true }).scale);
      expect(qw.scales[c] * 127).toBeGreaterThanOrEqual(m);
    }
    expect(qw.data[5]).toBe(-127);
    for (const v of qw.data) expect(v >= -127 && v <= 127).toBe(true);
    expect(Array.from(qw.data.subarray(2 * per, 3 * per)).every((v) => v === 0)).toBe(true);
    expect(qw.data).toEqual(quantizeRef(w, shape, qw.params));
    // The scheme dequantises on every build, and the round trip is within half a step.
    const ref = dequantizeRef(qw.data, shape, qw.params);
    expectAllAgree('dequantize weights', ref, Object.fromEntries(engines.map((e) => [e.isa, dequantize(e, { data: qw.data, shape }, qw.params).toArray()])));
    for (let i = 0; i < w.length; i++) expect(Math.abs(ref[i] - w[i])).toBeLessThanOrEqual(qw.scales[Math.floor(i / per)] * (0.5 + 2 ** -12));
  });

  it('bits, per-tensor, another axis, full range', () => {
    const w = new Float32Array([0.7, -1.4, 0.35, 2.1, -0.2, 0]);
    const q4 = quantizeWeights(w, [2, 3], { bits: 4 });
    expect([q4.params.qmin, q4.params.qmax]).toEqual([-7, 7]);
    expect(q4.scales[0]).toBe(Math.fround(0.2)); // f32(1.4) / 7, rounded up to float32
    // f32 divisions: 0.7f / 0.2f rounds to exactly 3.5 in float32 -> 4 (half to even); -1.4f / 0.2f
    // = -7; 0.35f / 0.2f = 1.75 -> 2
    expect(Array.from(q4.data.subarray(0, 3))).toEqual([4, -7, 2]);
    const t = quantizeWeights(w, [2, 3], { perChannel: false });
    expect(t.scales.length).toBe(1);
    expect(t.scales[0]).toBe(quantParams({ min: -Math.fround(2.1), max: Math.fround(2.1), symmetric: true, narrowRange: true }).scale);
    expect(t.data[3]).toBe(127);
    const a1 = quantizeWeights(w, [2, 3], { axis: -1 });
    expect(a1.scales.length).toBe(3);
    expect(a1.params.axis).toBe(1);
    const full = quantizeWeights(new Float32Array([-1, 1]), [2], { perChannel: false, narrowRange: false });
    expect([full.params.qmin, full.params.qmax]).toEqual([-128, 127]);
    expect(Array.from(full.data)).toEqual([-127, 127]);
  });

  it('typed errors', () => {
    expect(() => quantizeWeights(new Float32Array(5), [2, 3])).toThrow(ShapeError);
    expect(() => quantizeWeights(new Float32Array([1, Number.NaN]), [2])).toThrow(/w holds NaN at index 1/);
    expect(() => quantizeWeights([1, 2] as never, [2])).toThrow(ValueError);
    expect(() => quantizeWeights(new Float32Array(6), [2, 3], { axis: 2 })).toThrow(/axis = 2/);
    expect(() => quantizeWeights(new Float32Array(6), [2, 3], { bits: 12 })).toThrow(QuantError);
  });
});

describe('quantizeBias', () => {
  it('round half to even in units of xScale * wScale, saturating to int32', () => {
    // s = 0.5 * 0.5 = 0.25: bias / s = 0.5, 1.5, -0.5, 2.5, -2.5, 4
    expect(Array.from(quantizeBias(new Float32Array([0.125, 0.375, -0.125, 0.625, -0.625, 1]), 0.5, 0.5))).toEqual([0, 2, 0, 2, -2, 4]);
    expect(Array.from(quantizeBias(new Float32Array([1e30, -1e30, 3e9]), 1, 1))).toEqual([2147483647, -2147483648, 2147483647]);
    // Per channel, and integers beyond 2^24 stay exact (double division).
    expect(Array.from(quantizeBias(new Float32Array([1, 1, 33554432]), 0.5, [0.5, 0.25, 1]))).toEqual([4, 8, 67108864]);
    // The scale product is the float32 one the output stage uses.
    const xs = 0.1;
    const ws = 0.3;
    const s = Math.fround(Math.fround(xs) * Math.fround(ws));
    expect(quantizeBias([1], xs, [ws])[0]).toBe(Math.round(Math.fround(1) / s));
  });

  it('typed errors', () => {
    expect(() => quantizeBias(new Float32Array([1, Number.NaN]), 1, 1)).toThrow(ValueError);
    expect(() => quantizeBias(new Float32Array(2), 0, 1)).toThrow(/xScale = 0/);
    expect(() => quantizeBias(new Float32Array(2), 1, [1, -1])).toThrow(/wScales\[1\] = -1/);
    expect(() => quantizeBias(new Float32Array(2), 1, [1, 1, 1])).toThrow(ShapeError);
    expect(() => quantizeBias(new Float32Array(2), 1e-30, 1e-30)).toThrow(/underflows/);
    expect(() => quantizeBias(new Float32Array(2), 1, 1e-50)).toThrow(QuantError);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { QuantError, ShapeError, ValueError, calibrate, dequantize, quant, quantParams, quantize, type Engine } from '../../src/index.js';
import { quantizeRef } from '../../src/reference/index.js';
import { allEngines, expectAllAgree, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

/** Deterministic shuffle (Fisher-Yates with the test PRNG). */
function shuffled(a: Float32Array, seed: number): Float32Array {
  const r = rng(seed);
  const b = a.slice();
  for (let i = b.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [b[i], b[j]] = [b[j], b[i]];
  }
  return b;
}

/** Approximately standard normal samples (Box-Muller on the test PRNG). */
function normals(n: number, seed: number): Float32Array {
  const r = rng(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  return x;
}

describe('calibrate', () => {
  it('minmax is exact and equals quantParams on the data range', () => {
    const x = new Float32Array([0.5, -1.25, 3.75, 2, -0.5]);
    for (const dtype of ['int8', 'uint8'] as const) {
      for (const symmetric of [false, true]) {
        for (const bits of [2, 5, 8]) {
          expect(calibrate(x, { dtype, symmetric, bits })).toEqual(quantParams({ min: -1.25, max: 3.75, dtype, symmetric, bits }));
        }
      }
    }
    // Several samples are pooled; defaults are int8, 8 bits, asymmetric, minmax.
    expect(calibrate([new Float32Array([1, 2]), new Float32Array([-7, 0.5])])).toEqual(quantParams({ min: -7, max: 2 }));
  });

  it('percentile: exact ranks on a known distribution (1..10000)', () => {
    const n = 10000;
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) v[i] = i + 1;
    const x = shuffled(v, 3);
    expect(quant.percentileRank(99.99, n)).toBe(9999);
    expect(quant.percentileRank(99.9, 1000)).toBe(999);
    expect(quant.percentileRank(100, 7)).toBe(7);
    expect(quant.percentileRank(50, 1)).toBe(1);
    // asymmetric: max = 9999th smallest = 9999, min = 9999th largest = 2
    expect(calibrate(x, { method: 'percentile', percentile: 99.99, dtype: 'uint8' })).toEqual(quantParams({ min: 2, max: 9999, dtype: 'uint8' }));
    expect(calibrate(x, { method: 'percentile', percentile: 99, dtype: 'uint8' })).toEqual(quantParams({ min: 101, max: 9900, dtype: 'uint8' }));
    // symmetric: |x| with random signs: T = the 9999th smallest |x| = 9999
    const r = rng(5);
    const signed = x.map((a) => (r() < 0.5 ? -a : a));
    expect(calibrate(signed, { method: 'percentile', percentile: 99.99, symmetric: true })).toEqual(quantParams({ min: -9999, max: 9999, symmetric: true }));
    // percentile 100 = minmax
    expect(calibrate(signed, { method: 'percentile', percentile: 100 })).toEqual(calibrate(signed));
  });

  it('percentile clips outliers that minmax keeps (normal data plus one spike)', () => {
    const x = normals(20000, 11);
    x[1234] = 1000;
    const mm = calibrate(x, { symmetric: true });
    const pc = calibrate(x, { method: 'percentile', percentile: 99.9, symmetric: true });
    expect(mm.scale * 127).toBeGreaterThanOrEqual(1000);
    // 99.9th percentile of |N(0,1)| is about 3.29
    expect(pc.scale * 127).toBeGreaterThan(3.0);
    expect(pc.scale * 127).toBeLessThan(3.6);
    // Deterministic.
    expect(calibrate(x, { method: 'percentile', percentile: 99.9, symmetric: true })).toEqual(pc);
  });

  it('per-channel, channels innermost (axis -1), outermost (axis 0) and with a shape (middle axis)', () => {
    // NHWC [2, 2, 3]: channel c holds values c*10 + k
    const C = 3;
    const x = new Float32Array(12);
    for (let i = 0; i < 12; i++) x[i] = (i % C) * 10 - Math.floor(i / C);
    const pc = calibrate(x, { perChannel: { axis: -1, channels: C }, dtype: 'uint8' });
    expect(pc.axis).toBe(-1);
    for (let c = 0; c < C; c++) {
      const want = quantParams({ min: c * 10 - 3, max: c * 10, dtype: 'uint8' });
      expect(pc.scale[c]).toBe(want.scale);
      expect(pc.zeroPoint[c]).toBe(want.zeroPoint);
    }
    expect([pc.qmin, pc.qmax]).toEqual([0, 255]);
    // OHWI weights [3, 2, 2]: channel = floor(i / 4)
    const w = new Float32Array([1, -2, 0.5, 0, 0, 0, 0, 0, -9, 3, 1, 2]);
    const pw = calibrate(w, { perChannel: { axis: 0, channels: 3 }, symmetric: true, narrowRange: true });
    expect(Array.from(pw.scale)).toEqual([quantParams({ min: -2, max: 1, symmetric: true }).scale, 1, quantParams({ min: -9, max: 3, symmetric: true }).scale]);
    expect(Array.from(pw.zeroPoint)).toEqual([0, 0, 0]);
    expect([pw.qmin, pw.qmax]).toEqual([-127, 127]);
    // shape [2, 3, 2], axis 1: channel = floor(i / 2) % 3; two samples form a batch.
    const s1 = new Float32Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const s2 = new Float32Array(12).fill(-1);
    const pm = calibrate([s1, s2], { perChannel: { axis: 1, shape: [2, 3, 2] } });
    expect(pm.axis).toBe(1);
    expect(Array.from(pm.scale)).toEqual([quantParams({ min: -1, max: 7 }).scale, quantParams({ min: -1, max: 9 }).scale, quantParams({ min: -1, max: 11 }).scale]);
    // The result drives quantize on every build, per channel.
    const q = quantizeRef(s1, [2, 3, 2], pm);
    expectAllAgree('per-channel calibrated quantize', q, Object.fromEntries(engines.map((e) => [e.isa, quantize(e, { data: s1, shape: [2, 3, 2] }, pm).toArray()])));
  });

  it('per-channel percentile matches per-tensor percentile on each channel', () => {
    const C = 5;
    const n = 400;
    const x = new Float32Array(n * C);
    const r = rng(9);
    for (let i = 0; i < x.length; i++) x[i] = (r() - 0.3) * ((i % C) + 1);
    const pc = calibrate(x, { method: 'percentile', percentile: 99, perChannel: { axis: -1, channels: C } });
    for (let c = 0; c < C; c++) {
      const ch = new Float32Array(n);
      for (let i = 0; i < n; i++) ch[i] = x[i * C + c];
      const one = calibrate(ch, { method: 'percentile', percentile: 99 });
      expect(pc.scale[c]).toBe(one.scale);
      expect(pc.zeroPoint[c]).toBe(one.zeroPoint);
    }
  });

  it('image-like data: calibrate, quantize on every build, round trip within half a step', () => {
    // A synthetic 28x28 "image" batch with pixel values in [0, 1] (Fashion-MNIST-like; the real data
    // set is not a test dependency).
    const r = rng(21);
    const x = new Float32Array(8 * 28 * 28);
    for (let i = 0; i < x.length; i++) {
      const px = i % 784;
      const row = Math.floor(px / 28);
      const col = px % 28;
      const inside = (row - 14) ** 2 + (col - 14) ** 2 < 100;
      x[i] = inside ? Math.fround(0.4 + 0.6 * r()) : r() < 0.9 ? 0 : Math.fround(0.1 * r());
    }
    const p = calibrate(x, { dtype: 'uint8' });
    expect(p.zeroPoint).toBe(0);
    const q = quantizeRef(x, [8, 28, 28, 1], p);
    const results: Record<string, Uint8Array | Int8Array> = {};
    for (const e of engines) {
      const t = quantize(e, { data: x, shape: [8, 28, 28, 1] }, p);
      results[e.isa] = t.toArray();
      const y = dequantize(e, t, p).toArray();
      for (let i = 0; i < x.length; i++) expect(Math.abs(y[i] - x[i])).toBeLessThanOrEqual(p.scale * (0.5 + 2 ** -12));
      t.dispose();
    }
    expectAllAgree('image quantize', q, results);
  });

  it('typed errors for bad samples and options', () => {
    expect(() => calibrate(new Float32Array([1, Number.NaN]))).toThrow(ValueError);
    expect(() => calibrate(new Float32Array([1, Number.NaN]))).toThrow(/samples\[0\] holds NaN at index 1/);
    expect(() => calibrate([new Float32Array(2), new Float32Array([Infinity])])).toThrow(/samples\[1\] holds Infinity/);
    expect(() => calibrate([])).toThrow(ValueError);
    expect(() => calibrate(new Float32Array(0))).toThrow(/no values/);
    expect(() => calibrate([new Float64Array(2) as never])).toThrow(/not a Float32Array/);
    expect(() => calibrate(new Float32Array(4), { method: 'kl' as never })).toThrow(/method = "kl"/);
    expect(() => calibrate(new Float32Array(4), { method: 'percentile', percentile: 101 })).toThrow(QuantError);
    expect(() => calibrate(new Float32Array(4), { method: 'percentile', percentile: 10 })).toThrow(/percentile = 10 is not in \[50, 100\]/);
    expect(() => calibrate(new Float32Array(4), { bits: 0 })).toThrow(/bits = 0/);
    expect(() => calibrate(new Float32Array(6), { perChannel: { axis: -1, channels: 4 } })).toThrow(ShapeError);
    expect(() => calibrate(new Float32Array(6), { perChannel: { axis: 1, channels: 3 } })).toThrow(/needs perChannel.shape/);
    expect(() => calibrate(new Float32Array(6), { perChannel: { axis: 3, shape: [2, 3] } })).toThrow(/perChannel.axis = 3/);
    expect(() => calibrate(new Float32Array(6), { perChannel: { axis: 1, shape: [2, 3], channels: 2 } })).toThrow(/channels = 2/);
    expect(() => calibrate(new Float32Array(7), { perChannel: { axis: 1, shape: [2, 3] } })).toThrow(/not a positive multiple of 6/);
  });
});

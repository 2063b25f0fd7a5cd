import { describe, expect, it } from 'vitest';
import { binarize, binaryGemm, init, packBits, packTernary, QuantError, ShapeError, ternarize, ValueError, type Tensor } from '../../src/index.js';
import { intGemmRef } from '../../src/reference/index.js';
import { rng } from '../helpers/engines.js';

describe('binarize (XNOR-Net / BinaryConnect)', () => {
  it('sign with 0 -> +1 and alpha = mean |w| per output channel', () => {
    const w = [0.5, -1, 0, 2, -0.25, -0.75];
    const b = binarize(w, [2, 3]);
    expect(Array.from(b.values)).toEqual([1, -1, 1, 1, -1, -1]);
    expect(Array.from(b.scales)).toEqual([Math.fround(0.5), Math.fround(1)]);
    expect(Array.from(binarize(w, [2, 3], { perChannel: false }).scales)).toEqual([Math.fround(4.5 / 6)]);
    expect(Array.from(binarize([0, 0, 1, 1], [2, 2]).scales)).toEqual([1, 1]); // an all-zero channel gets scale 1
    expect(Array.from(binarize(w, [3, 2], { axis: 1 }).scales)).toEqual([Math.fround((0.5 + 0 + 0.25) / 3), Math.fround((1 + 2 + 0.75) / 3)]);
  });

  it('stochastic rounding is seeded and unbiased: P(+1) = hardSigmoid(w)', () => {
    const w = new Float32Array(20000).fill(0.5);
    const a = binarize(w, [w.length], { rounding: 'stochastic', seed: 7 });
    expect(Array.from(binarize(w, [w.length], { rounding: 'stochastic', seed: 7 }).values)).toEqual(Array.from(a.values));
    expect(Array.from(binarize(w, [w.length], { rounding: 'stochastic', seed: 8 }).values)).not.toEqual(Array.from(a.values));
    const mean = a.values.reduce((s, v) => s + v, 0) / w.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.03); // E = 2 * 0.75 - 1
    expect(binarize([2, -2], [2], { rounding: 'stochastic' }).values).toEqual(new Int8Array([1, -1])); // saturated
  });
});

describe('ternarize (TWN / Lin et al.)', () => {
  it('delta = 0.7 * mean |w|, alpha = mean of the kept |w|', () => {
    const t = ternarize([1, -0.2, 0.5, -2], [1, 4]);
    expect(Array.from(t.deltas!)).toEqual([Math.fround(0.7 * 0.925)]);
    expect(Array.from(t.values)).toEqual([1, 0, 0, -1]);
    expect(Array.from(t.scales)).toEqual([1.5]);
    expect(Array.from(ternarize([1, -0.2, 0.5, -2], [1, 4], { thresholdFactor: 0 }).values)).toEqual([1, -1, 1, -1]);
  });

  it('stochastic ternary rounding is seeded and unbiased: E[alpha * t] = w', () => {
    const w = new Float32Array(20000);
    for (let i = 0; i < w.length; i++) w[i] = i % 2 ? -0.3 : 1; // max |w| = 1
    const t = ternarize(w, [w.length], { rounding: 'stochastic', seed: 3, perChannel: false });
    expect(t.scales[0]).toBe(1);
    let pos = 0, neg = 0;
    for (let i = 0; i < w.length; i++) (i % 2 ? (neg += t.values[i]) : (pos += t.values[i]));
    expect(pos).toBe(10000); // |w| = max: always kept
    expect(Math.abs(neg / 10000 + 0.3)).toBeLessThan(0.03);
    expect(Array.from(ternarize(w, [w.length], { rounding: 'stochastic', seed: 3, perChannel: false }).values)).toEqual(Array.from(t.values));
  });

  it('refuses bad input', () => {
    expect(() => ternarize([1, 2], [3])).toThrow(ShapeError);
    expect(() => ternarize([1, NaN], [2])).toThrow(/NaN/);
    expect(() => ternarize([1, 2], [2], { thresholdFactor: -1 })).toThrow(QuantError);
    expect(() => binarize([1, 2], [2], { rounding: 'up' as never })).toThrow(ValueError);
    expect(() => binarize([1, 2], [2], { axis: 1 })).toThrow(ValueError);
  });
});

describe('quantised weights feed the binary ops', () => {
  it('alpha * (x . sign(w)) through binaryGemm equals the float product with binarised weights', async () => {
    const e = await init({ isa: 'simd' });
    const r = rng(4);
    const M = 5, N = 7, K = 70;
    const w = Float32Array.from({ length: N * K }, () => r() - 0.5);
    const xs = Float32Array.from({ length: M * K }, () => (r() < 0.5 ? -1 : 1));
    const b = binarize(w, [N, K]);
    const pw = packBits(e, { data: Float32Array.from(b.values), shape: [N, K] });
    const px = packBits(e, { data: xs, shape: [M, K] });
    const y = binaryGemm(e, px, pw, { output: 'float32', scale: b.scales }) as Tensor<'float32'>;
    const dots = intGemmRef(xs, b.values, M, N, K);
    expect(Array.from(y.toArray())).toEqual(Array.from(dots, (d, i) => Math.fround(d * b.scales[i % N])));
    const t = ternarize(w, [N, K]);
    const pt = packTernary(e, { data: Float32Array.from(t.values), shape: [N, K] });
    expect(Array.from(pt.unpack())).toEqual(Array.from(t.values));
  });
});

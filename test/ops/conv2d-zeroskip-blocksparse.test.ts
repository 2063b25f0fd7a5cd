// The block-sparse zero-skip kernel (assembly/feie/zsgemm.ts) on structured sparsity, and weights
// prepacked for it (packZeroSkipWeights): reference equality on every build, exact counts.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  QuantError, ShapeError, UnsupportedError, ValueError, conv2d, conv2dInfo, conv2dZeroSkip, init, packConvWeights, packZeroSkipWeights,
  PackedZeroSkipWeights, type Conv2DOptions, type Engine, type Requantize,
} from '../../src/index.js';
import { conv2dRef, feieCountsRef } from '../../src/reference/index.js';
import { allEngines, expectAllAgree, fillInts, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

interface Case {
  H: number;
  W: number;
  C: number;
  M: number;
  R: number;
  S: number;
  opts?: Conv2DOptions;
  xDtype?: 'int8' | 'uint8';
  wDtype?: 'int8' | 'uint8';
  xzp: number;
  wzp?: number | 'pc';
  bias?: boolean;
  requantize?: Requantize;
}

type Pattern = 'zero' | 'dense' | 'channels' | 'clusters' | 'random';

/**
 * x of one pattern: 'channels' zeroes whole channels (and whole 8-channel blocks), 'clusters'
 * zeroes square patches per channel (ReLU-like), 'random' keeps each element with p = 0.3.
 */
function makeX(c: Case, pattern: Pattern, rand: () => number) {
  const x = c.xDtype === 'uint8' ? new Uint8Array(c.H * c.W * c.C) : new Int8Array(c.H * c.W * c.C);
  const lo = c.xDtype === 'uint8' ? 0 : -128;
  const live = Array.from({ length: c.C }, (_, ch) => (ch >> 3) % 3 !== 1 && rand() < 0.6); // block 1 of each 3 all zero
  const ox = Array.from({ length: c.C }, () => Math.floor(rand() * 4));
  const oy = Array.from({ length: c.C }, () => Math.floor(rand() * 4));
  for (let h = 0; h < c.H; h++) for (let w = 0; w < c.W; w++) for (let ch = 0; ch < c.C; ch++) {
    const on = pattern === 'dense' || (pattern === 'channels' && live[ch]) || (pattern === 'clusters' && ((h + oy[ch]) >> 2) % 2 === 0 && ((w + ox[ch]) >> 1) % 2 === 0) || (pattern === 'random' && rand() < 0.3);
    let v = c.xzp;
    if (on) while (v === c.xzp) v = lo + Math.floor(rand() * 256);
    x[(h * c.W + w) * c.C + ch] = v;
  }
  return x;
}

function makeW(c: Case, rand: () => number) {
  const Cg = c.C / (c.opts?.groups ?? 1);
  const n = c.M * c.R * c.S * Cg;
  const w = c.wDtype === 'uint8' ? fillInts(new Uint8Array(n), 0, 255, rand) : fillInts(new Int8Array(n), -128, 127, rand);
  const wl = c.wDtype === 'uint8' ? 0 : -128;
  const wzp = c.wzp === 'pc' ? Array.from({ length: c.M }, () => wl + Math.floor(rand() * 256)) : (c.wzp ?? 0);
  return { w, wzp, wShape: [c.M, c.R, c.S, Cg] };
}

// Channel counts around the 8-channel blocks of the lowering (8, 9, 15, 16, 17, 23, 24, 40),
// odd and even R*S, stride, dilation, groups, asymmetric padding, signed and unsigned zero points.
const CASES: Case[] = [
  { H: 7, W: 9, C: 16, M: 32, R: 3, S: 3, opts: { pads: 1 }, xzp: -128, bias: true },
  { H: 6, W: 7, C: 24, M: 17, R: 3, S: 3, opts: { pads: 1 }, xDtype: 'uint8', xzp: 200, wzp: 'pc' },
  { H: 8, W: 8, C: 40, M: 16, R: 1, S: 1, xzp: -5 },
  { H: 7, W: 8, C: 17, M: 20, R: 2, S: 2, opts: { pads: [1, 0, 0, 1] }, xzp: 3, wDtype: 'uint8', wzp: 'pc' },
  { H: 9, W: 9, C: 9, M: 16, R: 3, S: 3, opts: { strides: 2, pads: 1 }, xDtype: 'uint8', xzp: 0 },
  { H: 9, W: 10, C: 15, M: 24, R: 3, S: 3, opts: { dilations: 2, pads: 2 }, xzp: 7 },
  { H: 6, W: 6, C: 32, M: 32, R: 3, S: 3, opts: { groups: 2, pads: 1 }, xzp: -128, wzp: 'pc', bias: true },
  { H: 8, W: 7, C: 23, M: 16, R: 5, S: 5, opts: { pads: 2 }, xDtype: 'uint8', xzp: 128, requantize: { xScale: 0.02, wScale: 0.01, yScale: 0.9, outputDtype: 'uint8', activation: 'relu' } },
  { H: 5, W: 5, C: 8, M: 8, R: 1, S: 3, opts: { pads: [0, 1, 0, 1] }, xzp: 0 },
];
const PATTERNS: Pattern[] = ['zero', 'dense', 'channels', 'clusters', 'random'];

describe('conv2dZeroSkip block-sparse: structured sparsity', () => {
  for (const [i, c] of CASES.entries()) {
    it(`case ${i}: ${c.H}x${c.W}x${c.C} -> ${c.M}, ${c.R}x${c.S} ${JSON.stringify(c.opts ?? {})}`, () => {
      const rand = rng(1000 + i);
      const { w, wzp, wShape } = makeW(c, rand);
      const xShape = [1, c.H, c.W, c.C];
      const info = conv2dInfo(xShape, wShape, c.opts);
      const bias = c.bias ? Int32Array.from({ length: c.M }, () => Math.floor(rand() * 20000) - 10000) : undefined;
      const params = { ...c.opts, xZeroPoint: c.xzp, wZeroPoint: wzp, bias, requantize: c.requantize };
      const simd = engines.filter((e) => e.isa !== 'scalar');
      const packed = simd.map((e) => packZeroSkipWeights(e, { data: w, shape: wShape }, { groups: c.opts?.groups, wZeroPoint: wzp }));
      for (const pattern of PATTERNS) {
        const x = makeX(c, pattern, rand);
        let ref: ArrayLike<number> = conv2dRef(x, w, info, { xZeroPoint: c.xzp, wZeroPoint: wzp, bias });
        if (c.requantize) {
          const y = conv2d(engines[0], { data: x, shape: xShape }, { data: w, shape: wShape }, params);
          ref = y.toArray();
          y.dispose();
        }
        const cref = feieCountsRef(x, info, c.xzp);
        const plain: Record<string, ArrayLike<number>> = {};
        const pre: Record<string, ArrayLike<number>> = {};
        for (const e of engines) {
          const r = conv2dZeroSkip(e, { data: x, shape: xShape }, { data: w, shape: wShape }, params);
          plain[e.isa] = r.y.toArray();
          expect(r.counts!.macs.executed).toBe(cref.macsNonZero);
          expect(r.counts!.macs.executed + r.counts!.macs.skipped).toBe(info.macs);
          r.y.dispose();
        }
        for (const [j, e] of simd.entries()) {
          const { groups: _g, ...rest } = params;
          void _g;
          const r = conv2dZeroSkip(e, { data: x, shape: xShape }, packed[j], { ...rest, wZeroPoint: undefined });
          pre[e.isa] = r.y.toArray();
          expect(r.kernel).toContain('zsgemm');
          expect(r.counts!.macs.executed).toBe(cref.macsNonZero);
          expect(r.counts!.macs.padding).toBe(info.macs - cref.macsReal);
          // the CPU multiplies at least the executed MACs, at most every pair
          expect(r.counts!.cpuMultiplyAdds!).toBeGreaterThanOrEqual(pattern === 'zero' ? 0 : 1);
          if (pattern === 'zero') expect(r.counts!.cpuMultiplyAdds).toBe(0);
          r.y.dispose();
        }
        expectAllAgree(`case ${i} ${pattern}`, ref, plain);
        expectAllAgree(`case ${i} ${pattern} prepacked`, ref, pre);
      }
      for (const p of packed) p.dispose();
    });
  }
});

describe('packZeroSkipWeights', () => {
  const c: Case = { H: 6, W: 6, C: 16, M: 24, R: 3, S: 3, opts: { pads: 1 }, xzp: -128 };

  it('repeated calls reuse the packing: same output as unpacked weights, no per-call packing memory', () => {
    for (const e of engines.filter((en) => en.isa !== 'scalar')) {
      const rand = rng(5);
      const { w, wShape } = makeW(c, rand);
      const zp = Array.from({ length: c.M }, (_, m) => (m % 7) - 3);
      const zw = packZeroSkipWeights(e, { data: w, shape: wShape }, { wZeroPoint: zp });
      expect(zw).toBeInstanceOf(PackedZeroSkipWeights);
      expect(zw.wShape).toEqual(wShape);
      expect(Array.from(zw.wZeroPoints)).toEqual(zp);
      expect(zw.byteLength).toBeGreaterThanOrEqual(c.M * 9 * 16 * 2);
      for (let rep = 0; rep < 3; rep++) {
        const x = makeX(c, rep === 0 ? 'clusters' : rep === 1 ? 'channels' : 'dense', rand);
        const xt = { data: x, shape: [1, c.H, c.W, c.C] };
        const a = conv2dZeroSkip(e, xt, zw, { pads: 1, xZeroPoint: c.xzp });
        const b = conv2dZeroSkip(e, xt, { data: w, shape: wShape }, { pads: 1, xZeroPoint: c.xzp, wZeroPoint: zp });
        const s = conv2dZeroSkip(e, xt, zw, { pads: 1, xZeroPoint: c.xzp, wZeroPoint: zp, skipZeros: false });
        expect(Array.from(a.y.toArray())).toEqual(Array.from(b.y.toArray()));
        expect(Array.from(s.y.toArray())).toEqual(Array.from(b.y.toArray()));
        expect(a.counts).toEqual(b.counts);
        a.y.dispose();
        b.y.dispose();
        s.y.dispose();
      }
      zw.dispose();
    }
  });

  it('OIHW and uint8 weights with per-channel zero points pack like OHWI', () => {
    for (const e of engines.filter((en) => en.isa !== 'scalar')) {
      const rand = rng(9);
      const u: Case = { ...c, wDtype: 'uint8', wzp: 'pc' };
      const { w, wzp, wShape } = makeW(u, rand);
      const [M, R, S, Cg] = wShape;
      const oihw = new Uint8Array(w.length);
      for (let m = 0; m < M; m++) for (let t = 0; t < R * S; t++) for (let ch = 0; ch < Cg; ch++) oihw[(m * Cg + ch) * R * S + t] = w[(m * R * S + t) * Cg + ch];
      const z1 = packZeroSkipWeights(e, { data: w, shape: wShape }, { wZeroPoint: wzp });
      const z2 = packZeroSkipWeights(e, { data: oihw, shape: [M, Cg, R, S] }, { wZeroPoint: wzp, weightLayout: 'OIHW' });
      const x = makeX(c, 'random', rand);
      const xt = { data: x, shape: [1, c.H, c.W, c.C] };
      const ref = conv2dRef(x, w, conv2dInfo(xt.shape, wShape, { pads: 1 }), { xZeroPoint: c.xzp, wZeroPoint: wzp });
      for (const z of [z1, z2]) {
        const r = conv2dZeroSkip(e, xt, z, { pads: 1, xZeroPoint: c.xzp });
        expect(Array.from(r.y.toArray())).toEqual(Array.from(ref));
        r.y.dispose();
        z.dispose();
      }
    }
  });

  it('typed errors before Wasm is touched: wrong engine, disposed, shape / groups / layout / zero point mismatch, scalar build', async () => {
    const simd = engines.filter((en) => en.isa !== 'scalar');
    const other = await init({ isa: simd[0].isa });
    const rand = rng(3);
    const { w, wShape } = makeW(c, rand);
    const x = { data: makeX(c, 'random', rand), shape: [1, c.H, c.W, c.C] };
    const scalar = engines.find((en) => en.isa === 'scalar')!;
    expect(() => packZeroSkipWeights(scalar, { data: w, shape: wShape })).toThrow(UnsupportedError);
    expect(() => packZeroSkipWeights(simd[0], { data: w, shape: [24, 3, 3] })).toThrow(ShapeError);
    expect(() => packZeroSkipWeights(simd[0], { data: w, shape: wShape }, { wZeroPoint: 200 })).toThrow(QuantError);
    expect(() => packZeroSkipWeights(simd[0], { data: w, shape: wShape }, null as never)).toThrow(ValueError);
    for (const e of simd) {
      const zw = packZeroSkipWeights(e, { data: w, shape: wShape }, { wZeroPoint: 2 });
      const live = e.heap.liveCount;
      const bytes = e.heap.memoryBytes;
      expect(() => conv2dZeroSkip(other, x, zw, { pads: 1 })).toThrow(/another engine/);
      expect(() => conv2dZeroSkip(e, { data: new Int8Array(6 * 6 * 8), shape: [1, 6, 6, 8] }, zw, { pads: 1 })).toThrow(ShapeError);
      expect(() => conv2dZeroSkip(e, x, zw, { pads: 1, groups: 2 })).toThrow(/packed for groups = 1/);
      expect(() => conv2dZeroSkip(e, x, zw, { pads: 1, weightLayout: 'OIHW' })).toThrow(ValueError);
      expect(() => conv2dZeroSkip(e, x, zw, { pads: 1, wZeroPoint: 3 })).toThrow(/packed with 2/);
      expect(() => conv2dZeroSkip(e, x, zw, { pads: 1, kernel: 'scatter' })).toThrow(UnsupportedError);
      expect(() => packZeroSkipWeights(e, zw as never)).toThrow(ValueError);
      const pw = packConvWeights(e, { data: w, shape: wShape });
      expect(() => conv2dZeroSkip(e, x, pw as never)).toThrow(UnsupportedError);
      pw.dispose();
      expect(e.heap.liveCount).toBe(live);
      expect(e.heap.memoryBytes).toBe(bytes);
      // still bit-exact after the errors
      const r = conv2dZeroSkip(e, x, zw, { pads: 1, wZeroPoint: 2 });
      expect(Array.from(r.y.toArray())).toEqual(Array.from(conv2dRef(x.data, w, conv2dInfo(x.shape, wShape, { pads: 1 }), { wZeroPoint: 2 })));
      r.y.dispose();
      zw.dispose();
      zw.dispose(); // idempotent
      expect(zw.disposed).toBe(true);
      expect(() => conv2dZeroSkip(e, x, zw, { pads: 1 })).toThrow(/disposed/);
    }
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import {
  QuantError, ShapeError, UnsupportedError, ValueError, conv2d, conv2dInfo, conv2dZeroSkip, feieLayer, packConvWeights,
  type Conv2DOptions, type Engine, type Requantize,
} from '../../src/index.js';
import { conv2dRef, feieCountsRef, nchwToNhwc, oihwToOhwi } from '../../src/reference/index.js';
import { allEngines, expectAllAgree, fillInts, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

interface Case {
  N?: number;
  H: number;
  W: number;
  C: number;
  M: number;
  R: number;
  S: number;
  opts?: Conv2DOptions;
  xDtype?: 'int8' | 'uint8';
  wDtype?: 'int8' | 'uint8';
  xzp?: number;
  wzp?: number | 'pc';
  bias?: boolean;
  requantize?: Requantize;
  seed?: number;
}

const DENSITIES = [0, 1e-3, 0.1, 0.5, 0.9, 1];

/** x with ReLU-like zeros: each element is the zero point with probability 1 - density. */
function makeData(c: Case, density: number) {
  const rand = rng(c.seed ?? 7);
  const N = c.N ?? 1;
  const groups = c.opts?.groups ?? 1;
  const xDtype = c.xDtype ?? 'int8';
  const wDtype = c.wDtype ?? 'int8';
  const xzp = c.xzp ?? (xDtype === 'int8' ? -128 : 0);
  const x = xDtype === 'int8' ? new Int8Array(N * c.H * c.W * c.C) : new Uint8Array(N * c.H * c.W * c.C);
  const [lo, hi] = xDtype === 'int8' ? [-128, 127] : [0, 255];
  for (let i = 0; i < x.length; i++) {
    if (rand() < density) {
      let v = xzp;
      while (v === xzp) v = lo + Math.floor(rand() * 256);
      x[i] = v;
    } else x[i] = xzp;
  }
  const w = wDtype === 'int8' ? fillInts(new Int8Array(c.M * c.R * c.S * (c.C / groups)), -128, 127, rand) : fillInts(new Uint8Array(c.M * c.R * c.S * (c.C / groups)), 0, 255, rand);
  const wl = wDtype === 'int8' ? -128 : 0;
  const wzp = c.wzp === 'pc' ? Array.from({ length: c.M }, () => wl + Math.floor(rand() * 256)) : (c.wzp ?? 0);
  const bias = c.bias ? Int32Array.from({ length: c.M }, () => Math.floor(rand() * 20000) - 10000) : undefined;
  return { x, w, xzp, wzp, bias, xShape: [N, c.H, c.W, c.C], wShape: [c.M, c.R, c.S, c.C / groups] };
}

const CASES: Case[] = [
  { H: 6, W: 7, C: 16, M: 16, R: 3, S: 3, opts: { pads: 1 }, bias: true },
  { H: 5, W: 9, C: 17, M: 24, R: 3, S: 3, opts: { pads: 'same_upper' }, xDtype: 'uint8', xzp: 3, wzp: 'pc' },
  { N: 2, H: 9, W: 8, C: 3, M: 33, R: 5, S: 5, opts: { strides: 2, pads: [2, 1, 0, 2] }, wzp: 5, bias: true },
  { H: 8, W: 8, C: 8, M: 7, R: 3, S: 2, opts: { strides: [2, 3], dilations: [2, 1], pads: 1 }, xzp: 10 },
  { H: 7, W: 7, C: 12, M: 40, R: 3, S: 3, opts: { groups: 4, pads: 1 }, wDtype: 'uint8', wzp: 'pc', bias: true },
  { H: 7, W: 6, C: 8, M: 8, R: 3, S: 3, opts: { groups: 8, pads: 1, strides: 2 } }, // depthwise
  { H: 6, W: 6, C: 4, M: 8, R: 3, S: 3, opts: { groups: 4, dilations: 2, pads: 2 }, xDtype: 'uint8', xzp: 0 }, // depthwise x2
  { H: 10, W: 3, C: 1, M: 1, R: 1, S: 1, opts: { strides: [3, 1] } },
  { H: 5, W: 5, C: 33, M: 64, R: 1, S: 1, opts: { groups: 1 }, requantize: { xScale: 0.02, wScale: 0.01, yScale: 0.5, outputDtype: 'int8', activation: 'relu' }, bias: true },
  { H: 6, W: 5, C: 16, M: 17, R: 2, S: 3, opts: { pads: [1, 0, 1, 2] }, xDtype: 'uint8', xzp: 128, wzp: 'pc', requantize: { xScale: 0.03, wScale: [0.01], yScale: 0.7, outputDtype: 'uint8', yZeroPoint: 10 } },
];

function runCase(c: Case, density: number) {
  const d = makeData(c, density);
  const info = conv2dInfo(d.xShape, d.wShape, c.opts);
  const params = { ...c.opts, xZeroPoint: d.xzp, wZeroPoint: d.wzp, bias: d.bias, requantize: c.requantize };
  const ref32 = conv2dRef(d.x, d.w, info, { xZeroPoint: d.xzp, wZeroPoint: d.wzp, bias: d.bias });
  const cref = feieCountsRef(d.x, info, d.xzp);
  const results: Record<string, ArrayLike<number>> = {};
  const denseRes: Record<string, ArrayLike<number>> = {};
  for (const e of engines) {
    const r = conv2dZeroSkip(e, { data: d.x, shape: d.xShape }, { data: d.w, shape: d.wShape }, params);
    results[e.isa] = r.y.toArray();
    // counts exact for the data
    const k = r.counts!;
    expect(k.macs.dense).toBe(info.macs);
    expect(k.macs.executed).toBe(cref.macsNonZero);
    expect(k.macs.executed + k.macs.skipped).toBe(info.macs);
    expect(k.macs.padding).toBe(info.macs - cref.macsReal);
    expect(Array.from(k.rowNnz)).toEqual(Array.from(cref.rowNnz));
    const nnz = cref.rowNnz.reduce((a, b) => a + b, 0);
    expect(k.inputs.streamed).toBe(nnz);
    expect(k.inputs.streamed + k.inputs.skipped).toBe(k.inputs.total);
    expect(r.feie.zeroSkip!.utilisation).toBeLessThanOrEqual(1);
    expect(r.feie.dense.utilisation).toBeLessThanOrEqual(1);
    expect(r.feie.zeroSkip!.cycles).toBeLessThanOrEqual(r.feie.dense.cycles);
    r.y.dispose();
    // the same code path with skipping off: same output, dense counts
    const rd = conv2dZeroSkip(e, { data: d.x, shape: d.xShape }, { data: d.w, shape: d.wShape }, { ...params, skipZeros: false });
    denseRes[e.isa] = rd.y.toArray();
    expect(rd.counts!.macs).toEqual({ dense: info.macs, executed: info.macs, skipped: 0, padding: info.macs - cref.macsReal });
    expect(rd.counts!.inputs.skipped).toBe(0);
    expect(rd.feie.dense.cycles).toBe(r.feie.dense.cycles);
    rd.y.dispose();
  }
  let ref: ArrayLike<number> = ref32;
  if (c.requantize) {
    // bit-exact with the dense conv2d (whose requantisation is tested against the reference)
    const y = conv2d(engines[0], { data: d.x, shape: d.xShape }, { data: d.w, shape: d.wShape }, params);
    ref = y.toArray();
    y.dispose();
  }
  return { ref, results, denseRes };
}

describe('conv2dZeroSkip: reference equality and exact counts', () => {
  for (const [i, c] of CASES.entries()) {
    it(`case ${i}: ${c.N ?? 1}x${c.H}x${c.W}x${c.C} -> ${c.M}, ${c.R}x${c.S} ${JSON.stringify(c.opts ?? {})}`, () => {
      for (const density of DENSITIES) {
        const { ref, results, denseRes } = runCase({ ...c, seed: (c.seed ?? i + 1) * 101 + Math.round(density * 1000) }, density);
        expectAllAgree(`case ${i} density ${density} zero-skip`, ref, results);
        expectAllAgree(`case ${i} density ${density} skipZeros: false`, ref, denseRes);
      }
    });
  }

  it('several bands of output rows, rows no output reads (1x1 stride 2), int32 and requantised', () => {
    for (const c of [
      { H: 70, W: 30, C: 4, M: 320, R: 3, S: 3, opts: { pads: 1 } },
      { H: 140, W: 40, C: 3, M: 256, R: 1, S: 1, opts: { strides: 2 }, bias: true },
      { H: 70, W: 30, C: 4, M: 320, R: 3, S: 3, opts: { pads: 1, layout: 'NCHW' as const }, requantize: { xScale: 0.02, wScale: 0.01, yScale: 0.3, outputDtype: 'uint8' as const } },
    ] as Case[]) {
      const d = makeData(c, 0.3);
      const x = c.opts?.layout === 'NCHW' ? nhwc2nchw(d.x, d.xShape) : d.x;
      const xShape = c.opts?.layout === 'NCHW' ? [d.xShape[0], d.xShape[3], d.xShape[1], d.xShape[2]] : d.xShape;
      const info = conv2dInfo(d.xShape, d.wShape, { ...c.opts, layout: 'NHWC' });
      expect(info.E * info.F * info.M * 4).toBeGreaterThan(1 << 20);
      const params = { ...c.opts, xZeroPoint: d.xzp, bias: d.bias, requantize: c.requantize };
      const ref = conv2d(engines[1], { data: x, shape: xShape }, { data: d.w, shape: d.wShape }, params).toArray();
      const cref = feieCountsRef(d.x, info, d.xzp);
      const results: Record<string, ArrayLike<number>> = {};
      for (const e of engines) {
        const r = conv2dZeroSkip(e, { data: x, shape: xShape }, { data: d.w, shape: d.wShape }, params);
        results[e.isa] = r.y.toArray();
        expect(Array.from(r.counts!.rowNnz)).toEqual(Array.from(cref.rowNnz));
        expect(r.counts!.macs.executed).toBe(cref.macsNonZero);
        r.y.dispose();
      }
      expectAllAgree(`bands ${JSON.stringify(c.opts)}`, ref, results);
    }
  });

  it('OIHW weights and NCHW activations match the native layouts', () => {
    const c: Case = { H: 6, W: 7, C: 5, M: 9, R: 3, S: 2, opts: { pads: 1, strides: 2 }, bias: true, wzp: 'pc' };
    const d = makeData(c, 0.5);
    const info = conv2dInfo(d.xShape, d.wShape, c.opts);
    const ref = conv2dRef(d.x, d.w, info, { xZeroPoint: d.xzp, wZeroPoint: d.wzp, bias: d.bias });
    const wOihw = new Int8Array(d.w.length);
    for (let m = 0; m < c.M; m++) for (let r = 0; r < c.R; r++) for (let s = 0; s < c.S; s++) for (let ch = 0; ch < c.C; ch++) wOihw[((m * c.C + ch) * c.R + r) * c.S + s] = d.w[((m * c.R + r) * c.S + s) * c.C + ch];
    expect(Array.from(oihwToOhwi(wOihw, c.M, c.C, c.R, c.S))).toEqual(Array.from(d.w));
    const results: Record<string, ArrayLike<number>> = {};
    for (const e of engines) {
      const r = conv2dZeroSkip(e, { data: nhwc2nchw(d.x, d.xShape), shape: [1, c.C, c.H, c.W] }, { data: wOihw, shape: [c.M, c.C, c.R, c.S] }, { ...c.opts, layout: 'NCHW', weightLayout: 'OIHW', xZeroPoint: d.xzp, wZeroPoint: d.wzp, bias: d.bias });
      results[e.isa] = nchwToNhwc(r.y.toArray() as Int32Array, 1, c.M, info.E, info.F);
      r.y.dispose();
    }
    expectAllAgree('NCHW/OIHW', ref, results);
  });

  it('int32 wrapping: sums beyond 2^31 wrap exactly like the reference', () => {
    // 255 * 255 * K with K = 9 * 4096 exceeds 2^31
    const c: Case = { H: 3, W: 3, C: 4096, M: 8, R: 3, S: 3, xDtype: 'uint8', xzp: 0, wDtype: 'uint8', wzp: 0 };
    const d = makeData(c, 1);
    d.x.fill(255);
    d.w.fill(255);
    const info = conv2dInfo(d.xShape, d.wShape);
    const ref = conv2dRef(d.x, d.w, info, { xZeroPoint: 0, wZeroPoint: 0 });
    expect(ref[0]).toBe((255 * 255 * 9 * 4096) | 0);
    const results: Record<string, ArrayLike<number>> = {};
    for (const e of engines) results[e.isa] = conv2dZeroSkip(e, { data: d.x, shape: d.xShape }, { data: d.w, shape: d.wShape }, { wZeroPoint: 0 }).y.toArray();
    expectAllAgree('wrapping', ref, results);
  });
});

function nhwc2nchw(x: Int8Array | Uint8Array, s: number[]): Int8Array | Uint8Array {
  const [N, H, W, C] = s;
  const y = new (x.constructor as new (n: number) => Int8Array | Uint8Array)(x.length);
  for (let n = 0; n < N; n++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) for (let c = 0; c < C; c++) y[((n * C + c) * H + h) * W + w] = x[((n * H + h) * W + w) * C + c];
  return y;
}

describe('conv2dZeroSkip: invariants', () => {
  it('all non-zero data without padding: zero-skip equals dense in counts, cycles and output', () => {
    const c: Case = { H: 8, W: 9, C: 16, M: 32, R: 3, S: 3, bias: true };
    const d = makeData(c, 1);
    for (const e of engines) {
      const a = conv2dZeroSkip(e, { data: d.x, shape: d.xShape }, { data: d.w, shape: d.wShape }, { xZeroPoint: d.xzp, bias: d.bias });
      const b = conv2dZeroSkip(e, { data: d.x, shape: d.xShape }, { data: d.w, shape: d.wShape }, { xZeroPoint: d.xzp, bias: d.bias, skipZeros: false });
      expect(Array.from(a.y.toArray())).toEqual(Array.from(b.y.toArray()));
      expect(a.counts!.macs).toEqual(b.counts!.macs);
      expect(a.counts!.inputs).toEqual(b.counts!.inputs);
      expect(a.feie.zeroSkip!.cycles).toBe(a.feie.dense.cycles);
      expect(a.feie.zeroSkip!.utilisation).toBe(a.feie.dense.utilisation);
      expect(a.feie.zeroSkip!.weightReads).toBe(a.feie.dense.weightReads);
      a.y.dispose();
      b.y.dispose();
    }
  });

  it('all-zero input: output is the bias, nothing executed, zero ZASCAS cycles', () => {
    const c: Case = { H: 6, W: 6, C: 8, M: 16, R: 3, S: 3, opts: { pads: 1 }, bias: true };
    const d = makeData(c, 0);
    for (const e of engines) {
      const r = conv2dZeroSkip(e, { data: d.x, shape: d.xShape }, { data: d.w, shape: d.wShape }, { ...c.opts, xZeroPoint: d.xzp, bias: d.bias });
      const y = r.y.toArray();
      for (let i = 0; i < y.length; i++) expect(y[i]).toBe(d.bias![i % c.M]);
      expect(r.counts!.macs.executed).toBe(0);
      expect(r.counts!.inputs.streamed).toBe(0);
      expect(r.feie.zeroSkip!.cycles).toBe(0);
      expect(r.feie.zeroSkip!.utilisation).toBe(0);
      r.y.dispose();
    }
  });

  it('count: false gives the same output, no counts, and the dense model only', () => {
    const c: Case = { H: 6, W: 6, C: 8, M: 16, R: 3, S: 3, opts: { pads: 1 } };
    const d = makeData(c, 0.4);
    for (const e of engines) {
      const a = conv2dZeroSkip(e, { data: d.x, shape: d.xShape }, { data: d.w, shape: d.wShape }, { ...c.opts, xZeroPoint: d.xzp });
      const b = conv2dZeroSkip(e, { data: d.x, shape: d.xShape }, { data: d.w, shape: d.wShape }, { ...c.opts, xZeroPoint: d.xzp, count: false });
      expect(Array.from(b.y.toArray())).toEqual(Array.from(a.y.toArray()));
      expect(b.counts).toBeUndefined();
      expect(b.feie.zeroSkip).toBeUndefined();
      expect(b.feie.dense).toEqual(a.feie.dense);
      expect(a.kernel).toBe(e.isa === "scalar" ? "q8_conv_feie__scalar" : `q8_conv_zsgemm_2x16c2__${e.isa}`);
      expect(a.vectorised).toBe(e.isa !== 'scalar');
    }
  });

  it('the FEIE report equals feieLayer on the counted activity', () => {
    const c: Case = { H: 9, W: 7, C: 6, M: 20, R: 3, S: 3, opts: { pads: 1, strides: 2 } };
    const d = makeData(c, 0.3);
    const info = conv2dInfo(d.xShape, d.wShape, c.opts);
    const cref = feieCountsRef(d.x, info, d.xzp);
    const r = conv2dZeroSkip(engines[1], { data: d.x, shape: d.xShape }, { data: d.w, shape: d.wShape }, { ...c.opts, xZeroPoint: d.xzp, feieTiles: 8 });
    expect(r.feie).toEqual(feieLayer(info, { tiles: 8 }, { rowNnz: cref.rowNnz, macsExecuted: cref.macsNonZero }));
    expect(r.feie.tiles).toBe(8);
    expect(r.feie.pesPerTile).toBe(2); // ceil(3 / 2)
  });
});

describe('conv2dZeroSkip: bad input', () => {
  it('typed errors before any Wasm memory is touched; the engine still works after', () => {
    for (const e of engines) {
      const live = e.heap.liveCount;
      const bytes = e.heap.memoryBytes;
      const x = { data: new Int8Array(2 * 4 * 4 * 3), shape: [2, 4, 4, 3] };
      const w = { data: new Int8Array(5 * 3 * 3 * 3), shape: [5, 3, 3, 3] };
      expect(() => conv2dZeroSkip(e, x, { data: new Int8Array(5 * 9 * 2), shape: [5, 3, 3, 2] })).toThrow(ShapeError);
      expect(() => conv2dZeroSkip(e, { data: new Float32Array(96), shape: [2, 4, 4, 3] } as never, w)).toThrow(ValueError);
      expect(() => conv2dZeroSkip(e, x, w, { xZeroPoint: 300 })).toThrow(QuantError);
      expect(() => conv2dZeroSkip(e, x, w, { strides: 0 })).toThrow(ValueError);
      expect(() => conv2dZeroSkip(e, x, w, { skipZeros: 'yes' as never })).toThrow(ValueError);
      expect(() => conv2dZeroSkip(e, x, w, { count: 1 as never })).toThrow(ValueError);
      expect(() => conv2dZeroSkip(e, x, w, { feieTiles: 0 })).toThrow(ValueError);
      expect(() => conv2dZeroSkip(e, x, w, { algorithm: 'im2col' } as never)).toThrow(/conv2d option/);
      expect(() => conv2dZeroSkip(e, x, w, { requantize: { xScale: 0, wScale: 1, yScale: 1, outputDtype: 'int8' } })).toThrow(QuantError);
      expect(() => conv2dZeroSkip(e, x, w, null as never)).toThrow(ValueError);
      expect(e.heap.liveCount).toBe(live);
      expect(e.heap.memoryBytes).toBe(bytes);
      const pw = packConvWeights(e, w);
      expect(() => conv2dZeroSkip(e, x, pw as never)).toThrow(UnsupportedError);
      pw.dispose();
      // a valid call is still bit-exact afterwards
      const c: Case = { H: 4, W: 4, C: 3, M: 5, R: 3, S: 3, opts: { pads: 1 } };
      const d = makeData(c, 0.5);
      const info = conv2dInfo(d.xShape, d.wShape, c.opts);
      const r = conv2dZeroSkip(e, { data: d.x, shape: d.xShape }, { data: d.w, shape: d.wShape }, { ...c.opts, xZeroPoint: d.xzp });
      expect(Array.from(r.y.toArray())).toEqual(Array.from(conv2dRef(d.x, d.w, info, { xZeroPoint: d.xzp })));
      r.y.dispose();
      expect(e.heap.liveCount).toBe(live);
    }
  });
});

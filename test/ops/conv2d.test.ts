import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  KERNELS, MemoryError, QuantError, ShapeError, UnsupportedError, ValueError, conv2d, conv2dInfo, init, packConvWeights, planConv2dTiles, IM2COL_TILE_BYTES,
  type Conv2DOptions, type Conv2DParams, type Engine, type Requantize,
} from '../../src/index.js';
import { resolveOutputStage } from '../../src/descriptors/output-stage.js';
import { conv2dRef, im2colRef, nchwToNhwc, nhwcToNchw, oihwToOhwi, requantizeRef } from '../../src/reference/index.js';
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
  xzp?: number;
  /** a number, or 'pc' for random per-channel zero points */
  wzp?: number | 'pc';
  /** 'rand' small random bias, 'extreme' values near the int32 limits (wrapping) */
  bias?: 'none' | 'rand' | 'extreme';
  requantize?: Requantize;
  algorithm?: Conv2DParams['algorithm'];
  seed?: number;
  /** also run the NCHW / OIHW variants and compare */
  layouts?: boolean;
}

function makeData(c: Case) {
  const rand = rng(c.seed ?? 1);
  const N = c.N ?? 1;
  const xDtype = c.xDtype ?? 'int8';
  const groups = c.opts?.groups ?? 1;
  const Cg = c.C / groups;
  const x = xDtype === 'int8' ? fillInts(new Int8Array(N * c.H * c.W * c.C), -128, 127, rand) : fillInts(new Uint8Array(N * c.H * c.W * c.C), 0, 255, rand);
  const w = fillInts(new Int8Array(c.M * c.R * c.S * Cg), -128, 127, rand);
  const wZeroPoint = c.wzp === 'pc' ? Array.from(fillInts(new Int8Array(c.M), -128, 127, rand)) : (c.wzp ?? 0);
  let bias: Int32Array | undefined;
  if (c.bias === 'rand') bias = fillInts(new Int32Array(c.M), -100000, 100000, rand);
  if (c.bias === 'extreme') bias = Int32Array.from({ length: c.M }, (_, i) => (i % 2 ? -2147483648 + i : 2147483647 - i));
  const opts = { ...c.opts, weightLayout: undefined }; // makeData always makes OHWI weights
  const params: Conv2DParams = { ...opts, xZeroPoint: c.xzp ?? 0, wZeroPoint, bias, requantize: c.requantize, algorithm: c.algorithm };
  const xShape = [N, c.H, c.W, c.C];
  const wShape = [c.M, c.R, c.S, Cg];
  const info = conv2dInfo(xShape, wShape, opts);
  return { x, w, xShape, wShape, params, info, xDtype };
}

function reference(d: ReturnType<typeof makeData>): ArrayLike<number> {
  const acc = conv2dRef(d.x, d.w, d.info, { xZeroPoint: d.params.xZeroPoint, wZeroPoint: d.params.wZeroPoint, bias: d.params.bias });
  const st = resolveOutputStage('conv2d', d.params, d.info.M, d.xDtype).requant;
  return st ? requantizeRef(acc, d.info.M, st.multipliers, st.yZeroPoint, st.qmin, st.qmax, st.outputDtype) : acc;
}

function label(c: Case): string {
  const o = c.opts ?? {};
  return `N${c.N ?? 1} ${c.H}x${c.W}x${c.C} -> M${c.M} ${c.R}x${c.S} s${JSON.stringify(o.strides ?? 1)} d${JSON.stringify(o.dilations ?? 1)} p${JSON.stringify(o.pads ?? 'valid')} g${o.groups ?? 1} ${c.xDtype ?? 'int8'} xzp${c.xzp ?? 0} wzp${c.wzp ?? 0}${c.requantize ? ` rq:${c.requantize.outputDtype ?? 'uint8'}` : ''}${c.algorithm ? ` ${c.algorithm}` : ''}`;
}

function check(c: Case): void {
  const d = makeData(c);
  const ref = reference(d);
  const results: Record<string, ArrayLike<number>> = {};
  for (const e of engines) {
    const live = e.heap.liveCount;
    const y = conv2d(e, { data: d.x, shape: d.xShape }, { data: d.w, shape: d.wShape }, d.params);
    expect(y.shape).toEqual([d.info.N, d.info.E, d.info.F, d.info.M]);
    results[e.isa] = y.toArray();
    y.dispose();
    expect(e.heap.liveCount, 'every temporary is freed').toBe(live);
  }
  expectAllAgree(label(c), ref, results);
  if (c.layouts) {
    const { N, H, W, C, M, R, S, E, F, Cg } = d.info;
    const xN = nhwcToNchw(d.x, N, H, W, C);
    const wO = nhwcToNchw(d.w, M, R, S, Cg); // OHWI -> OIHW
    expect(Array.from(oihwToOhwi(wO, M, Cg, R, S))).toEqual(Array.from(d.w));
    const variants: Record<string, ArrayLike<number>> = {};
    for (const e of engines) {
      const yA = conv2d(e, { data: xN, shape: [N, C, H, W] }, { data: wO, shape: [M, Cg, R, S] }, { ...d.params, layout: 'NCHW', weightLayout: 'OIHW' });
      expect(yA.shape).toEqual([N, M, E, F]);
      variants[`${e.isa} NCHW/OIHW`] = nchwToNhwc(yA.toArray() as Int32Array, N, M, E, F);
      yA.dispose();
      const yB = conv2d(e, { data: d.x, shape: d.xShape }, { data: wO, shape: [M, Cg, R, S] }, { ...d.params, weightLayout: 'OIHW' });
      variants[`${e.isa} NHWC/OIHW`] = yB.toArray();
      yB.dispose();
      const yC = conv2d(e, { data: xN, shape: [N, C, H, W] }, { data: d.w, shape: d.wShape }, { ...d.params, layout: 'NCHW' });
      variants[`${e.isa} NCHW/OHWI`] = nchwToNhwc(yC.toArray() as Int32Array, N, M, E, F);
      yC.dispose();
    }
    expectAllAgree(`${label(c)} layouts`, ref, variants as never);
  }
}

const RQ: Requantize = { xScale: 0.05, wScale: 0.01, yScale: 0.9, yZeroPoint: 3, outputDtype: 'int8' };

describe('conv kernels (registry)', () => {
  it('every conv kernel of the registry is exported by every build', () => {
    const conv = KERNELS.filter((k) => k.family === 'conv');
    expect(conv.map((k) => k.name).sort()).toEqual(['q8_dwconv_direct', 'u8_im2col']);
    for (const e of engines) for (const k of conv) expect(typeof e.kernels[k.export], `${k.name}__${e.isa}`).toBe('function');
  });

  it('u8_im2col writes the reference rows for tiles starting mid-row, in and beyond the padding', () => {
    const shapes: [number[], number[], Conv2DOptions][] = [
      [[2, 7, 9, 6], [4, 3, 3, 3], { groups: 2, pads: [2, 3, 1, 0], strides: [1, 2], dilations: [1, 2] }],
      [[1, 5, 6, 37], [2, 2, 5, 37], { pads: [4, 4, 4, 4] }],
      [[1, 4, 4, 17], [3, 1, 1, 17], { strides: 3, pads: [0, 0, 2, 2] }],
      // Segments shorter than 16 bytes (one v128 copy unless near the end of x or of the tile).
      [[1, 11, 9, 1], [2, 5, 5, 1], {}],
      [[1, 6, 7, 3], [2, 3, 3, 3], { pads: 1 }],
      [[1, 5, 6, 4], [4, 3, 3, 2], { groups: 2, pads: [1, 2, 0, 1] }],
    ];
    for (const [xs, ws, opts] of shapes) {
      const info = conv2dInfo(xs, ws, opts);
      for (const signed of [true, false]) {
        const rand = rng(xs[3]);
        const x = signed ? fillInts(new Int8Array(xs.reduce((a, b) => a * b)), -128, 127, rand) : fillInts(new Uint8Array(xs.reduce((a, b) => a * b)), 0, 255, rand);
        const n = xs[0] - 1;
        const g = info.groups - 1;
        const EF = info.E * info.F;
        for (const [p0, rows] of [[0, EF], [1, Math.max(1, EF - 2)], [Math.floor(EF / 2), EF - Math.floor(EF / 2)]]) {
          const ref = im2colRef(x, signed, info, n, g, p0, rows, 77);
          const res: Record<string, Uint8Array> = {};
          for (const e of engines) {
            const [px, pd] = e.heap.allocMany('test', [x.length, rows * info.K + 64]);
            new Uint8Array(e.heap.memory.buffer, px, x.length).set(new Uint8Array(x.buffer));
            const guard = new Uint8Array(e.heap.memory.buffer, pd, rows * info.K + 64).fill(0xee);
            e.kernels.u8_im2col(px + n * info.H * info.W * info.C, info.H, info.W, info.C, info.R, info.S, info.strides[0], info.strides[1], info.dilations[0], info.dilations[1], info.pads[0], info.pads[1], info.F, p0, rows, g * info.Cg, info.Cg, 77, signed ? 1 : 0, pd);
            res[e.isa] = guard.slice(0, rows * info.K);
            expect(guard.slice(rows * info.K).every((v) => v === 0xee), 'no write past the tile').toBe(true);
            e.heap.release(px);
            e.heap.release(pd);
          }
          expectAllAgree(`im2col ${JSON.stringify(xs)} p0=${p0} rows=${rows} signed=${signed}`, ref, res);
        }
      }
    }
  });
});

describe('conv2d: kernels, strides, dilations, pads', () => {
  const kernels: [number, number][] = [[1, 1], [3, 3], [5, 5], [7, 7], [1, 5], [5, 1], [1, 3], [3, 1]];
  const padList: Conv2DOptions['pads'][] = [[1, 0, 2, 1], 'same_upper', 'same_lower', 'valid', [0, 2, 1, 0], 2];
  const chans = [1, 3, 7, 8, 9, 15, 16, 17];
  let i = 0;
  for (const [R, S] of kernels) {
    for (const stride of [1, 2, 3]) {
      for (const dil of [1, 2]) {
        i++;
        const c: Case = {
          H: 15, W: 14, C: chans[i % chans.length], M: [1, 3, 8, 17][i % 4], R, S,
          opts: { strides: stride === 3 ? [3, 2] : stride, dilations: dil === 2 ? (i % 2 ? 2 : [2, 1]) : 1, pads: padList[i % padList.length] },
          xDtype: i % 2 ? 'int8' : 'uint8', xzp: i % 2 ? -7 : 131, wzp: i % 3 === 0 ? 'pc' : i % 3 === 1 ? 5 : 0,
          bias: i % 4 === 0 ? 'none' : 'rand', requantize: i % 3 === 2 ? { ...RQ, outputDtype: i % 2 ? 'int8' : 'uint8', yZeroPoint: i % 2 ? -2 : 120 } : undefined, seed: i,
        };
        it(label(c), () => check(c));
      }
    }
  }
});

describe('conv2d: channel counts and dtypes', () => {
  for (const C of [1, 3, 7, 8, 9, 15, 16, 17, 33, 64]) {
    for (const xDtype of ['int8', 'uint8'] as const) {
      const c: Case = { H: 6, W: 7, C, M: C % 5 + 3, R: 3, S: 3, opts: { pads: 'same_upper' }, xDtype, xzp: xDtype === 'int8' ? 12 : 77, wzp: 'pc', bias: 'rand', seed: C * 3 + (xDtype === 'int8' ? 1 : 0) };
      it(label(c), () => check(c));
      const c1: Case = { H: 5, W: 5, C, M: 9, R: 1, S: 1, xDtype, xzp: xDtype === 'int8' ? -1 : 200, wzp: -3, bias: 'rand', requantize: RQ, seed: C };
      it(`${label(c1)} (1x1)`, () => check(c1));
    }
  }
});

describe('conv2d: groups and depthwise', () => {
  for (const [C, M, groups] of [[8, 8, 2], [8, 12, 4], [16, 8, 4], [6, 4, 2]] as const) {
    for (const [R, S, stride] of [[3, 3, 1], [1, 1, 1], [5, 3, 2]] as const) {
      const c: Case = { H: 9, W: 8, C, M, R, S, opts: { groups, strides: stride, pads: [1, 2, 0, 1] }, xzp: 4, wzp: 'pc', bias: 'rand', seed: C + M + R, xDtype: R === 1 ? 'uint8' : 'int8' };
      it(label(c), () => check(c));
    }
  }
  for (const C of [1, 3, 8, 16, 17, 32]) {
    for (const algorithm of ['auto', 'im2col'] as const) {
      for (const [R, stride, dil, pads] of [[3, 1, 1, 'same_upper'], [5, 2, 1, [2, 1, 0, 2]], [3, 2, 2, 'same_lower'], [1, 1, 1, 'valid']] as const) {
        const c: Case = {
          H: 11, W: 10, C, M: C, R, S: R, opts: { groups: C, strides: stride, dilations: dil, pads: pads as Conv2DOptions['pads'] },
          xDtype: C % 2 ? 'uint8' : 'int8', xzp: C % 2 ? 129 : -5, wzp: C > 8 ? 'pc' : 2, bias: 'rand', algorithm, seed: C * R,
          requantize: R === 5 ? { ...RQ, wScale: Array.from({ length: C }, (_, i) => 0.002 * (i + 1)), activation: 'relu' } : undefined,
        };
        it(`depthwise ${label(c)}`, () => check(c));
      }
    }
    const dm: Case = { H: 7, W: 9, C, M: 2 * C, R: 3, S: 3, opts: { groups: C, pads: 'same_upper', strides: 2 }, xzp: 1, wzp: 'pc', bias: 'rand', seed: C + 99 };
    it(`depthwise multiplier 2 ${label(dm)}`, () => check(dm));
  }
  it('direct depthwise refuses grouped convs it cannot run', () => {
    const e = engines[0];
    expect(() => conv2d(e, { data: new Int8Array(16), shape: [1, 2, 2, 4] }, { data: new Int8Array(8), shape: [8, 1, 1, 1] }, { groups: 4, algorithm: 'direct' })).toThrow(UnsupportedError);
  });
});

describe('conv2d: batch, requantisation, layouts', () => {
  it('batch 3, 3x3 stride 2, int8 in, per-channel requant with relu', () =>
    check({ N: 3, H: 9, W: 10, C: 5, M: 6, R: 3, S: 3, opts: { strides: 2, pads: 'same_upper' }, xzp: -20, wzp: 'pc', bias: 'rand', requantize: { ...RQ, wScale: [0.01, 0.02, 0.005, 0.03, 0.01, 0.004], activation: 'relu' }, seed: 5 }));
  it('batch 3 depthwise direct', () => check({ N: 3, H: 8, W: 8, C: 16, M: 16, R: 3, S: 3, opts: { groups: 16, pads: 1 }, xDtype: 'uint8', xzp: 128, wzp: 'pc', bias: 'rand', seed: 6 }));
  for (const activation of ['none', 'relu', { min: -1, max: 6 }, { qmin: 20, qmax: 100 }] as const) {
    for (const outputDtype of ['int8', 'uint8'] as const) {
      it(`requantize ${outputDtype} activation ${JSON.stringify(activation)}`, () =>
        check({ H: 7, W: 6, C: 9, M: 10, R: 3, S: 3, opts: { pads: 'same_upper' }, xDtype: 'uint8', xzp: 100, wzp: 'pc', bias: 'rand', requantize: { xScale: 0.03, wScale: 0.02, yScale: 0.2, yZeroPoint: outputDtype === 'int8' ? 5 : 128, outputDtype, activation: activation as Requantize['activation'] }, seed: 8 }));
    }
  }
  it('int32 wrapping: extreme bias', () => check({ H: 5, W: 5, C: 8, M: 4, R: 3, S: 3, xzp: -128, wzp: 127, bias: 'extreme', seed: 9 }));
  it('int32 wrapping: accumulation depth > 33,025 (1x1, uint8, lowering skipped)', () => {
    const C = 40000;
    const x = new Uint8Array(2 * C).fill(255);
    const w = new Int8Array(2 * C).fill(-128);
    // (255 - 0) * (-128 - 127) * 40,000 wraps past -2^31.
    const info = conv2dInfo([1, 1, 2, C], [2, 1, 1, C]);
    const ref = conv2dRef(x, w, info, { xZeroPoint: 0, wZeroPoint: 127 });
    expect(Math.abs(255 * 255 * C)).toBeGreaterThan(2 ** 31);
    const res = Object.fromEntries(engines.map((e) => [e.isa, conv2d(e, { data: x, shape: [1, 1, 2, C] }, { data: w, shape: [2, 1, 1, C] }, { wZeroPoint: 127 }).toArray()]));
    expectAllAgree('wrapping 1x1', ref, res);
  });
  it('int32 wrapping: accumulation depth 36,000 through im2col (int8, padded 3x3)', () => {
    const c: Case = { H: 2, W: 3, C: 4000, M: 3, R: 3, S: 3, opts: { pads: [1, 0, 0, 1] }, xDtype: 'int8', xzp: 127, wzp: 127, seed: 22 };
    const d = makeData(c);
    d.x.fill(-128);
    d.w.fill(-128);
    const ref = conv2dRef(d.x, d.w, d.info, { xZeroPoint: 127, wZeroPoint: 127 });
    expect(ref.some((v) => v !== 255 * 255 * 6 * 4000)).toBe(true); // the true sum does not fit in int32
    const res = Object.fromEntries(engines.map((e) => [e.isa, conv2d(e, { data: d.x, shape: d.xShape }, { data: d.w, shape: d.wShape }, d.params).toArray()]));
    expectAllAgree('wrapping im2col', ref, res);
  });
  it('int32 wrapping: depthwise with 190x190 taps', () => {
    const c: Case = { H: 190, W: 191, C: 9, M: 9, R: 190, S: 190, opts: { groups: 9 }, xDtype: 'uint8', xzp: 0, wzp: 127, seed: 10 };
    const d = makeData(c);
    d.x.fill(255);
    d.w.fill(-128);
    const ref = conv2dRef(d.x, d.w, d.info, { xZeroPoint: 0, wZeroPoint: 127 });
    expect(255 * 255 * 190 * 190).toBeGreaterThan(2 ** 31);
    const res = Object.fromEntries(engines.map((e) => [e.isa, conv2d(e, { data: d.x, shape: d.xShape }, { data: d.w, shape: d.wShape }, d.params).toArray()]));
    expectAllAgree('wrapping depthwise', ref, res);
  });
  it('NCHW / OIHW equal NHWC / OHWI (dense, grouped, depthwise, requantised)', () => {
    check({ N: 2, H: 6, W: 7, C: 6, M: 4, R: 3, S: 2, opts: { pads: [1, 0, 0, 1], strides: [1, 2] }, xzp: 3, wzp: 'pc', bias: 'rand', layouts: true, seed: 11 });
    check({ H: 6, W: 7, C: 8, M: 4, R: 3, S: 3, opts: { groups: 2, pads: 'same_upper' }, xDtype: 'uint8', xzp: 3, wzp: 1, bias: 'rand', requantize: RQ, layouts: true, seed: 12 });
    check({ H: 6, W: 7, C: 8, M: 8, R: 3, S: 3, opts: { groups: 8, pads: 'same_upper' }, xzp: 3, wzp: 'pc', bias: 'rand', requantize: RQ, layouts: true, seed: 13 });
  });
  it('NCHW input and OIHW weights as engine tensors', () => {
    const c: Case = { N: 2, H: 5, W: 6, C: 4, M: 6, R: 3, S: 3, opts: { groups: 2, pads: 'same_lower', strides: 2 }, xDtype: 'uint8', xzp: 90, wzp: 'pc', bias: 'rand', requantize: RQ, seed: 23 };
    const d = makeData(c);
    const ref = reference(d);
    const { N, H, W, C, M, R, S, E, F, Cg } = d.info;
    const res: Record<string, ArrayLike<number>> = {};
    for (const e of engines) {
      const xt = e.tensor('uint8', [N, C, H, W], nhwcToNchw(d.x as Uint8Array, N, H, W, C));
      const wt = e.tensor('int8', [M, Cg, R, S], nhwcToNchw(d.w, M, R, S, Cg));
      const y = conv2d(e, xt, wt, { ...d.params, layout: 'NCHW', weightLayout: 'OIHW' });
      res[e.isa] = nchwToNhwc(y.toArray() as Int8Array, N, M, E, F);
      for (const t of [xt, wt, y]) t.dispose();
    }
    expectAllAgree('tensors NCHW/OIHW', ref, res);
  });
  it('writes into options.out', () => {
    for (const e of engines) {
      const out = e.tensor('int32', [1, 3, 3, 2]);
      const y = conv2d(e, { data: new Int8Array(9).fill(1), shape: [1, 3, 3, 1] }, { data: new Int8Array([1, 2]), shape: [2, 1, 1, 1] }, { out });
      expect(y).toBe(out);
      expect(Array.from(out.data)).toEqual([1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2]);
      out.dispose();
    }
  });
});

describe('conv2d: tiling and packed weights', () => {
  it('an output that needs several im2col tiles never lowers the whole layer at once', () => {
    const c: Case = { H: 40, W: 40, C: 64, M: 4, R: 3, S: 3, opts: { pads: 'same_upper' }, xzp: 2, wzp: 'pc', bias: 'rand', requantize: RQ, seed: 14 };
    const d = makeData(c);
    const plan = planConv2dTiles(engines[0], d.info, 'im2col', 'int8', true);
    expect(plan.tiles).toBeGreaterThan(4);
    expect(plan.loweredBytes).toBeLessThanOrEqual(IM2COL_TILE_BYTES);
    expect(plan.loweredBytes).toBeLessThan(d.info.E * d.info.F * d.info.K / 4);
    check(c);
  });
  it('a big layer plans bounded scratch (VGG conv3_1: 56x56x128 -> 256)', () => {
    const info = conv2dInfo([1, 56, 56, 128], [256, 3, 3, 128], { pads: 'same_upper' });
    const plan = planConv2dTiles(engines[0], info, 'im2col', 'uint8', true);
    expect(plan.loweredBytes).toBeLessThanOrEqual(IM2COL_TILE_BYTES);
    expect(plan.accBytes).toBeLessThanOrEqual(256 * 1024);
    expect(plan.tiles * plan.rows).toBeGreaterThanOrEqual(56 * 56);
  });
  it('depthwise direct over several tiles', () => {
    const c: Case = { H: 48, W: 50, C: 32, M: 32, R: 3, S: 3, opts: { groups: 32, pads: 'same_upper' }, xzp: -3, wzp: 'pc', bias: 'rand', requantize: RQ, seed: 15 };
    expect(planConv2dTiles(engines[0], makeData(c).info, 'direct', 'int8', true).tiles).toBeGreaterThan(1);
    check(c);
  });
  for (const [name, c] of [
    ['dense OIHW', { H: 7, W: 8, C: 5, M: 6, R: 3, S: 3, opts: { pads: 'same_upper' as const, weightLayout: 'OIHW' as const }, seed: 16 }],
    ['grouped', { H: 7, W: 8, C: 8, M: 6, R: 3, S: 3, opts: { groups: 2, pads: 1 }, seed: 17 }],
    ['depthwise', { H: 7, W: 8, C: 16, M: 16, R: 3, S: 3, opts: { groups: 16, pads: 1 }, seed: 18 }],
  ] as [string, Case][]) {
    it(`packed weights are reused across calls (${name})`, () => {
      const full: Case = { ...c, xzp: 9, wzp: 'pc', bias: 'rand', requantize: RQ };
      const d1 = makeData(full);
      const d2 = makeData({ ...full, seed: (c.seed ?? 0) + 100 });
      d2.w = d1.w; // same weights, new activations
      // makeData produces OHWI; convert for the OIHW case
      const wl = c.opts?.weightLayout === 'OIHW';
      const { M, R, S, Cg } = d1.info;
      const wGiven = wl ? nhwcToNchw(d1.w, M, R, S, Cg) : d1.w;
      const wShape = wl ? [M, Cg, R, S] : [M, R, S, Cg];
      const refs = [reference(d1), reference(d2)];
      for (const e of engines) {
        const live = e.heap.liveCount;
        const pw = packConvWeights(e, { data: wGiven, shape: wShape }, { groups: c.opts?.groups, weightLayout: c.opts?.weightLayout });
        for (const [j, d] of [d1, d2].entries()) {
          const y = conv2d(e, { data: d.x, shape: d.xShape }, pw, d.params);
          expectAllAgree(`packed ${name} call ${j}`, refs[j], { [e.isa]: y.toArray() });
          y.dispose();
        }
        expect(() => conv2d(e, { data: d1.x, shape: d1.xShape }, pw, { groups: 3 })).toThrow(ValueError);
        pw.dispose();
        expect(e.heap.liveCount).toBe(live);
        expect(() => conv2d(e, { data: d1.x, shape: d1.xShape }, pw)).toThrow(/disposed/);
      }
    });
  }
  it('packed weights from another engine are refused', () => {
    const pw = packConvWeights(engines[0], { data: new Int8Array(9), shape: [1, 3, 3, 1] });
    expect(() => conv2d(engines[1], { data: new Int8Array(16), shape: [1, 4, 4, 1] }, pw)).toThrow(/another engine/);
    pw.dispose();
  });
});

describe('conv2d: random shapes (fast-check)', () => {
  it('matches the reference on every build', () => {
    fc.assert(
      fc.property(
        fc.record({
          N: fc.integer({ min: 1, max: 2 }), H: fc.integer({ min: 1, max: 9 }), W: fc.integer({ min: 1, max: 9 }),
          Cg: fc.integer({ min: 1, max: 10 }), Mg: fc.integer({ min: 1, max: 6 }), groups: fc.constantFrom(1, 1, 2, 3),
          R: fc.integer({ min: 1, max: 4 }), S: fc.integer({ min: 1, max: 4 }), sh: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 3 }),
          dh: fc.integer({ min: 1, max: 2 }), dw: fc.integer({ min: 1, max: 2 }),
          pads: fc.oneof(fc.constantFrom('valid', 'same_upper', 'same_lower'), fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3), fc.nat(3))),
          xDtype: fc.constantFrom('int8', 'uint8'), xzp: fc.integer({ min: -128, max: 127 }), perChannel: fc.boolean(), rq: fc.boolean(), seed: fc.nat(1000),
          depthwise: fc.boolean(),
        }),
        (p) => {
          const groups = p.depthwise ? p.Cg * p.groups : p.groups;
          const Cg = p.depthwise ? 1 : p.Cg;
          const C = Cg * groups;
          const M = (p.depthwise ? 1 : p.Mg) * groups;
          const pads = p.pads as 'valid' | 'same_upper' | 'same_lower' | [number, number, number, number];
          const effR = (p.R - 1) * p.dh + 1;
          const effS = (p.S - 1) * p.dw + 1;
          const padded = typeof pads === 'string' ? (pads === 'valid' ? [p.H, p.W] : [Math.max(p.H, effR), Math.max(p.W, effS)]) : [p.H + pads[0] + pads[2], p.W + pads[1] + pads[3]];
          fc.pre(padded[0] >= effR && padded[1] >= effS);
          check({
            N: p.N, H: p.H, W: p.W, C, M, R: p.R, S: p.S, opts: { groups, strides: [p.sh, p.sw], dilations: [p.dh, p.dw], pads },
            xDtype: p.xDtype as 'int8' | 'uint8', xzp: p.xDtype === 'int8' ? p.xzp : p.xzp + 128, wzp: p.perChannel ? 'pc' : 0, bias: 'rand',
            requantize: p.rq ? RQ : undefined, seed: p.seed,
          });
        },
      ),
      { seed: 20261126, numRuns: 100 },
    );
  });
});

describe('conv2d: bad inputs', () => {
  it('each throws a typed error before Wasm memory changes, then a valid call is still exact', () => {
    const e = engines[1];
    const x = { data: new Int8Array(1 * 5 * 5 * 3), shape: [1, 5, 5, 3] };
    const w = { data: new Int8Array(4 * 3 * 3 * 3), shape: [4, 3, 3, 3] };
    const xt = e.tensor('uint8', [1, 3, 3, 1]);
    const before = e.heap.memoryBytes;
    const live = e.heap.liveCount;
    const bad: [() => unknown, new (...a: never[]) => Error, RegExp][] = [
      [() => conv2d(e, { data: new Int8Array(75), shape: [5, 5, 3] }, w), ShapeError, /x must be rank 4/],
      [() => conv2d(e, x, { data: new Int8Array(108), shape: [4, 27] }), ShapeError, /w must be rank 4/],
      [() => conv2d(e, x, { data: new Int8Array(4 * 9 * 4), shape: [4, 3, 3, 4] }), ShapeError, /depth of input \(3\) must match input depth for filter 4/],
      [() => conv2d(e, x, w, { groups: 2 }), ShapeError, /3 input channels cannot be split into groups = 2/],
      [() => conv2d(e, { data: new Int8Array(100), shape: [1, 5, 5, 4] }, { data: new Int8Array(3 * 9 * 2), shape: [3, 3, 3, 2] }, { groups: 2 }), ShapeError, /3 filters/],
      [() => conv2d(e, x, { data: new Int8Array(4 * 49 * 3), shape: [4, 7, 7, 3] }), ShapeError, /7x7 filter is larger than the padded input 5x5/],
      [() => conv2d(e, x, w, { dilations: 3 }), ShapeError, /dilated to 7x7/],
      [() => conv2d(e, { data: new Int8Array(0), shape: [1, 0, 5, 3] }, w), ShapeError, /dimension 1 = 0/],
      [() => conv2d(e, { data: new Int8Array(75), shape: [1, 5, 5, 2.5] }, w), ShapeError, /positive integer/],
      [() => conv2d(e, x, w, { strides: 0 }), ValueError, /strides = 0/],
      [() => conv2d(e, x, w, { strides: [1, 1.5] as never }), ValueError, /strides/],
      [() => conv2d(e, x, w, { dilations: [0, 1] }), ValueError, /dilations/],
      [() => conv2d(e, x, w, { pads: [1, -1, 0, 0] }), ValueError, /pads = \[1, -1, 0, 0\]/],
      [() => conv2d(e, x, w, { pads: 'same' as never }), ValueError, /auto_pad/],
      [() => conv2d(e, x, w, { groups: 0 }), ValueError, /groups = 0/],
      [() => conv2d(e, x, w, { layout: 'NWHC' as never }), ValueError, /layout/],
      [() => conv2d(e, x, w, { weightLayout: 'HWIO' as never }), ValueError, /weightLayout/],
      [() => conv2d(e, x, w, { algorithm: 'winograd' as never }), ValueError, /algorithm/],
      [() => conv2d(e, x, { data: new Int16Array(108) as never, shape: [4, 3, 3, 3] }), ValueError, /w.data is int16; expected Int8Array or Uint8Array/],
      [() => conv2d(e, x, { data: new Uint8Array(108), shape: [4, 3, 3, 3] }, { wZeroPoint: 300 }), QuantError, /wZeroPoint = 300 is outside the uint8 range \[0, 255\]/],
      [() => conv2d(e, x, { data: new Uint8Array(108), shape: [4, 3, 3, 3] }, { wZeroPoint: [0, 255, 256, 1] }), QuantError, /wZeroPoint\[2\] = 256 is outside the uint8 range/],
      [() => conv2d(e, x, w, { wZeroPoint: 200 }), QuantError, /wZeroPoint = 200 is outside the int8 range \[-128, 127\]/],
      [() => conv2d(e, { data: new Float32Array(75) as never, shape: [1, 5, 5, 3] }, w), ValueError, /x.data/],
      [() => conv2d(e, x, w, { xZeroPoint: 200 }), QuantError, /xZeroPoint = 200/],
      [() => conv2d(e, x, w, { wZeroPoint: [1, 2] }), ShapeError, /wZeroPoint has 2 values/],
      [() => conv2d(e, x, w, { bias: new Int32Array(3) }), ShapeError, /bias has 3 values/],
      [() => conv2d(e, x, w, { requantize: { ...RQ, yScale: 0 } }), QuantError, /yScale/],
      [() => conv2d(e, x, w, { requantize: RQ, out: e.tensor('int32', [1, 3, 3, 4]) as never }), ShapeError, /options.out is int32/],
      [() => conv2d(e, { data: new Int8Array(3), shape: [1, 1, 1, 3] }, w, { pads: 30000 }), MemoryError, /needs 57,5\d\d,\d\d\d,\d\d\d bytes of Wasm memory/],
    ];
    for (const [f, cls, msg] of bad) {
      let err: unknown;
      try {
        f();
      } catch (ex) {
        err = ex;
      }
      expect(err, String(f)).toBeInstanceOf(cls);
      expect((err as Error).message).toMatch(msg);
      expect((err as Error).message).toMatch(/^conv2d: .*Fix: /s);
    }
    expect(() => conv2d(e, xt, { data: new Int8Array(1), shape: [1, 1, 1, 1] }, { requantize: RQ, out: xt as never })).toThrow(/cannot run in place/);
    expect(e.heap.liveCount).toBe(live + 1); // only the out tensor made above
    expect(e.heap.memoryBytes).toBe(before);
    xt.dispose();
    check({ H: 5, W: 5, C: 3, M: 4, R: 3, S: 3, opts: { pads: 1 }, xzp: 1, wzp: 'pc', bias: 'rand', requantize: RQ, seed: 21 });
  });

  it('a capped engine reports MemoryError and stays usable', async () => {
    const e = await init({ isa: 'simd', maxMemoryBytes: 4 * 1024 * 1024 });
    const x = { data: new Uint8Array(64 * 64 * 1024), shape: [1, 64, 64, 1024] };
    const w = { data: new Int8Array(8 * 1024), shape: [8, 1, 1, 1024] };
    expect(() => conv2d(e, x, w)).toThrow(MemoryError);
    expect(e.heap.liveCount).toBe(0);
    const y = conv2d(e, { data: new Uint8Array([1, 2, 3, 4]), shape: [1, 2, 2, 1] }, { data: new Int8Array([2]), shape: [1, 1, 1, 1] }, { xZeroPoint: 1 });
    expect(Array.from(y.data)).toEqual([0, 2, 4, 6]);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { ARCH_PRESETS, UnsupportedError, ValueError, conv2d, conv2dZeroSkip, dense, type Engine } from '../../src/index.js';
import { conv2dRef, qgemmRef } from '../../src/reference/index.js';
import { conv2dInfo } from '../../src/descriptors/conv.js';
import { allEngines, expectAllAgree, fillInts, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

/** int8 activations with about `zeros` of them at the zero point. */
function sparseX(n: number, zeros: number, zp: number, seed: number): Int8Array {
  const r = rng(seed);
  const x = fillInts(new Int8Array(n), -128, 127, r);
  for (let i = 0; i < n; i++) if (r() < zeros) x[i] = zp;
  return x;
}

describe('conv2d / dense with accelerator: output plus reports from the kernel pass', () => {
  const xShape = [1, 9, 11, 6];
  const wShape = [12, 3, 3, 6];
  const w = fillInts(new Int8Array(12 * 54), -100, 100, rng(3));
  const params = { pads: 1, xZeroPoint: -5 } as const;
  const info = conv2dInfo(xShape, wShape, params);

  it('y is bit-exact on every build, counts equal conv2dZeroSkip, ZASCAS <= ZASCAD, other targets follow', () => {
    const x = sparseX(9 * 11 * 6, 0.6, -5, 1);
    const ref = conv2dRef(x, w, info, { xZeroPoint: -5 });
    const ys: Record<string, ArrayLike<number>> = {};
    for (const e of engines) {
      const r = conv2d(e, { data: x, shape: xShape }, { data: w, shape: wShape }, { ...params, accelerator: ['zasca', 'eyeriss-rs', 'scale'], layerName: 'c1' });
      ys[e.isa] = r.y.toArray();
      const zs = conv2dZeroSkip(e, { data: x, shape: xShape }, { data: w, shape: wShape }, params);
      expect(Array.from(r.report.activity.rowNnz)).toEqual(Array.from(zs.counts!.rowNnz));
      expect(r.report.activity.macsExecuted).toBe(zs.feie.zeroSkip!.macs);
      const df = r.report.reports.map((x) => x.arch.dataflow);
      expect(df).toEqual(['zascad', 'zascas', 'rs', 'os']);
      const [d, s] = r.report.reports;
      expect(s.cycles.total).toBeLessThanOrEqual(d.cycles.total);
      expect(s.macs.executed + s.macs.gated).toBe(zs.counts!.macs.executed);
      expect(s.macs.skipped).toBe(zs.counts!.macs.skipped);
      expect(d.densities.source).toBe('measured');
      expect(r.report.layer.name).toBe('c1');
      expect(r.report.comparison[1].speedupVsDense).toBeGreaterThan(1);
      let zeros = 0;
      for (const v of x) if (v === -5) zeros++;
      expect(r.report.inputZeroFraction).toBeCloseTo(zeros / x.length, 12);
      r.y.dispose();
      zs.y.dispose();
    }
    expectAllAgree('conv2d with accelerator', ref, ys);
  });

  it('with all-non-zero data ZASCAS = ZASCAD (no padding)', () => {
    const x = fillInts(new Int8Array(9 * 11 * 6), 1, 127, rng(8));
    const r = conv2d(engines[1], { data: x, shape: xShape }, { data: w, shape: wShape }, { accelerator: 'zasca' });
    const [d, s] = r.report.reports;
    expect(s.cycles.total).toBe(d.cycles.total);
    expect(s.macs.executed).toBe(d.macs.executed);
    r.y.dispose();
  });

  it('dense with accelerator equals dense, FC modelled as a 1x1 conv', () => {
    const x = sparseX(3 * 40, 0.5, 0, 5);
    const wd = fillInts(new Int8Array(10 * 40), -128, 127, rng(6));
    const ref = qgemmRef(x, 0, wd, 0, undefined, 3, 10, 40);
    const ys: Record<string, ArrayLike<number>> = {};
    for (const e of engines) {
      const r = dense(e, { data: x, shape: [3, 40] }, { data: wd, shape: [10, 40] }, { accelerator: ['zasca', 'eyeriss'] });
      expect(r.y.shape).toEqual([3, 10]);
      ys[e.isa] = r.y.toArray();
      expect(r.report.layer.C).toBe(40);
      expect(r.report.reports[1].cycles.total).toBeLessThanOrEqual(r.report.reports[0].cycles.total);
      r.y.dispose();
    }
    expectAllAgree('dense with accelerator', ref, ys);
  });

  it('dense with layout kn, a tensor input and out: same y as plain dense, no leaked allocation', () => {
    const e = engines[2];
    const x = sparseX(2 * 24, 0.5, 3, 9);
    const wk = fillInts(new Int8Array(24 * 7), -128, 127, rng(10)); // [K, N]
    const p = { xZeroPoint: 3, requantize: { xScale: 0.1, wScale: 0.01, yScale: 0.2, outputDtype: 'int8' as const } };
    const plain = dense(e, { data: x, shape: [2, 24] }, { data: wk, shape: [24, 7] }, { ...p, layout: 'kn' });
    const live = e.heap.liveCount;
    const xt = e.tensor('int8', [2, 24], x);
    const out = e.tensor('int8', [2, 7]);
    const r = dense(e, xt, { data: wk, shape: [24, 7] }, { ...p, layout: 'kn', out, accelerator: 'zasca' });
    expect(r.y).toBe(out);
    expect(Array.from(out.data)).toEqual(Array.from(plain.toArray()));
    xt.dispose();
    out.dispose();
    plain.dispose();
    expect(e.heap.liveCount).toBe(live - 1);
  });

  it('conv2d with accelerator leaks nothing', () => {
    const e = engines[0];
    const live = e.heap.liveCount;
    const r = conv2d(e, { data: sparseX(9 * 11 * 6, 0.5, 0, 2), shape: xShape }, { data: w, shape: wShape }, { pads: 1, accelerator: 'zasca' });
    r.y.dispose();
    expect(e.heap.liveCount).toBe(live);
  });

  it('refuses unknown presets (with a suggestion), packed-only combinations and algorithm', () => {
    const e = engines[0];
    const x = { data: new Int8Array(9 * 11 * 6), shape: xShape };
    const wt = { data: w, shape: wShape };
    const live = e.heap.liveCount;
    expect(() => conv2d(e, x, wt, { accelerator: 'zasa' as never })).toThrow(/did you mean "zasca"/);
    expect(() => conv2d(e, x, wt, { accelerator: [] })).toThrow(ValueError);
    expect(() => conv2d(e, x, wt, { accelerator: 'zasca', algorithm: 'im2col' })).toThrow(UnsupportedError);
    expect(() => conv2d(e, x, wt, { accelerator: { ...ARCH_PRESETS.zasca, array: { rows: 0, cols: 3 } } })).toThrow(ValueError);
    expect(e.heap.liveCount).toBe(live);
  });
});

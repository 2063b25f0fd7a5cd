// FEIE as simulate() dataflows (zascad / zascas): the seed's 16 / 10 cycles through simulate, counts
// taken from feieLayer (not re-derived), exact activity from data, the kernel pass or densities.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ARCH_PRESETS, conv2dZeroSkip, convLayer, feieActivityOf, feieLayer, feieMapping, simulate, SchemaError, UnsupportedError, type ArchSpec, type Engine,
} from '../../src/api.js';
import { feieCountsRef } from '../../src/reference/index.js';
import { allEngines, rng } from '../helpers/engines.js';

const zasca = ARCH_PRESETS.zasca;
const dense: ArchSpec = { ...zasca, dataflow: 'zascad' };
const seedLayer = convLayer('seed', [1, 2, 8, 1], [1, 1, 3, 1]);
const XZ = [1, 2, 3, 4, 5, 0, 0, 0, 0, 0, 0, 12, 13, 14, 15, 16]; // X6..X11 = 0

function sparse(n: number, density: number, seed: number): Int8Array {
  const r = rng(seed);
  const x = new Int8Array(n);
  for (let i = 0; i < n; i++) x[i] = r() < density ? 1 + Math.floor(r() * 100) : 0;
  return x;
}

describe("the seed's example through simulate()", () => {
  it('ZASCAD 16 cycles, ZASCAS 10 cycles with X6..X11 = 0', () => {
    const d = simulate(seedLayer, dense, { input: XZ });
    const s = simulate(seedLayer, zasca, { input: XZ });
    expect(d.cycles.total).toBe(16);
    expect(s.cycles.total).toBe(10);
    expect(s.densities).toEqual({ input: 10 / 16, weight: 1, source: 'measured' });
    // X1..X5 meet 1+2+3+3+3 outputs, X12..X16 meet 3+3+3+2+1: 24 of the 36 MACs are done.
    expect(s.macs).toEqual({ total: 36, executed: 24, gated: 0, skipped: 12 });
    expect(d.macs.skipped).toBe(0);
    expect(s.mapping.pesPerFilter).toBe(3);
    expect(d.dataflow.title).toContain('our generalisation');
    expect(d.dataflow.assumptions.join(' ')).toContain('not the paper');
  });
  it('the activity counted by the kernel pass (conv2dZeroSkip) gives the same report as the input', async () => {
    const [mf]: Engine[] = await allEngines();
    const x = { data: Int8Array.from(XZ), shape: [1, 2, 8, 1], dtype: 'int8' as const };
    const w = { data: Int8Array.from([1, 2, 3]), shape: [1, 1, 3, 1], dtype: 'int8' as const };
    const r = conv2dZeroSkip(mf, x, w);
    const viaKernel = simulate(seedLayer, zasca, { activity: { rowNnz: r.counts!.rowNnz, macsExecuted: r.feie.zeroSkip!.macs } });
    expect(viaKernel).toEqual(simulate(seedLayer, zasca, { input: XZ }));
    expect(viaKernel.cycles.total).toBe(r.feie.zeroSkip!.cycles);
  });
});

describe('counts come from feieLayer', () => {
  const layers = [
    convLayer('a', [1, 14, 14, 16], [40, 3, 3, 16], { pads: 1 }),
    convLayer('b', [2, 13, 11, 8], [12, 5, 5, 4], { strides: [2, 1], pads: [2, 1, 0, 2], groups: 2 }),
    convLayer('c', [1, 9, 9, 6], [6, 3, 3, 1], { groups: 6, dilations: 2, pads: 2 }),
    convLayer('d', [1, 27, 27, 3], [9, 11, 11, 3], { strides: 4 }),
  ];
  it('cycles, MACs and buffer traffic equal feieLayer on the logical tiles', () => {
    for (const [i, l] of layers.entries()) {
      const x = sparse(l.N * l.H * l.W * l.C, 0.45, 7 + i);
      const { tiles } = feieMapping(l, zasca);
      const act = feieActivityOf(l, x);
      const ref = feieLayer(l, { tiles }, act);
      const d = simulate(l, dense, { input: x });
      const s = simulate(l, zasca, { input: x });
      expect(d.cycles.total, l.name).toBe(ref.dense.cycles);
      expect(s.cycles.total, l.name).toBe(ref.zeroSkip!.cycles);
      expect(s.macs.executed + s.macs.gated, l.name).toBe(ref.zeroSkip!.macs);
      expect(s.accesses.globalBuffer.byOperand.reads.ifmap, l.name).toBe(ref.zeroSkip!.inputReads);
      expect(s.accesses.globalBuffer.byOperand.reads.filter, l.name).toBe(ref.zeroSkip!.weightReads);
      expect(d.accesses.globalBuffer.byOperand.reads.filter, l.name).toBe(ref.dense.weightReads);
      // zero skipping never costs more; off-chip traffic is unchanged by it
      expect(s.cycles.total).toBeLessThanOrEqual(d.cycles.total);
      expect(s.energy.total).toBeLessThanOrEqual(d.energy.total);
      expect(s.accesses.dram).toEqual(d.accesses.dram);
      expect(s.utilization.overall).toBeLessThanOrEqual(1);
    }
  });
  it('feieActivityOf equals the plain reference count (NHWC and NCHW)', () => {
    for (const [i, l] of layers.entries()) {
      const x = sparse(l.N * l.H * l.W * l.C, 0.3, 70 + i);
      const ref = feieCountsRef(x, l, 0);
      expect(feieActivityOf(l, x)).toEqual({ rowNnz: ref.rowNnz, macsExecuted: ref.macsNonZero });
      const { N, H, W, C } = l;
      const nchw = new Int8Array(x.length);
      for (let n = 0; n < N; n++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) for (let c = 0; c < C; c++) nchw[((n * C + c) * H + h) * W + w] = x[((n * H + h) * W + w) * C + c];
      expect(feieActivityOf({ ...l, layout: 'NCHW' }, nchw)).toEqual(feieActivityOf(l, x));
    }
  });
  it('all-non-zero data: zero skipping equals dense (no padding)', () => {
    const l = convLayer('full', [1, 10, 12, 5], [7, 3, 3, 5], { strides: [1, 2] });
    const x = new Int8Array(l.N * l.H * l.W * l.C).fill(3);
    const d = simulate(l, dense, { input: x });
    const s = simulate(l, zasca, { input: x });
    for (const k of ['cycles', 'macs', 'accesses', 'energy', 'peCycles', 'utilization'] as const) expect(s[k], k).toEqual(d[k]);
  });
  it('without data, densities are assumed (ceil(density x W) non-zeros per row) and say so', () => {
    const l = layers[0];
    const none = simulate(l, zasca);
    expect(none.densities.source).toBe('default');
    expect(none.cycles.total).toBeLessThan(simulate(l, dense).cycles.total); // padding skipped
    const half = simulate(l, zasca, { inputDensity: 0.5 });
    expect(half.densities).toEqual({ input: 0.5, weight: 1, source: 'assumed' });
    const { tiles } = feieMapping(l, zasca);
    expect(half.cycles.total).toBe(Math.ceil(l.M / tiles) * l.E * l.R * l.C * Math.ceil(0.5 * l.W) - Math.ceil(l.M / tiles) * 2 * l.C * Math.ceil(0.5 * l.W));
  });
  it('gating: ZASCAD gates zero-input MACs (cycle kept), ZASCAS skips them', () => {
    const l = layers[0];
    const x = sparse(l.N * l.H * l.W * l.C, 0.4, 3);
    const g = simulate(l, { ...dense, gating: true }, { input: x });
    const act = feieActivityOf(l, x);
    expect(g.macs.gated).toBe(l.macs - act.macsExecuted);
    expect(g.cycles.total).toBe(simulate(l, dense, { input: x }).cycles.total);
  });
  it('logical tiles: 3-PE filters pair up in 6-PE tiles, bigger ones span tiles, too big is refused', () => {
    expect(feieMapping(layers[0], zasca)).toEqual({ tiles: 32, pes: 3 });
    expect(feieMapping(convLayer('k5', [1, 9, 9, 1], [1, 5, 5, 1]), zasca)).toEqual({ tiles: 16, pes: 5 });
    expect(feieMapping(convLayer('k9', [1, 9, 9, 1], [1, 9, 9, 1]), zasca)).toEqual({ tiles: 8, pes: 9 });
    expect(() => simulate(convLayer('k', [1, 1, 40, 1], [1, 1, 40, 1]), { ...zasca, array: { rows: 2, cols: 6 } })).toThrow(UnsupportedError);
  });
  it('bad activity is refused with its path', () => {
    expect(() => simulate(seedLayer, zasca, { activity: { rowNnz: new Int32Array(3), macsExecuted: 1 } })).toThrow(SchemaError);
    expect(() => simulate(seedLayer, zasca, { activity: { rowNnz: new Int32Array(2), macsExecuted: 99 } })).toThrow(/macsExecuted/);
  });
});

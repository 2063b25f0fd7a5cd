import { beforeAll, describe, expect, it } from 'vitest';
import { ValueError, conv2dInfo, conv2dZeroSkip, feieLayer, feieSchedule, type Engine } from '../../src/index.js';
import { conv2dRef, feieCountsRef } from '../../src/reference/index.js';
import { allEngines, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

// The seed's tables ("FEIE" and "Skipping Noncontributory Computations in FEIE"), transcribed cell
// by cell: [clock cycle, input, then one cell per partial-sum column of the table's header].
const DENSE_HEADER = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const DENSE_TABLE: string[][] = [
  ['CC #1', 'X1', 'W1', '', '', '', '', '', '', '', '', '', '', ''],
  ['CC #2', 'X2', 'W2', 'W1', '', '', '', '', '', '', '', '', '', ''],
  ['CC #3', 'X3', 'W3', 'W2', 'W1', '', '', '', '', '', '', '', '', ''],
  ['CC #4', 'X4', '', 'W3', 'W2', 'W1', '', '', '', '', '', '', '', ''],
  ['CC #5', 'X5', '', '', 'W3', 'W2', 'W1', '', '', '', '', '', '', ''],
  ['CC #6', 'X6', '', '', '', 'W3', 'W2', 'W1', '', '', '', '', '', ''],
  ['CC #7', 'X7', '', '', '', '', 'W3', 'W2', '', '', '', '', '', ''],
  ['CC #8', 'X8', '', '', '', '', '', 'W3', '', '', '', '', '', ''],
  ['CC #9', 'X9', '', '', '', '', '', '', 'W1', '', '', '', '', ''],
  ['CC #10', 'X10', '', '', '', '', '', '', 'W2', 'W1', '', '', '', ''],
  ['CC #11', 'X11', '', '', '', '', '', '', 'W3', 'W2', 'W1', '', '', ''],
  ['CC #12', 'X12', '', '', '', '', '', '', '', 'W3', 'W2', 'W1', '', ''],
  ['CC #13', 'X13', '', '', '', '', '', '', '', '', 'W3', 'W2', 'W1', ''],
  ['CC #14', 'X14', '', '', '', '', '', '', '', '', '', 'W3', 'W2', 'W1'],
  ['CC #15', 'X15', '', '', '', '', '', '', '', '', '', '', 'W3', 'W2'],
  ['CC #16', 'X16', '', '', '', '', '', '', '', '', '', '', '', 'W3'],
];
// The zero-skip slide's header drops the columns of psums 6 and 7 (they receive nothing).
const SKIP_HEADER = [1, 2, 3, 4, 5, 8, 9, 10, 11, 12];
const SKIP_TABLE: string[][] = [
  ['CC #1', 'X1', 'W1', '', '', '', '', '', '', '', '', ''],
  ['CC #2', 'X2', 'W2', 'W1', '', '', '', '', '', '', '', ''],
  ['CC #3', 'X3', 'W3', 'W2', 'W1', '', '', '', '', '', '', ''],
  ['CC #4', 'X4', '', 'W3', 'W2', 'W1', '', '', '', '', '', ''],
  ['CC #5', 'X5', '', '', 'W3', 'W2', 'W1', '', '', '', '', ''],
  ['CC #6', 'X12', '', '', '', '', '', 'W3', 'W2', 'W1', '', ''],
  ['CC #7', 'X13', '', '', '', '', '', '', 'W3', 'W2', 'W1', ''],
  ['CC #8', 'X14', '', '', '', '', '', '', '', 'W3', 'W2', 'W1'],
  ['CC #9', 'X15', '', '', '', '', '', '', '', '', 'W3', 'W2'],
  ['CC #10', 'X16', '', '', '', '', '', '', '', '', '', 'W3'],
];
// The slides' "ready" row grows by one partial sum per cycle from CC #3 on (dense).
const DENSE_READY: Record<number, number[]> = { 3: [1], 4: [2], 5: [3], 6: [4], 7: [5], 8: [6], 11: [7], 12: [8], 13: [9], 14: [10], 15: [11], 16: [12] };

/** Renders a schedule as the seed's table rows over the given psum columns. */
function render(s: ReturnType<typeof feieSchedule>, header: number[]): string[][] {
  return s.cycles.map((c) => {
    const cells = header.map((p) => {
      const m = c.macs.find((a) => a.psum === p);
      return m ? `W${m.weight}` : '';
    });
    return [`CC #${c.cycle}`, `X${c.input.index}`, ...cells];
  });
}

const X = [[1, 2, 3, 4, 5, 6, 7, 8], [9, 10, 11, 12, 13, 14, 15, 16]];
const XZ = [[1, 2, 3, 4, 5, 0, 0, 0], [0, 0, 0, 12, 13, 14, 15, 16]]; // X6..X11 = 0

describe("the seed's FEIE example", () => {
  it('dense schedule: the table cell by cell, 3 PEs, 16 cycles, psums ready from CC #3', () => {
    const s = feieSchedule(X, { S: 3 });
    expect(s.pes).toBe(3);
    expect([s.E, s.F]).toEqual([2, 6]);
    expect(s.cycles.length).toBe(16);
    expect(render(s, DENSE_HEADER)).toEqual(DENSE_TABLE);
    for (const c of s.cycles) {
      // no cycle touches a psum outside the table's columns, and every cell is accounted for
      expect(c.macs.every((m) => DENSE_HEADER.includes(m.psum))).toBe(true);
      expect(c.ready).toEqual(DENSE_READY[c.cycle] ?? []);
      // each PE holds one psum at a time: PE = psum column mod 3
      for (const m of c.macs) expect(m.pe).toBe(((m.psum - 1) % 6) % 3 + 1);
    }
    expect(s.psums.map((p) => p.readyAt)).toEqual([3, 4, 5, 6, 7, 8, 11, 12, 13, 14, 15, 16]);
  });

  it('zero-skip schedule with X6..X11 = 0: the table cell by cell, 10 cycles', () => {
    const s = feieSchedule(XZ, { S: 3, skipZeros: true });
    expect(s.cycles.length).toBe(10);
    expect(render(s, SKIP_HEADER)).toEqual(SKIP_TABLE);
    // psums 6 and 7 receive nothing (the slide drops their columns)
    expect(s.cycles.every((c) => c.macs.every((m) => m.psum !== 6 && m.psum !== 7))).toBe(true);
    expect(s.psums.map((p) => p.readyAt)).toEqual([3, 4, 5, 5, 5, null, null, 6, 7, 8, 9, 10]);
    // dense order on the same data still takes 16 cycles
    expect(feieSchedule(XZ, { S: 3 }).cycles.length).toBe(16);
  });

  it('layer model: 16 and 10 cycles, utilisation 36/48 and 24/30', () => {
    const info = conv2dInfo([1, 2, 8, 1], [1, 1, 3, 1]);
    const dense = feieLayer(info, { tiles: 1 });
    expect(dense.pesPerTile).toBe(3);
    expect(dense.dense.cycles).toBe(16);
    expect(dense.dense.utilisation).toBe(36 / 48);
    const zs = feieLayer(info, { tiles: 1 }, { rowNnz: Int32Array.from([5, 5]), macsExecuted: 24 });
    expect(zs.zeroSkip!.cycles).toBe(10);
    expect(zs.zeroSkip!.utilisation).toBe(24 / 30);
  });

  it('the op on the seed data: output, counts and FEIE cycles on every build', () => {
    const x = Int8Array.from(XZ.flat());
    const w = Int8Array.from([2, -3, 5]);
    const info = conv2dInfo([1, 2, 8, 1], [1, 1, 3, 1]);
    const ref = conv2dRef(x, w, info);
    for (const e of engines) {
      const r = conv2dZeroSkip(e, { data: x, shape: [1, 2, 8, 1] }, { data: w, shape: [1, 1, 3, 1] }, { feieTiles: 1 });
      expect(Array.from(r.y.toArray())).toEqual(Array.from(ref));
      expect(r.feie.dense.cycles).toBe(16);
      expect(r.feie.zeroSkip!.cycles).toBe(10);
      expect(r.counts!.inputs).toEqual({ total: 16, streamed: 10, skipped: 6 });
      expect(r.counts!.macs).toEqual({ dense: 36, executed: 24, skipped: 12, padding: 0 });
      r.y.dispose();
    }
  });
});

describe('feieLayer', () => {
  it('3x3, stride 1, pad 1: dense utilisation F / (F + 2)', () => {
    for (const F of [7, 14, 56]) {
      const info = conv2dInfo([1, F, F, 64], [64, 3, 3, 64], { pads: 1 });
      const r = feieLayer(info, { tiles: 16 });
      expect(r.pesPerTile).toBe(3);
      expect(r.dense.utilisation).toBeCloseTo(F / (F + 2), 12);
    }
    expect(feieLayer(conv2dInfo([1, 56, 56, 128], [256, 3, 3, 128], { pads: 1 })).dense.utilisation).toBeCloseTo(0.9655, 4);
  });

  it('P = ceil(effective width / stride); dense cycles formula with groups and batches', () => {
    const info = conv2dInfo([2, 9, 11, 12], [30, 3, 5, 4], { strides: [2, 2], dilations: [1, 2], pads: [1, 2, 0, 1], groups: 3 });
    const r = feieLayer(info, { tiles: 4 });
    expect(r.pesPerTile).toBe(Math.ceil(9 / 2));
    expect(r.paddedWidth).toBe(11 + 2 + 1);
    expect(r.dense.cycles).toBe(2 * 3 * Math.ceil(10 / 4) * info.E * 3 * 4 * 14);
    expect(r.dense.utilisation).toBeLessThanOrEqual(1);
  });

  it('schedules and the layer model agree on cycles and MACs (random single-channel layers)', () => {
    const rand = rng(5);
    for (let t = 0; t < 20; t++) {
      const H = 2 + Math.floor(rand() * 6);
      const W = 3 + Math.floor(rand() * 8);
      const R = 1 + Math.floor(rand() * Math.min(3, H));
      const S = 1 + Math.floor(rand() * Math.min(4, W));
      const U = 1 + Math.floor(rand() * 2);
      const rows = Array.from({ length: H }, () => Array.from({ length: W }, () => (rand() < 0.5 ? 0 : 1 + Math.floor(rand() * 9))));
      const x = Int8Array.from(rows.flat());
      const info = conv2dInfo([1, H, W, 1], [1, R, S, 1], { strides: U });
      const c = feieCountsRef(x, info, 0);
      const model = feieLayer(info, { tiles: 1 }, { rowNnz: c.rowNnz, macsExecuted: c.macsNonZero });
      const dense = feieSchedule(rows, { R, S, stride: U });
      const skip = feieSchedule(rows, { R, S, stride: U, skipZeros: true });
      expect(dense.pes).toBe(model.pesPerTile);
      expect(dense.cycles.length).toBe(model.dense.cycles);
      expect(skip.cycles.length).toBe(model.zeroSkip!.cycles);
      expect(dense.cycles.reduce((a, k) => a + k.macs.length, 0)).toBe(info.macs);
      expect(skip.cycles.reduce((a, k) => a + k.macs.length, 0)).toBe(c.macsNonZero);
      // at most P MACs per cycle, one per PE
      for (const k of dense.cycles) expect(new Set(k.macs.map((m) => m.pe)).size).toBe(k.macs.length);
    }
  });

  it('refuses bad arguments with a ValueError', () => {
    const info = conv2dInfo([1, 2, 8, 1], [1, 1, 3, 1]);
    expect(() => feieLayer(info, { tiles: 0 })).toThrow(ValueError);
    expect(() => feieLayer(info, {}, { rowNnz: new Int32Array(3), macsExecuted: 0 })).toThrow(ValueError);
    expect(() => feieSchedule([], { S: 3 })).toThrow(ValueError);
    expect(() => feieSchedule([[1, 2], [3]], { S: 1 })).toThrow(ValueError);
    expect(() => feieSchedule([[1, NaN]], { S: 1 })).toThrow(ValueError);
    expect(() => feieSchedule(X, { S: 9 })).toThrow(ValueError);
    expect(() => feieSchedule(X, { S: 0 })).toThrow(ValueError);
    expect(() => feieSchedule(Array.from({ length: 101 }, () => new Array(1000).fill(1)), { S: 3 })).toThrow(/dense cycles/);
  });
});

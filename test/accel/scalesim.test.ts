// SCALE-Sim I/O: topology CSVs (read in place from /work/shared/topologies), INI configs, reports.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  ARCH_PRESETS, TopologyError, bandwidthReportCsv, computeReportCsv, convLayer, parseScaleSimConfig, parseTopology, simulateNetwork, toTopologyCsv, UnsupportedError,
} from '../../src/api.js';

const TOPO = '/work/shared/topologies';
const HEADER = 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,';

function topoErr(text: string): TopologyError {
  try {
    parseTopology(text, { file: 'x.csv' });
  } catch (e) {
    expect(e).toBeInstanceOf(TopologyError);
    return e as TopologyError;
  }
  throw new Error('expected a TopologyError');
}

describe('parseTopology', () => {
  test('every shipped topology parses; GEMM form detected from the header', () => {
    for (const f of readdirSync(TOPO).filter((n) => n.endsWith('.csv'))) {
      const layers = parseTopology(readFileSync(join(TOPO, f), 'utf8'), { file: f });
      expect(layers.length, f).toBeGreaterThan(0);
    }
    const [g] = parseTopology(readFileSync(join(TOPO, 'test_mnk_input.csv'), 'utf8'));
    // Layer "Test 1": M = 128, N = 64, K = 256 -> 128 pixels, 64 filters, window 256.
    expect([g.name, g.E * g.F, g.M, g.K, g.macs]).toEqual(['Test 1', 128, 64, 256, 128 * 64 * 256]);
  });
  test('conv form: spaces, CRLF, blank lines, trailing commas; SCALE-Sim output size', () => {
    const t = `\r\n${HEADER}\r\n\r\n  Conv1 ,  224, 224, 7 ,7, 3, 64, 2,  \r\n\r\nFc, 1, 1, 1, 1, 4096, 1000, 1,\r\n`;
    const [c, fc] = parseTopology(t);
    // E = ceil((224 - 7 + 2) / 2) = 110 (SCALE-Sim's rule; floor would give 109).
    expect([c.name, c.E, c.F, c.M, c.K, c.strides]).toEqual(['Conv1', 110, 110, 64, 147, [2, 2]]);
    expect(fc.macs).toBe(4096 * 1000);
  });
  test('a 9th column is the width stride', () => {
    const [l] = parseTopology(`${HEADER}\nA, 10, 10, 3, 3, 2, 4, 1, 2,\n`);
    expect(l.strides).toEqual([1, 2]);
    // F = ceil((10 - 3 + 2) / 2) = 5 (SCALE-Sim's rule).
    expect([l.E, l.F]).toEqual([8, 5]);
  });
  test('DP in the name = depthwise: C groups of one channel, Num Filter filters each', () => {
    const [l] = parseTopology(`${HEADER}\nConv2_DP, 112, 112, 3, 3, 32, 1, 1,\n`);
    expect([l.groups, l.Cg, l.M, l.depthwise, l.K, l.macs]).toEqual([32, 1, 32, true, 9, 110 * 110 * 9 * 32]);
  });
  test('malformed rows: typed errors naming line and column', () => {
    let e = topoErr(`${HEADER}\nConv1, 224, 224, 7, 7, 3, 64, 2,\nConv2, 56, x6, 3, 3, 64, 64, 1,\n`);
    expect([e.line, e.column]).toEqual([3, 3]);
    expect(e.message).toContain('x.csv: line 3, column 3 (IFMAP Width) = "x6" must be a whole number >= 1.');
    e = topoErr(`${HEADER}\nConv1, 224, 224, 7, 7, 3,\n`);
    expect(e.line).toBe(2);
    expect(e.message).toContain('has 6 fields but the conv form needs 8 or 9');
    e = topoErr(`${HEADER}\nConv1, 5, 5, 7, 7, 3, 64, 2,\n`);
    expect([e.line, e.column]).toEqual([2, 4]);
    expect(e.message).toContain('Filter Height) = 7 is larger than IFMAP Height = 5');
    e = topoErr(`${HEADER}\n, 5, 5, 1, 1, 3, 64, 2,\n`);
    expect([e.line, e.column]).toEqual([2, 1]);
    e = topoErr(`${HEADER}\nA, 5, 5, 1, 1, 0, 64, 1,\n`);
    expect(e.column).toBe(6);
    e = topoErr('Layer, M, N, K,\nG, 4, 4,\n');
    expect(e.message).toContain('needs 4');
    expect(topoErr('  \n\n').line).toBe(1);
  });
  test('export and re-import: same geometry, same MACs, idempotent CSV', () => {
    for (const f of ['Resnet50.csv', 'mobilenet.csv', 'alexnet.csv', 'Googlenet.csv']) {
      const a = parseTopology(readFileSync(join(TOPO, f), 'utf8'));
      const csv = toTopologyCsv(a);
      const b = parseTopology(csv);
      expect(b.map((l) => [l.name, l.E, l.F, l.M, l.K, l.groups, l.macs])).toEqual(a.map((l) => [l.name, l.E, l.F, l.M, l.K, l.groups, l.macs]));
      expect(toTopologyCsv(b)).toBe(csv);
    }
  });
  test('export folds padding in, marks depthwise layers DP, splits other groups, refuses batch and dilation', () => {
    const pad = convLayer('c', [1, 56, 56, 64], [64, 3, 3, 64], { pads: 1 });
    const dw = convLayer('dw', [1, 8, 8, 4], [8, 3, 3, 1], { groups: 4 });
    const grp = convLayer('g', [1, 8, 8, 4], [6, 1, 1, 2], { groups: 2 });
    expect(toTopologyCsv([pad, dw, grp]).split('\n').slice(1)).toEqual([
      'c, 58, 58, 3, 3, 64, 64, 1,',
      'dw_DP, 8, 8, 3, 3, 4, 2, 1,',
      'g_g0, 8, 8, 1, 1, 2, 3, 1,',
      'g_g1, 8, 8, 1, 1, 2, 3, 1,',
      '',
    ]);
    const back = parseTopology(toTopologyCsv([dw]))[0];
    expect([back.groups, back.M, back.macs]).toEqual([4, 8, dw.macs]);
    expect(() => toTopologyCsv([convLayer('b', [2, 8, 8, 1], [1, 1, 1, 1])])).toThrow(UnsupportedError);
    expect(() => toTopologyCsv([convLayer('d', [1, 8, 8, 1], [1, 3, 3, 1], { dilations: 2 })])).toThrow(UnsupportedError);
  });
});

describe('parseScaleSimConfig', () => {
  test('the three shipped configs equal the presets (except names and assumed clocks)', () => {
    for (const k of ['scale', 'eyeriss', 'google'] as const) {
      const a = parseScaleSimConfig(readFileSync(join(TOPO, 'configs', `${k}.cfg`), 'utf8'), { clockMHz: ARCH_PRESETS[k].clockMHz });
      expect({ ...a, name: '' }).toEqual({ ...ARCH_PRESETS[k], name: '' });
    }
  });
  test('errors name the key or line; dataflow typos get a suggestion', () => {
    expect(() => parseScaleSimConfig('[architecture_presets]\nArrayHeight: 4\nDataflow: os\n')).toThrow(/no ArrayWidth/);
    expect(() => parseScaleSimConfig('ArrayHeight: 4\n')).toThrow(/no Dataflow/);
    expect(() => parseScaleSimConfig('ArrayHeight: x\nArrayWidth: 4\nDataflow: ws\n')).toThrow(/line 1: ArrayHeight = "x" is not a number/);
    const cfg = 'ArrayHeight: 4\nArrayWidth: 4\nIfmapSramSzkB: 1\nFilterSramSzkB: 1\nOfmapSramSzkB: 1\nDataflow : wss\n';
    expect(() => parseScaleSimConfig(cfg)).toThrow(/did you mean "ws"/);
    expect(() => parseScaleSimConfig('what is this\n')).toThrow(TopologyError);
  });
});

test('COMPUTE_REPORT and BANDWIDTH report columns', () => {
  const layers = parseTopology(readFileSync(join(TOPO, 'test.csv'), 'utf8'));
  const r = simulateNetwork('test', layers, ARCH_PRESETS.scale);
  const c = computeReportCsv(r).split('\n');
  expect(c[0]).toBe('LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,');
  // Inc5b_3x3: 7x7x192, 3x3, 384 filters -> E = 5, pixels 25, window 1728; OS 32x32: rowFolds 1,
  // colFolds 12, per fold 32 + 32 + 1728 - 2 = 1790, total = 12 * 1790 - 1 = 21479.
  const cells = c[1].split(', ');
  expect(cells.slice(0, 3)).toEqual(['0', '21479', '0']);
  expect(Number(cells[3])).toBeCloseTo((25 * 1728 * 384 * 100) / (21479 * 1024), 10);
  expect(Number(cells[4])).toBeCloseTo((25 * 384 * 100) / (12 * 1024), 10);
  expect(c[1].endsWith(',')).toBe(true);
  const b = bandwidthReportCsv(r).split('\n');
  expect(b[0]).toBe('LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, Avg IFMAP DRAM BW, Avg FILTER DRAM BW, Avg OFMAP DRAM BW,');
  // Array-side ifmap SRAM reads = T * rows * colFolds = 1728 * 25 * 12 per 21479 cycles.
  expect(Number(b[1].split(', ')[1])).toBeCloseTo((1728 * 25 * 12) / 21479, 10);
  expect(computeReportCsv(r.layers)).toBe(computeReportCsv(r));
});

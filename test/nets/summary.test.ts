// The network summary against the seed's VGG-16 "Where is the cost?" table, row by row, and the
// parameter counts of the seed's pruning table.
import { describe, expect, test } from 'vitest';
import { TOPOLOGIES, formatSummary, networkSummary, shortCount, groupedCount, topologyLayers } from '../../src/api.js';

// The seed's table ("Where is the cost?", not counting biases), transcribed: label, shape, memory, params.
const SEED_VGG16: [string, string, string, string][] = [
  ['INPUT', '224x224x3', '224*224*3=150K', '0'],
  ['CONV3-64', '224x224x64', '224*224*64=3.2M', '(3*3*3)*64 = 1,728'],
  ['CONV3-64', '224x224x64', '224*224*64=3.2M', '(3*3*64)*64 = 36,864'],
  ['POOL2', '112x112x64', '112*112*64=800K', '0'],
  ['CONV3-128', '112x112x128', '112*112*128=1.6M', '(3*3*64)*128 = 73,728'],
  ['CONV3-128', '112x112x128', '112*112*128=1.6M', '(3*3*128)*128 = 147,456'],
  ['POOL2', '56x56x128', '56*56*128=400K', '0'],
  ['CONV3-256', '56x56x256', '56*56*256=800K', '(3*3*128)*256 = 294,912'],
  ['CONV3-256', '56x56x256', '56*56*256=800K', '(3*3*256)*256 = 589,824'],
  ['CONV3-256', '56x56x256', '56*56*256=800K', '(3*3*256)*256 = 589,824'],
  ['POOL2', '28x28x256', '28*28*256=200K', '0'],
  ['CONV3-512', '28x28x512', '28*28*512=400K', '(3*3*256)*512 = 1,179,648'],
  ['CONV3-512', '28x28x512', '28*28*512=400K', '(3*3*512)*512 = 2,359,296'],
  ['CONV3-512', '28x28x512', '28*28*512=400K', '(3*3*512)*512 = 2,359,296'],
  ['POOL2', '14x14x512', '14*14*512=100K', '0'],
  ['CONV3-512', '14x14x512', '14*14*512=100K', '(3*3*512)*512 = 2,359,296'],
  ['CONV3-512', '14x14x512', '14*14*512=100K', '(3*3*512)*512 = 2,359,296'],
  ['CONV3-512', '14x14x512', '14*14*512=100K', '(3*3*512)*512 = 2,359,296'],
  ['POOL2', '7x7x512', '7*7*512=25K', '0'],
  ['FC', '1x1x4096', '4096', '7*7*512*4096 = 102,760,448'],
  ['FC', '1x1x4096', '4096', '4096*4096 = 16,777,216'],
  ['FC', '1x1x1000', '1000', '4096*1000 = 4,096,000'],
];

describe('VGG-16: the seed\'s "Where is the cost?" table', () => {
  const s = networkSummary(TOPOLOGIES.vgg16);
  test('every row: label, shape, memory and parameters', () => {
    expect(s.rows.map((r) => [r.label, r.shape.join('x'), r.memoryExpr, r.paramsExpr])).toEqual(SEED_VGG16);
    // the numbers behind the expressions
    expect(s.rows[1]).toMatchObject({ memory: 224 * 224 * 64, params: 1728 });
    expect(s.rows[19]).toMatchObject({ memory: 4096, params: 102_760_448 });
  });
  test('totals: 138M parameters; memory is the sum of the rows (the seed\'s "24M ~= 93MB" is not)', () => {
    expect(s.totals.params).toBe(138_344_128);
    expect(shortCount(s.totals.params, 3)).toBe('138M');
    // The seed's rows add up to 15,237,608 values (~61 MB at 4 bytes); its TOTAL line says 24M / 93 MB.
    expect(s.totals.memory).toBe(15_237_608);
    expect(s.totals.memoryBytes).toBe(15_237_608 * 4);
    expect(s.totals.macs).toBe(topologyLayers(TOPOLOGIES.vgg16).reduce((a, l) => a + l.macs, 0));
    expect(s.totals.macs).toBe(15_470_264_320);
  });
  test('the text table uses the seed\'s notation', () => {
    const t = formatSummary(s);
    expect(t).toMatch(/CONV3-64: \[224x224x64\] +memory: 224\*224\*64=3\.2M +params: \(3\*3\*3\)\*64 = 1,728/);
    expect(t).toMatch(/FC: \[1x1x4096\] +memory: 4096 +params: 7\*7\*512\*4096 = 102,760,448/);
    expect(t).toContain('TOTAL params: 138M parameters');
    expect(t).toContain('TOTAL memory: 15M * 4 bytes ~= 61MB / image (only forward! ~*2 for bwd)');
  });
});

test('parameter counts of the seed\'s pruning table (Han et al.)', () => {
  const p = (k: keyof typeof TOPOLOGIES) => networkSummary(TOPOLOGIES[k]).totals.params;
  const biases = (k: keyof typeof TOPOLOGIES) => networkSummary(TOPOLOGIES[k]).rows.filter((r) => r.kind === 'conv' || r.kind === 'fc').reduce((s, r) => s + r.shape[2], 0);
  expect(p('lenet5')).toBe(430_500); // 431K
  expect(shortCount(p('lenet5') + biases('lenet5'), 3)).toBe('431K');
  expect(p('lenet300100')).toBe(266_200);
  expect(shortCount(p('lenet300100') + biases('lenet300100'), 3)).toBe('267K');
  expect(p('alexnet')).toBe(60_954_656);
  expect(shortCount(p('alexnet'))).toBe('61M');
});

test('every network: shapes chain, MACs match the accelerator workloads, residual adds are free', () => {
  const shapes: Record<string, [number, number, number]> = { lenet5: [1, 1, 10], alexnet: [1, 1, 1000], resnet18: [1, 1, 1000], resnet50: [1, 1, 1000], mobilenetv1: [1, 1, 1000], tinyyolo: [13, 13, 125] };
  for (const [k, topo] of Object.entries(TOPOLOGIES)) {
    const s = networkSummary(topo);
    expect(s.totals.macs, k).toBe(topologyLayers(topo).reduce((a, l) => a + l.macs, 0));
    expect(s.totals.memory).toBe(s.rows.reduce((a, r) => a + r.shape[0] * r.shape[1] * r.shape[2], 0));
    if (shapes[k]) expect(s.rows[s.rows.length - 1].shape, k).toEqual(shapes[k]);
    for (const r of s.rows.filter((x) => x.kind === 'add')) expect(r.params + r.macs).toBe(0);
  }
  expect(networkSummary(TOPOLOGIES.resnet18).totals.params).toBe(11_678_912);
  expect(networkSummary(TOPOLOGIES.resnet50).totals.params).toBe(25_502_912);
  expect(networkSummary(TOPOLOGIES.mobilenetv1).totals.params).toBe(4_209_088);
  expect(networkSummary(TOPOLOGIES.resnet50).rows.filter((r) => r.kind === 'add')).toHaveLength(16);
  expect(formatSummary(networkSummary(TOPOLOGIES.resnet18))).toContain('ADD: [56x56x64]');
});

test('number formats', () => {
  expect([150528, 3211264, 802816, 25088, 4096, 1000].map((n) => shortCount(n))).toEqual(['150K', '3.2M', '800K', '25K', '4096', '1000']);
  expect(groupedCount(102760448)).toBe('102,760,448');
});

test('a malformed topology names the layer', () => {
  const bad = { name: 'bad', source: 'test', input: [8, 8, 3] as const, layers: [{ name: 'a', kind: 'add' as const, inputs: ['x', 'y'] as const }] };
  expect(() => networkSummary(bad)).toThrow(/layer "a" of bad reads "x"/);
  const dup = { ...bad, layers: [{ name: 'f', kind: 'fc' as const, units: 2 }, { name: 'f', kind: 'fc' as const, units: 2 }] };
  expect(() => topologyLayers(dup)).toThrow(/appears twice/);
  expect(() => topologyLayers(TOPOLOGIES.lenet5, 0)).toThrow(/batch = 0/);
  expect(topologyLayers(TOPOLOGIES.lenet5, 4)[0].N).toBe(4);
});

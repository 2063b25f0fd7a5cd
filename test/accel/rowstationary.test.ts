// Eyeriss row stationary: the AlexNet PE-set mapping of Chen et al. (ISCA 2016 / JSSC 2017), a
// hand-derived small case, and invariants on every built-in network.
import { describe, expect, it } from 'vitest';
import { ARCH_PRESETS, RS_DEFAULT_PARAMS, TOPOLOGIES, convLayer, resolveArch, rsMapping, simulate, simulateNetwork, topologyLayers, SchemaError, UnsupportedError } from '../../src/api.js';

const rs = ARCH_PRESETS['eyeriss-rs'];

describe('AlexNet CONV1-5 on the 12 x 14 array (grouped, as published)', () => {
  const convs = topologyLayers(TOPOLOGIES.alexnet).slice(0, 5);
  it('maps to the paper\'s PE sets: 11x55 strip-mined to 11x7 (two sets), 5x27, 3x13 (four sets)', () => {
    const got = convs.map((l) => {
      const m = rsMapping(l, 12, 14);
      return { name: l.name, logical: m.logical, set: m.set, sets: m.sets, activePEs: m.activePEs };
    });
    expect(got).toEqual([
      { name: 'conv1', logical: [11, 55], set: [11, 7], sets: 2, activePEs: 154 },
      { name: 'conv2', logical: [5, 27], set: [5, 27], sets: 1, activePEs: 135 },
      { name: 'conv3', logical: [3, 13], set: [3, 13], sets: 4, activePEs: 156 },
      { name: 'conv4', logical: [3, 13], set: [3, 13], sets: 4, activePEs: 156 },
      { name: 'conv5', logical: [3, 13], set: [3, 13], sets: 4, activePEs: 156 },
    ]);
    expect(rsMapping(convs[0], 12, 14)).toMatchObject({ mode: 'strip', strips: 8 });
    expect(rsMapping(convs[1], 12, 14)).toMatchObject({ mode: 'fold', segments: 2 });
  });
  it('the reports carry the mapping and the active PEs it implies', () => {
    const n = simulateNetwork('alexnet', convs, rs);
    expect(n.layers.map((r) => r.mapping.activePEs)).toEqual([154, 135, 156, 156, 156]);
    expect(n.layers.map((r) => r.utilization.mappingEfficiency)).toEqual([154, 135, 156, 156, 156].map((a) => a / 168));
    // average active PEs over the five layers, weighted by cycles, is below the peak 168
    for (const r of n.layers) expect(r.utilization.overall).toBeLessThanOrEqual(r.utilization.mappingEfficiency + 1e-12);
  });
});

it('a hand-derived case: 5x5 input, 3x3 filter, one set of 3 x 3 PEs', () => {
  const r = simulate(convLayer('t', [1, 5, 5, 1], [1, 3, 3, 1]), rs);
  // set 3 x 3, replicated 4 x 4 = 16 times; one 2-D convolution: F x S = 3 x 3 = 9 cycles
  expect(r.mapping).toMatchObject({ setRows: 3, setCols: 3, sets: 16, activePEs: 144, units: 1, rounds: 1, cyclesPerRound: 9 });
  expect(r.cycles.total).toBe(9);
  const a = r.accesses;
  // filter: 3 rows x 3 read once, multicast to 3 columns (27 spad writes, 18 extra deliveries)
  expect(a.globalBuffer.byOperand.reads.filter).toBe(9);
  expect(a.registerFile.byOperand.writes.filter).toBe(27);
  expect(a.interPE.byOperand.reads.filter).toBe(18);
  // ifmap: 5 distinct rows of 5 pixels; 9 PEs load a 5-pixel row each (45), 20 shared diagonally
  expect(a.globalBuffer.byOperand.reads.ifmap).toBe(25);
  expect(a.registerFile.byOperand.writes.ifmap).toBe(45);
  expect(a.interPE.byOperand.reads.ifmap).toBe(20);
  // psums: 9 outputs, 2 vertical hops each, one write to the global buffer
  expect(a.interPE.byOperand.reads.ofmap).toBe(18);
  expect(a.globalBuffer.byOperand.writes.ofmap).toBe(9);
  expect(a.registerFile.byOperand.reads).toEqual({ ifmap: 81, filter: 81, ofmap: 81 });
  expect(a.dram.byOperand).toEqual({ reads: { ifmap: 25, filter: 9, ofmap: 0 }, writes: { ifmap: 0, filter: 0, ofmap: 9 } });
  expect(r.peCycles).toEqual({ busy: 81, edges: (168 - 144) * 9, folding: 0, idle: 15 * 9 * 9 });
});

it('params: spads are validated and defaulted; dilation is refused', () => {
  expect(resolveArch({ ...rs, params: {} }).params).toEqual({ ...RS_DEFAULT_PARAMS });
  expect(() => resolveArch({ ...rs, params: { filterSpad: 224 } })).toThrow(/did you mean "filterSpadWords"/);
  expect(() => resolveArch({ ...rs, params: { psumSpadWords: 0 } })).toThrow(SchemaError);
  expect(() => simulate(convLayer('d', [1, 9, 9, 1], [1, 3, 3, 1], { dilations: 2 }), rs)).toThrow(UnsupportedError);
  // a tall filter is split into row chunks whose psums add in the global buffer
  const tall = simulate(convLayer('tall', [1, 20, 20, 1], [1, 15, 3, 1]), rs);
  expect(tall.mapping).toMatchObject({ rowChunks: 2, setRows: 8 });
});

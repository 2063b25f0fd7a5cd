// Systolic WS/OS/IS against hand-derived tiny cases and SCALE-Sim v2's own golden report.
import { describe, expect, test } from 'vitest';
import { ARCH_PRESETS, convLayer, gemmLayer, parseTopology, simulate, type ArchInput } from '../../src/api.js';

/** A tiny R_a x C_a array with roomy SRAMs (everything fits: compulsory DRAM traffic only). */
function tiny(dataflow: string, rows = 2, cols = 2, extra: Partial<ArchInput> = {}): ArchInput {
  return { schemaVersion: 1, dataflow, array: { rows, cols }, sramKB: { ifmap: 64, filter: 64, ofmap: 64 }, ...extra };
}

// GEMM (M x K) x (K x N) with M = 4 pixels, N = 3 filters, K = 2: 24 MACs on a 2 x 2 array.
const G = gemmLayer('g', 4, 3, 2);

describe('hand-derived tiny cases (GEMM M=4, N=3, K=2 on 2x2)', () => {
  test('WS', () => {
    // rows = K = 2, cols = N = 3, T = M = 4. rowFolds = ceil(2/2) = 1, colFolds = ceil(3/2) = 2, folds = 2.
    // cycles per fold = 2*R_a + C_a + T - 2 = 4 + 2 + 4 - 2 = 8; total = 2 * 8 - 1 = 15.
    // overall = 24 / (15 * 4) = 0.4; mapping = (2*2 + 2*1) / (2 * 4) = 0.75;
    // compute util (SCALE-Sim denominator 8 + C_a - 1 = 9) = 24 / (2 * 4 * 9) = 1/3.
    const r = simulate(G, tiny('ws'));
    expect(r.cycles).toEqual({ total: 15, stall: 0, compute: 15 });
    expect(r.utilization.overall).toBeCloseTo(0.4, 12);
    expect(r.utilization.mappingEfficiency).toBeCloseTo(0.75, 12);
    expect(r.utilization.computeUtilization).toBeCloseTo(1 / 3, 12);
    expect(r.mapping).toMatchObject({ rows: 2, cols: 3, streamed: 4, rowFolds: 1, colFolds: 2, folds: 2, cyclesPerFold: 8 });
    // SRAM at the array edge: ifmap streamed T*rows per column fold = 4*2*2 = 16; weights once = 6;
    // outputs T*cols per row fold = 4*3*1 = 12, no read-back (one row fold).
    const gb = r.accesses.globalBuffer.byOperand;
    expect(gb.reads).toEqual({ ifmap: 16, filter: 6, ofmap: 12 }); // ofmap reads = 12 drained to DRAM
    // DRAM: ifmap M*K = 8, filters 6, ofmap 12 (all fit in half of 64 kB).
    expect(r.accesses.dram.byOperand).toEqual({ reads: { ifmap: 8, filter: 6, ofmap: 0 }, writes: { ifmap: 0, filter: 0, ofmap: 12 } });
    expect(gb.writes).toEqual({ ifmap: 8, filter: 6, ofmap: 12 });
    // Inter-PE: ifmap crosses the used columns: fold 1 (2 cols) 4 pixels x 2 rows x 1 hop = 8, fold 2 (1 col) 0;
    // psums go down 2 rows: 1 hop each, 4 x 3 = 12; weights shift into 2 rows: 1 hop per column, 3.
    expect(r.accesses.interPE.byOperand.reads).toEqual({ ifmap: 8, filter: 3, ofmap: 12 });
    // RF: one weight read per MAC, one write per weight loaded.
    expect(r.accesses.registerFile.byOperand.reads.filter).toBe(24);
    expect(r.accesses.registerFile.byOperand.writes.filter).toBe(6);
    // PE-cycles: 15 * 4 = 60 = 24 busy + 8 edges ((8 - 6) PEs x 4) + 28 fill/drain.
    expect(r.peCycles).toEqual({ busy: 24, edges: 8, folding: 28, idle: 0 });
  });

  test('OS', () => {
    // rows = M = 4 pixels, cols = N = 3, T = K = 2. rowFolds = 2, colFolds = 2, folds = 4.
    // cycles per fold = R_a + C_a + T - 2 = 2 + 2 + 2 - 2 = 4; total = 4 * 4 - 1 = 15.
    // mapping = 12 / (4 * 4) = 0.75; compute util = 24 / (4 * 4 * 4) = 0.375.
    const r = simulate(G, tiny('os'));
    expect(r.cycles.total).toBe(15);
    expect(r.utilization.overall).toBeCloseTo(24 / 60, 12);
    expect(r.utilization.mappingEfficiency).toBeCloseTo(0.75, 12);
    expect(r.utilization.computeUtilization).toBeCloseTo(0.375, 12);
    // ifmap from the left: T*rows per column fold = 2*4*2 = 16; weights from the top: T*cols per row fold = 2*3*2 = 12;
    // each output written once: 12.
    const gb = r.accesses.globalBuffer.byOperand;
    expect([gb.reads.ifmap, gb.reads.filter, gb.writes.ofmap]).toEqual([16, 12, 12]);
    expect(r.accesses.registerFile.byOperand.reads.ofmap).toBe(24);
  });

  test('IS', () => {
    // rows = K = 2, cols = M = 4 pixels, T = N = 3. rowFolds = 1, colFolds = 2, folds = 2.
    // cycles per fold = 2*2 + 2 + 3 - 2 = 7; total = 2 * 7 - 1 = 13. mapping = 8/8 = 1;
    // compute util = 24 / (2 * 4 * (7 + 1)) = 0.375.
    const r = simulate(G, tiny('is'));
    expect(r.cycles.total).toBe(13);
    expect(r.utilization.overall).toBeCloseTo(24 / 52, 12);
    expect(r.utilization.mappingEfficiency).toBe(1);
    expect(r.utilization.computeUtilization).toBeCloseTo(0.375, 12);
    // ifmap stationary: read once = 8; filters streamed T*rows per column fold = 3*2*2 = 12; outputs 3*4 = 12.
    const gb = r.accesses.globalBuffer.byOperand;
    expect([gb.reads.ifmap, gb.reads.filter, gb.writes.ofmap]).toEqual([8, 12, 12]);
  });

  test('row folds: partial sums read back on chip, spilled to DRAM when the ofmap SRAM is too small', () => {
    // WS, K = 5 on 2 rows: rowFolds = 3, colFolds = 2 (N = 3). T = 4.
    // ofmap SRAM writes = T * cols * rowFolds = 4*3*3 = 36; read-backs = T*cols*(rowFolds-1) = 24.
    const L = gemmLayer('k5', 4, 3, 5);
    const fits = simulate(L, tiny('ws'));
    expect(fits.accesses.globalBuffer.byOperand.reads.ofmap - fits.accesses.dram.byOperand.writes.ofmap).toBe(24);
    expect(fits.accesses.dram.byOperand.writes.ofmap).toBe(12);
    expect(fits.accesses.dram.byOperand.reads.ofmap).toBe(0);
    // Half of a 0.005 kB SRAM = 2 words < T * C_a = 8 words per column fold: psums spill.
    // DRAM ofmap writes = OF * rowFolds = 12*3 = 36, reads = 12*2 = 24.
    const spill = simulate(L, tiny('ws', 2, 2, { sramKB: { ifmap: 64, filter: 64, ofmap: 0.005 } }));
    expect(spill.accesses.dram.byOperand.writes.ofmap).toBe(36);
    expect(spill.accesses.dram.byOperand.reads.ofmap).toBe(24);
    // Same compute cycles: DRAM does not stall with interface 'calc'.
    expect(spill.cycles.total).toBe(fits.cycles.total);
  });

  test('ifmap re-fetched per column fold when it does not fit (WS)', () => {
    // ifmap 4*5 = 20 words; half of 0.01 kB = 5 words: re-fetched colFolds = 2 times -> 40.
    const r = simulate(gemmLayer('k5', 4, 3, 5), tiny('ws', 2, 2, { sramKB: { ifmap: 0.01, filter: 64, ofmap: 64 } }));
    expect(r.accesses.dram.byOperand.reads.ifmap).toBe(40);
  });

  test("stalls only when the interface is 'user' and DRAM needs more cycles than compute", () => {
    // DRAM words = 8 + 6 + 12 = 26 at 0.5 words/cycle = 52 cycles; compute 15 -> 37 stall cycles.
    const r = simulate(G, tiny('ws', 2, 2, { dram: { bandwidth: 0.5, interface: 'user' } }));
    expect(r.cycles).toEqual({ total: 52, stall: 37, compute: 15 });
    expect(r.peCycles.idle).toBe(37 * 4);
    expect(r.utilization.lost.idle).toBeCloseTo((37 * 4) / (52 * 4), 12);
    const fast = simulate(G, tiny('ws', 2, 2, { dram: { bandwidth: 10, interface: 'user' } }));
    expect(fast.cycles.stall).toBe(0);
  });

  test('gating: gated = MACs x (1 - dIn x dW), cycles unchanged; no gating without arch.gating', () => {
    const r = simulate(G, tiny('ws', 2, 2, { gating: true }), { inputDensity: 0.5, weightDensity: 0.5 });
    expect(r.macs).toEqual({ total: 24, executed: 6, gated: 18, skipped: 0 });
    expect(r.densities).toEqual({ input: 0.5, weight: 0.5, source: 'assumed' });
    expect(r.cycles.total).toBe(15);
    expect(simulate(G, tiny('ws'), { inputDensity: 0.5 }).macs.gated).toBe(0);
    // Measured from data: input 8 values, 2 zeros -> 0.75; weights 6 values, all non-zero.
    const m = simulate(G, tiny('ws', 2, 2, { gating: true }), { input: [1, 0, 2, 3, 0, 4, 5, 6], weights: [1, 2, 3, 4, 5, 6] });
    expect(m.densities).toEqual({ input: 0.75, weight: 1, source: 'measured' });
    expect(m.macs.gated).toBe(6);
  });

  test('1x1 OS array: no fill/drain, so no "-1" (utilisation stays 1)', () => {
    const r = simulate(G, tiny('os', 1, 1));
    // folds = 4 * 3 = 12, cycles per fold = 1 + 1 + 2 - 2 = 2 = T: 24 cycles for 24 MACs.
    expect(r.cycles.total).toBe(24);
    expect(r.utilization.overall).toBe(1);
  });

  test('depthwise: C groups of window R*S run one after another (as SCALE-Sim DP layers)', () => {
    // 6x6x4 input, 3x3 depthwise, E = F = 4: per group rows = 9, cols = 1, T = 16 (WS, 4x4 array):
    // rowFolds = 3, colFolds = 1 -> 3 folds per group, 12 in total; per fold 8 + 4 + 16 - 2 = 26;
    // total = 12 * 26 - 1 = 311. MACs = 4 * 16 * 9 = 576.
    const dw = convLayer('dw', [1, 6, 6, 4], [4, 3, 3, 1], { groups: 4 });
    const r = simulate(dw, tiny('ws', 4, 4));
    expect(r.mapping).toMatchObject({ groups: 4, rows: 9, cols: 1, streamed: 16, folds: 12, cyclesPerFold: 26 });
    expect(r.cycles.total).toBe(311);
    expect(r.macs.total).toBe(576);
  });
});

test("SCALE-Sim v2's golden COMPUTE_REPORT (test/golden_trace: alexnet_part Conv1 on 32x32 WS) is reproduced", () => {
  // scale-sim-v2 test/scripts/function_test.sh runs configs/scale.cfg switched to ws on
  // topologies/conv_nets/alexnet_part.csv (Conv1, 224, 224, 11, 11, 3, 96, 4); its golden
  // COMPUTE_REPORT.csv row: "0, 112283, 0, 91.68309650614964, 94.53125, 90.78000992063485".
  // By hand: E = ceil((224-11+4)/4) = 55, T = 3025, rows = 363, cols = 96, folds = 12*3 = 36,
  // per fold = 64 + 32 + 3025 - 2 = 3119, total = 36*3119 - 1 = 112283.
  const [layer] = parseTopology('Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\nConv1, 224, 224, 11, 11, 3, 96, 4,\n');
  expect([layer.E, layer.F, layer.macs]).toEqual([55, 55, 3025 * 363 * 96]);
  const r = simulate(layer, { ...ARCH_PRESETS.scale, dataflow: 'ws' });
  expect(r.cycles.total).toBe(112283);
  expect(r.cycles.stall).toBe(0);
  expect(r.utilization.overall * 100).toBeCloseTo(91.68309650614964, 10);
  expect(r.utilization.mappingEfficiency * 100).toBeCloseTo(94.53125, 10);
  expect(r.utilization.computeUtilization * 100).toBeCloseTo(90.78000992063485, 10);
});

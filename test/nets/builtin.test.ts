// Every built-in topology on every dataflow: invariants; golden reports (snapshots: a changed
// number fails) of the FEIE and row-stationary models on VGG-16 and AlexNet; CSV round trip.
import { describe, expect, test } from 'vitest';
import {
  ARCH_PRESETS, DATAFLOWS, EYERISS_ENERGY_TABLE, TOPOLOGIES, computeReportCsv, parseTopology, simulateNetwork, topologyCsv, topologyData, topologyLayers, type LayerReport,
} from '../../src/api.js';

const c = EYERISS_ENERGY_TABLE.costs;

function check(r: LayerReport): void {
  const at = `${r.layer.name} ${r.arch.dataflow}`;
  const u = r.utilization;
  for (const v of [u.overall, u.mappingEfficiency, u.computeUtilization, u.busy]) {
    expect(v, at).toBeGreaterThan(0);
    expect(v, at).toBeLessThanOrEqual(1 + 1e-12);
  }
  expect(u.busy + u.lost.edges + u.lost.folding + u.lost.idle, at).toBeCloseTo(1, 9);
  for (const [k, lv] of Object.entries(r.accesses)) {
    for (const side of ['reads', 'writes'] as const) for (const [op, v] of Object.entries(lv.byOperand[side])) {
      expect(Number.isSafeInteger(v) && v >= 0, `${at} ${k}.${side}.${op} = ${v}`).toBe(true);
    }
  }
  for (const v of Object.values(r.peCycles)) expect(v >= 0 && Number.isSafeInteger(v), at).toBe(true);
  expect(r.macs.executed + r.macs.gated + r.macs.skipped, at).toBe(r.macs.total);
  expect(r.macs.total, at).toBe(r.layer.macs);
  expect(r.cycles.total * r.arch.peCount, at).toBeGreaterThanOrEqual(r.macs.total - r.macs.skipped);
  const b = r.energy.breakdown;
  const a = r.accesses;
  expect(r.energy.total, at).toBe(b.mac + b.gatedMac + b.registerFile + b.interPE + b.globalBuffer + b.dram);
  expect(b.dram).toBe((a.dram.reads + a.dram.writes) * c.dram);
  expect(b.registerFile).toBe((a.registerFile.reads + a.registerFile.writes) * c.registerFile);
  expect(b.interPE).toBe((a.interPE.reads + a.interPE.writes) * c.interPE);
  const L = r.layer;
  expect(a.dram.byOperand.reads.ifmap, at).toBeGreaterThanOrEqual(L.N * L.H * L.W * L.C);
  expect(a.dram.byOperand.writes.ofmap, at).toBeGreaterThanOrEqual(L.N * L.E * L.F * L.M);
}

describe('invariants: every built-in topology x every dataflow', () => {
  for (const [key, topo] of Object.entries(TOPOLOGIES)) {
    test(key, () => {
      const layers = topologyLayers(topo);
      const data = topologyData(topo);
      for (const df of Object.keys(DATAFLOWS)) {
        const base = df === 'rs' ? ARCH_PRESETS['eyeriss-rs'] : df.startsWith('zasca') ? ARCH_PRESETS.zasca : ARCH_PRESETS.eyeriss;
        for (const arch of [{ ...base, dataflow: df }, { ...base, dataflow: df, gating: true, dram: { bandwidth: 2, interface: 'user' as const } }]) {
          const n = simulateNetwork(key, layers, arch, data);
          for (const r of n.layers) check(r);
          expect(n.totals.utilization.overall).toBeLessThanOrEqual(1);
        }
      }
      // zero skipping never takes more cycles than the dense FEIE, layer by layer
      const d = simulateNetwork(key, layers, { ...ARCH_PRESETS.zasca, dataflow: 'zascad' }, data);
      const s = simulateNetwork(key, layers, ARCH_PRESETS.zasca, data);
      s.layers.forEach((r, i) => expect(r.cycles.total).toBeLessThanOrEqual(d.layers[i].cycles.total));
    });
  }
});

test('SCALE-Sim CSV export of every built-in topology parses back with the same MACs', () => {
  for (const topo of Object.values(TOPOLOGIES)) {
    const layers = topologyLayers(topo);
    const back = parseTopology(topologyCsv(topo));
    expect(back.reduce((s, l) => s + l.macs, 0), topo.name).toBe(layers.reduce((s, l) => s + l.macs, 0));
  }
});

test('assumed densities: a layer\'s input density is the recorded output density of its producer', () => {
  const alex = topologyData(TOPOLOGIES.alexnet).map((d) => d?.inputDensity);
  expect(alex).toEqual([undefined, 0.88, 0.52, 0.37, 0.4, 0.34, 0.36, 0.4]);
  const vgg = topologyData(TOPOLOGIES.vgg16).map((d) => d?.inputDensity);
  expect(vgg).toEqual([undefined, 0.53, 0.89, 0.8, 0.81, 0.68, 0.7, 0.64, 0.51, 0.45, 0.34, 0.32, 0.29, 0.19, 0.38, 0.42]);
  expect(topologyData(TOPOLOGIES.lenet5).map((d) => d?.inputDensity)).toEqual([undefined, 0.82, 0.72, 0.55]);
  expect(topologyData(TOPOLOGIES.lenet300100).map((d) => d?.inputDensity)).toEqual([undefined, 0.38, 0.65]);
  const r = simulateNetwork('alexnet', topologyLayers(TOPOLOGIES.alexnet), ARCH_PRESETS.zasca, topologyData(TOPOLOGIES.alexnet));
  expect(r.layers.map((l) => l.densities.source)).toEqual(['default', ...Array(7).fill('assumed')]);
});

describe('golden reports: FEIE (ZASCAD, ZASCAS with assumed densities) and Eyeriss RS on VGG-16 and AlexNet', () => {
  for (const key of ['vgg16', 'alexnet'] as const) {
    test(key, () => {
      const topo = TOPOLOGIES[key];
      const layers = topologyLayers(topo);
      const data = topologyData(topo);
      const out: Record<string, unknown> = {};
      for (const [name, arch, d] of [
        ['eyeriss-rs', ARCH_PRESETS['eyeriss-rs'], undefined],
        ['zascad', { ...ARCH_PRESETS.zasca, dataflow: 'zascad' }, undefined],
        ['zascas', ARCH_PRESETS.zasca, data],
      ] as const) {
        const n = simulateNetwork(key, layers, arch, d);
        const t = n.totals;
        out[name] = {
          compute: computeReportCsv(n).trim().split('\n'),
          layers: n.layers.map((r) => `${r.layer.name}: cycles ${r.cycles.total}, skipped ${r.macs.skipped}, dram ${r.accesses.dram.reads}/${r.accesses.dram.writes}, gb ${r.accesses.globalBuffer.reads}/${r.accesses.globalBuffer.writes}, interPE ${r.accesses.interPE.reads}, rf ${r.accesses.registerFile.reads}/${r.accesses.registerFile.writes}, energy ${r.energy.total}, mapping ${JSON.stringify(r.mapping)}`),
          totals: { cycles: t.cycles.total, framesPerSecond: t.framesPerSecond, overall: t.utilization.overall, effective: t.utilization.effective, energy: t.energy.total, dramBytes: t.roofline.dramBytes },
        };
      }
      expect(out).toMatchSnapshot();
    });
  }
});

// Invariants on every layer of every shipped SCALE-Sim topology, on every config and every
// dataflow; golden snapshots of the reports (fail when a number changes); purity; speed.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  DATAFLOWS, EYERISS_ENERGY_TABLE, computeReportCsv, parseScaleSimConfig, parseTopology, simulate, simulateNetwork, type ArchSpec, type EnergyTable, type LayerReport, type NetworkReport,
} from '../../src/api.js';

const TOPO = '/work/shared/topologies';
const topologies = readdirSync(TOPO).filter((n) => n.endsWith('.csv')).sort();
const configs = ['scale', 'eyeriss', 'google'].map((k) => [k, parseScaleSimConfig(readFileSync(join(TOPO, 'configs', `${k}.cfg`), 'utf8'))] as const);
const load = (f: string) => parseTopology(readFileSync(join(TOPO, f), 'utf8'), { file: f });

function numbers(o: unknown, path: string, out: [string, number][]): [string, number][] {
  if (typeof o === 'number') out.push([path, o]);
  else if (o !== null && typeof o === 'object') for (const [k, v] of Object.entries(o)) numbers(v, `${path}.${k}`, out);
  return out;
}

function checkLayer(r: LayerReport, table: EnergyTable): void {
  const at = `${r.layer.name} ${r.arch.dataflow}`;
  const u = r.utilization;
  for (const v of [u.overall, u.mappingEfficiency, u.computeUtilization, u.busy]) {
    expect(v, at).toBeGreaterThan(0);
    expect(v, at).toBeLessThanOrEqual(1);
  }
  expect(u.busy + u.lost.edges + u.lost.folding + u.lost.idle, at).toBeCloseTo(1, 9);
  for (const [p, v] of numbers({ cycles: r.cycles, macs: r.macs, accesses: r.accesses, peCycles: r.peCycles, energy: r.energy.breakdown }, '', [])) {
    expect(v, `${at} ${p}`).toBeGreaterThanOrEqual(0);
    expect(Number.isSafeInteger(v), `${at} ${p} = ${v}`).toBe(true);
  }
  expect(r.macs.executed + r.macs.gated + r.macs.skipped, at).toBe(r.macs.total);
  expect(r.macs.total, at).toBe(r.layer.macs);
  expect(r.peCycles.busy + r.peCycles.edges + r.peCycles.folding + r.peCycles.idle, at).toBe(r.arch.peCount * r.cycles.total);
  // Cycles can never beat the array's peak for the MACs actually done (skipped MACs take no cycle).
  expect(r.cycles.total * r.arch.peCount, at).toBeGreaterThanOrEqual(r.macs.total - r.macs.skipped);
  expect(u.effective, at).toBeCloseTo(r.macs.total / (r.cycles.total * r.arch.peCount), 12);
  // Energy = sum of its parts = counts x costs.
  const b = r.energy.breakdown;
  expect(r.energy.total, at).toBe(b.mac + b.gatedMac + b.registerFile + b.interPE + b.globalBuffer + b.dram);
  const a = r.accesses;
  expect(b.dram).toBe((a.dram.reads + a.dram.writes) * table.costs.dram);
  expect(b.globalBuffer).toBe((a.globalBuffer.reads + a.globalBuffer.writes) * table.costs.globalBuffer);
  expect(b.mac).toBe(r.macs.executed * table.costs.mac);
  // DRAM at least the compulsory traffic; bytes = words x wordBytes.
  const L = r.layer;
  expect(a.dram.byOperand.reads.ifmap, at).toBeGreaterThanOrEqual(L.N * L.H * L.W * L.C);
  expect(a.dram.byOperand.reads.filter, at).toBeGreaterThanOrEqual((L.M * L.R * L.S * L.C) / L.groups);
  expect(a.dram.byOperand.writes.ofmap, at).toBeGreaterThanOrEqual(L.N * L.E * L.F * L.M);
  expect(a.dram.readBytes).toBe(a.dram.reads * r.arch.wordBytes);
  // Roofline: nothing above the peak; achieved below the attainable roof when compute-bound.
  expect(r.roofline.attainableOpsPerSecond).toBeLessThanOrEqual(r.roofline.peakOpsPerSecond);
  // achieved is dense-equivalent: zero skipping may exceed the peak, the MACs actually done may not.
  expect((r.roofline.achievedOpsPerSecond * (r.macs.total - r.macs.skipped)) / r.macs.total).toBeLessThanOrEqual(r.roofline.peakOpsPerSecond * (1 + 1e-12));
  expect(r.latencySeconds).toBeCloseTo(r.cycles.total / (r.arch.clockMHz * 1e6), 15);
}

function checkTotals(n: NetworkReport): void {
  const sum = (f: (r: LayerReport) => number) => n.layers.reduce((s, r) => s + f(r), 0);
  expect(n.totals.cycles.total).toBe(sum((r) => r.cycles.total));
  expect(n.totals.cycles.stall).toBe(sum((r) => r.cycles.stall));
  expect(n.totals.macs.total).toBe(sum((r) => r.macs.total));
  expect(n.totals.macs.gated).toBe(sum((r) => r.macs.gated));
  for (const lv of ['dram', 'globalBuffer', 'interPE', 'registerFile'] as const) {
    expect(n.totals.accesses[lv].reads).toBe(sum((r) => r.accesses[lv].reads));
    expect(n.totals.accesses[lv].writes).toBe(sum((r) => r.accesses[lv].writes));
  }
  expect(n.totals.energy.total).toBeCloseTo(sum((r) => r.energy.total), 6);
  expect(n.totals.energy.total).toBeCloseTo(Object.values(n.totals.energy.breakdown).reduce((s, v) => s + v, 0), 6);
  expect(n.totals.utilization.overall).toBeCloseTo((n.totals.macs.total - n.totals.macs.skipped) / (n.totals.cycles.total * n.arch.peCount), 12);
  expect(n.totals.utilization.overall).toBeLessThanOrEqual(1);
}

describe('invariants on every shipped topology x config x dataflow', () => {
  for (const f of topologies) {
    test(f, () => {
      const layers = load(f);
      for (const [, cfg] of configs) {
        for (const df of Object.keys(DATAFLOWS)) {
          for (const arch of [{ ...cfg, dataflow: df }, { ...cfg, dataflow: df, gating: true, dram: { bandwidth: 4, interface: 'user' as const } }]) {
            const data = arch.gating ? layers.map(() => ({ inputDensity: 0.6, weightDensity: 0.7 })) : undefined;
            const n = simulateNetwork(f, layers, arch, data);
            for (const r of n.layers) checkLayer(r, EYERISS_ENERGY_TABLE);
            checkTotals(n);
          }
        }
      }
    });
  }
});

describe('golden reports (snapshots: a changed number fails)', () => {
  for (const f of topologies) {
    test(f, () => {
      const layers = load(f);
      const out: Record<string, unknown> = {};
      for (const [k, cfg] of configs) {
        const n = simulateNetwork(f, layers, cfg);
        const t = n.totals;
        out[k] = {
          compute: computeReportCsv(n).trim().split('\n'),
          totals: {
            cycles: t.cycles.total,
            dram: [t.accesses.dram.reads, t.accesses.dram.writes],
            globalBuffer: [t.accesses.globalBuffer.reads, t.accesses.globalBuffer.writes],
            interPE: t.accesses.interPE.reads,
            registerFile: [t.accesses.registerFile.reads, t.accesses.registerFile.writes],
            energy: t.energy.total,
            framesPerSecond: t.framesPerSecond,
          },
        };
      }
      expect(out).toMatchSnapshot();
    });
  }
});

test('simulate and simulateNetwork are pure: deep-equal outputs, inputs not mutated', () => {
  const layers = load('Resnet18.csv');
  const arch: ArchSpec = structuredClone(configs[0][1]);
  const data = { inputDensity: 0.5, weightDensity: 0.9, input: undefined };
  const snap = structuredClone({ layers, arch, data });
  const deepFreeze = <T>(o: T): T => {
    if (o !== null && typeof o === 'object') {
      Object.freeze(o);
      for (const v of Object.values(o)) deepFreeze(v);
    }
    return o;
  };
  deepFreeze(layers);
  deepFreeze(arch);
  const a = simulate(layers[3], arch, { inputDensity: 0.5, weightDensity: 0.9 });
  const b = simulate(layers[3], arch, { inputDensity: 0.5, weightDensity: 0.9 });
  expect(a).toEqual(b);
  expect(a).not.toBe(b);
  const n1 = simulateNetwork('r18', layers, arch);
  const n2 = simulateNetwork('r18', layers, arch);
  expect(n1).toEqual(n2);
  // Reports share no objects with each other or the inputs: mutating one leaves the next equal.
  n1.layers[0].cycles.total = -1;
  n1.layers[0].dataflow.assumptions.push('x');
  expect(simulateNetwork('r18', layers, arch)).toEqual(n2);
  expect({ layers, arch, data }).toEqual(snap);
});

test('the energy table is swappable and versioned', () => {
  const [l] = load('test.csv');
  const pj: EnergyTable = { ...EYERISS_ENERGY_TABLE, name: 'x', version: '9', unit: 'pJ', costs: { mac: 2, gatedMac: 0.5, registerFile: 0, interPE: 0, globalBuffer: 0, dram: 0 } };
  const r = simulate(l, { ...configs[0][1], gating: true }, { inputDensity: 0.5, weightDensity: 1 }, { energy: pj });
  expect(r.energy.table).toEqual({ name: 'x', version: '9', unit: 'pJ' });
  expect(r.energy.total).toBe(r.macs.executed * 2 + r.macs.gated * 0.5);
  expect(EYERISS_ENERGY_TABLE.source).toContain('ISCA 2016, Table IV');
  expect(EYERISS_ENERGY_TABLE.costs).toMatchObject({ mac: 1, registerFile: 1, interPE: 2, globalBuffer: 6, dram: 200 });
});

import { beforeAll, describe, expect, it } from 'vitest';
import {
  QuantError, ShapeError, ValueError, zeroSkipCrossoverFor, calibrateGraph, conv2dZeroSkip, inferGraph, lenet5Graph, resnetBlocksGraph, runNetwork, quantize,
  type Engine, type Graph,
} from '../../src/index.js';
import { runGraphRef } from '../../src/reference/index.js';
import { allEngines, expectAllAgree, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

/** Seeded real inputs: non-negative (image-like) with about `zeros` of them exactly 0. */
function samples(count: number, size: number, seed: number, zeros = 0.3): Float32Array[] {
  const r = rng(seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: size }, () => (r() < zeros ? 0 : r())));
}

function quantInput(e: Engine, g: Graph, x: Float32Array): Int8Array {
  const t = quantize(e, { data: x, shape: g.input.shape }, { dtype: 'int8', scale: g.input.quant!.scale, zeroPoint: g.input.quant!.zeroPoint });
  const d = t.toArray() as Int8Array;
  t.dispose();
  return d;
}

describe('graph: LeNet-5 and a ResNet-style block network (seeded weights, not trained)', () => {
  const nets: [string, () => Graph, number][] = [
    ['lenet5', () => lenet5Graph({ seed: 7 }), 28 * 28],
    ['resnet-blocks', () => resnetBlocksGraph({ seed: 9 }), 16 * 16 * 8],
  ];
  for (const [name, build, size] of nets) {
    it(`${name}: calibrated, runNetwork equals the op-by-op reference bit for bit on every build, every kernel path`, () => {
      const g = calibrateGraph(engines[0], build(), samples(3, size, 11));
      for (const n of g.nodes) if (n.op === 'conv2d' || n.op === 'dense' || n.op === 'add') expect(n.output!.scale).toBeGreaterThan(0);
      const x = quantInput(engines[0], g, samples(1, size, 99)[0]);
      const ref = runGraphRef(g, x);
      for (const zeroSkip of [true, false, 'auto'] as const) {
        const outs: Record<string, ArrayLike<number>> = {};
        const per: Record<string, Record<string, ArrayLike<number>>> = {};
        for (const e of engines) {
          const live = e.heap.liveCount;
          const run = runNetwork(e, g, x, { zeroSkip, keepOutputs: true });
          expect(e.heap.liveCount, 'no leaked tensors').toBe(live);
          outs[e.isa] = run.output.data;
          run.layers.forEach((l) => ((per[l.name] ??= {})[e.isa] = l.output!));
          expect(run.layers.length).toBe(g.nodes.length);
          for (const l of run.layers) {
            expect(l.cpuMs).toBeGreaterThanOrEqual(0);
            expect(l.inputZeroFraction).toBeGreaterThanOrEqual(0);
            expect(l.inputZeroFraction).toBeLessThanOrEqual(1);
          }
          // 'auto': each conv layer against its own crossover (zeroSkipCrossoverFor: never below 8
          // input channels in the SIMD builds, e.g. LeNet-5's conv1)
          const infos = inferGraph(g).nodes;
          run.layers.forEach((l, i) => {
            if (l.op !== 'conv2d') return;
            const auto = 1 - l.inputZeroFraction < zeroSkipCrossoverFor(e.isa, infos[i].conv!) ? 'zeroskip' : 'im2col';
            expect(l.kernel, `${name} ${l.name} ${e.isa}`).toBe(zeroSkip === true ? 'zeroskip' : zeroSkip === false ? 'im2col' : auto);
          });
        }
        g.nodes.forEach((n, i) => expectAllAgree(`${name} zeroSkip=${zeroSkip} node ${n.name}`, ref[i], per[n.name]));
        expectAllAgree(`${name} output`, ref[ref.length - 1], outs);
      }
    });

    it(`${name}: accelerator reports per layer and per network, from the layers' actual inputs`, () => {
      const e = engines[1];
      const g = calibrateGraph(e, build(), samples(2, size, 12));
      const x = quantInput(e, g, samples(1, size, 5, 0.5)[0]);
      const run = runNetwork(e, g, x, { accelerator: ['zasca', 'eyeriss-rs'], keepOutputs: true });
      const acc = run.accelerator!;
      expect(acc.networks.map((n) => n.arch.dataflow)).toEqual(['zascad', 'zascas', 'rs']);
      const modelled = g.nodes.filter((n) => n.op === 'conv2d' || n.op === 'dense');
      expect(acc.layers.map((l) => l.name)).toEqual(modelled.map((n) => n.name));
      const [dense, skip] = acc.networks;
      expect(skip.totals.cycles.total).toBeLessThanOrEqual(dense.totals.cycles.total);
      expect(skip.totals.cycles.total).toBe(acc.layers.reduce((s, l) => s + l.report.reports[1].cycles.total, 0));
      // the counts of each conv layer's report equal conv2dZeroSkip's on that layer's input
      const outputs = new Map(run.layers.map((l) => [l.name, l.output!]));
      const info = inferGraph(g);
      for (const l of acc.layers) {
        expect(l.countsFrom).toBe('kernel');
        const ni = info.nodes.find((n) => n.node.name === l.name)!;
        if (ni.node.op !== 'conv2d') continue;
        const k = ni.inputs[0];
        const xin = k < 0 ? x : outputs.get(info.nodes[k].node.name)!;
        const xq = k < 0 ? g.input.quant! : info.nodes[k].quant!;
        const node = ni.node;
        const zs = conv2dZeroSkip(e, { data: xin, shape: ni.conv!.xShape }, { data: node.weights, shape: node.wShape }, { strides: node.strides, pads: node.pads, groups: node.groups, xZeroPoint: xq.zeroPoint });
        expect(Array.from(l.report.activity.rowNnz)).toEqual(Array.from(zs.counts!.rowNnz));
        expect(l.report.reports[1].macs.executed).toBe(zs.counts!.macs.executed);
        expect(l.report.reports[1].macs.skipped).toBe(zs.counts!.macs.skipped);
        zs.y.dispose();
      }
      // with zeroSkip false the activity is counted from the input instead, and agrees
      const run2 = runNetwork(e, g, x, { accelerator: 'zasca', zeroSkip: false });
      expect(run2.accelerator!.layers.every((l) => l.countsFrom === 'input')).toBe(true);
      expect(run2.accelerator!.networks[1].totals.cycles.total).toBe(skip.totals.cycles.total);
      expect(Array.from(run2.output.data)).toEqual(Array.from(run.output.data));
    });
  }

  it('all-non-zero input with no padding: ZASCAS = ZASCAD on the first layer', () => {
    const e = engines[1];
    const g = calibrateGraph(e, lenet5Graph({ seed: 1 }), samples(2, 784, 3, 0));
    const x = new Int8Array(784).fill(g.input.quant!.zeroPoint + 5);
    const run = runNetwork(e, g, x, { accelerator: 'zasca' });
    const [d, s] = run.accelerator!.layers[0].report.reports;
    expect(s.cycles.total).toBe(d.cycles.total);
    expect(s.macs.skipped).toBe(0);
  });

  it('percentile calibration gives scales no larger than min/max', () => {
    const e = engines[0];
    const s = samples(2, 784, 4);
    const a = calibrateGraph(e, lenet5Graph({ seed: 2 }), s);
    const b = calibrateGraph(e, lenet5Graph({ seed: 2 }), s, { method: 'percentile', percentile: 99 });
    a.nodes.forEach((n, i) => {
      if (n.op === 'conv2d' || n.op === 'dense') expect((b.nodes[i] as typeof n).output!.scale).toBeLessThanOrEqual(n.output!.scale * (1 + 1e-6));
    });
  });
});

describe('graph validation: bad graphs are refused with typed errors naming the node', () => {
  const base = (): Graph => ({
    name: 'g',
    input: { shape: [1, 8, 8, 3], quant: { scale: 0.1, zeroPoint: 0 } },
    nodes: [
      { op: 'conv2d', name: 'c1', weights: new Int8Array(4 * 9 * 3), wShape: [4, 3, 3, 3], wScale: 0.01, pads: 1, output: { scale: 0.1, zeroPoint: 0 } },
      { op: 'maxPool2d', name: 'p1', kernel: 2, strides: 2 },
      { op: 'flatten', name: 'f' },
      { op: 'dense', name: 'fc', weights: new Int8Array(10 * 64), wShape: [10, 64], wScale: 0.01, output: { scale: 0.1, zeroPoint: 0 } },
    ],
  });

  it('accepts the valid graph', () => {
    const info = inferGraph(base());
    expect(info.nodes.map((n) => n.shape)).toEqual([[1, 8, 8, 4], [1, 4, 4, 4], [1, 64], [1, 10]]);
  });

  it('shape mismatch between nodes', () => {
    const g = base();
    (g.nodes[3] as { wShape: number[]; weights: Int8Array }).wShape = [10, 60];
    (g.nodes[3] as { weights: Int8Array }).weights = new Int8Array(600);
    expect(() => inferGraph(g)).toThrow(ShapeError);
    expect(() => inferGraph(g)).toThrow(/node "fc" \(dense\)/);
    const g2 = base();
    (g2.nodes[0] as { wShape: number[] }).wShape = [4, 3, 3, 5];
    (g2.nodes[0] as { weights: Int8Array }).weights = new Int8Array(4 * 9 * 5);
    expect(() => inferGraph(g2)).toThrow(/node "c1" \(conv2d\)/);
    const g3 = base();
    g3.nodes.splice(2, 1); // dense straight after a pool: missing flatten
    expect(() => inferGraph(g3)).toThrow(/flatten/);
    const g4 = base();
    g4.nodes.push({ op: 'add', name: 'a', inputs: ['fc', 'p1'], output: { scale: 1, zeroPoint: 0 } });
    expect(() => inferGraph(g4)).toThrow(ShapeError);
    expect(() => inferGraph(g4)).toThrow(/node "a" \(add\)/);
  });

  it('unknown op, unknown input, duplicate name, missing quantisation', () => {
    const g = base();
    (g.nodes[1] as { op: string }).op = 'maxpool2d';
    expect(() => inferGraph(g)).toThrow(ValueError);
    expect(() => inferGraph(g)).toThrow(/node "p1" \(maxpool2d\).*did you mean "maxPool2d"/);
    const g2 = base();
    g2.nodes[2].inputs = ['p2'];
    expect(() => inferGraph(g2)).toThrow(/node "f".*"p2"/);
    const g3 = base();
    g3.nodes[2].name = 'c1';
    expect(() => inferGraph(g3)).toThrow(/twice/);
    const g4 = base();
    delete (g4.nodes[0] as { output?: unknown }).output;
    expect(() => inferGraph(g4)).toThrow(QuantError);
    expect(() => inferGraph(g4)).toThrow(/node "c1"/);
  });

  it('runNetwork refuses a bad graph or input before touching Wasm memory, then still works', () => {
    const e = engines[2];
    const live = e.heap.liveCount;
    const g = base();
    (g.nodes[1] as { op: string }).op = 'pool';
    expect(() => runNetwork(e, g, new Int8Array(192))).toThrow(ValueError);
    expect(() => runNetwork(e, base(), new Int8Array(100))).toThrow(ShapeError);
    expect(() => runNetwork(e, base(), new Int8Array(192), { zeroSkip: 'yes' as never })).toThrow(ValueError);
    expect(() => runNetwork(e, base(), new Int8Array(192), { accelerator: 'nope' as never })).toThrow(ValueError);
    expect(e.heap.liveCount).toBe(live);
    const x = Int8Array.from({ length: 192 }, (_, i) => (i * 7) % 50);
    const ref = runGraphRef(base(), x);
    expect(Array.from(runNetwork(e, base(), x).output.data)).toEqual(Array.from(ref[3]));
  });
});

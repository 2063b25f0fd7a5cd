/**
 * prepareNetwork / PreparedNetwork: bit-identical to runNetwork on the demo networks for every
 * kernel policy and build, no heap growth over repeated runs, dispose frees the packed weights,
 * typed errors before Wasm is touched, and the README section's example.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BLOCKSPARSE_MIN_MG, ShapeError, ValueError, calibrateGraph, inferGraph, lenet5Graph, prepareNetwork, quantize, resnetBlocksGraph, runNetwork,
  type Engine, type Graph, type NetworkRun,
} from '../../src/index.js';
import { allEngines, rng } from '../helpers/engines.js';

let engines: Engine[];
const nets: { name: string; g: Graph; x: Int8Array }[] = [];

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

beforeAll(async () => {
  engines = await allEngines();
  for (const [name, build, size] of [['lenet5', () => lenet5Graph({ seed: 7 }), 28 * 28], ['resnet-blocks', () => resnetBlocksGraph({ seed: 9 }), 16 * 16 * 8]] as const) {
    const g = calibrateGraph(engines[0], build(), samples(3, size, 11));
    nets.push({ name, g, x: quantInput(engines[0], g, samples(1, size, 99)[0]) });
  }
});

/** A run without its timings (everything else must be identical). */
function untimed(r: NetworkRun): unknown {
  return { ...r, cpuMs: 0, layers: r.layers.map((l) => ({ ...l, cpuMs: 0 })) };
}

describe('prepareNetwork', () => {
  it('run() equals runNetwork bit for bit (output, every layer, stats) on both demo networks, every policy, every build; forms packed as documented', () => {
    for (const { name, g, x } of nets) {
      const info = inferGraph(g);
      for (const zeroSkip of [true, false, 'auto'] as const) {
        for (const e of engines) {
          const what = `${name} zeroSkip=${zeroSkip} ${e.isa}`;
          const live = e.heap.liveBytes;
          const want = untimed(runNetwork(e, g, x, { zeroSkip, keepOutputs: true }));
          expect(e.heap.liveBytes, `${what}: runNetwork keeps nothing`).toBe(live);
          const net = prepareNetwork(e, g, { zeroSkip });
          // eager for a fixed policy, lazy for 'auto'
          // (the scalar build's zero-skip kernel, the scatter, packs per call: nothing to keep)
          if (zeroSkip === 'auto' || (zeroSkip === true && e.isa === 'scalar')) expect(net.byteLength, what).toBe(0);
          else expect(net.byteLength, what).toBeGreaterThan(0);
          expect(e.heap.liveBytes - live, `${what}: byteLength is what the heap holds`).toBe(net.byteLength);
          // first run (may pack lazily), second run (all packed)
          for (let k = 0; k < 2; k++) expect(untimed(net.run(x, { keepOutputs: true })), `${what} run ${k}`).toEqual(want);
          expect(e.heap.liveBytes - live, what).toBe(net.byteLength);
          const runs = (want as NetworkRun).layers;
          for (const w of net.weights) {
            const ni = info.nodes.find((n) => n.node.name === w.name)!;
            const kernel = runs.find((l) => l.name === w.name)!.kernel;
            const zsPackable = e.isa !== 'scalar' && ni.conv!.Mg >= BLOCKSPARSE_MIN_MG;
            expect(w.denseBytes > 0, `${what} ${w.name} dense form`).toBe(kernel !== 'zeroskip');
            expect(w.zeroSkipBytes > 0, `${what} ${w.name} zero-skip form`).toBe(kernel === 'zeroskip' && zsPackable);
          }
          net.dispose();
          expect(e.heap.liveBytes, `${what}: dispose frees the packed weights`).toBe(live);
        }
      }
    }
  });

  it('accelerator reports from a prepared network equal runNetwork\'s (counts from the packed zero-skip kernel, and from the input with zeroSkip false)', () => {
    const { g, x } = nets[1];
    for (const e of engines) {
      for (const zeroSkip of ['auto', false] as const) {
        const want = untimed(runNetwork(e, g, x, { zeroSkip, accelerator: ['zasca', 'eyeriss-rs'] }));
        const net = prepareNetwork(e, g, { zeroSkip });
        for (let k = 0; k < 2; k++) expect(untimed(net.run(x, { accelerator: ['zasca', 'eyeriss-rs'] })), `${e.isa} zeroSkip=${zeroSkip}`).toEqual(want);
        expect((want as NetworkRun).accelerator!.layers.every((l) => l.countsFrom === (zeroSkip === false ? 'input' : 'kernel'))).toBe(true);
        net.dispose();
      }
    }
  });

  it('50 runs do not grow the heap (live blocks, live bytes, memory size) on any build', () => {
    for (const e of engines) {
      for (const { name, g, x } of nets) {
        const net = prepareNetwork(e, g);
        const xt = e.tensor('int8', g.input.shape, x);
        const first = net.run(xt).output.data;
        const after1 = { count: e.heap.liveCount, bytes: e.heap.liveBytes, memory: e.heap.memoryBytes };
        for (let i = 0; i < 50; i++) {
          const out = net.run(i % 2 ? xt : x).output.data;
          if (i === 49) expect(Array.from(out), `${name} ${e.isa}`).toEqual(Array.from(first));
        }
        expect({ count: e.heap.liveCount, bytes: e.heap.liveBytes, memory: e.heap.memoryBytes }, `${name} ${e.isa}`).toEqual(after1);
        xt.dispose();
        net.dispose();
      }
    }
  });

  it('dispose is idempotent; run() after it, a foreign engine\'s tensor, a wrong shape or dtype, bad options: typed errors before Wasm is touched, then runs stay bit-exact', () => {
    const { g, x } = nets[1];
    const [a, b] = [engines[1], engines[2]];
    const want = runNetwork(a, g, x).output.data;
    const net = prepareNetwork(a, g, { zeroSkip: false });
    const foreign = b.tensor('int8', g.input.shape, x);
    const liveA = { count: a.heap.liveCount, bytes: a.heap.liveBytes };
    const liveB = b.heap.liveCount;
    expect(() => net.run(foreign)).toThrow(ValueError);
    expect(() => net.run(foreign)).toThrow(/another engine/);
    expect(() => net.run(x.subarray(1))).toThrow(ShapeError);
    expect(() => net.run({ data: x, shape: [1, 8, 32, 8] })).toThrow(ShapeError);
    expect(() => net.run({ data: new Uint8Array(x.length), shape: g.input.shape } as never)).toThrow(ValueError);
    expect(() => net.run(x, { zeroSkip: true } as never)).toThrow(/prepared with zeroSkip = false/);
    expect(() => net.run(x, { accelerator: 'nope' as never })).toThrow(ValueError);
    expect(() => net.run(x, null as never)).toThrow(ValueError);
    expect({ count: a.heap.liveCount, bytes: a.heap.liveBytes }).toEqual(liveA);
    expect(b.heap.liveCount).toBe(liveB);
    expect(Array.from(net.run(x).output.data)).toEqual(Array.from(want));
    expect(Array.from(net.run(x, { zeroSkip: false } as never).output.data), 'the prepared policy itself is accepted').toEqual(Array.from(want));
    foreign.dispose();

    net.dispose();
    net.dispose();
    expect(net.disposed).toBe(true);
    expect(net.byteLength).toBe(0);
    expect(() => net.run(x)).toThrow(ValueError);
    expect(() => net.run(x)).toThrow(/disposed.*prepareNetwork\(engine, graph\) again/);
    // the engine keeps working, bit-exact
    expect(Array.from(runNetwork(a, g, x).output.data)).toEqual(Array.from(want));

    const liveBefore = a.heap.liveCount;
    expect(() => prepareNetwork(a, g, { zeroSkip: 'yes' as never })).toThrow(ValueError);
    expect(() => prepareNetwork(a, g, 3 as never)).toThrow(ValueError);
    const bad = { ...g, nodes: g.nodes.map((n, i) => (i === 1 ? { ...n, op: 'pool' } : n)) } as Graph;
    expect(() => prepareNetwork(a, bad)).toThrow(/op "pool" is not known/);
    expect(a.heap.liveCount).toBe(liveBefore);
  });

  it('the README example ("Running a network repeatedly") runs as written and agrees with runNetwork', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Running a network repeatedly'));
    const block = /```ts\n([\s\S]*?)```/.exec(section);
    expect(block, 'the section has a ```ts example').not.toBeNull();
    const code = block![1];
    const imp = /^import \{([^}]*)\} from 'macflow';$/m.exec(code)!;
    const names = imp[1].split(',').map((n) => n.trim());
    const mod = await import('../../src/index.js');
    const logs: unknown[][] = [];
    const fn = new Function(...names, 'console', `return (async () => {${code.replace(/^import .*$/gm, '')}})();`);
    await fn(...names.map((n) => (mod as Record<string, unknown>)[n]), { log: (...args: unknown[]) => logs.push(args) });
    // one line per frame (class, ms), then the packed bytes
    expect(logs).toHaveLength(4);
    const e = engines[0];
    const frames = [1, 2, 3].map((k) => Float32Array.from({ length: 28 * 28 }, (_, i) => ((i * k) % 29) / 28));
    const g = calibrateGraph(e, lenet5Graph({ seed: 1 }), frames);
    frames.forEach((f, j) => {
      const out = runNetwork(e, g, quantInput(e, g, f)).output.data;
      expect(logs[j][0], `frame ${j}: class`).toBe(out.indexOf(Math.max(...out)));
      expect(typeof logs[j][1]).toBe('string');
    });
    expect(logs[3][0]).toBeGreaterThan(0);
  });
});

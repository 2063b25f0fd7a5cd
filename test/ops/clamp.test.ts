import { beforeAll, describe, expect, it } from 'vitest';
import { QuantError, clamp, type Engine } from '../../src/index.js';
import { clampRef } from '../../src/reference/index.js';
import { allEngines, expectAllAgree, fillInts, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

describe('clamp', () => {
  for (const n of [1, 15, 16, 17, 31, 33, 1000]) {
    for (const [dtype, qmin, qmax] of [['int8', -3, 40], ['int8', -128, 127], ['int8', 5, 5], ['uint8', 128, 200], ['uint8', 0, 255], ['uint8', 0, 0]] as const) {
      it(`${dtype} n=${n} [${qmin}, ${qmax}] matches the reference on every build`, () => {
        const rand = rng(n * 3 + qmin + qmax);
        const data = dtype === 'int8' ? fillInts(new Int8Array(n), -128, 127, rand) : fillInts(new Uint8Array(n), 0, 255, rand);
        const ref = clampRef(data, qmin, qmax);
        const results = Object.fromEntries(engines.map((e) => {
          const y = clamp(e, { data, shape: [n] }, { qmin, qmax });
          const out = y.toArray();
          y.dispose();
          return [e.isa, out];
        }));
        expectAllAgree(`clamp ${dtype} n=${n}`, ref, results);
      });
    }
  }

  it('ReLU6 in quantised form, in place, defaults to the dtype range', () => {
    for (const e of engines) {
      // scale 0.05, zero point -100: real 0 -> -100, real 6 -> -100 + 120 = 20.
      const t = e.tensor('int8', [2, 3], [-128, -100, -99, 19, 20, 127]);
      clamp(e, t, { qmin: -100, qmax: 20, out: t });
      expect(Array.from(t.data)).toEqual([-100, -100, -99, 19, 20, 20]);
      const u = clamp(e, t, {});
      expect(Array.from(u.data)).toEqual(Array.from(t.data));
      t.dispose();
      u.dispose();
    }
  });

  it('refuses bad input before touching Wasm memory, then still works', () => {
    const e = engines[0];
    const before = e.heap.memoryBytes;
    const live = e.heap.liveCount;
    const x = { data: new Uint8Array([0, 100, 255]), shape: [3] };
    expect(() => clamp(e, x, { qmin: -1 })).toThrow(QuantError);
    expect(() => clamp(e, x, { qmax: 256 })).toThrow(/qmax = 256/);
    expect(() => clamp(e, x, { qmin: 10, qmax: 9 })).toThrow(/empty/);
    expect(() => clamp(e, x, null as never)).toThrow(/options/);
    expect(e.heap.liveCount).toBe(live);
    expect(e.heap.memoryBytes).toBe(before);
    expect(Array.from(clamp(e, x, { qmin: 50, qmax: 200 }).toArray())).toEqual([50, 100, 200]);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { QuantError, ShapeError, ValueError, relu, type Engine } from '../../src/index.js';
import { reluRef } from '../../src/reference/index.js';
import { allEngines, expectAllAgree, fillInts, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

describe('relu', () => {
  for (const n of [1, 15, 16, 17, 31, 33, 1000]) {
    for (const [dtype, zp] of [['int8', -3], ['int8', 0], ['uint8', 128], ['uint8', 0]] as const) {
      it(`${dtype} n=${n} zp=${zp} matches the reference on every build`, () => {
        const rand = rng(n * 7 + zp);
        const data = dtype === 'int8' ? fillInts(new Int8Array(n), -128, 127, rand) : fillInts(new Uint8Array(n), 0, 255, rand);
        const ref = reluRef(data, zp);
        const results = Object.fromEntries(engines.map((e) => {
          const y = relu(e, { data, shape: [n] }, { zeroPoint: zp });
          const out = y.toArray();
          y.dispose();
          return [e.isa, out];
        }));
        expectAllAgree(`relu ${dtype} n=${n}`, ref, results);
      });
    }
  }

  it('works in place on a tensor', () => {
    for (const e of engines) {
      const t = e.tensor('int8', [2, 3], [-5, -1, 0, 1, 5, -128]);
      relu(e, t, { out: t });
      expect(Array.from(t.data)).toEqual([0, 0, 0, 1, 5, 0]);
      t.dispose();
    }
  });

  it('refuses bad input before touching Wasm memory, then still works', () => {
    const e = engines[1];
    const before = e.heap.memoryBytes;
    const live = e.heap.liveCount;
    expect(() => relu(e, { data: new Int8Array(5), shape: [2, 3] })).toThrow(ShapeError);
    expect(() => relu(e, { data: new Int8Array(6), shape: [2, -3] })).toThrow(/dimension 1 = -3/);
    expect(() => relu(e, { data: new Int8Array(6), shape: [2, 3] }, { zeroPoint: 200 })).toThrow(QuantError);
    expect(() => relu(e, { data: new Float32Array(6) as never, shape: [6] })).toThrow(ValueError);
    expect(() => relu(e, { data: new Int8Array(6), shape: [6] }, { out: e.tensor('int8', [5]) as never })).toThrow(/options.out is int8 \[5\]/);
    expect(e.heap.liveCount).toBe(live + 1); // only the out tensor made above
    expect(e.heap.memoryBytes).toBe(before);
    const y = relu(e, { data: new Int8Array([-1, 2]), shape: [2] });
    expect(Array.from(y.data)).toEqual([0, 2]);
  });
});

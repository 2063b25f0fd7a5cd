import { beforeAll, describe, expect, it } from 'vitest';
import { QuantError, ShapeError, ValueError, add, type Engine } from '../../src/index.js';
import { addRef } from '../../src/reference/index.js';
import { resolveAdd } from '../../src/ops/add.js';
import { allEngines, expectAllAgree, fillInts, perBuild, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

type D = 'int8' | 'uint8';
const make = (d: D, n: number, rand: () => number) => (d === 'int8' ? fillInts(new Int8Array(n), -128, 127, rand) : fillInts(new Uint8Array(n), 0, 255, rand));

describe('add (QLinearAdd)', () => {
  const combos: [D, D, D, number, number, number][] = [
    ['int8', 'int8', 'int8', -3, 5, -10],
    ['uint8', 'uint8', 'uint8', 128, 120, 130],
    ['int8', 'uint8', 'int8', 0, 128, 0],
    ['uint8', 'int8', 'uint8', 7, -128, 255],
  ];
  for (const n of [1, 15, 16, 17, 31, 33, 257]) {
    for (const [ad, bd, yd, za, zb, zy] of combos) {
      for (const act of ['none', 'relu'] as const) {
        it(`${ad}+${bd}->${yd} n=${n} ${act} matches the reference bit for bit`, () => {
          const rand = rng(n * 31 + za + zb);
          const a = make(ad, n, rand);
          const b = make(bd, n, rand);
          const opts = { a: { scale: 0.05, zeroPoint: za }, b: { scale: 0.021, zeroPoint: zb }, y: { scale: 0.063, zeroPoint: zy }, outputDtype: yd, activation: act } as const;
          const ref = addRef(a, b, resolveAdd('add', opts, ad, bd));
          expectAllAgree(`add n=${n}`, ref, perBuild(engines, (e) => add(e, { data: a, shape: [n] }, { data: b, shape: [n] }, opts)));
        });
      }
    }
  }

  it('is real addition: exact halves round to even, saturates at the range ends', () => {
    // scale ratio 0.5: (1 + 0) * 0.5 = 0.5 -> 0, (3 + 0) * 0.5 = 1.5 -> 2, large values saturate
    const a = new Int8Array([1, 3, 5, 127, -128]);
    const b = new Int8Array([0, 0, 0, 127, -128]);
    for (const e of engines) {
      const y = add(e, { data: a, shape: [5] }, { data: b, shape: [5] }, { a: { scale: 1 }, b: { scale: 1 }, y: { scale: 2 } });
      expect(Array.from(y.toArray())).toEqual([0, 2, 2, 127, -128]);
      y.dispose();
    }
  });

  it('runs in place on a tensor', () => {
    for (const e of engines) {
      const t = e.tensor('int8', [4], [1, 2, 3, 4]);
      add(e, t, t, { a: { scale: 1 }, b: { scale: 1 }, y: { scale: 1 }, out: t });
      expect(Array.from(t.data)).toEqual([2, 4, 6, 8]);
      t.dispose();
    }
  });

  it('refuses bad input before touching Wasm memory, then still works', () => {
    const e = engines[1];
    const live = e.heap.liveCount;
    const a = { data: new Int8Array(4), shape: [4] };
    expect(() => add(e, a, { data: new Int8Array(6), shape: [6] }, { a: { scale: 1 }, b: { scale: 1 }, y: { scale: 1 } })).toThrow(ShapeError);
    expect(() => add(e, a, a, { a: { scale: 0 }, b: { scale: 1 }, y: { scale: 1 } })).toThrow(QuantError);
    expect(() => add(e, a, a, { a: { scale: 1, zeroPoint: 200 }, b: { scale: 1 }, y: { scale: 1 } })).toThrow(QuantError);
    expect(() => add(e, a, a, { a: { scale: 1 }, b: { scale: 1 }, y: { scale: 1 }, activation: 'gelu' as never })).toThrow(ValueError);
    expect(e.heap.liveCount).toBe(live);
    const y = add(e, { data: new Int8Array([1, 2, 3, 4]), shape: [4] }, { data: new Int8Array([1, 1, 1, 1]), shape: [4] }, { a: { scale: 1 }, b: { scale: 1 }, y: { scale: 1 } });
    expect(Array.from(y.toArray())).toEqual([2, 3, 4, 5]);
    y.dispose();
  });
});

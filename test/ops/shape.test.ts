import { beforeAll, describe, expect, it } from 'vitest';
import { ShapeError, ValueError, flatten, reshape, type Engine } from '../../src/index.js';
import { allEngines } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

describe('flatten / reshape', () => {
  it('flatten follows ONNX Flatten for every axis and copies', () => {
    const e = engines[1];
    const data = Int8Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => i - 60);
    const shape = [2, 3, 4, 5];
    const expected: Record<number, number[]> = { 0: [1, 120], 1: [2, 60], 2: [6, 20], 3: [24, 5], 4: [120, 1], [-1]: [24, 5], [-4]: [1, 120] };
    for (const [axis, s] of Object.entries(expected)) {
      const y = flatten(e, { data, shape }, Number(axis));
      expect(y.shape).toEqual(s);
      expect(Array.from(y.data)).toEqual(Array.from(data));
      y.dispose();
    }
    const t = e.tensor('float32', shape, Float32Array.from(data));
    const f = flatten(e, t);
    expect(f.shape).toEqual([2, 60]);
    expect(f.ptr).not.toBe(t.ptr); // a copy
    t.data[0] = 99;
    expect(f.data[0]).toBe(-60);
    t.dispose();
    f.dispose();
  });

  it('reshape infers one -1 and keeps the data', () => {
    for (const e of engines) {
      const t = e.tensor('uint8', [2, 6], Array.from({ length: 12 }, (_, i) => i));
      const y = reshape(e, t, [3, -1, 2]);
      expect(y.shape).toEqual([3, 2, 2]);
      expect(Array.from(y.data)).toEqual(Array.from(t.data));
      const z = reshape(e, { data: new Int32Array([1, 2, 3]), shape: [3] }, [1, 3, 1]);
      expect(Array.from(z.data)).toEqual([1, 2, 3]);
      for (const x of [t, y, z]) x.dispose();
    }
  });

  it('refuses bad input before touching Wasm memory', () => {
    const e = engines[2];
    const live = e.heap.liveCount;
    const x = { data: new Int8Array(12), shape: [3, 4] };
    expect(() => flatten(e, x, 3)).toThrow(ValueError);
    expect(() => flatten(e, x, 1.5)).toThrow(/axis = 1.5/);
    expect(() => reshape(e, x, [5, -1])).toThrow(ShapeError);
    expect(() => reshape(e, x, [-1, -1])).toThrow(/more than one -1/);
    expect(() => reshape(e, x, [2, 7])).toThrow(/12 elements/);
    expect(() => reshape(e, x, [0, 12])).toThrow(/dimension 0 = 0/);
    expect(() => reshape(e, x, 12 as never)).toThrow(ShapeError);
    expect(e.heap.liveCount).toBe(live);
    expect(reshape(e, x, [12]).shape).toEqual([12]);
  });
});

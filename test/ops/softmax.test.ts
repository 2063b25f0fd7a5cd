import { beforeAll, describe, expect, it } from 'vitest';
import { QuantError, ShapeError, ValueError, softmax, type Engine, type SoftmaxOutput } from '../../src/index.js';
import { roundHalfEven } from '../../src/descriptors/output-stage.js';
import { softmaxRef, softmaxTable } from '../../src/reference/index.js';
import { allEngines, expectAllAgree, fillInts, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

const OUTPUTS: readonly SoftmaxOutput[] = ['uint8', 'int8', 'float32'];

function runAll(x: Int8Array | Uint8Array, shape: number[], scale: number, output: SoftmaxOutput, zeroPoint = 0): Record<string, ArrayLike<number>> {
  return Object.fromEntries(engines.map((e) => {
    const y = softmax(e, { data: x, shape }, { scale, zeroPoint, output });
    expect(y.dtype).toBe(output);
    const out = y.toArray();
    y.dispose();
    return [e.isa, out];
  }));
}

function check(x: Int8Array | Uint8Array, shape: number[], scale: number, what: string): void {
  const len = shape[shape.length - 1];
  for (const output of OUTPUTS) {
    expectAllAgree(`softmax ${what} -> ${output}`, softmaxRef(x, len, scale, output), runAll(x, shape, scale, output));
  }
}

describe('softmax', () => {
  for (const dtype of ['int8', 'uint8'] as const) {
    it(`${dtype}: lengths, rows and scales match the reference on every build`, () => {
      for (const len of [1, 2, 3, 15, 16, 17, 31, 32, 33, 100, 1000]) {
        for (const rows of [1, 3]) {
          for (const scale of [1 / 256, 0.05, 0.2, 1, 10]) {
            const rand = rng(len * 13 + rows + Math.round(scale * 1000));
            const x = dtype === 'int8' ? fillInts(new Int8Array(rows * len), -128, 127, rand) : fillInts(new Uint8Array(rows * len), 0, 255, rand);
            check(x, rows === 1 ? [len] : [rows, 1, len], scale, `${dtype} rows=${rows} len=${len} scale=${scale}`);
          }
        }
      }
    });

    it(`${dtype}: all-equal rows give 1/len exactly`, () => {
      for (const len of [1, 2, 3, 16, 17, 256, 1000]) {
        for (const v of dtype === 'int8' ? [-128, 0, 127] : [0, 77, 255]) {
          const x = dtype === 'int8' ? new Int8Array(2 * len).fill(v) : new Uint8Array(2 * len).fill(v);
          check(x, [2, len], 0.1, `${dtype} equal ${v} len=${len}`);
          const y = softmax(engines[2], { data: x, shape: [2, len] }, { scale: 0.1 });
          const q = Math.min(255, roundHalfEven(256 / len));
          expect(Array.from(y.toArray()).every((p) => p === q)).toBe(true);
          y.dispose();
          const f = softmax(engines[1], { data: x, shape: [2, len] }, { scale: 0.1, output: 'float32' });
          expect(Array.from(f.toArray()).every((p) => p === Math.fround(1 / len))).toBe(true);
          f.dispose();
        }
      }
    });

    it(`${dtype}: extreme values (one-hot at large scale, full range, underflow)`, () => {
      const lo = dtype === 'int8' ? -128 : 0;
      const hi = dtype === 'int8' ? 127 : 255;
      for (const len of [2, 17, 64]) {
        const x = dtype === 'int8' ? new Int8Array(len).fill(lo) : new Uint8Array(len).fill(lo);
        x[len - 1] = hi;
        for (const scale of [100, 1, 0.01]) check(x, [len], scale, `${dtype} one-hot len=${len} scale=${scale}`);
        // At scale 100 exp(-25500) underflows to 0: the max gets exactly 1 -> 255 (clamped), others 0.
        const y = softmax(engines[0], { data: x, shape: [len] }, { scale: 100 });
        expect(Array.from(y.toArray())).toEqual([...new Array(len - 1).fill(0), 255]);
        y.dispose();
        const z = softmax(engines[2], { data: x, shape: [len] }, { scale: 100, output: 'int8' });
        expect(Array.from(z.toArray())).toEqual([...new Array(len - 1).fill(-128), 127]);
        z.dispose();
      }
      const ramp = dtype === 'int8' ? Int8Array.from({ length: 256 }, (_, i) => i - 128) : Uint8Array.from({ length: 256 }, (_, i) => i);
      for (const scale of [1 / 16, 0.5, 3e-4]) check(ramp, [4, 64], scale, `${dtype} ramp scale=${scale}`);
    });
  }

  it('the input zero point cancels', () => {
    const x = fillInts(new Uint8Array(3 * 20), 0, 255, rng(3));
    const a = runAll(x, [3, 20], 0.07, 'float32', 0);
    const b = runAll(x, [3, 20], 0.07, 'float32', 200);
    expect(Array.from(a.relaxed)).toEqual(Array.from(b.relaxed));
  });

  it('float32 rows sum to 1 and the table is Math.exp', () => {
    const t = softmaxTable(0.1);
    expect(t[255]).toBe(1);
    expect(t[0]).toBe(Math.exp(0.1 * -255));
    const x = fillInts(new Int8Array(5 * 40), -128, 127, rng(9));
    const y = softmax(engines[2], { data: x, shape: [5, 40] }, { scale: 0.05, output: 'float32' });
    const p = Array.from(y.toArray());
    for (let r = 0; r < 5; r++) expect(p.slice(r * 40, r * 40 + 40).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    y.dispose();
  });

  it('refuses bad input before touching Wasm memory, then still works bit-exact', () => {
    const e = engines[1];
    const before = e.heap.memoryBytes;
    const live = e.heap.liveCount;
    const x = { data: new Int8Array(6), shape: [2, 3] };
    expect(() => softmax(e, x, undefined as never)).toThrow(ValueError);
    expect(() => softmax(e, x, {} as never)).toThrow(QuantError);
    expect(() => softmax(e, x, { scale: 0 })).toThrow(/scale = 0/);
    expect(() => softmax(e, x, { scale: Number.NaN })).toThrow(QuantError);
    expect(() => softmax(e, x, { scale: 0.1, zeroPoint: 128 })).toThrow(QuantError);
    expect(() => softmax(e, x, { scale: 0.1, output: 'int16' as never })).toThrow(/output = "int16"/);
    expect(() => softmax(e, { data: new Int8Array(5), shape: [2, 3] }, { scale: 0.1 })).toThrow(ShapeError);
    expect(() => softmax(e, { data: new Float32Array(6) as never, shape: [2, 3] }, { scale: 0.1 })).toThrow(ValueError);
    expect(() => softmax(e, { data: new Int8Array(1), shape: [] }, { scale: 0.1 })).toThrow(/scalar/);
    expect(() => softmax(e, x, { scale: 0.1, output: 'float32', out: e.tensor('uint8', [2, 3]) as never })).toThrow(/options.out is uint8/);
    expect(e.heap.liveCount).toBe(live + 1);
    expect(e.heap.memoryBytes).toBe(before);
    const v = fillInts(new Int8Array(2 * 33), -128, 127, rng(1));
    check(v, [2, 33], 0.1, 'after errors');
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { QuantError, ShapeError, UnsupportedError, ValueError, avgPool2d, globalAvgPool, maxPool2d, type AvgPool2dOptions, type Engine, type MaxPool2dOptions } from '../../src/index.js';
import { pool2dInfo } from '../../src/descriptors/pool.js';
import { avgPool2dRef, divRoundHalfEven, maxPool2dRef } from '../../src/reference/index.js';
import { allEngines, expectAllAgree, fillInts, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

type Q8 = Int8Array | Uint8Array;

function data(dtype: 'int8' | 'uint8', n: number, seed: number): Q8 {
  const rand = rng(seed);
  return dtype === 'int8' ? fillInts(new Int8Array(n), -128, 127, rand) : fillInts(new Uint8Array(n), 0, 255, rand);
}

function runAll(f: (e: Engine) => { toArray(): ArrayLike<number>; dispose(): void }): Record<string, ArrayLike<number>> {
  return Object.fromEntries(engines.map((e) => {
    const y = f(e);
    const out = y.toArray();
    y.dispose();
    return [e.isa, out];
  }));
}

function checkMax(x: Q8, shape: number[], o: MaxPool2dOptions, what: string): void {
  const g = pool2dInfo('test', shape, o);
  expectAllAgree(`maxPool2d ${what}`, maxPool2dRef(x, g), runAll((e) => maxPool2d(e, { data: x, shape }, o)));
}

function checkAvg(x: Q8, shape: number[], o: AvgPool2dOptions, what: string): void {
  const g = pool2dInfo('test', shape, o);
  expectAllAgree(`avgPool2d ${what}`, avgPool2dRef(x, g, o.countIncludePad ?? false, o.zeroPoint ?? 0), runAll((e) => avgPool2d(e, { data: x, shape }, o)));
}

const HW = [1, 2, 3, 7, 8, 9, 16, 17];
const CS = [1, 3, 15, 16, 17, 32, 33];

/** A deterministic sample of the grid: every H x W pair, channels, kernels, strides, pads, ceil mode and batch vary with it. */
function grid(seed: number): { shape: number[]; o: MaxPool2dOptions & AvgPool2dOptions; what: string }[] {
  const rand = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)];
  const out = [];
  for (const H of HW) {
    for (const W of HW) {
      const kernel: [number, number] = [pick([1, 2, 3]), pick([1, 2, 3])];
      const strides: [number, number] = [pick([1, 2, 3]), pick([1, 2, 3])];
      const pads: [number, number, number, number] = [Math.floor(rand() * kernel[0]), Math.floor(rand() * kernel[1]), Math.floor(rand() * kernel[0]), Math.floor(rand() * kernel[1])];
      const ceilMode = rand() < 0.5;
      const C = pick(CS);
      const N = pick([1, 2]);
      const shape = [N, H, W, C];
      const o = { kernel, strides, pads, ceilMode };
      try {
        pool2dInfo('test', shape, o);
      } catch {
        continue; // window larger than the padded input: covered by the bad-input tests
      }
      out.push({ shape, o, what: `x=${shape} k=${kernel} s=${strides} p=${pads} ceil=${ceilMode}` });
    }
  }
  return out;
}

describe('maxPool2d', () => {
  for (const dtype of ['int8', 'uint8'] as const) {
    it(`${dtype}: grid of sizes, channels, kernels, strides, pads, ceil mode, batch`, () => {
      let n = 0;
      for (const seed of [1, 2, 3]) {
        for (const { shape, o, what } of grid(seed * 17 + (dtype === 'int8' ? 0 : 5))) {
          checkMax(data(dtype, shape.reduce((a, b) => a * b), n), shape, o, `${dtype} ${what}`);
          n++;
        }
      }
      expect(n).toBeGreaterThan(120);
    });

    it(`${dtype}: every channel count, dilations`, () => {
      for (const C of CS) {
        for (const [k, d, p] of [[2, 1, 0], [3, 2, 2], [2, 3, 1], [3, 1, 1]] as const) {
          const shape = [2, 9, 8, C];
          checkMax(data(dtype, 2 * 9 * 8 * C, C * 10 + k), shape, { kernel: k, strides: [1, 2], dilations: [d, 1 + (d % 2)], pads: [p, 0, p, 1] }, `${dtype} C=${C} k=${k} d=${d}`);
        }
      }
    });

    it(`${dtype}: padding never wins, extreme values`, () => {
      const lo = dtype === 'int8' ? -128 : 0;
      const hi = dtype === 'int8' ? 127 : 255;
      for (const v of [lo, hi]) {
        const x = dtype === 'int8' ? new Int8Array(3 * 3 * 17).fill(v) : new Uint8Array(3 * 3 * 17).fill(v);
        const shape = [1, 3, 3, 17];
        checkMax(x, shape, { kernel: 3, pads: 2 }, `${dtype} all ${v}`);
        const y = maxPool2d(engines[1], { data: x, shape }, { kernel: 3, pads: 2 });
        expect(Array.from(y.toArray()).every((q) => q === v)).toBe(true);
        y.dispose();
      }
    });
  }

  it('ONNX ceil-mode example (4x4, kernel 3, stride 2 -> 2x2)', () => {
    const x = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    for (const e of engines) {
      const y = maxPool2d(e, { data: x, shape: [1, 4, 4, 1] }, { kernel: 3, strides: 2, ceilMode: true });
      expect(y.shape).toEqual([1, 2, 2, 1]);
      expect(Array.from(y.toArray())).toEqual([11, 12, 15, 16]);
      y.dispose();
    }
    // The last window may not start in the trailing pad: 2 + pad 1, kernel 1, stride 2.
    expect(pool2dInfo('t', [1, 2, 2, 1], { kernel: 1, strides: 2, pads: [0, 0, 1, 1], ceilMode: true }).OH).toBe(1);
    expect(pool2dInfo('t', [1, 5, 5, 1], { kernel: 2, strides: 2, ceilMode: true }).OH).toBe(3);
    expect(pool2dInfo('t', [1, 5, 5, 1], { kernel: 2, strides: 2 }).OH).toBe(2);
  });
});

describe('avgPool2d', () => {
  it('rounds half to even, exactly', () => {
    expect([3, 5, -3, -5, 1, -1, 7].map((s) => divRoundHalfEven(s, 2))).toEqual([2, 2, -2, -2, 0, 0, 4]);
    expect(divRoundHalfEven(10, 4)).toBe(2); // 2.5
    expect(divRoundHalfEven(14, 4)).toBe(4); // 3.5
    expect(divRoundHalfEven(-10, 4)).toBe(-2);
    expect(divRoundHalfEven(13, 9)).toBe(1);
    expect(divRoundHalfEven(-14, 9)).toBe(-2);
    for (const e of engines) {
      // Windows [1, 2] -> 2 (1.5), [2, 3] -> 2 (2.5), [-1, -2] -> -2, [-2, -3] -> -2.
      const y = avgPool2d(e, { data: Int8Array.from([1, 2, 2, 3, -1, -2, -2, -3]), shape: [1, 1, 8, 1] }, { kernel: [1, 2], strides: [1, 2] });
      expect(Array.from(y.toArray())).toEqual([2, 2, -2, -2]);
      y.dispose();
    }
  });

  for (const dtype of ['int8', 'uint8'] as const) {
    for (const countIncludePad of [false, true]) {
      it(`${dtype} countIncludePad=${countIncludePad}: grid`, () => {
        let n = 0;
        for (const seed of [4, 5, 6]) {
          for (const { shape, o, what } of grid(seed * 31 + (dtype === 'int8' ? 0 : 7) + (countIncludePad ? 1 : 0))) {
            const zeroPoint = countIncludePad ? (dtype === 'int8' ? -7 + n % 20 : 100 + n % 50) : 0;
            checkAvg(data(dtype, shape.reduce((a, b) => a * b), n + 1000), shape, { ...o, countIncludePad, zeroPoint }, `${dtype} ${what} zp=${zeroPoint}`);
            n++;
          }
        }
        expect(n).toBeGreaterThan(120);
      });
    }

    it(`${dtype}: every channel count, tie-heavy data, extreme values`, () => {
      for (const C of CS) {
        const shape = [2, 8, 9, C];
        const size = 2 * 8 * 9 * C;
        // Two values only: 2x2 and 2x4 window sums often end in exactly .5.
        const ties = dtype === 'int8' ? Int8Array.from({ length: size }, (_, i) => ((i * 7) % 3 === 0 ? -128 : 127)) : Uint8Array.from({ length: size }, (_, i) => ((i * 7) % 3 === 0 ? 0 : 255));
        for (const o of [{ kernel: 2, strides: 2 }, { kernel: [2, 4], strides: [1, 3], pads: [1, 1, 1, 1] }, { kernel: 3, pads: 1, countIncludePad: true, zeroPoint: dtype === 'int8' ? 3 : 128 }] as AvgPool2dOptions[]) {
          checkAvg(ties, shape, o, `${dtype} ties C=${C} ${JSON.stringify(o)}`);
          checkAvg(data(dtype, size, C), shape, o, `${dtype} random C=${C} ${JSON.stringify(o)}`);
        }
      }
    });
  }
});

describe('globalAvgPool', () => {
  for (const dtype of ['int8', 'uint8'] as const) {
    it(`${dtype}: [N,H,W,C] -> [N,1,1,C] and [N,C]`, () => {
      for (const [N, H, W] of [[1, 1, 1], [2, 7, 7], [1, 3, 17], [2, 16, 9]]) {
        for (const C of CS) {
          const shape = [N, H, W, C];
          const x = data(dtype, N * H * W * C, H * 100 + C);
          const ref = avgPool2dRef(x, pool2dInfo('t', shape, { kernel: [H, W] }), false, 0);
          const keep = runAll((e) => globalAvgPool(e, { data: x, shape }));
          expectAllAgree(`globalAvgPool ${dtype} ${shape}`, ref, keep);
          const y = globalAvgPool(engines[2], { data: x, shape }, { keepDims: false });
          expect(y.shape).toEqual([N, C]);
          expect(Array.from(y.toArray())).toEqual(Array.from(ref));
          y.dispose();
        }
      }
    });

    it(`${dtype}: windows above 32,768 positions use exact integer division`, () => {
      const shape = [1, 200, 200, 25]; // 25 channels: the 16-, 8- and 1-channel paths
      const x = data(dtype, 200 * 200 * 25, 99);
      const ref = avgPool2dRef(x, pool2dInfo('t', shape, { kernel: [200, 200] }), false, 0);
      expectAllAgree(`globalAvgPool ${dtype} 200x200`, ref, runAll((e) => globalAvgPool(e, { data: x, shape })));
      // A tie at count 40,000: half the positions v, half v + 1 -> v + 0.5, rounds to the even one.
      const t = dtype === 'int8' ? new Int8Array(200 * 200 * 25) : new Uint8Array(200 * 200 * 25);
      for (let i = 0; i < t.length; i++) t[i] = (Math.floor(i / 25) % 2) + 3 * (i % 25); // channel c: 3c and 3c + 1
      const tref = avgPool2dRef(t, pool2dInfo('t', shape, { kernel: [200, 200] }), false, 0);
      expect(Array.from(tref).slice(0, 4)).toEqual([0, 4, 6, 10]); // 0.5 -> 0, 3.5 -> 4, 6.5 -> 6, 9.5 -> 10
      expectAllAgree(`globalAvgPool ${dtype} ties 200x200`, tref, runAll((e) => globalAvgPool(e, { data: t, shape })));
    });
  }
});

describe('pooling: bad input', () => {
  it('refuses bad input before touching Wasm memory, then still works bit-exact', () => {
    const e = engines[2];
    const before = e.heap.memoryBytes;
    const live = e.heap.liveCount;
    const x = { data: new Int8Array(2 * 4 * 4 * 3), shape: [2, 4, 4, 3] };
    expect(() => maxPool2d(e, { data: new Int8Array(48), shape: [4, 4, 3] }, { kernel: 2 })).toThrow(/rank 3/);
    expect(() => maxPool2d(e, x, {} as never)).toThrow(ValueError);
    expect(() => maxPool2d(e, x, null as never)).toThrow(ValueError);
    expect(() => maxPool2d(e, x, { kernel: 0 })).toThrow(/kernel = 0/);
    expect(() => maxPool2d(e, x, { kernel: [2, 2, 2] as never })).toThrow(ValueError);
    expect(() => maxPool2d(e, x, { kernel: 2, strides: 1.5 })).toThrow(/strides = 1.5/);
    expect(() => maxPool2d(e, x, { kernel: 2, pads: -1 })).toThrow(/pads = -1/);
    expect(() => maxPool2d(e, x, { kernel: 2, pads: [1, 1, 1] as never })).toThrow(/top, left, bottom, right/);
    expect(() => maxPool2d(e, x, { kernel: 2, ceilMode: 'yes' as never })).toThrow(/ceilMode/);
    expect(() => maxPool2d(e, x, { kernel: 2, dilations: 0 })).toThrow(/dilations = 0/);
    expect(() => maxPool2d(e, x, { kernel: 5 })).toThrow(ShapeError);
    expect(() => maxPool2d(e, x, { kernel: 5 })).toThrow(/larger than the padded input height 4/);
    expect(() => maxPool2d(e, x, { kernel: 2, pads: [2, 0, 0, 0] })).toThrow(/entirely in the padding/);
    expect(() => maxPool2d(e, { data: new Int8Array(3), shape: [1, 1, 1, 3] }, { kernel: 2, dilations: 3, pads: [1, 0, 2, 0] })).toThrow(/entirely in the padding/);
    expect(() => maxPool2d(e, { data: new Int16Array(96) as never, shape: [2, 4, 4, 3] }, { kernel: 2 })).toThrow(ValueError);
    expect(() => maxPool2d(e, { data: new Int8Array(95), shape: [2, 4, 4, 3] }, { kernel: 2 })).toThrow(ShapeError);
    expect(() => avgPool2d(e, x, { kernel: 2, dilations: 2 } as never)).toThrow(UnsupportedError);
    expect(() => avgPool2d(e, x, { kernel: 2, zeroPoint: 128 })).toThrow(QuantError);
    expect(() => avgPool2d(e, x, { kernel: 2, countIncludePad: 1 as never })).toThrow(/countIncludePad/);
    expect(() => avgPool2d(e, x, { kernel: 2, out: e.tensor('int8', [2, 2, 2, 3]) as never })).toThrow(/options.out is int8 \[2, 2, 2, 3\]/);
    expect(() => globalAvgPool(e, { data: new Int8Array(6), shape: [2, 3] })).toThrow(/rank 2/);
    expect(() => globalAvgPool(e, x, { keepDims: 'no' as never })).toThrow(/keepDims/);
    expect(e.heap.liveCount).toBe(live + 1); // only the out tensor made above
    expect(e.heap.memoryBytes).toBe(before);
    const v = data('int8', 96, 5);
    const shape = [2, 4, 4, 3];
    checkMax(v as Int8Array, shape, { kernel: 2 }, 'after errors');
    checkAvg(v as Int8Array, shape, { kernel: 3, pads: 1, countIncludePad: true, zeroPoint: -3 }, 'after errors');
  });

  it('writes into a given out tensor', () => {
    for (const e of engines) {
      const out = e.tensor('uint8', [1, 2, 2, 1]);
      const y = maxPool2d(e, { data: Uint8Array.from({ length: 16 }, (_, i) => i), shape: [1, 4, 4, 1] }, { kernel: 2, strides: 2, out });
      expect(y).toBe(out);
      expect(Array.from(out.data)).toEqual([5, 7, 13, 15]);
      out.dispose();
    }
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KERNELS, QuantError, ShapeError, ValueError, dequantize, quant, quantParams, quantize, type Engine, type QuantScheme } from '../../src/index.js';
import { dequantizeRef, quantizeRef } from '../../src/reference/index.js';
import { allEngines, expectAllAgree, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

/** Quantises on every build; returns the results keyed by build. */
function quantAll(x: Float32Array, shape: number[], p: QuantScheme): Record<string, Int8Array | Uint8Array> {
  return Object.fromEntries(engines.map((e) => {
    const t = quantize(e, { data: x, shape }, p);
    const out = t.toArray() as Int8Array | Uint8Array;
    t.dispose();
    return [e.isa, out];
  }));
}

function dequantAll(q: Int8Array | Uint8Array, shape: number[], p: QuantScheme): Record<string, Float32Array> {
  return Object.fromEntries(engines.map((e) => {
    const t = dequantize(e, { data: q, shape }, p);
    const out = t.toArray();
    t.dispose();
    return [e.isa, out];
  }));
}

/** Random floats spread beyond [lo, hi] by 25 % on each side (so some saturate), plus exact 0s. */
function spread(n: number, lo: number, hi: number, rand: () => number): Float32Array {
  const x = new Float32Array(n);
  const w = hi - lo;
  for (let i = 0; i < n; i++) x[i] = i % 11 === 5 ? 0 : lo - 0.25 * w + rand() * 1.5 * w;
  return x;
}

/** Float32 bits of x as an integer array, so that -0 and 0 differ when comparing. */
function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

describe('quantize / dequantize kernels', () => {
  it('are in the kernel registry', () => {
    const names = KERNELS.filter((k) => k.family === 'quant').map((k) => k.name);
    expect(names).toEqual(['f32q8_quantize', 'q8f32_dequantize']);
    for (const e of engines) for (const k of KERNELS.filter((x) => x.family === 'quant')) expect(typeof e.kernels[k.export]).toBe('function');
  });

  for (const n of [1, 3, 4, 15, 16, 17, 1000]) {
    for (const dtype of ['int8', 'uint8'] as const) {
      it(`per-tensor ${dtype} n=${n}: bits 2..8, symmetric/asymmetric, narrow range, bit-exact on every build`, () => {
        const rand = rng(n * 31 + (dtype === 'int8' ? 1 : 2));
        for (let b = 2; b <= 8; b++) {
          for (const symmetric of [false, true]) {
            for (const narrowRange of [false, true]) {
              const min = -0.5 - 3 * rand();
              const max = 0.25 + 5 * rand();
              const p = quantParams({ min, max, bits: b, dtype, symmetric, narrowRange });
              const x = spread(n, min, max, rand);
              const what = `${dtype} n=${n} bits=${b} sym=${symmetric} narrow=${narrowRange}`;
              const q = quantizeRef(x, [n], p);
              // The reference saturates into the N-bit range.
              for (const v of q) expect(v >= p.qmin && v <= p.qmax, `${what}: ${v} in [${p.qmin}, ${p.qmax}]`).toBe(true);
              expectAllAgree(`quantize ${what}`, q, quantAll(x, [n], p));
              const y = dequantizeRef(q, [n], p);
              const got = dequantAll(q, [n], p);
              expectAllAgree(`dequantize ${what}`, bits(y), Object.fromEntries(Object.entries(got).map(([k, v]) => [k, bits(v)])));
            }
          }
        }
      });
    }
  }

  it('rounds exact ties half to even, on every build', () => {
    // scale 0.25 = 2^-2: x / scale is exact, so x = (j + 0.5) * 0.25 is an exact tie.
    const n = 600;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = (i - 300 + 0.5) * 0.25;
    for (const [dtype, zp] of [['int8', 0], ['int8', -3], ['uint8', 128], ['uint8', 7]] as const) {
      const p = { dtype, scale: 0.25, zeroPoint: zp };
      const q = quantizeRef(x, [n], p);
      const [qmin, qmax] = quant.nbitRange(dtype);
      for (let i = 0; i < n; i++) {
        const t = i - 300 + 0.5; // tie between floor(t) and floor(t) + 1: pick the even one
        const f = Math.floor(t);
        const even = f % 2 === 0 ? f : f + 1;
        expect(q[i], `tie ${t}`).toBe(Math.min(qmax, Math.max(qmin, even + zp)));
      }
      expect(Array.from(quantizeRef(new Float32Array([0.125, 0.375, -0.125, -0.375, 0.625]), [5], p))).toEqual([0, 2, 0, -2, 2].map((v) => v + zp));
      expectAllAgree(`ties ${dtype} zp=${zp}`, q, quantAll(x, [n], p));
    }
  });

  it('saturates values far beyond the range and float32 extremes (x / scale = +-Infinity)', () => {
    const x = new Float32Array([3.4e38, -3.4e38, 1e30, -1e30, 1e-45, -1e-45, 1.5e-39, 0, -0, 100, -100, 7, -7, 6.5, -6.5, 0.5, -0.5]);
    for (const dtype of ['int8', 'uint8'] as const) {
      for (const scale of [1e-38, 1, 1e30, 1e-45]) {
        for (const bitsN of [2, 4, 8]) {
          const p = { dtype, scale, zeroPoint: dtype === 'int8' ? 0 : 2 ** (bitsN - 1), bits: bitsN };
          const q = quantizeRef(x, [x.length], p);
          const [qmin, qmax] = quant.nbitRange(dtype, bitsN);
          if (scale <= 1) {
            expect(q[0]).toBe(qmax);
            expect(q[1]).toBe(qmin);
          }
          expectAllAgree(`extremes ${dtype} scale=${scale} bits=${bitsN}`, q, quantAll(x, [x.length], p));
        }
      }
    }
  });

  describe('per-channel', () => {
    for (const C of [1, 3, 16, 17]) {
      const layouts: [string, number[], number][] = [
        ['NHWC, last axis', [2, 5, C], -1],
        ['rows x C (channels innermost, many rows)', [33, C], 1],
        ['OHWI, axis 0', [C, 3, 3, 2], 0],
        ['middle axis', [2, C, 7], 1],
        ['large inner run', [C, 40], 0],
      ];
      for (const [name, shape, axis] of layouts) {
        for (const dtype of ['int8', 'uint8'] as const) {
          it(`C=${C} ${name} ${dtype}: bit-exact on every build`, () => {
            const rand = rng(C * 101 + shape.length + (dtype === 'int8' ? 0 : 7));
            const size = shape.reduce((a, b) => a * b, 1);
            for (const b of [3, 8]) {
              for (const symmetric of [false, true]) {
                const scale = new Float32Array(C);
                const zeroPoint = new Int32Array(C);
                let qmin = 0;
                let qmax = 0;
                for (let c = 0; c < C; c++) {
                  const p = quantParams({ min: -rand() * 4, max: rand() * 6, bits: b, dtype, symmetric });
                  scale[c] = p.scale;
                  zeroPoint[c] = p.zeroPoint;
                  qmin = p.qmin;
                  qmax = p.qmax;
                }
                const p: QuantScheme = { dtype, bits: b, scale, zeroPoint, axis };
                const x = spread(size, -5, 7, rand);
                const q = quantizeRef(x, shape, p);
                for (const v of q) expect(v >= qmin && v <= qmax).toBe(true);
                const what = `C=${C} ${name} ${dtype} bits=${b} sym=${symmetric}`;
                expectAllAgree(`quantize ${what}`, q, quantAll(x, shape, p));
                const got = dequantAll(q, shape, p);
                expectAllAgree(`dequantize ${what}`, bits(dequantizeRef(q, shape, p)), Object.fromEntries(Object.entries(got).map(([k, v]) => [k, bits(v)])));
              }
            }
          });
        }
      }
    }

    it('uses channel floor(i / inner) % C along the axis', () => {
      // shape [2, 3, 2], axis 1: scales 1, 2, 4 -> element i uses channel floor(i / 2) % 3.
      const x = new Float32Array(12).fill(8);
      const p: QuantScheme = { dtype: 'int8', scale: [1, 2, 4], zeroPoint: [0, 1, -1], axis: 1 };
      const want = [8, 8, 5, 5, 1, 1, 8, 8, 5, 5, 1, 1];
      expect(Array.from(quantizeRef(x, [2, 3, 2], p))).toEqual(want);
      for (const e of engines) expect(Array.from(quantize(e, { data: x, shape: [2, 3, 2] }, p).data)).toEqual(want);
    });

    it('one scale with per-channel zero points is per-channel too', () => {
      const x = new Float32Array([1, 1, 1, 2, 2, 2]);
      const p: QuantScheme = { dtype: 'uint8', scale: 0.5, zeroPoint: [10, 20, 30] };
      const want = [12, 22, 32, 14, 24, 34];
      expect(Array.from(quantizeRef(x, [2, 3], p))).toEqual(want);
      for (const e of engines) expect(Array.from(quantize(e, { data: x, shape: [2, 3] }, p).data)).toEqual(want);
      expect(() => quantizeRef(x, [2, 3], { ...p, zeroPoint: [1, 2] })).toThrow(/params.zeroPoint has 2 values but the tensor has 3 channels/);
    });
  });

  it('round trip: |dequantize(quantize(x)) - x| <= scale / 2 inside the range', () => {
    const rand = rng(77);
    for (const dtype of ['int8', 'uint8'] as const) {
      for (let b = 2; b <= 8; b++) {
        for (const symmetric of [false, true]) {
          for (const narrowRange of [false, true]) {
            const min = -rand() * 10;
            const max = rand() * 10;
            const p = quantParams({ min, max, bits: b, dtype, symmetric, narrowRange });
            const lo = symmetric ? -Math.max(-min, max) : min;
            const hi = symmetric ? Math.max(-min, max) : max;
            const n = 257;
            const x = new Float32Array(n);
            for (let i = 0; i < n; i++) x[i] = lo + ((hi - lo) * i) / (n - 1);
            x[0] = Math.fround(lo) < lo ? -Math.fround(-lo) : Math.fround(lo); // stay inside the range
            x[n - 1] = Math.fround(hi) > hi ? -Math.fround(-hi) : Math.fround(hi);
            const e = engines[2];
            const q = quantize(e, { data: x, shape: [n] }, p);
            const y = dequantize(e, q, p).toArray();
            q.dispose();
            for (let i = 0; i < n; i++) {
              const bound = p.scale * (0.5 + 2 ** -12) + 2 ** -23 * Math.abs(x[i]);
              expect(Math.abs(y[i] - x[i]), `${dtype} bits=${b} sym=${symmetric} narrow=${narrowRange} x=${x[i]} scale=${p.scale}`).toBeLessThanOrEqual(bound);
            }
          }
        }
      }
    }
  });

  it('property: real 0 maps exactly to the zero point and back, on every build (fast-check, fixed seed)', () => {
    const f32 = fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
    fc.assert(
      fc.property(f32, f32, fc.integer({ min: 2, max: 8 }), fc.constantFrom('int8' as const, 'uint8' as const), fc.boolean(), fc.boolean(), (a, b, bitsN, dtype, symmetric, narrowRange) => {
        const p = quantParams({ min: Math.min(a, b), max: Math.max(a, b), bits: bitsN, dtype, symmetric, narrowRange });
        expect(p.zeroPoint).toBeGreaterThanOrEqual(p.qmin);
        expect(p.zeroPoint).toBeLessThanOrEqual(p.qmax);
        const zeros = new Float32Array([0, -0, 0]);
        for (const q of Object.values(quantAll(zeros, [3], p))) expect(Array.from(q)).toEqual([p.zeroPoint, p.zeroPoint, p.zeroPoint]);
        const zq = dtype === 'int8' ? new Int8Array([p.zeroPoint]) : new Uint8Array([p.zeroPoint]);
        for (const y of Object.values(dequantAll(zq, [1], p))) expect(y[0]).toBe(0);
      }),
      { seed: 20240611, numRuns: 150 },
    );
  });

  it('property: the scale covers the range (both ends quantise within half a step), fast-check', () => {
    const f32 = fc.float({ noNaN: true, noDefaultInfinity: true, min: Math.fround(-1e30), max: Math.fround(1e30) });
    fc.assert(
      fc.property(f32, f32, fc.integer({ min: 2, max: 8 }), fc.constantFrom('int8' as const, 'uint8' as const), fc.boolean(), fc.boolean(), (a, b, bitsN, dtype, symmetric, narrowRange) => {
        const min = Math.min(a, b);
        const max = Math.max(a, b);
        const p = quantParams({ min, max, bits: bitsN, dtype, symmetric, narrowRange });
        const lo = Math.min(min, 0);
        const hi = Math.max(max, 0);
        if (symmetric) {
          const steps = Math.min(p.qmax - p.zeroPoint, p.zeroPoint - p.qmin);
          expect(p.scale * steps).toBeGreaterThanOrEqual(Math.max(-lo, hi));
        } else {
          expect(p.scale * (p.qmax - p.qmin)).toBeGreaterThanOrEqual(hi - lo);
        }
        const x = new Float32Array([min, max]);
        const y = dequantizeRef(quantizeRef(x, [2], p), [2], p);
        for (let i = 0; i < 2; i++) {
          if (Math.abs(x[i]) > 3.4e38) continue;
          expect(Math.abs(y[i] - x[i])).toBeLessThanOrEqual(p.scale * (0.5 + 2 ** -12) + 2 ** -23 * Math.abs(x[i]));
        }
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('refuses bad input before touching Wasm memory, then a valid call is still bit-exact', () => {
    for (const e of engines) {
      const before = e.heap.memoryBytes;
      const live = e.heap.liveCount;
      const ok = quantParams({ min: -1, max: 1 });
      const x = new Float32Array([0.1, -0.7, 0.33, 2]);
      const bad = new Float32Array([0.1, Number.NaN, 0, 0]);
      expect(() => quantize(e, { data: bad, shape: [4] }, ok)).toThrow(ValueError);
      expect(() => quantize(e, { data: new Float32Array([1, Infinity]), shape: [2] }, ok)).toThrow(/holds Infinity at index 1/);
      expect(() => quantize(e, { data: x, shape: [5] }, ok)).toThrow(ShapeError);
      expect(() => quantize(e, { data: x, shape: [4] }, { ...ok, scale: 0 })).toThrow(QuantError);
      expect(() => quantize(e, { data: x, shape: [4] }, { ...ok, scale: 1e-50 })).toThrow(/params.scale = 1e-50/);
      expect(() => quantize(e, { data: x, shape: [4] }, { ...ok, scale: Number.NaN })).toThrow(QuantError);
      expect(() => quantize(e, { data: x, shape: [4] }, { ...ok, zeroPoint: 128 })).toThrow(/params.zeroPoint = 128/);
      expect(() => quantize(e, { data: x, shape: [4] }, { dtype: 'int8', bits: 4, scale: 1, zeroPoint: 8 })).toThrow(/\[-8, 7\]/);
      expect(() => quantize(e, { data: x, shape: [4] }, { dtype: 'int8', bits: 9, scale: 1 })).toThrow(/bits = 9/);
      expect(() => quantize(e, { data: x, shape: [4] }, { dtype: 'int16' as never, scale: 1 })).toThrow(QuantError);
      expect(() => quantize(e, { data: x, shape: [2, 2] }, { dtype: 'int8', scale: [1, 2, 3], axis: 1 })).toThrow(/3 values but the tensor has 2 channels/);
      expect(() => quantize(e, { data: x, shape: [2, 2] }, { dtype: 'int8', scale: [1, 2], axis: 2 })).toThrow(/params.axis = 2/);
      expect(() => quantize(e, { data: x, shape: [2, 2] }, { dtype: 'int8', scale: [1, 2], zeroPoint: [0, 0, 0] })).toThrow(QuantError);
      expect(() => quantize(e, { data: x, shape: [4] }, { dtype: 'int8', scale: 1, qmin: 5, qmax: 2 })).toThrow(/qmin = 5 is greater/);
      expect(() => quantize(e, { data: new Int8Array(4) as never, shape: [4] }, ok)).toThrow(ValueError);
      expect(() => dequantize(e, { data: new Uint8Array(4), shape: [4] }, ok)).toThrow(/q is uint8 but params.dtype is int8/);
      expect(() => dequantize(e, { data: new Int8Array(4), shape: [4] }, null as never)).toThrow(ValueError);
      expect(() => quantize(e, { data: x, shape: [4] }, ok, { out: e.tensor('int8', [3]) as never })).toThrow(/options.out is int8 \[3\]/);
      expect(e.heap.liveCount).toBe(live + 1); // only the out tensor made above
      expect(e.heap.memoryBytes).toBe(before);
      const q = quantize(e, { data: x, shape: [4] }, ok);
      expectAllAgree(`after errors on ${e.isa}`, quantizeRef(x, [4], ok), { [e.isa]: q.toArray() });
      const y = dequantize(e, q, ok, { out: e.tensor('float32', [4]) });
      expectAllAgree(`dequantize after errors on ${e.isa}`, dequantizeRef(q.toArray(), [4], ok), { [e.isa]: y.toArray() });
    }
  });

  it('writes into out and accepts tensors already in Wasm memory', () => {
    for (const e of engines) {
      const p = quantParams({ min: -2, max: 2, dtype: 'uint8' });
      const x = e.tensor('float32', [2, 3], [-2, -1, 0, 1, 2, 3]);
      const out = e.tensor('uint8', [2, 3]);
      const q = quantize(e, x, p, { out });
      expect(q).toBe(out);
      expect(Array.from(out.data)).toEqual(Array.from(quantizeRef(x.toArray(), [2, 3], p)));
    }
  });
});

import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { KERNELS, MemoryError, PackedWeights, QuantError, ROW_TILE, ShapeError, ValueError, matmul, packWeights, type Engine, type Tensor } from '../../src/index.js';
import { resolveOutputStage } from '../../src/descriptors/output-stage.js';
import { qgemmRef, qmatmulRef, transposeRef } from '../../src/reference/index.js';
import { allEngines, expectAllAgree, fillInts, rng, perBuild } from '../helpers/engines.js';
import { describeCase, gemmCase, variant } from '../helpers/gemm-case.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});


const SIZES = [1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 65];
const SHAPES: [number, number, number][] = [];
for (const s of SIZES) SHAPES.push([s, 9, 17], [3, s, 17], [5, 7, s], [s, s, s]);
// Several row tiles, with and without a partial last tile.
SHAPES.push([ROW_TILE - 1, 5, 9], [ROW_TILE + 1, 5, 9], [2 * ROW_TILE, 3, 33], [2 * ROW_TILE + 1, 17, 7], [200, 16, 16]);

describe('matmul', () => {
  it('registers its kernels', () => {
    for (const name of ['u8s8_gemm', 'u8s8_gemm_pack_a', 'u8s8_gemm_pack_b', 's32_correct', 'q8_requantize', 'q8_flip_sign']) {
      expect(KERNELS.some((k) => k.name === name), name).toBe(true);
    }
  });

  it('q8_flip_sign maps int8 x to uint8 x + 128 and uint8 w to int8 w - 128 on every build, in place too', () => {
    for (const n of [1, 15, 16, 17, 33, 100]) {
      const x = fillInts(new Int8Array(n), -128, 127, rng(n));
      const want = Array.from(x, (v) => v + 128);
      const results: Record<string, ArrayLike<number>> = {};
      for (const e of engines) {
        const t = e.tensor('int8', [n], x);
        const u = e.tensor('uint8', [n]);
        e.kernels.q8_flip_sign(t.ptr, u.ptr, n);
        results[e.isa] = u.toArray();
        e.kernels.q8_flip_sign(t.ptr, t.ptr, n);
        expect(new Uint8Array(t.data.buffer, t.ptr, n)).toEqual(u.data);
        // Its own inverse: uint8 x + 128 back to int8 x.
        e.kernels.q8_flip_sign(u.ptr, u.ptr, n);
        expect(new Int8Array(u.data.buffer, u.ptr, n)).toEqual(x);
        t.dispose();
        u.dispose();
      }
      expectAllAgree(`q8_flip_sign n=${n}`, want, results);
    }
  });

  SHAPES.forEach(([M, N, K], i) => {
    const c = gemmCase(variant(i, M, N, K));
    const layout = i % 2 ? 'kn' : 'nk';
    it(`${describeCase(c)} (${layout}) matches the reference on every build`, () => {
      const b = layout === 'kn' ? { data: transposeRef(c.w, N, K), shape: [K, N] } : { data: c.w, shape: [N, K] };
      expectAllAgree(describeCase(c), c.expected, perBuild(engines, (e) => matmul(e, { data: c.a, shape: [M, K] }, b, { ...c.params, layout })));
    });
  });

  it('wraps mod 2^32 like the reference at depth K = 70000 with extreme values', () => {
    const M = 2, N = 3, K = 70000;
    for (const xDtype of ['uint8', 'int8'] as const) {
      // Row 0 at the extreme (|x - zp| = 255 against w = -128), row 1 random.
      const rand = rng(70000);
      const a = xDtype === 'uint8' ? new Uint8Array(M * K) : new Int8Array(M * K);
      const za = xDtype === 'uint8' ? 0 : 127;
      a.fill(xDtype === 'uint8' ? 255 : -128, 0, K);
      for (let i = K; i < M * K; i++) a[i] = xDtype === 'uint8' ? Math.floor(rand() * 256) : Math.floor(rand() * 256) - 128;
      const w = fillInts(new Int8Array(N * K), -128, 127, rand);
      w.fill(-128, 0, K);
      w.fill(127, K, 2 * K);
      const zb = [0, -128, 3];
      const bias = [0, 2147483647, -2147483648];
      const expected = qgemmRef(a, za, w, zb, bias, M, N, K);
      // The exact sum of row 0 x column 0 is -+255 * 128 * 70000 = -+2,284,800,000, beyond int32: it wraps.
      const exact = (xDtype === 'uint8' ? -1 : 1) * 255 * 128 * K;
      expect(expected[0]).toBe(exact | 0);
      expect(expected[0]).not.toBe(exact);
      expectAllAgree(`wrap ${xDtype}`, expected, perBuild(engines, (e) => matmul(e, { data: a, shape: [M, K] }, { data: w, shape: [N, K] }, {
        layout: 'nk', xZeroPoint: za, wZeroPoint: zb, bias,
      })));
      // The requantised output starts from the same wrapped sums.
      const requantize = { xScale: 1, wScale: [1e-7, 3e-8, 1e-6], yScale: 1, yZeroPoint: 3, outputDtype: 'int8' as const };
      const stage = resolveOutputStage('test', { requantize }, N, xDtype);
      const q = qmatmulRef(a, za, w, zb, bias, M, N, K, stage.requant);
      expectAllAgree(`wrap ${xDtype} requantised`, q, perBuild(engines, (e) => matmul(e, { data: a, shape: [M, K] }, { data: w, shape: [N, K] }, {
        layout: 'nk', xZeroPoint: za, wZeroPoint: zb, bias, requantize,
      })));
    }
  });

  it("gives the same result for 'kn' and 'nk' weights, host data, tensors and packed", () => {
    const c = gemmCase({ ...variant(5, 19, 13, 21), requant: 'channel', wZp: 'channel', bias: true });
    const { M, N, K } = c.spec;
    const wkn = transposeRef(c.w, N, K);
    for (const e of engines) {
      const a = { data: c.a, shape: [M, K] };
      const tnk = e.tensor('int8', [N, K], c.w);
      const tkn = e.tensor('int8', [K, N], wkn);
      const pnk = packWeights(e, tnk, { layout: 'nk' });
      const pkn = packWeights(e, { data: wkn, shape: [K, N] }, { layout: 'kn' });
      expect(pnk.colSums).toEqual(pkn.colSums);
      expect(pnk.shape).toEqual([N, K]);
      const results: Record<string, ArrayLike<number>> = {};
      for (const [name, b, layout] of [
        ['host nk', { data: c.w, shape: [N, K] }, 'nk'], ['host kn', { data: wkn, shape: [K, N] }, 'kn'],
        ['tensor nk', tnk, 'nk'], ['tensor kn', tkn, 'kn'], ['packed from nk', pnk, undefined], ['packed from kn', pkn, undefined],
      ] as const) {
        const y = matmul(e, a, b, { ...c.params, layout });
        results[name] = y.toArray();
        y.dispose();
      }
      expectAllAgree(`layouts on ${e.isa}`, c.expected, results);
      // The weight tensors are left untouched.
      expect(tnk.toArray()).toEqual(c.w);
      expect(tkn.toArray()).toEqual(wkn);
      for (const t of [tnk, tkn, pnk, pkn]) t.dispose();
    }
  });

  it('reuses packed weights across calls with different activations and output stages', () => {
    const N = 33, K = 31;
    const specs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((i) => ({ ...variant(i, [1, 7, 65, 130][i % 4], N, K), seed: 99 }));
    const cases = specs.map(gemmCase); // same seed: same weights in every case
    for (const e of engines) {
      const pw = packWeights(e, { data: cases[0].w, shape: [N, K] }, { layout: 'nk' });
      const live = e.heap.liveCount;
      for (const [j, c] of cases.entries()) {
        expect(c.w).toEqual(cases[0].w);
        const y = matmul(e, { data: c.a, shape: [c.spec.M, K] }, pw, c.params);
        expectAllAgree(`reuse #${j}: ${describeCase(c)}`, c.expected, { [e.isa]: y.toArray() });
        y.dispose();
      }
      expect(e.heap.liveCount).toBe(live);
      pw.dispose();
      pw.dispose(); // idempotent
      expect(e.heap.liveCount).toBe(live - 2);
    }
  });

  it('flattens leading batch dimensions and writes into out', () => {
    const c = gemmCase({ ...variant(3, 2 * 3 * 5, 6, 11), requant: 'tensor', outputDtype: 'int8' });
    for (const e of engines) {
      const out = e.tensor('int8', [2, 3, 5, 6]);
      const y = matmul(e, { data: c.a, shape: [2, 3, 5, 11] }, { data: transposeRef(c.w, 6, 11), shape: [11, 6] }, { ...c.params, out });
      expect(y).toBe(out);
      expect(y.shape).toEqual([2, 3, 5, 6]);
      expectAllAgree(`batched ${e.isa}`, c.expected, { [e.isa]: y.toArray() });
      out.dispose();
    }
  });

  it('allocates nothing that outlives a call with out, tensors and packed weights', () => {
    const c = gemmCase({ ...variant(2, 9, 10, 12), requant: 'tensor' });
    for (const e of engines) {
      const pw = packWeights(e, { data: c.w, shape: [10, 12] }, { layout: 'nk' });
      const x = e.tensor(c.spec.xDtype, [9, 12], c.a);
      const out = e.tensor('uint8', [9, 10]);
      const live = e.heap.liveCount;
      const liveBytes = e.heap.liveBytes;
      for (let i = 0; i < 50; i++) matmul(e, x, pw, { ...c.params, out });
      expect(e.heap.liveCount).toBe(live);
      expect(e.heap.liveBytes).toBe(liveBytes);
      expectAllAgree(`out reuse on ${e.isa}`, c.expected, { [e.isa]: out.toArray() });
      for (const t of [pw, x, out]) t.dispose();
    }
  });

  it('keeps scratch bounded by the row tile for a tall A', () => {
    const M = 1000, N = 40, K = 8;
    const c = gemmCase({ ...variant(2, M, N, K), requant: 'tensor' });
    const e = engines[0];
    const spy = vi.spyOn(e.heap, 'allocMany');
    const y = matmul(e, { data: c.a, shape: [M, K] }, { data: c.w, shape: [N, K] }, { ...c.params, layout: 'nk' });
    expectAllAgree('tall A', c.expected, { [e.isa]: y.toArray() });
    expect(spy).toHaveBeenCalledTimes(1);
    const sizes = spy.mock.calls[0][1] as number[];
    spy.mockRestore();
    // One block for the temporaries (staged A (M*K), staged weights (N*K), scratch), then the
    // uint8 output (M*N).
    expect(sizes).toHaveLength(2);
    const temps = sizes[0];
    const tile = ROW_TILE * (N * 4 + 2 * K + 4); // int32 accumulators, packed A, row sums
    expect(temps).toBeLessThanOrEqual(M * K + N * K + tile + 2 * N * K + 5 * N * 4 + 1024 + 3 * 64);
    expect(sizes[1]).toBe(M * N);
    expect(sizes.filter((b) => b >= M * N * 4)).toEqual([]);
    y.dispose();
  });

  it('agrees with the reference on random shapes (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 140 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 80 }),
        fc.nat(1000), fc.integer({ min: 0, max: 1 << 20 }),
        (M, N, K, i, seed) => {
          const c = gemmCase({ ...variant(i, M, N, K), seed });
          const layout = i % 2 ? 'kn' : 'nk';
          const b = layout === 'kn' ? { data: transposeRef(c.w, N, K), shape: [K, N] } : { data: c.w, shape: [N, K] };
          expectAllAgree(describeCase(c), c.expected, perBuild(engines, (e) => matmul(e, { data: c.a, shape: [M, K] }, b, { ...c.params, layout })));
        },
      ),
      { seed: 20240607, numRuns: 40 },
    );
  });

  describe('bad input', () => {
    const a = { data: new Uint8Array(6), shape: [2, 3] };
    const b = { data: new Int8Array(12), shape: [3, 4] };
    const rq = { xScale: 0.1, wScale: 0.2, yScale: 0.3 };
    type Made = { dispose(): void };
    // [name, setup (objects the case needs, made before the memory snapshot), the call, error type, message]
    const cases: [string, (e: Engine, other: Engine) => Made[], (e: Engine, made: Made[]) => unknown, new (...args: never[]) => Error, RegExp][] = [
      ['rank-1 a', () => [], (e) => matmul(e, { data: new Uint8Array(3), shape: [3] }, b), ShapeError, /matmul: a has shape \[3\] \(rank 1\)/],
      ['rank-3 b', () => [], (e) => matmul(e, a, { data: new Int8Array(12), shape: [1, 3, 4] }), ShapeError, /matmul: b has shape \[1, 3, 4\]/],
      ['mismatched K', () => [], (e) => matmul(e, a, { data: new Int8Array(8), shape: [2, 4] }), ShapeError, /a has 3 columns .* K = 2/],
      ['mismatched K in nk', () => [], (e) => matmul(e, a, b, { layout: 'nk' }), ShapeError, /K = 4 \(nk layout\)/],
      ['bad layout', () => [], (e) => matmul(e, a, b, { layout: 'tn' as never }), ValueError, /layout = "tn"/],
      ['int16 weights', () => [], (e) => matmul(e, a, { data: new Int16Array(12), shape: [3, 4] } as never), ValueError, /b.data is int16; expected Int8Array or Uint8Array/],
      ['uint8 weights with wZeroPoint 300', () => [], (e) => matmul(e, a, { data: new Uint8Array(12), shape: [3, 4] }, { wZeroPoint: 300 }), QuantError, /wZeroPoint = 300 is outside the uint8 range \[0, 255\]/],
      ['uint8 weights with a negative per-channel wZeroPoint', () => [], (e) => matmul(e, a, { data: new Uint8Array(12), shape: [3, 4] }, { wZeroPoint: [0, 255, -1, 7] }), QuantError, /wZeroPoint\[2\] = -1 is outside the uint8 range/],
      ['int8 weights with wZeroPoint 200', () => [], (e) => matmul(e, a, b, { wZeroPoint: 200 }), QuantError, /wZeroPoint = 200 is outside the int8 range \[-128, 127\]/],
      ['packed uint8 weights with wZeroPoint 300', (e) => [packWeights(e, { data: new Uint8Array(12), shape: [3, 4] }, { layout: 'kn' })], (e, [pw]) => matmul(e, a, pw as PackedWeights, { wZeroPoint: 300 }), QuantError, /wZeroPoint = 300 is outside the uint8 range/],
      ['float activations', () => [], (e) => matmul(e, { data: new Float32Array(6), shape: [2, 3] } as never, b), ValueError, /a.data is float32/],
      ['data length', () => [], (e) => matmul(e, { data: new Uint8Array(5), shape: [2, 3] }, b), ShapeError, /a.data has 5 elements/],
      ['non-integer size', () => [], (e) => matmul(e, { data: new Uint8Array(6), shape: [2, 3.5] }, b), ShapeError, /dimension 1 = 3.5/],
      ['xZeroPoint out of uint8 range', () => [], (e) => matmul(e, a, b, { xZeroPoint: 256 }), QuantError, /xZeroPoint = 256 is outside the uint8 range/],
      ['xZeroPoint out of int8 range', () => [], (e) => matmul(e, { data: new Int8Array(6), shape: [2, 3] }, b, { xZeroPoint: 128 }), QuantError, /xZeroPoint = 128 is outside the int8 range/],
      ['wZeroPoint out of range', () => [], (e) => matmul(e, a, b, { wZeroPoint: [0, 1, -129, 0] }), QuantError, /wZeroPoint\[2\] = -129/],
      ['wZeroPoint wrong length', () => [], (e) => matmul(e, a, b, { wZeroPoint: [0, 1, 2] }), ShapeError, /wZeroPoint has 3 values but there are 4 output channels/],
      ['bias wrong length', () => [], (e) => matmul(e, a, b, { bias: new Int32Array(3) }), ShapeError, /bias has 3 values but there are 4/],
      ['bias not int32', () => [], (e) => matmul(e, a, b, { bias: [0, 1.5, 0, 0] }), QuantError, /bias\[1\] = 1.5/],
      ['scale 0', () => [], (e) => matmul(e, a, b, { requantize: { ...rq, yScale: 0 } }), QuantError, /requantize.yScale = 0/],
      ['scale NaN', () => [], (e) => matmul(e, a, b, { requantize: { ...rq, xScale: NaN } }), QuantError, /requantize.xScale = NaN/],
      ['negative channel scale', () => [], (e) => matmul(e, a, b, { requantize: { ...rq, wScale: [1, 1, -1, 1] } }), QuantError, /wScale\[2\] = -1/],
      ['yZeroPoint out of range', () => [], (e) => matmul(e, a, b, { requantize: { ...rq, outputDtype: 'int8', yZeroPoint: 200 } }), QuantError, /yZeroPoint = 200/],
      ['params not an object', () => [], (e) => matmul(e, a, b, 5 as never), ValueError, /matmul: params must be an object, got 5/],
      ['tensor of another engine', (_e, other) => [other.tensor('uint8', [2, 3])], (e, [t]) => matmul(e, t as Tensor<'uint8'>, b), ValueError, /matmul: a is a tensor of another engine/],
      ['packed weights of another engine', (_e, other) => [packWeights(other, b, { layout: 'kn' })], (e, [pw]) => matmul(e, a, pw as PackedWeights), ValueError, /b are packed weights of another engine/],
      ['disposed packed weights', (e) => {
        const pw = packWeights(e, b, { layout: 'kn' });
        pw.dispose();
        return [pw];
      }, (e, [pw]) => matmul(e, a, pw as PackedWeights), ValueError, /b are packed weights that were disposed/],
      ['disposed tensor', (e) => {
        const t = e.tensor('uint8', [2, 3]);
        t.dispose();
        return [t];
      }, (e, [t]) => matmul(e, t as Tensor<'uint8'>, b), ValueError, /matmul: a was disposed/],
      ['out of the wrong shape', (e) => [e.tensor('int32', [2, 5])], (e, [out]) => matmul(e, a, b, { out: out as Tensor }), ShapeError, /options.out is int32 \[2, 5\] but the result is int32 \[2, 4\]/],
      ['out of the wrong dtype', (e) => [e.tensor('int32', [2, 4])], (e, [out]) => matmul(e, a, b, { out: out as Tensor, requantize: rq }), ShapeError, /result is uint8 \[2, 4\]/],
      ['packWeights without layout', () => [], (e) => packWeights(e, b, {} as never), ValueError, /packWeights: layout = undefined/],
      ['packWeights of rank 1', () => [], (e) => packWeights(e, { data: new Int8Array(4), shape: [4] }, { layout: 'nk' }), ShapeError, /packWeights: w has shape \[4\]/],
      ['packWeights of int16', () => [], (e) => packWeights(e, { data: new Int16Array(4), shape: [2, 2] } as never, { layout: 'nk' }), ValueError, /packWeights: w.data is int16/],
    ];
    for (const [name, setup, call, type, message] of cases) {
      it(`${name}: ${type.name} before any Wasm memory change, then still bit-exact`, () => {
        for (const [i, e] of engines.entries()) {
          const other = engines[(i + 1) % engines.length];
          const made = setup(e, other);
          const live = e.heap.liveCount;
          const bytes = e.heap.memoryBytes;
          let err: unknown;
          try {
            call(e, made);
          } catch (x) {
            err = x;
          }
          expect(err, name).toBeInstanceOf(type);
          expect((err as Error).message).toMatch(message);
          expect((err as Error).message).toMatch(/^(matmul|packWeights): .*Fix: /);
          expect(e.heap.memoryBytes).toBe(bytes);
          expect(e.heap.liveCount).toBe(live);
          for (const m of made) m.dispose();
          const c = gemmCase(variant(7, 5, 4, 3));
          const y = matmul(e, { data: c.a, shape: [5, 3] }, { data: c.w, shape: [4, 3] }, { ...c.params, layout: 'nk' });
          expectAllAgree(`after ${name}`, c.expected, { [e.isa]: y.toArray() });
          y.dispose();
        }
      });
    }
  });

  it('refuses a huge request with a MemoryError naming the byte count', () => {
    const e = engines[1];
    const live = e.heap.liveCount;
    const bytes = e.heap.memoryBytes;
    // M = N = 100000 from small inputs: the int32 result alone needs 4e10 bytes.
    let err: unknown;
    try {
      matmul(e, { data: new Uint8Array(100000), shape: [100000, 1] }, { data: new Int8Array(100000), shape: [1, 100000] });
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(MemoryError);
    expect((err as Error).message).toMatch(/^matmul: matmul of 100,000 x 1 by 1 x 100,000 needs 40,0\d\d,\d{3},\d{3} bytes of Wasm memory/);
    expect((err as MemoryError).bytes).toBeGreaterThan(4e10);
    // M = K = N = 100000: host data of that size cannot exist, so a stand-in Int8Array reports its
    // length; the op must refuse from the shapes alone, before reading the data.
    const huge = (n: number, ctor: typeof Int8Array | typeof Uint8Array) => {
      const fake = Object.create(ctor.prototype);
      Object.defineProperty(fake, 'length', { value: n });
      Object.defineProperty(fake, 'byteLength', { value: n });
      return fake;
    };
    err = undefined;
    try {
      matmul(e, { data: huge(1e10, Uint8Array), shape: [100000, 100000] }, { data: huge(1e10, Int8Array), shape: [100000, 100000] });
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(MemoryError);
    expect((err as Error).message).toMatch(/needs at least [\d,]+ bytes/);
    expect((err as MemoryError).bytes).toBeGreaterThan(3e10);
    expect(() => packWeights(e, { data: huge(1e10, Int8Array), shape: [100000, 100000] }, { layout: 'nk' })).toThrow(/packWeights: packing 100,000 x 100,000 weights needs at least 2\d,\d{3},\d{3},\d{3} bytes/);
    expect(e.heap.liveCount).toBe(live);
    expect(e.heap.memoryBytes).toBe(bytes);
    const c = gemmCase(variant(4, 3, 3, 3));
    const y = matmul(e, { data: c.a, shape: [3, 3] }, { data: c.w, shape: [3, 3] }, { ...c.params, layout: 'nk' });
    expectAllAgree('after MemoryError', c.expected, { [e.isa]: y.toArray() });
    y.dispose();
  });
});

import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { QuantError, ShapeError, ValueError, dense, matmul, packWeights, type Engine, type PackedWeights, type Tensor } from '../../src/index.js';
import { transposeRef } from '../../src/reference/index.js';
import { allEngines, expectAllAgree, perBuild } from '../helpers/engines.js';
import { describeCase, gemmCase, variant } from '../helpers/gemm-case.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});


const BATCH = [1, 2, 3, 4, 7, 8, 9, 16, 17, 33, 64, 65, 130];
const IN = [1, 3, 8, 15, 16, 17, 32, 33, 64, 65];
const OUT = [1, 2, 7, 9, 15, 31, 32, 64, 65];

describe('dense', () => {
  for (let i = 0; i < 30; i++) {
    const [B, I, O] = [BATCH[(i * 5) % BATCH.length], IN[(i * 3) % IN.length], OUT[(i * 7) % OUT.length]];
    const c = gemmCase(variant(i + 1, B, O, I));
    it(`${describeCase(c)} matches the reference on every build`, () => {
      expectAllAgree(describeCase(c), c.expected, perBuild(engines, (e) => dense(e, { data: c.a, shape: [B, I] }, { data: c.w, shape: [O, I] }, c.params)));
    });
  }

  it('flattens each batch row of a rank-4 input (ONNX Flatten(axis=1) then Gemm)', () => {
    const c = gemmCase({ ...variant(6, 3, 10, 2 * 4 * 5), requant: 'channel', activation: 'relu' });
    for (const e of engines) {
      const x = e.tensor(c.spec.xDtype, [3, 2, 4, 5], c.a);
      const y = dense(e, x, { data: c.w, shape: [10, 40] }, c.params);
      expect(y.shape).toEqual([3, 10]);
      expectAllAgree(`rank 4 on ${e.isa}`, c.expected, { [e.isa]: y.toArray() });
      y.dispose();
      x.dispose();
    }
  });

  it('fuses ReLU and real-valued clamps as hand-computed', () => {
    // x - 10 = [0, 10] and [20, -10]; w rows [1, 1], [-1, -1], [2, 0]: sums [10, -10, 0], [10, -10, 40].
    const x = { data: new Uint8Array([10, 20, 30, 0]), shape: [2, 2] };
    const w = { data: new Int8Array([1, 1, -1, -1, 2, 0]), shape: [3, 2] };
    const base = { xZeroPoint: 10, bias: [0, 0, 0] };
    const rq = { xScale: 0.5, wScale: 1, yScale: 0.5, yZeroPoint: 100 }; // multiplier 1
    const expectations: [string, object, number[]][] = [
      ['int32', {}, [10, -10, 0, 10, -10, 40]],
      ['none', { requantize: rq }, [110, 90, 100, 110, 90, 140]],
      ['relu', { requantize: { ...rq, activation: 'relu' } }, [110, 100, 100, 110, 100, 140]],
      ['relu6 as { min: 0, max: 6 }', { requantize: { ...rq, activation: { min: 0, max: 6 } } }, [110, 100, 100, 110, 100, 112]],
      ['{ qmin, qmax }', { requantize: { ...rq, activation: { qmin: 95, qmax: 105 } } }, [105, 95, 100, 105, 95, 105]],
      ['int8 output', { requantize: { ...rq, yZeroPoint: -100, outputDtype: 'int8', activation: 'relu' } }, [-90, -100, -100, -90, -100, -60]],
      ['bias', { bias: [1, -2, 3] }, [11, -12, 3, 11, -12, 43]],
    ];
    for (const [name, params, want] of expectations) {
      expectAllAgree(name, want, perBuild(engines, (e) => dense(e, x, w, { ...base, ...params })));
    }
  });

  it("accepts 'kn' weights and shares packed weights with matmul", () => {
    const c = gemmCase({ ...variant(9, 70, 12, 24), requant: 'tensor' });
    const { M, N, K } = c.spec;
    for (const e of engines) {
      const kn = dense(e, { data: c.a, shape: [M, K] }, { data: transposeRef(c.w, N, K), shape: [K, N] }, { ...c.params, layout: 'kn' });
      const pw = packWeights(e, { data: c.w, shape: [N, K] }, { layout: 'nk' });
      const d1 = dense(e, { data: c.a, shape: [M, K] }, pw, c.params);
      const m1 = matmul(e, { data: c.a, shape: [M, K] }, pw, c.params);
      const d2 = dense(e, { data: c.a, shape: [M, K] }, pw, c.params);
      expectAllAgree(`kn / packed on ${e.isa}`, c.expected, { kn: kn.toArray(), dense: d1.toArray(), matmul: m1.toArray(), again: d2.toArray() } as never);
      for (const t of [kn, d1, m1, d2, pw]) t.dispose();
    }
  });

  it('agrees with the reference on random shapes (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 70 }), fc.nat(1000), (B, O, I, i) => {
        const c = gemmCase(variant(i, B, O, I));
        expectAllAgree(describeCase(c), c.expected, perBuild(engines, (e) => dense(e, { data: c.a, shape: [B, I] }, { data: c.w, shape: [O, I] }, c.params)));
      }),
      { seed: 7, numRuns: 30 },
    );
  });

  describe('bad input', () => {
    const x = { data: new Int8Array(12), shape: [2, 6] };
    const w = { data: new Int8Array(24), shape: [4, 6] };
    const rq = { xScale: 0.1, wScale: 0.2, yScale: 0.3 };
    type Made = { dispose(): void };
    const cases: [string, (e: Engine, other: Engine) => Made[], (e: Engine, made: Made[]) => unknown, new (...args: never[]) => Error, RegExp][] = [
      ['rank-1 x', () => [], (e) => dense(e, { data: new Int8Array(6), shape: [6] }, w), ShapeError, /dense: x has shape \[6\] \(rank 1\).*reshape it to \[1, 6\]/],
      ['features mismatch', () => [], (e) => dense(e, { data: new Int8Array(10), shape: [2, 5] }, w), ShapeError, /x has 5 features per batch row .* w has 6 input features \(nk layout\)/],
      ['flattened features mismatch', () => [], (e) => dense(e, { data: new Int8Array(16), shape: [2, 2, 2, 2] }, w), ShapeError, /x has 8 features per batch row \(shape \[2, 2, 2, 2\]\)/],
      ['rank-3 w', () => [], (e) => dense(e, x, { data: new Int8Array(24), shape: [4, 6, 1] }), ShapeError, /dense: w has shape \[4, 6, 1\] \(rank 3\)/],
      ['kn layout mismatch', () => [], (e) => dense(e, x, w, { layout: 'kn' }), ShapeError, /w has 4 input features \(kn layout\)/],
      ['unknown activation', () => [], (e) => dense(e, x, w, { requantize: { ...rq, activation: 'gelu' as never } }), ValueError, /dense: activation = "gelu" is not known/],
      ['empty clamp', () => [], (e) => dense(e, x, w, { requantize: { ...rq, activation: { min: 5, max: -5 } } }), QuantError, /the clamp is empty/],
      ['NaN clamp', () => [], (e) => dense(e, x, w, { requantize: { ...rq, activation: { min: NaN } } }), QuantError, /activation.min = NaN/],
      ['wScale per channel wrong length', () => [], (e) => dense(e, x, w, { requantize: { ...rq, wScale: [1, 2] } }), ShapeError, /requantize.wScale has 2 values but there are 4/],
      ['infinite scale', () => [], (e) => dense(e, x, w, { requantize: { ...rq, wScale: Infinity } }), QuantError, /wScale = Infinity/],
      ['packed of another engine', (_e, other) => [packWeights(other, w, { layout: 'nk' })], (e, [pw]) => dense(e, x, pw as PackedWeights), ValueError, /dense: w are packed weights of another engine/],
      ['disposed packed', (e) => {
        const pw = packWeights(e, w, { layout: 'nk' });
        pw.dispose();
        return [pw];
      }, (e, [pw]) => dense(e, x, pw as PackedWeights), ValueError, /dense: w are packed weights that were disposed/],
      ['x from another engine', (_e, other) => [other.tensor('int8', [2, 6])], (e, [t]) => dense(e, t as Tensor<'int8'>, w), ValueError, /dense: x is a tensor of another engine/],
    ];
    for (const [name, setup, call, type, message] of cases) {
      it(`${name}: ${type.name} before any Wasm memory change, then still bit-exact`, () => {
        for (const [i, e] of engines.entries()) {
          const made = setup(e, engines[(i + 1) % engines.length]);
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
          expect((err as Error).message).toMatch(/^dense: .*Fix: /);
          expect(e.heap.memoryBytes).toBe(bytes);
          expect(e.heap.liveCount).toBe(live);
          for (const m of made) m.dispose();
          const c = gemmCase(variant(11, 4, 5, 6));
          const y = dense(e, { data: c.a, shape: [4, 6] }, { data: c.w, shape: [5, 6] }, c.params);
          expectAllAgree(`after ${name}`, c.expected, { [e.isa]: y.toArray() });
          y.dispose();
        }
      });
    }
  });
});

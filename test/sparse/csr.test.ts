import { beforeAll, describe, expect, it } from 'vitest';
import {
  ShapeError, ValueError, QuantError, UnsupportedError, conv2d, conv2dCsr, conv2dInfo, csrFromArrays, csrToDense, dense, denseCsr, denseToCsr, packCsrWeights,
  type CsrMatrix, type Engine, type Tensor,
} from '../../src/index.js';
import { csrConv2dRef, csrConvCountsRef, csrDenseRef, conv2dRef, qgemmRef, requantizeRef } from '../../src/reference/index.js';
import { allEngines, expectAllAgree, fillInts, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

const DENSITIES = [0, 1e-3, 0.1, 0.5, 0.9, 1];

/** int8 weights with the given density of entries != zp (per row zero points zps). */
function sparseWeights(rows: number, cols: number, density: number, zps: Int32Array, rand: () => number): Int8Array {
  const w = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let v = zps[r];
      if (rand() < density) {
        v = -128 + Math.floor(rand() * 256);
        if (v === zps[r]) v = v === 127 ? 126 : v + 1;
      }
      w[r * cols + c] = v;
    }
  }
  return w;
}

/** Activations with the given density of values != xzp. */
function acts(n: number, density: number, xzp: number, signed: boolean, rand: () => number): Int8Array | Uint8Array {
  const a = signed ? new Int8Array(n) : new Uint8Array(n);
  const lo = signed ? -128 : 0;
  for (let i = 0; i < n; i++) {
    let v = xzp;
    if (rand() < density) {
      v = lo + Math.floor(rand() * 256);
      if (v === xzp) v = v === lo + 255 ? v - 1 : v + 1;
    }
    a[i] = v;
  }
  return a;
}

/** The multiplier as resolveOutputStage computes it (float32 steps). */
const multOf = (xs: number, ws: number, ys: number) => Math.fround(Math.fround(Math.fround(xs) * Math.fround(ws)) / Math.fround(ys));

function run<T>(e: Engine, fn: () => { y: Tensor; counts: T }): { y: ArrayLike<number>; counts: T } {
  const live = e.heap.liveCount;
  const r = fn();
  const y = r.y.toArray();
  r.y.dispose();
  expect(e.heap.liveCount, `${e.isa}: no leaked allocation`).toBe(live);
  return { y, counts: r.counts };
}

describe('CSR validation', () => {
  const good = { rows: 2, cols: 4, rowPtr: [0, 2, 3], colIdx: [0, 3, 1], values: [5, -7, 9] };
  const cases: [string, object, unknown][] = [
    ['unsorted column indices', { colIdx: [3, 0, 1] }, ValueError],
    ['duplicate column index', { colIdx: [1, 1, 1] }, ValueError],
    ['column index out of range', { colIdx: [0, 4, 1] }, ValueError],
    ['negative column index', { colIdx: [-1, 3, 1] }, ValueError],
    ['row pointer not starting at 0', { rowPtr: [1, 2, 3] }, ValueError],
    ['decreasing row pointers', { rowPtr: [0, 3, 2], colIdx: [0, 1], values: [1, 2] }, ValueError],
    ['row pointer beyond nnz', { rowPtr: [0, 4, 3] }, ValueError],
    ['negative nnz', { rowPtr: [0, 0, -1], colIdx: [], values: [] }, ValueError],
    ['too-large nnz', { rowPtr: [0, 2, 9] }, ValueError],
    ['stated nnz disagrees', { nnz: 4 }, ValueError],
    ['row pointer count wrong', { rowPtr: [0, 3] }, ShapeError],
    ['colIdx length mismatch', { colIdx: [0, 3] }, ShapeError],
    ['values length mismatch', { values: [1, 2] }, ShapeError],
    ['non-integer index', { colIdx: [0, 2.5, 1] }, ValueError],
    ['int8 value out of range', { values: [5, 200, 9] }, ValueError],
    ['NaN float value', { values: new Float32Array([1, NaN, 2]) }, ValueError],
    ['Infinity float value', { values: new Float32Array([1, Infinity, 2]) }, ValueError],
    ['zero point out of range', { zeroPoint: 300 }, QuantError],
    ['convShape mismatch', { convShape: [2, 1, 1, 3] }, ShapeError],
  ];
  for (const [name, patch, Err] of cases) {
    it(`refuses ${name} with a typed error naming the op`, () => {
      expect(() => csrFromArrays({ ...good, ...patch } as never)).toThrow(Err as never);
      expect(() => csrFromArrays({ ...good, ...patch } as never)).toThrow(/csrFromArrays:.*Fix:/);
    });
  }

  it('re-validates a mutated matrix before Wasm memory is touched; the engine stays exact', () => {
    const x = { data: new Uint8Array([1, 2, 3, 4]), shape: [1, 4] };
    for (const e of engines) {
      const m = csrFromArrays(good);
      const want = csrDenseRef(x.data, 1, 0, m);
      const live = e.heap.liveCount;
      const bytes = e.heap.memoryBytes;
      m.colIdx[1] = 60000; // crafted after creation
      expect(() => packCsrWeights(e, m)).toThrow(ValueError);
      expect(() => denseCsr(e, x, m)).toThrow(/colIdx\[1\] = 60,000/);
      m.colIdx[1] = 3;
      m.rowPtr[2] = 1000;
      expect(() => denseCsr(e, x, m)).toThrow(ValueError);
      m.rowPtr[2] = 3;
      expect(e.heap.liveCount).toBe(live);
      expect(e.heap.memoryBytes).toBe(bytes);
      expectAllAgree('after refusals', want, { [e.isa]: run(e, () => denseCsr(e, x, m)).y });
    }
  });

  it('refuses float CSR in the kernels, a mismatched weight zero point and wrong shapes', () => {
    const f = csrFromArrays({ ...good, values: new Float32Array([1, 2, 3]) });
    const m = csrFromArrays({ ...good, zeroPoint: 3 });
    const x = { data: new Uint8Array(4), shape: [1, 4] };
    for (const e of engines) {
      expect(() => packCsrWeights(e, f)).toThrow(UnsupportedError);
      expect(() => denseCsr(e, x, m, { wZeroPoint: 2 })).toThrow(QuantError);
      expect(() => denseCsr(e, { data: new Uint8Array(5), shape: [1, 5] }, m)).toThrow(ShapeError);
      expect(() => conv2dCsr(e, { data: new Uint8Array(4), shape: [1, 2, 2, 1] }, m)).toThrow(ShapeError); // no convShape
      expect(() => denseCsr(e, x, m, { skipZeros: 1 as never })).toThrow(ValueError);
    }
  });

  it('dense -> CSR -> dense round-trips, with per-row zero points', () => {
    const rand = rng(3);
    const zps = Int32Array.from([0, -5, 7]);
    const w = sparseWeights(3, 10, 0.4, zps, rand);
    const m = denseToCsr(w, [3, 10], { zeroPoint: zps });
    expect(Array.from(csrToDense(m))).toEqual(Array.from(w));
    const f = new Float32Array([0, 1.5, 0, -2, 0, 0]);
    const mf = denseToCsr(f, [2, 3]);
    expect(mf.nnz).toBe(2);
    expect(Array.from(csrToDense(mf))).toEqual(Array.from(f));
  });
});

describe('denseCsr', () => {
  let seed = 100;
  for (const wd of DENSITIES) {
    for (const [B, I, O] of [[1, 37, 19], [16, 64, 33], [3, 130, 9], [40, 17, 5], [9, 8, 64], [16, 1100, 12], [5, 600, 7], [1, 1030, 9]]) {
      const ad = [1, 0.5, 0.1][seed % 3];
      const s = seed++;
      it(`batch ${B}, ${O} x ${I}, weight density ${wd}, activation density ${ad}: dense reference, every build`, () => {
        const rand = rng(s);
        const signed = s % 2 === 0;
        const xzp = signed ? -3 : 7;
        const zps = Int32Array.from({ length: O }, (_, i) => (s % 3 === 0 ? 0 : ((i * 37) % 21) - 10));
        const w = sparseWeights(O, I, wd, zps, rand);
        const x = acts(B * I, ad, xzp, signed, rand);
        const bias = fillInts(new Int32Array(O), -1000, 1000, rand);
        const m = denseToCsr(w, [O, I], { zeroPoint: zps });
        const ref = qgemmRef(x, xzp, w, zps, bias, B, O, I);
        expectAllAgree('csr reference = dense reference', ref, { scalar: csrDenseRef(x, B, xzp, m, bias) });
        const xs = { data: x, shape: [B, I] };
        const res: Record<string, ArrayLike<number>> = {};
        const q: Record<string, ArrayLike<number>> = {};
        const mult = new Float32Array(O).fill(multOf(0.1, 0.1, 1));
        const rq = requantizeRef(ref, O, mult, 3, -128, 127, 'int8');
        for (const e of engines) {
          for (const skipZeros of [false, true]) {
            const r = run(e, () => denseCsr(e, xs, m, { xZeroPoint: xzp, bias, skipZeros }));
            res[`${e.isa}${skipZeros ? '+skip' : ''}`] = r.y;
            const c = r.counts;
            expect(c.executed + c.skippedWeights + c.skippedZeros).toBe(B * O * I);
            expect(c.skippedWeights).toBe(B * (O * I - m.nnz));
            if (!skipZeros) expect(c.skippedZeros).toBe(0);
            else {
              let z = 0;
              for (let b = 0; b < B; b++) for (let i = 0; i < m.nnz; i++) if (x[b * I + m.colIdx[i]] === xzp) z++;
              expect(c.skippedZeros).toBe(z);
            }
          }
          const pw = packCsrWeights(e, m);
          q[e.isa] = run(e, () => denseCsr(e, xs, pw, { xZeroPoint: xzp, bias, wZeroPoint: zps, requantize: { xScale: 0.1, wScale: 0.1, yScale: 1, yZeroPoint: 3, outputDtype: 'int8' } })).y;
          pw.dispose();
        }
        expectAllAgree('denseCsr int32', ref, res);
        expectAllAgree('denseCsr requantised', rq, q);
      });
    }
  }

  it('density-1 CSR equals our dense op; all-zero weights give the bias', () => {
    const rand = rng(77);
    const [B, I, O] = [5, 48, 20];
    const w = fillInts(new Int8Array(O * I), -128, 127, rand);
    const x = fillInts(new Uint8Array(B * I), 0, 255, rand);
    const bias = fillInts(new Int32Array(O), -99, 99, rand);
    const zeros = denseToCsr(new Int8Array(O * I).fill(4), [O, I], { zeroPoint: 4 });
    expect(zeros.nnz).toBe(0);
    for (const e of engines) {
      const d = dense(e, { data: x, shape: [B, I] }, { data: w, shape: [O, I] }, { xZeroPoint: 9, bias });
      const m = denseToCsr(w, [O, I]);
      const s = run(e, () => denseCsr(e, { data: x, shape: [B, I] }, m, { xZeroPoint: 9, bias }));
      expectAllAgree(`density 1 on ${e.isa}`, d.toArray(), { [e.isa]: s.y });
      d.dispose();
      const z = run(e, () => denseCsr(e, { data: x, shape: [B, I] }, zeros, { xZeroPoint: 9, bias, skipZeros: true }));
      expectAllAgree(`all-zero weights on ${e.isa}`, Array.from({ length: B * O }, (_, i) => bias[i % O]), { [e.isa]: z.y });
      expect(z.counts).toEqual({ dense: B * O * I, executed: 0, skippedWeights: B * O * I, skippedZeros: 0 });
    }
  });

  it('wraps like int32 at an overflowing depth', () => {
    const I = 40000;
    const w = new Int8Array(I).fill(-128);
    const x = new Uint8Array(I).fill(255);
    const m = denseToCsr(w, [1, I], { zeroPoint: 127 });
    const ref = qgemmRef(x, 0, w, 127, undefined, 1, 1, I);
    for (const e of engines) expectAllAgree('overflow', ref, { [e.isa]: run(e, () => denseCsr(e, { data: x, shape: [1, I] }, m)).y });
  });
});

describe('conv2dCsr', () => {
  const geoms = [
    { x: [1, 7, 7, 5], w: [6, 3, 3, 5], o: { pads: 1 } },
    { x: [2, 9, 8, 4], w: [8, 3, 2, 4], o: { strides: [2, 1], pads: [1, 0, 2, 1] } },
    { x: [1, 10, 10, 6], w: [9, 3, 3, 2], o: { groups: 3, dilations: 2, pads: 'same_upper' } },
    { x: [1, 6, 11, 16], w: [17, 1, 1, 16], o: {} },
    { x: [1, 12, 12, 3], w: [4, 5, 5, 3], o: { strides: 2, pads: 2 } },
  ] as const;
  let seed = 500;
  for (const wd of DENSITIES) {
    for (const g of geoms) {
      const s = seed++;
      const ad = [1, 0.5, 0.1][s % 3];
      it(`x ${g.x} w ${g.w} ${JSON.stringify(g.o)}, weight density ${wd}, activation density ${ad}`, () => {
        const rand = rng(s);
        const signed = s % 2 === 1;
        const xzp = signed ? 5 : 100;
        const info = conv2dInfo(g.x, g.w, g.o as never);
        const M = g.w[0];
        const K = g.w[1] * g.w[2] * g.w[3];
        const zps = Int32Array.from({ length: M }, (_, i) => (s % 3 === 1 ? 0 : ((i * 13) % 9) - 4));
        const w = sparseWeights(M, K, wd, zps, rand);
        const x = acts((g.x as readonly number[]).reduce((a, b) => a * b, 1), ad, xzp, signed, rand);
        const bias = fillInts(new Int32Array(M), -500, 500, rand);
        const m = denseToCsr(w, g.w as never, { zeroPoint: zps });
        const ref = conv2dRef(x, w, info, { xZeroPoint: xzp, wZeroPoint: zps, bias });
        expectAllAgree('csr conv reference = dense reference', ref, { scalar: csrConv2dRef(x, m, info, xzp, bias) });
        const cref = csrConvCountsRef(x, m, info, xzp);
        const res: Record<string, ArrayLike<number>> = {};
        const q: Record<string, ArrayLike<number>> = {};
        const mult = new Float32Array(M).fill(multOf(0.1, 0.03, 1));
        const rq = requantizeRef(ref, M, mult, 10, 10, 255, 'uint8');
        for (const e of engines) {
          const pw = packCsrWeights(e, m);
          for (const skipZeros of [false, true]) {
            const r = run(e, () => conv2dCsr(e, { data: x, shape: g.x as never }, skipZeros ? pw : m, { ...(g.o as object), xZeroPoint: xzp, bias, skipZeros }));
            res[`${e.isa}${skipZeros ? '+skip' : ''}`] = r.y;
            if (skipZeros) expect(r.counts).toEqual(cref);
            else expect(r.counts).toEqual({ ...cref, executed: cref.executed + cref.skippedZeros, skippedZeros: 0 });
          }
          q[e.isa] = run(e, () => conv2dCsr(e, { data: x, shape: g.x as never }, pw, { ...(g.o as object), xZeroPoint: xzp, bias, requantize: { xScale: 0.1, wScale: 0.03, yScale: 1, yZeroPoint: 10, activation: 'relu' } })).y;
          pw.dispose();
        }
        expectAllAgree('conv2dCsr int32', ref, res);
        expectAllAgree('conv2dCsr requantised', rq, q);
      });
    }
  }

  it('density-1 CSR conv equals our conv2d', () => {
    const rand = rng(9);
    const x = fillInts(new Int8Array(1 * 14 * 14 * 8), -128, 127, rand);
    const w = fillInts(new Int8Array(16 * 3 * 3 * 8), -128, 127, rand);
    const m: CsrMatrix = denseToCsr(w, [16, 3, 3, 8]);
    for (const e of engines) {
      const d = conv2d(e, { data: x, shape: [1, 14, 14, 8] }, { data: w, shape: [16, 3, 3, 8] }, { pads: 1, xZeroPoint: -2 });
      expectAllAgree(`density 1 on ${e.isa}`, d.toArray(), { [e.isa]: run(e, () => conv2dCsr(e, { data: x, shape: [1, 14, 14, 8] }, m, { pads: 1, xZeroPoint: -2 })).y });
      d.dispose();
    }
  });
});

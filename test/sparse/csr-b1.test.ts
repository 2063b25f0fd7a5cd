/**
 * The row-contiguous int8 batch-1 form of packed FC CSR weights (s8_csr_spmv): used when every
 * w - wzp fits in int8; rows padded to multiples of 8 with zero fillers. Bit-exact against the
 * dense reference on every build, for row lengths around the 8 / 16 blocks, and the fallback
 * (i16 values) when a value does not fit.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { csrFromArrays, denseCsr, packCsrWeights, type Engine } from '../../src/index.js';
import { qgemmRef } from '../../src/reference/index.js';
import { allEngines, expectAllAgree, fillInts, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

/** A CSR matrix whose row r has lens[r] entries at random sorted columns, values zp + d, d in [dlo, dhi] \ {0}. */
function matrix(lens: number[], cols: number, zps: number[], dlo: number, dhi: number, rand: () => number) {
  const rowPtr = [0];
  const colIdx: number[] = [];
  const values: number[] = [];
  const dense = new Int8Array(lens.length * cols);
  lens.forEach((n, r) => {
    dense.fill(zps[r], r * cols, (r + 1) * cols);
    const cs = new Set<number>();
    while (cs.size < n) cs.add(Math.floor(rand() * cols));
    for (const c of [...cs].sort((a, b) => a - b)) {
      let d = 0;
      while (d === 0) d = dlo + Math.floor(rand() * (dhi - dlo + 1));
      colIdx.push(c);
      values.push(zps[r] + d);
      dense[r * cols + c] = zps[r] + d;
    }
    rowPtr.push(colIdx.length);
  });
  return { m: csrFromArrays({ rows: lens.length, cols, rowPtr, colIdx, values, zeroPoint: zps }), dense };
}

describe('denseCsr batch 1: the int8 row-contiguous form', () => {
  it('row lengths 0..33 (block edges 8, 16), non-zero zero points, int8 and uint8 x: dense reference on every build', () => {
    const rand = rng(404);
    const lens = Array.from({ length: 34 }, (_, i) => i);
    const cols = 40;
    const zps = lens.map((_, r) => (r % 5) - 2);
    // w - wzp in [-126, 125]: fits int8, so the packed weights carry the batch-1 form
    const { m, dense } = matrix(lens, cols, zps, -126, 125, rand);
    for (const signed of [false, true]) {
      const xzp = signed ? -5 : 11;
      const x = signed ? fillInts(new Int8Array(cols), -128, 127, rand) : fillInts(new Uint8Array(cols), 0, 255, rand);
      const bias = fillInts(new Int32Array(lens.length), -500, 500, rand);
      const ref = qgemmRef(x, xzp, dense, Int32Array.from(zps), bias, 1, lens.length, cols);
      const res: Record<string, ArrayLike<number>> = {};
      for (const e of engines) {
        const pw = packCsrWeights(e, m);
        expect(pw.offsets.b1RowPtr).toBeGreaterThanOrEqual(0);
        const live = e.heap.liveCount;
        const r = denseCsr(e, { data: x, shape: [1, cols] }, pw, { xZeroPoint: xzp, bias });
        res[e.isa] = r.y.toArray();
        expect(r.counts.executed).toBe(m.nnz);
        expect(r.kernel).toMatch(new RegExp(`^s8_csr_spmv\\w*__${e.isa}$`));
        r.y.dispose();
        expect(e.heap.liveCount).toBe(live);
        pw.dispose();
      }
      expectAllAgree(`batch 1 int8 form, signed x ${signed}`, ref, res);
    }
  });

  it('a value outside int8 (w - wzp = -255) keeps the int16 path; same results; largest column 65535', () => {
    const rand = rng(405);
    const cols = 65536;
    const zps = [127, 127, 127];
    const { m, dense } = matrix([20, 9, 0], cols, zps, -255, -200, rand);
    const m2 = matrix([20, 9, 1], cols, [0, 0, 0], -128, 127, rand);
    const x = fillInts(new Uint8Array(cols), 0, 255, rand);
    x[65535] = 200;
    for (const e of engines) {
      const pw = packCsrWeights(e, m);
      expect(pw.offsets.b1RowPtr).toBe(-1);
      const r = denseCsr(e, { data: x, shape: [1, cols] }, pw, { xZeroPoint: 1 });
      expect(r.kernel).toMatch(new RegExp(`^s16_csr_spmm_(1x1|p2x32)__${e.isa}$`));
      expectAllAgree('int16 fallback', qgemmRef(x, 1, dense, Int32Array.from(zps), undefined, 1, 3, cols), { [e.isa]: r.y.toArray() });
      r.y.dispose();
      pw.dispose();
      const last = csrFromArrays({ rows: 1, cols, rowPtr: [0, 2], colIdx: [0, 65535], values: [-128, 127] });
      const q = denseCsr(e, { data: x, shape: [1, cols] }, last, { xZeroPoint: 1 });
      expect(Array.from(q.y.toArray())).toEqual([(x[0] - 1) * -128 + (x[65535] - 1) * 127]);
      q.y.dispose();
      const p2 = packCsrWeights(e, m2.m);
      expect(p2.offsets.b1RowPtr).toBeGreaterThanOrEqual(0);
      const s = denseCsr(e, { data: x, shape: [1, cols] }, p2, { xZeroPoint: 1 });
      expectAllAgree('int8 form, wide', qgemmRef(x, 1, m2.dense, 0, undefined, 1, 3, cols), { [e.isa]: s.y.toArray() });
      s.y.dispose();
      p2.dispose();
    }
  });

  it('batched over several column panels (9000 columns, batch 1, 5 and 40): dense reference on every build', () => {
    const rand = rng(406);
    const cols = 9000;
    const lens = [0, 1, 7, 8, 9, 300, 901];
    const zps = lens.map((_, r) => r - 3);
    const { m, dense } = matrix(lens, cols, zps, -100, 100, rand);
    for (const B of [1, 5, 40]) {
      const x = fillInts(new Uint8Array(B * cols), 0, 255, rand);
      const ref = qgemmRef(x, 2, dense, Int32Array.from(zps), undefined, B, lens.length, cols);
      const res: Record<string, ArrayLike<number>> = {};
      for (const e of engines) {
        const pw = packCsrWeights(e, m);
        expect(pw.panels).toBe(3);
        const r = denseCsr(e, { data: x, shape: [B, cols] }, pw, { xZeroPoint: 2 });
        expect(r.kernel).toMatch(new RegExp(`^${B === 1 ? 's8_csr_spmv' : 's16_csr_spmm_(1x1|p2x32)'}\\w*__${e.isa}$`));
        res[e.isa] = r.y.toArray();
        r.y.dispose();
        pw.dispose();
      }
      expectAllAgree(`panels, batch ${B}`, ref, res);
    }
  });
});

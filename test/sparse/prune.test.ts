import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, csrFromArrays, denseToCsr, pruneFilters, pruneGlobal, pruneMagnitude, pruneNM, storageCost } from '../../src/index.js';
import { rng } from '../helpers/engines.js';

describe('magnitude pruning', () => {
  it('reproduces a target sparsity exactly, ties pruned lower index first', () => {
    // magnitudes 1, 2, 2, 2, 3, 0.5 -> prune 3: 0.5 (idx 5), 1 (idx 0), then the first tie at idx 1.
    const w = new Float32Array([1, -2, 2, -2, 3, 0.5]);
    const p = pruneMagnitude(w, [2, 3], { sparsity: 0.5 });
    expect(Array.from(p.mask)).toEqual([0, 0, 1, 1, 1, 0]);
    expect(Array.from(p.data)).toEqual([0, 0, 2, -2, 3, 0]);
    expect(p.kept).toBe(3);
    expect(p.threshold).toBe(2);
    expect(Array.from(w)).toEqual([1, -2, 2, -2, 3, 0.5]); // input untouched
    const rand = rng(1);
    const big = Int8Array.from({ length: 10000 }, () => Math.floor(rand() * 256) - 128);
    for (const s of [0, 0.001, 0.1, 0.5, 0.9, 0.95, 1]) {
      const r = pruneMagnitude(big, [100, 100], { sparsity: s, zeroPoint: 3 });
      expect(r.total - r.kept).toBe(Math.round(s * 10000));
      // every pruned magnitude <= every kept magnitude
      let maxPruned = -1;
      let minKept = 1e9;
      for (let i = 0; i < big.length; i++) {
        const m = Math.abs(big[i] - 3);
        if (r.mask[i]) minKept = Math.min(minKept, m);
        else {
          maxPruned = Math.max(maxPruned, m);
          expect(r.data[i]).toBe(3); // pruned int8 weight = zero point (real 0)
        }
      }
      if (r.kept && r.kept < r.total) expect(maxPruned).toBeLessThanOrEqual(minKept);
      expect(denseToCsr(r.data, [100, 100], { zeroPoint: 3 }).nnz).toBeLessThanOrEqual(r.kept);
    }
  });

  it('threshold mode prunes magnitudes strictly below it; global pruning reports per layer', () => {
    const a = new Float32Array([0.1, -0.5, 0.2, 0.05]);
    const b = new Float32Array([0.3, 0.2, -0.01, 0.6, 0.2, 0.7]);
    expect(pruneMagnitude(a, [2, 2], { threshold: 0.2 }).kept).toBe(2);
    const g = pruneGlobal([{ name: 'fc1', data: a, shape: [2, 2] }, { name: 'fc2', data: b, shape: [2, 3] }], { sparsity: 0.5 });
    // 10 weights, prune 5: 0.01, 0.05, 0.1, then the 0.2 ties in (layer, index) order: a[2], b[1].
    expect(g.layers.map((l) => [l.name, l.kept])).toEqual([['fc1', 1], ['fc2', 4]]);
    expect(Array.from(g.layers[1].mask)).toEqual([1, 0, 0, 1, 1, 1]);
    expect(g.kept).toBe(5);
    const t = pruneGlobal([{ data: a, shape: [2, 2] }, { data: b, shape: [2, 3] }], { threshold: 0.25 });
    expect(t.layers.map((l) => l.kept)).toEqual([1, 3]);
  });

  it('filter pruning removes whole output channels by L1 / L2 norm', () => {
    // rows: L1 = 6, 4, 4, 9; L2^2 = 14, 16, 6, 81
    const w = Int8Array.from([1, 2, 3, 4, 0, 0, 2, 1, 1, 0, 0, 9].map((v) => v));
    const l1 = pruneFilters(w, [4, 3], { filters: 2 });
    expect(l1.removedFilters).toEqual([1, 2]);
    expect(l1.keptFilters).toEqual([0, 3]);
    expect(Array.from(l1.compact)).toEqual([1, 2, 3, 0, 0, 9]);
    expect(l1.compactShape).toEqual([2, 3]);
    expect(Array.from(l1.data)).toEqual([1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 9]);
    const l2 = pruneFilters(w, [4, 3], { sparsity: 0.5, norm: 'l2' });
    expect(l2.removedFilters).toEqual([0, 2]);
    expect(l2.norms[3]).toBe(9);
  });

  it('N:M keeps n of every m along the input dimension', () => {
    const w = new Float32Array([1, -4, 3, 2, 5, 5, 5, 5, 9, 1]);
    const p = pruneNM(w, [1, 10], { n: 2, m: 4 });
    // groups [1,-4,3,2] keeps -4, 3; [5,5,5,5] ties: lower index pruned first -> keeps idx 6, 7; [9, 1] keeps both.
    expect(Array.from(p.mask)).toEqual([0, 1, 1, 0, 0, 0, 1, 1, 1, 1]);
    const rand = rng(5);
    const big = Float32Array.from({ length: 64 * 128 }, () => rand() - 0.5);
    expect(pruneNM(big, [64, 128], { n: 2, m: 4 }).density).toBe(0.5);
  });

  it('refuses bad options with typed errors', () => {
    const w = new Float32Array(4);
    expect(() => pruneMagnitude(w, [2, 2], { sparsity: 1.5 })).toThrow(ValueError);
    expect(() => pruneMagnitude(w, [2, 2], {})).toThrow(ValueError);
    expect(() => pruneMagnitude(w, [3, 2], { sparsity: 0.5 })).toThrow(ShapeError);
    expect(() => pruneMagnitude(new Float32Array([NaN, 1, 2, 3]), [2, 2], { sparsity: 0.5 })).toThrow(ValueError);
    expect(() => pruneNM(w, [2, 2], { n: 3, m: 2 })).toThrow(ValueError);
    expect(() => pruneFilters(w, [2, 2], { filters: 3 })).toThrow(ValueError);
  });
});

describe('storage cost (Deep Compression relative indices)', () => {
  it('counts gaps, fillers and CSR bits by hand', () => {
    // 2 x 16 FC layer, entries at flat positions 1, 4, 15 | 16 + 2, 16 + 14 (row 1 cols 2 and 14).
    // 3-bit indices: gaps (zeros skipped) 1, 2, 10 -> one filler (floor(10 / 8)), then 2 (pos 18 - 15 - 1), 11 -> one filler.
    const m = csrFromArrays({ rows: 2, cols: 16, rowPtr: [0, 3, 5], colIdx: [1, 4, 15, 2, 14], values: [3, -1, 2, 5, 7] });
    const c = storageCost(m, { kind: 'fc', indexBits: 3 });
    expect(c.fillers).toBe(2);
    expect(c.entries).toBe(7);
    expect(c.relativeBits).toBe(7 * (8 + 3));
    expect(c.csr32Bits).toBe(5 * 40 + 3 * 32);
    expect(c.csr16Bits).toBe(5 * 24 + 3 * 32);
    expect(c.denseBits).toBe(32 * 8);
    // FC default 5 bits: max gap 31, no filler here; conv default 8 bits.
    expect(storageCost(m, { kind: 'fc' })).toMatchObject({ indexBits: 5, fillers: 0, relativeBits: 5 * 13 });
    expect(storageCost(m, { kind: 'conv', valueBits: 5 })).toMatchObject({ indexBits: 8, relativeBits: 5 * 13 });
    // A gap of exactly 2^b zeros needs one filler; 2^b - 1 needs none.
    const g8 = csrFromArrays({ rows: 1, cols: 20, rowPtr: [0, 1], colIdx: [8], values: [1] });
    const g7 = csrFromArrays({ rows: 1, cols: 20, rowPtr: [0, 1], colIdx: [7], values: [1] });
    expect(storageCost(g8, { kind: 'fc', indexBits: 3 }).fillers).toBe(1);
    expect(storageCost(g7, { kind: 'fc', indexBits: 3 }).fillers).toBe(0);
    // float32 values default to 32 bits; an empty matrix costs nothing.
    const f = denseToCsr(new Float32Array(10), [2, 5]);
    expect(storageCost(f, { kind: 'fc' })).toMatchObject({ nnz: 0, relativeBits: 0, valueBits: 32 });
  });
});

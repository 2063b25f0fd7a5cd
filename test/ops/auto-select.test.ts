import { beforeAll, describe, expect, it } from 'vitest';
import {
  AutoWeights, CSR_CROSSOVER, FC_ZERO_SKIP_CROSSOVER, QuantError, ShapeError, UnsupportedError, ValueError, ZERO_SKIP_CROSSOVER,
  chooseKernel, conv2dAuto, conv2dInfo, denseAuto, packAutoWeights, type Engine, type KernelChoice,
} from '../../src/index.js';
import { conv2dRef } from '../../src/reference/index.js';
import { allEngines, expectAllAgree, fillInts, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

const ALL = new Set<KernelChoice>(['dense', 'zeroskip', 'csr']);
const CHOICES: KernelChoice[] = ['dense', 'zeroskip', 'csr'];

/** Weights with exactly `nnz` entries different from their row's zero point (the rest pruned = zp). */
function pruned(rand: () => number, rows: number, cols: number, nnz: number, zp: number[], dtype: 'int8' | 'uint8'): Int8Array | Uint8Array {
  const n = rows * cols;
  const w = dtype === 'int8' ? new Int8Array(n) : new Uint8Array(n);
  for (let r = 0; r < rows; r++) w.fill(zp[r], r * cols, (r + 1) * cols);
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < nnz; i++) {
    const j = i + Math.floor(rand() * (n - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
    const r = Math.floor(idx[i] / cols);
    const [lo, hi] = dtype === 'int8' ? [-128, 127] : [0, 255];
    let v = zp[r];
    while (v === zp[r]) v = lo + Math.floor(rand() * (hi - lo + 1));
    w[idx[i]] = v;
  }
  return w;
}

/** Activations with exactly `nz` elements != zp. */
function acts(rand: () => number, n: number, nz: number, zp: number, dtype: 'int8' | 'uint8'): Int8Array | Uint8Array {
  const x = dtype === 'int8' ? new Int8Array(n).fill(zp) : new Uint8Array(n).fill(zp);
  const [lo, hi] = dtype === 'int8' ? [-128, 127] : [0, 255];
  for (let i = 0; i < nz; i++) {
    let v = zp;
    while (v === zp) v = lo + Math.floor(rand() * (hi - lo + 1));
    x[i] = v;
  }
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [x[i], x[j]] = [x[j], x[i]];
  }
  return x;
}

describe('chooseKernel: the decision rule', () => {
  it('each crossover separates just under from just over', () => {
    expect(chooseKernel(1, 0.199, 0.75, 0.2, ALL).ran).toBe('csr');
    expect(chooseKernel(1, 0.201, 0.75, 0.2, ALL).ran).toBe('dense');
    expect(chooseKernel(0.749, 1, 0.75, 0.2, ALL).ran).toBe('zeroskip');
    expect(chooseKernel(0.751, 1, 0.75, 0.2, ALL).ran).toBe('dense');
    // both sparse: the relatively sparser operand wins
    expect(chooseKernel(0.3, 0.1, 0.75, 0.33, ALL).ran).toBe('csr'); // 3.3 > 2.5
    expect(chooseKernel(0.1, 0.3, 0.75, 0.33, ALL).ran).toBe('zeroskip');
    // a crossover of 0 disables a kernel; a form that is not kept is not chosen
    expect(chooseKernel(0, 1, 0, 0.2, ALL).ran).toBe('dense');
    expect(chooseKernel(1, 0.1, 0.75, 0.2, new Set<KernelChoice>(['dense', 'zeroskip'])).ran).toBe('dense');
    expect(chooseKernel(1, 0.5, 0.75, 0.2, new Set<KernelChoice>(['csr'])).ran).toBe('csr');
    expect(chooseKernel(1, 0.1, 0.75, 0.2, ALL).reason).toMatch(/weight density 0.1 < CSR crossover 0.2/);
  });
  it('the measured defaults are densities', () => {
    for (const t of Object.values(CSR_CROSSOVER)) for (const v of Object.values(t)) expect(v > 0 && v < 1).toBe(true);
    expect(FC_ZERO_SKIP_CROSSOVER).toBe(0);
  });
});

describe('denseAuto', () => {
  it('every choice bit-exact vs the reference on every build (pruned weights, zero points, bias, int8/uint8)', () => {
    const rand = rng(31);
    for (const [B, K, N, wDtype, xDtype] of [[1, 37, 19, 'int8', 'uint8'], [3, 64, 33, 'uint8', 'int8'], [16, 100, 8, 'int8', 'int8'], [1, 1, 1, 'int8', 'uint8'], [33, 9, 17, 'uint8', 'uint8']] as const) {
      const zp = Array.from({ length: N }, () => (wDtype === 'int8' ? Math.floor(rand() * 11) - 5 : 120 + Math.floor(rand() * 16)));
      const w = pruned(rand, N, K, Math.max(1, Math.round(0.15 * N * K)), zp, wDtype);
      const xzp = xDtype === 'int8' ? -3 : 5;
      const x = acts(rand, B * K, Math.round(0.6 * B * K), xzp, xDtype);
      const bias = Int32Array.from({ length: N }, () => Math.floor(rand() * 2000) - 1000);
      const ref = conv2dRef(x, w, conv2dInfo([B, 1, 1, K], [N, 1, 1, K], {}), { xZeroPoint: xzp, wZeroPoint: zp, bias });
      for (const use of ['auto', ...CHOICES] as const) {
        const plain: Record<string, ArrayLike<number>> = {};
        const packed: Record<string, ArrayLike<number>> = {};
        for (const e of engines) {
          const live = e.heap.liveCount;
          const r = denseAuto(e, { data: x, shape: [B, K] }, { data: w, shape: [N, K] }, { use, xZeroPoint: xzp, wZeroPoint: zp, bias });
          if (use !== 'auto') expect(r.ran).toBe(use);
          expect(r.y.shape).toEqual([B, N]);
          plain[e.isa] = r.y.toArray();
          r.y.dispose();
          const aw = packAutoWeights(e, { data: w, shape: [N, K] }, { wZeroPoint: zp, forms: CHOICES });
          const q = denseAuto(e, { data: x, shape: [B, K] }, aw, { use, xZeroPoint: xzp, bias });
          packed[e.isa] = q.y.toArray();
          if (q.ran === 'csr') expect(q.sparseCounts!.executed).toBe(B * Math.round(0.15 * N * K) || B);
          q.y.dispose();
          aw.dispose();
          expect(e.heap.liveCount).toBe(live);
        }
        expectAllAgree(`dense ${B}x${K}x${N} ${use}`, ref, plain);
        expectAllAgree(`dense ${B}x${K}x${N} ${use} AutoWeights`, ref, packed);
      }
    }
  });

  it('requantised output: every choice gives the same bytes on every build', () => {
    const rand = rng(7);
    const [B, K, N] = [4, 80, 24];
    const w = pruned(rand, N, K, 200, new Array(N).fill(0), 'int8');
    const x = acts(rand, B * K, 200, 0, 'uint8');
    const requantize = { xScale: 0.05, wScale: 0.01, yScale: 0.3, activation: 'relu' as const };
    const res: Record<string, ArrayLike<number>> = {};
    let first: ArrayLike<number> | undefined;
    for (const e of engines) {
      const aw = packAutoWeights(e, { data: w, shape: [N, K] }, { forms: CHOICES });
      for (const use of CHOICES) {
        const r = denseAuto(e, { data: x, shape: [B, K] }, aw, { use, requantize });
        expect(r.y.dtype).toBe('uint8');
        const a = r.y.toArray();
        first ??= a;
        res[`${e.isa}-${use}`] = a;
        r.y.dispose();
      }
      aw.dispose();
    }
    expectAllAgree('requantised', first!, res);
  });

  it('auto picks by the thresholds just under / over the CSR crossover (batch 1 and batched)', () => {
    const rand = rng(5);
    const [N, K] = [40, 50]; // 2000 weights: density steps of 0.0005
    for (const e of engines) {
      for (const B of [1, 4]) {
        const X = B === 1 ? CSR_CROSSOVER.fc1[e.isa] : CSR_CROSSOVER.fcBatched[e.isa];
        const x = acts(rand, B * K, B * K, 0, 'uint8');
        for (const [nnz, want] of [[Math.round(X * 2000) - 1, 'csr'], [Math.round(X * 2000) + 1, 'dense']] as const) {
          const w = pruned(rand, N, K, nnz, new Array(N).fill(0), 'int8');
          const aw = packAutoWeights(e, { data: w, shape: [N, K] }, { forms: CHOICES });
          expect(aw.density).toBe(nnz / 2000);
          const r = denseAuto(e, { data: x, shape: [B, K] }, aw);
          expect(r.ran, `${e.isa} B ${B} density ${aw.density}`).toBe(want);
          expect(r.selection).toMatchObject({ ran: want, forced: false, activationDensity: 1, weightDensity: nnz / 2000, csrCrossover: X, zeroSkipCrossover: 0 });
          // plain weights: the same decision, weights scanned per call
          const p = denseAuto(e, { data: x, shape: [B, K] }, { data: w, shape: [N, K] });
          expect(p.ran).toBe(want);
          // a user crossover moves the decision
          const q = denseAuto(e, { data: x, shape: [B, K] }, aw, { csrCrossover: want === 'csr' ? 0.01 : 0.99 });
          expect(q.ran).toBe(want === 'csr' ? 'dense' : 'csr');
          // zero-skip when asked for with a crossover
          const xs = acts(rand, B * K, Math.floor(0.3 * B * K), 0, 'uint8');
          const z = denseAuto(e, { data: xs, shape: [B, K] }, aw, { crossover: 0.5, csrCrossover: 0.01 });
          expect(z.ran).toBe('zeroskip');
          for (const t of [r, p, q, z]) t.y.dispose();
          aw.dispose();
        }
      }
    }
  });

  it('default forms follow the weight density; forcing a form not kept is a typed error', () => {
    const e = engines[1];
    const rand = rng(9);
    const sparse = packAutoWeights(e, { data: pruned(rand, 20, 50, 50, new Array(20).fill(0), 'int8'), shape: [20, 50] });
    expect([...sparse.forms].sort()).toEqual(['csr']);
    const dense = packAutoWeights(e, { data: fillInts(new Int8Array(1000), 1, 100, rand), shape: [20, 50] });
    expect([...dense.forms].sort()).toEqual(['dense']);
    // exact densities: one zero point (word scan, odd length) and per-row zero points
    const zr = Array.from({ length: 7 }, (_, r) => r - 3);
    const pr = packAutoWeights(e, { data: pruned(rand, 7, 13, 30, zr, 'int8'), shape: [7, 13] }, { wZeroPoint: zr, forms: ['csr'] });
    expect(pr.density).toBe(30 / 91);
    const u8 = packAutoWeights(e, { data: pruned(rand, 7, 13, 29, new Array(7).fill(200), 'uint8'), shape: [7, 13] }, { wZeroPoint: 200, forms: ['csr'] });
    expect(u8.density).toBe(29 / 91);
    pr.dispose();
    u8.dispose();
    const x = { data: new Uint8Array(50).fill(1), shape: [1, 50] };
    expect(() => denseAuto(e, x, sparse, { use: 'dense' })).toThrow(ValueError);
    expect(() => denseAuto(e, x, dense, { use: 'zeroskip' })).toThrow(ValueError);
    expect(denseAuto(e, x, sparse).ran).toBe('csr');
    sparse.dispose();
    dense.dispose();
    expect(sparse.disposed).toBe(true);
  });
});

describe('conv2dAuto with CSR', () => {
  it('every choice bit-exact vs the reference on every build (plain and AutoWeights; stride 1 and 2, groups)', () => {
    const rand = rng(77);
    for (const [H, W, C, M, R, S, opts, wDtype] of [
      [6, 7, 5, 9, 3, 3, { pads: 1 }, 'int8'],
      [9, 8, 8, 16, 3, 3, { pads: [1, 0, 1, 2] as [number, number, number, number], strides: 2 }, 'uint8'],
      [5, 5, 6, 8, 2, 2, { groups: 2, dilations: 2 as const }, 'int8'],
      [1, 1, 1, 1, 1, 1, {}, 'int8'],
    ] as const) {
      const groups = 'groups' in opts ? opts.groups : 1;
      const Cg = C / groups;
      const zp = Array.from({ length: M }, () => (wDtype === 'int8' ? Math.floor(rand() * 7) - 3 : 126 + Math.floor(rand() * 5)));
      const w = pruned(rand, M, R * S * Cg, Math.max(1, Math.round(0.2 * M * R * S * Cg)), zp, wDtype);
      const xzp = 4;
      const x = acts(rand, H * W * C, Math.round(0.4 * H * W * C), xzp, 'uint8');
      const bias = Int32Array.from({ length: M }, () => Math.floor(rand() * 500) - 250);
      const info = conv2dInfo([1, H, W, C], [M, R, S, Cg], opts);
      const ref = conv2dRef(x, w, info, { xZeroPoint: xzp, wZeroPoint: zp, bias });
      for (const use of ['auto', ...CHOICES] as const) {
        const plain: Record<string, ArrayLike<number>> = {};
        const packed: Record<string, ArrayLike<number>> = {};
        for (const e of engines) {
          const live = e.heap.liveCount;
          const xs = { data: x, shape: [1, H, W, C] };
          const r = conv2dAuto(e, xs, { data: w, shape: [M, R, S, Cg] }, { ...opts, use, xZeroPoint: xzp, wZeroPoint: zp, bias });
          if (use !== 'auto') expect(r.ran).toBe(use);
          plain[e.isa] = r.y.toArray();
          r.y.dispose();
          const aw = packAutoWeights(e, { data: w, shape: [M, R, S, Cg] }, { groups, wZeroPoint: zp, forms: CHOICES });
          const q = conv2dAuto(e, xs, aw, { ...opts, use, xZeroPoint: xzp, bias });
          packed[e.isa] = q.y.toArray();
          if (q.ran === 'csr') {
            expect(q.sparseCounts!.dense).toBe(info.macs);
            expect(q.kernel).toMatch(/^s16_csr_spmm/);
          }
          q.y.dispose();
          aw.dispose();
          expect(e.heap.liveCount).toBe(live);
        }
        expectAllAgree(`conv ${H}x${W}x${C}->${M} ${use}`, ref, plain);
        expectAllAgree(`conv ${H}x${W}x${C}->${M} ${use} AutoWeights`, ref, packed);
      }
    }
  });

  it('auto: CSR just under its crossover, dense just over; zero-skip by activation density; result shape stays compatible', () => {
    const rand = rng(12);
    const [H, W, C, M] = [6, 6, 10, 20]; // 20 x 90 = 1800 weights
    for (const e of engines) {
      const X = CSR_CROSSOVER.conv[e.isa];
      const xs = { data: acts(rand, H * W * C, H * W * C, 0, 'uint8'), shape: [1, H, W, C] };
      for (const [nnz, want] of [[Math.floor(X * 1800) - 1, 'csr'], [Math.ceil(X * 1800) + 1, 'dense']] as const) {
        const w = { data: pruned(rand, M, 90, nnz, new Array(M).fill(0), 'int8'), shape: [M, 3, 3, C] };
        const aw = packAutoWeights(e, w);
        const r = conv2dAuto(e, xs, aw, { pads: 1 });
        expect(r.ran).toBe(want);
        expect(r).toMatchObject({ density: 1, crossover: ZERO_SKIP_CROSSOVER[e.isa], weightDensity: nnz / 1800, csrCrossover: X });
        expect(r.selection.reason.length).toBeGreaterThan(10);
        const p = conv2dAuto(e, xs, w, { pads: 1 });
        expect(p.ran).toBe(want);
        // sparse activations just under the zero-skip crossover, dense weights: zero-skip
        const zs = { data: acts(rand, H * W * C, Math.floor((ZERO_SKIP_CROSSOVER[e.isa] - 0.01) * H * W * C), 0, 'uint8'), shape: [1, H, W, C] };
        const dw = { data: fillInts(new Int8Array(1800), 1, 50, rand), shape: [M, 3, 3, C] };
        const z = conv2dAuto(e, zs, dw, { pads: 1 });
        expect(z.ran).toBe('zeroskip');
        expect(z.counts).toBeDefined();
        for (const t of [r, p, z]) t.y.dispose();
        aw.dispose();
      }
    }
  });

  it('bad choices and weights: typed errors before Wasm, engine still bit-exact afterwards', () => {
    const rand = rng(3);
    for (const e of engines) {
      const live = e.heap.liveCount;
      const w = { data: pruned(rand, 8, 18, 20, new Array(8).fill(0), 'int8'), shape: [8, 3, 3, 2] };
      const x = { data: acts(rand, 4 * 4 * 2, 20, 0, 'uint8'), shape: [1, 4, 4, 2] };
      const fc = { data: pruned(rand, 8, 18, 20, new Array(8).fill(0), 'int8'), shape: [8, 18] };
      const aw = packAutoWeights(e, w, { forms: ['csr'] });
      const awFc = packAutoWeights(e, fc, { forms: CHOICES });
      const bad: [() => unknown, unknown][] = [
        [() => conv2dAuto(e, x, w, { use: 'sparse' as never }), ValueError],
        [() => conv2dAuto(e, x, w, { csrCrossover: 1.5 }), ValueError],
        [() => conv2dAuto(e, x, w, { csrSkipZeros: 'yes' as never }), ValueError],
        [() => conv2dAuto(e, x, aw, { use: 'dense' }), ValueError],
        [() => conv2dAuto(e, x, aw, { groups: 2 }), ShapeError],
        [() => conv2dAuto(e, { data: new Uint8Array(4 * 4 * 4), shape: [1, 4, 4, 4] }, aw, { groups: 2 }), ValueError],
        [() => conv2dAuto(e, x, aw, { wZeroPoint: 3 }), QuantError],
        [() => conv2dAuto(e, x, awFc), ShapeError],
        [() => conv2dAuto(e, { data: x.data, shape: [1, 2, 4, 4] }, w, { use: 'csr', layout: 'NCHW' }), UnsupportedError],
        [() => conv2dAuto(e, x, w, { wZeroPoint: [1, 2] }), QuantError],
        [() => denseAuto(e, { data: x.data, shape: [1, 32] }, awFc), ShapeError],
        [() => denseAuto(e, { data: x.data.subarray(0, 18), shape: [1, 18] }, aw), ShapeError],
        [() => denseAuto(e, { data: x.data.subarray(0, 18), shape: [1, 18] }, fc, { use: 'fast' as never }), ValueError],
        [() => denseAuto(e, { data: x.data.subarray(0, 18), shape: [1, 18] }, fc, { crossover: -1 }), ValueError],
        [() => denseAuto(e, { data: x.data.subarray(0, 18), shape: [1, 18] }, fc, { layout: 'kn' } as never), ValueError],
        [() => packAutoWeights(e, { data: new Int8Array(8), shape: [8] }), ShapeError],
        [() => packAutoWeights(e, fc, { forms: ['gpu' as never] }), ValueError],
        [() => packAutoWeights(e, fc, { wZeroPoint: 200 }), QuantError],
        [() => packAutoWeights(e, w, { groups: 3 }), ValueError],
      ];
      for (const [f, T] of bad) expect(f).toThrow(T as new () => Error);
      const other = engines.find((o) => o !== e)!;
      expect(() => denseAuto(other, { data: x.data.subarray(0, 18), shape: [1, 18] }, awFc)).toThrow(ValueError);
      awFc.dispose();
      expect(() => denseAuto(e, { data: x.data.subarray(0, 18), shape: [1, 18] }, awFc)).toThrow(ValueError);
      // still bit-exact
      const info = conv2dInfo([1, 4, 4, 2], [8, 3, 3, 2], { pads: 1 });
      const r = conv2dAuto(e, x, aw, { pads: 1 });
      expect(r.ran).toBe('csr');
      expect(Array.from(r.y.toArray())).toEqual(Array.from(conv2dRef(x.data, w.data, info, {})));
      r.y.dispose();
      aw.dispose();
      expect(aw).toBeInstanceOf(AutoWeights);
      expect(e.heap.liveCount).toBe(live);
    }
  });
});

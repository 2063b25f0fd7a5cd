/**
 * Property tests over the surfaces added in the sparse / auto / prepacking session: random shapes,
 * densities and zero points against the plain-TS reference on every build, and crafted invalid
 * inputs that must fail with a typed error before Wasm memory is touched (live allocations and a
 * hash of the whole memory unchanged), after which a valid call is still bit-exact.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AutoWeights, MacflowError, activationDensity, conv2dAuto, conv2dInfo, conv2dZeroSkip, csrFromArrays, denseAuto, denseCsr, packAutoWeights,
  packCsrWeights, packZeroSkipWeights, type Conv2DOptions, type Engine,
} from '../../src/index.js';
import { conv2dRef, qgemmRef } from '../../src/reference/index.js';
import { expectRejected } from './heap-guard.js';
import { allEngines, expectAllAgree, fillInts, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

const SEED = 20240607;


/** A random pruned int8 matrix [rows, cols] with per-row zero points: dense form and CSR. */
function prunedMatrix(rows: number, cols: number, density: number, zps: number[], wide: boolean, rand: () => number) {
  const dense = new Int8Array(rows * cols);
  const rowPtr = [0];
  const colIdx: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let v = zps[r];
      if (rand() < density) {
        // wide: any int8 value (w - wzp may leave int8: the int16 fallback); else |w - wzp| small
        while (v === zps[r]) v = wide ? -128 + Math.floor(rand() * 256) : Math.max(-128, Math.min(127, zps[r] + Math.floor(rand() * 61) - 30));
        colIdx.push(c);
        values.push(v);
      }
      dense[r * cols + c] = v;
    }
    rowPtr.push(colIdx.length);
  }
  return { dense, csr: csrFromArrays({ rows, cols, rowPtr, colIdx, values, zeroPoint: zps }) };
}

describe('denseCsr (batch-1 int8 form and the int16 fallback): random matrices', () => {
  it('rows 1..19, cols 1..40 and panel-crossing widths, per-row zero points, batch 1 / 2 / 9: reference on every build, no leaks', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 19 }), fc.constantFrom(1, 2, 7, 8, 9, 15, 16, 17, 33, 40, 4100), fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(), fc.boolean(), fc.constantFrom(1, 2, 9), fc.boolean(), fc.nat(1 << 30),
        (rows, cols, density, wide, signed, B, skip, seed) => {
          if (cols > 100 && rows > 4) rows = 4; // keep the wide case quick
          const rand = rng(seed);
          const zps = Array.from({ length: rows }, () => (rand() < 0.3 ? 0 : -128 + Math.floor(rand() * 256)));
          const { dense, csr } = prunedMatrix(rows, cols, density, zps, wide, rand);
          const x = signed ? fillInts(new Int8Array(B * cols), -128, 127, rand) : fillInts(new Uint8Array(B * cols), 0, 255, rand);
          const xzp = signed ? -128 + Math.floor(rand() * 256) : Math.floor(rand() * 256);
          const bias = fillInts(new Int32Array(rows), -1000, 1000, rand);
          const ref = qgemmRef(x, xzp, dense, Int32Array.from(zps), bias, B, rows, cols);
          const res: Record<string, ArrayLike<number>> = {};
          for (const e of engines) {
            const live = e.heap.liveCount;
            const pw = packCsrWeights(e, csr);
            const r = denseCsr(e, { data: x, shape: [B, cols] }, pw, { xZeroPoint: xzp, bias, skipZeros: skip });
            res[e.isa] = r.y.toArray();
            r.y.dispose();
            // unpacked weights (packed per call) agree too
            const r2 = denseCsr(e, { data: x, shape: [B, cols] }, csr, { xZeroPoint: xzp, bias });
            expect(Array.from(r2.y.toArray())).toEqual(Array.from(res[e.isa]));
            r2.y.dispose();
            pw.dispose();
            expect(e.heap.liveCount, `${e.isa}: no leak`).toBe(live);
          }
          expectAllAgree(`denseCsr ${rows}x${cols} B=${B} d=${density.toFixed(2)} wide=${wide}`, ref, res);
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('rejects crafted matrices (mutated after construction) and bad inputs before touching Wasm; valid calls still exact', () => {
    const rand = rng(5);
    const { dense, csr } = prunedMatrix(5, 12, 0.5, [0, 3, -2, 0, 1], false, rand);
    const x = fillInts(new Int8Array(12), -128, 127, rand);
    const ref = qgemmRef(x, 0, dense, Int32Array.from([0, 3, -2, 0, 1]), undefined, 1, 5, 12);
    for (const e of engines) {
      const pw = packCsrWeights(e, csr);
      const bad = (mutate: (m: typeof csr) => void) => {
        const m = csrFromArrays({ rows: csr.rows, cols: csr.cols, rowPtr: csr.rowPtr, colIdx: csr.colIdx, values: csr.values, zeroPoint: csr.zeroPoints });
        mutate(m);
        return m;
      };
      const xs = { data: x, shape: [1, 12] };
      expectRejected(e, 'colIdx >= cols', () => denseCsr(e, xs, bad((m) => (m.colIdx[0] = 12))));
      expectRejected(e, 'colIdx huge', () => packCsrWeights(e, bad((m) => (m.colIdx[m.colIdx.length - 1] = 1 << 30))));
      expectRejected(e, 'colIdx negative', () => denseCsr(e, xs, bad((m) => (m.colIdx[1] = -1))));
      expectRejected(e, 'rowPtr decreasing', () => denseCsr(e, xs, bad((m) => (m.rowPtr[2] = m.rowPtr[1] - 1))));
      expectRejected(e, 'rowPtr past nnz', () => denseCsr(e, xs, bad((m) => (m.rowPtr[3] = m.nnz + 5))));
      expectRejected(e, 'zero point out of int8', () => denseCsr(e, xs, bad((m) => (m.zeroPoints[0] = 300))));
      expectRejected(e, 'rows mutated', () => denseCsr(e, xs, bad((m) => ((m as { rows: number }).rows = 6))));
      expectRejected(e, 'x NaN shape', () => denseCsr(e, { data: x, shape: [1, NaN] }, pw));
      expectRejected(e, 'x wrong features', () => denseCsr(e, { data: x.subarray(0, 11), shape: [1, 11] }, pw));
      expectRejected(e, 'x float32', () => denseCsr(e, { data: new Float32Array(12), shape: [1, 12] } as never, pw));
      expectRejected(e, 'xZeroPoint out of range', () => denseCsr(e, xs, pw, { xZeroPoint: 200 }));
      expectRejected(e, 'wZeroPoint mismatch', () => denseCsr(e, xs, pw, { wZeroPoint: 0 }));
      expectRejected(e, 'skipZeros not boolean', () => denseCsr(e, xs, pw, { skipZeros: 1 as never }));
      const other = engines.find((o) => o !== e)!;
      const pwo = packCsrWeights(other, csr);
      expectRejected(e, 'weights of another engine', () => denseCsr(e, xs, pwo));
      pwo.dispose();
      const r = denseCsr(e, xs, pw);
      expectAllAgree(`${e.isa} after rejections`, ref, { [e.isa]: r.y.toArray() });
      r.y.dispose();
      pw.dispose();
      expectRejected(e, 'disposed packed weights', () => denseCsr(e, xs, pw));
    }
  });
});

describe('activationDensity: the Wasm scan and the JavaScript scan agree', () => {
  it('random lengths, offsets and zero points (tensor of the engine vs host view)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 3 }), fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(1 << 30), (n, off, signed, d, seed) => {
        const rand = rng(seed);
        const lo = signed ? -128 : 0;
        const zp = lo + Math.floor(rand() * 256);
        const buf = signed ? new Int8Array(n + off) : new Uint8Array(n + off);
        for (let i = 0; i < buf.length; i++) buf[i] = rand() < d ? lo + Math.floor(rand() * 256) : zp;
        const view = buf.subarray(off);
        let nz = 0;
        for (const v of view) if (v !== zp) nz++;
        const expected = n ? nz / n : 0;
        expect(activationDensity({ data: view, shape: [n] }, zp)).toBe(expected);
        // engine tensors have positive sizes
        if (n > 0) for (const e of engines) {
          const t = e.tensor(signed ? 'int8' : 'uint8', [n], view);
          expect(activationDensity(t as never, zp, e), e.isa).toBe(expected);
          t.dispose();
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('a zero point outside the dtype (or not an integer) is a typed error, not a silent disagreement', () => {
    const e = engines[1];
    const t = e.tensor('int8', [40], new Int8Array(40).fill(-56));
    for (const zp of [200, -129, 0.5, NaN, Infinity]) {
      expectRejected(e, `int8 zp ${zp} (tensor)`, () => activationDensity(t, zp, e));
      expect(() => activationDensity({ data: new Int8Array(40).fill(-56), shape: [40] }, zp), `host zp ${zp}`).toThrow(MacflowError);
    }
    expect(() => activationDensity({ data: new Uint8Array(8), shape: [8] }, -1)).toThrow(MacflowError);
    t.dispose();
  });
});

interface ConvCase {
  N: number; H: number; W: number; Cg: number; M: number; R: number; S: number; groups: number;
  opts: Conv2DOptions; xSigned: boolean; wSigned: boolean; xzp: number; wzp: number[]; xDensity: number; wDensity: number;
}

const convCase = fc.record({
  N: fc.integer({ min: 1, max: 2 }), H: fc.integer({ min: 1, max: 7 }), W: fc.integer({ min: 1, max: 7 }), Cg: fc.integer({ min: 1, max: 19 }),
  Mg: fc.integer({ min: 1, max: 35 }), R: fc.integer({ min: 1, max: 3 }), S: fc.integer({ min: 1, max: 3 }), groups: fc.integer({ min: 1, max: 3 }),
  sh: fc.integer({ min: 1, max: 2 }), sw: fc.integer({ min: 1, max: 2 }), dh: fc.integer({ min: 1, max: 2 }), dw: fc.integer({ min: 1, max: 2 }),
  pads: fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)), xSigned: fc.boolean(), wSigned: fc.boolean(), perChannel: fc.boolean(),
  xDensity: fc.constantFrom(0, 0.1, 0.5, 1), wDensity: fc.constantFrom(0.05, 0.3, 1), seed: fc.nat(1 << 30),
}).map((r): ConvCase & { seed: number } => {
  const rand = rng(r.seed);
  const M = r.Mg * r.groups;
  const z = (signed: boolean) => (signed ? -128 : 0) + Math.floor(rand() * 256);
  const wz = z(r.wSigned);
  return {
    N: r.N, H: r.H + (r.R - 1) * r.dh, W: r.W + (r.S - 1) * r.dw, Cg: r.Cg, M, R: r.R, S: r.S, groups: r.groups,
    opts: { strides: [r.sh, r.sw], dilations: [r.dh, r.dw], pads: r.pads, groups: r.groups },
    xSigned: r.xSigned, wSigned: r.wSigned, xzp: z(r.xSigned), wzp: Array.from({ length: M }, () => (r.perChannel ? z(r.wSigned) : wz)),
    xDensity: r.xDensity, wDensity: r.wDensity, seed: r.seed,
  };
});

function convData(c: ConvCase, rand: () => number) {
  const C = c.Cg * c.groups;
  const nx = c.N * c.H * c.W * C;
  const nw = c.M * c.R * c.S * c.Cg;
  const x = c.xSigned ? new Int8Array(nx) : new Uint8Array(nx);
  const lo = c.xSigned ? -128 : 0;
  for (let i = 0; i < nx; i++) x[i] = rand() < c.xDensity ? lo + Math.floor(rand() * 256) : c.xzp;
  const w = c.wSigned ? new Int8Array(nw) : new Uint8Array(nw);
  const wlo = c.wSigned ? -128 : 0;
  const per = nw / c.M;
  for (let i = 0; i < nw; i++) w[i] = rand() < c.wDensity ? wlo + Math.floor(rand() * 256) : c.wzp[Math.floor(i / per)];
  return { x, w, xShape: [c.N, c.H, c.W, C], wShape: [c.M, c.R, c.S, c.Cg] };
}

describe('conv2dZeroSkip with packZeroSkipWeights, and conv2dAuto: random geometry', () => {
  it('tile edges, groups, dilation, stride, asymmetric pads, per-channel zero points: reference on every build', () => {
    fc.assert(
      fc.property(convCase, (c) => {
        const rand = rng(c.seed + 1);
        const { x, w, xShape, wShape } = convData(c, rand);
        const info = conv2dInfo(xShape, wShape, c.opts);
        const bias = fillInts(new Int32Array(c.M), -5000, 5000, rand);
        const ref = conv2dRef(x, w, info, { xZeroPoint: c.xzp, wZeroPoint: c.wzp, bias });
        const zs: Record<string, ArrayLike<number>> = {};
        const auto: Record<string, ArrayLike<number>> = {};
        const q = { xZeroPoint: c.xzp, wZeroPoint: c.wzp, bias };
        for (const e of engines) {
          const live = e.heap.liveCount;
          const xt = { data: x, shape: xShape };
          const wt = { data: w, shape: wShape };
          if (e.isa === 'scalar') {
            const r = conv2dZeroSkip(e, xt, wt, { ...c.opts, ...q });
            zs[e.isa] = r.y.toArray();
            r.y.dispose();
          } else {
            const pw = packZeroSkipWeights(e, wt, { groups: c.groups, wZeroPoint: c.wzp });
            const r = conv2dZeroSkip(e, xt, pw, { ...c.opts, xZeroPoint: c.xzp, bias });
            zs[e.isa] = r.y.toArray();
            r.y.dispose();
            pw.dispose();
          }
          // conv2dAuto with AutoWeights keeping every form, each kernel forced and 'auto'
          const aw = packAutoWeights(e, wt, { groups: c.groups, wZeroPoint: c.wzp, forms: ['dense', 'zeroskip', 'csr'] });
          let first: ArrayLike<number> | undefined;
          for (const use of ['auto', 'dense', 'zeroskip', 'csr'] as const) {
            const r = conv2dAuto(e, xt, aw, { ...c.opts, xZeroPoint: c.xzp, bias, use });
            const y = r.y.toArray();
            r.y.dispose();
            if (first) expect(Array.from(y), `${e.isa} use ${use}`).toEqual(Array.from(first));
            else first = y;
          }
          auto[e.isa] = first!;
          aw.dispose();
          expect(e.heap.liveCount, `${e.isa}: no leak`).toBe(live);
        }
        expectAllAgree('conv2dZeroSkip (packed on SIMD builds)', ref, zs);
        expectAllAgree('conv2dAuto (every kernel)', ref, auto);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});

describe('denseAuto: random shapes and densities', () => {
  it('every kernel forced and auto, plain and AutoWeights, requantised or int32: reference on every build', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 40 }), fc.constantFrom(0.05, 0.4, 1), fc.boolean(), fc.boolean(), fc.nat(1 << 30),
        (B, N, K, wd, xSigned, wSigned, seed) => {
          const rand = rng(seed);
          const c: ConvCase = {
            N: B, H: 1, W: 1, Cg: K, M: N, R: 1, S: 1, groups: 1, opts: {}, xSigned, wSigned,
            xzp: (xSigned ? -128 : 0) + Math.floor(rand() * 256), wzp: [], xDensity: 0.5, wDensity: wd,
          };
          c.wzp = Array.from({ length: N }, () => (wSigned ? -128 : 0) + Math.floor(rand() * 256));
          const { x, w } = convData(c, rand);
          const bias = fillInts(new Int32Array(N), -3000, 3000, rand);
          const ref = qgemmRef(x, c.xzp, w, Int32Array.from(c.wzp), bias, B, N, K);
          const res: Record<string, ArrayLike<number>> = {};
          for (const e of engines) {
            const live = e.heap.liveCount;
            const xs = { data: x, shape: [B, K] };
            const ws = { data: w, shape: [N, K] };
            const aw = packAutoWeights(e, ws, { wZeroPoint: c.wzp, forms: ['dense', 'zeroskip', 'csr'] });
            let first: ArrayLike<number> | undefined;
            for (const wArg of [ws, aw]) {
              for (const use of ['auto', 'dense', 'zeroskip', 'csr'] as const) {
                const r = denseAuto(e, xs, wArg, { xZeroPoint: c.xzp, wZeroPoint: c.wzp, bias, use });
                const y = r.y.toArray();
                r.y.dispose();
                if (first) expect(Array.from(y), `${e.isa} ${wArg === aw ? 'AutoWeights' : 'plain'} use ${use}`).toEqual(Array.from(first));
                else first = y;
              }
            }
            aw.dispose();
            res[e.isa] = first!;
            expect(e.heap.liveCount, `${e.isa}: no leak`).toBe(live);
          }
          expectAllAgree(`denseAuto ${B}x${N}x${K}`, ref, res);
        },
      ),
      { seed: SEED, numRuns: 80 },
    );
  });

  it('invalid calls are typed errors before Wasm is touched (whatever kernel would have run); valid calls still exact', () => {
    const rand = rng(77);
    const B = 2, N = 6, K = 10;
    const x = fillInts(new Int8Array(B * K), -128, 127, rand);
    const w = fillInts(new Int8Array(N * K), -128, 127, rand);
    const ref = qgemmRef(x, 3, w, 0, undefined, B, N, K);
    for (const e of engines) {
      const xs = { data: x, shape: [B, K] };
      const ws = { data: w, shape: [N, K] };
      const aw = packAutoWeights(e, ws, { forms: ['dense', 'zeroskip', 'csr'] });
      const zsOnly = packAutoWeights(e, ws, { forms: ['zeroskip'] });
      const out = e.tensor('int32', [B, N + 1]);
      for (const use of ['auto', 'dense', 'zeroskip', 'csr'] as const) {
        expectRejected(e, `out of the wrong shape (${use})`, () => denseAuto(e, xs, aw, { xZeroPoint: 3, use, out: out as never }));
        expectRejected(e, `xZeroPoint NaN (${use})`, () => denseAuto(e, xs, aw, { xZeroPoint: NaN, use }));
        expectRejected(e, `xZeroPoint out of int8 (${use})`, () => denseAuto(e, xs, ws, { xZeroPoint: 128, use }));
        expectRejected(e, `bias too short (${use})`, () => denseAuto(e, xs, aw, { bias: new Int32Array(N - 1), use }));
        expectRejected(e, `wScale NaN (${use})`, () => denseAuto(e, xs, ws, { use, requantize: { xScale: 1, wScale: NaN, yScale: 1 } }));
      }
      expectRejected(e, 'crossover NaN', () => denseAuto(e, xs, aw, { crossover: NaN }));
      expectRejected(e, 'csrCrossover > 1', () => denseAuto(e, xs, aw, { csrCrossover: 2 }));
      expectRejected(e, 'use unknown', () => denseAuto(e, xs, aw, { use: 'fast' as never }));
      expectRejected(e, 'forced form not kept', () => denseAuto(e, xs, zsOnly, { use: 'dense' }));
      expectRejected(e, 'x features mismatch', () => denseAuto(e, { data: x, shape: [4, 5] }, { data: w, shape: [N, 12] } as never));
      expectRejected(e, 'wZeroPoint mismatch with AutoWeights', () => denseAuto(e, xs, aw, { wZeroPoint: 1 }));
      const other = engines.find((o) => o !== e)!;
      const awo = packAutoWeights(other, ws, { forms: ['dense', 'csr'] });
      expectRejected(e, 'AutoWeights of another engine', () => denseAuto(e, xs, awo));
      awo.dispose();
      const r = denseAuto(e, xs, aw, { xZeroPoint: 3 });
      expectAllAgree(`${e.isa} valid call after rejections`, ref, { [e.isa]: r.y.toArray() });
      r.y.dispose();
      aw.dispose();
      zsOnly.dispose();
      expectRejected(e, 'disposed AutoWeights', () => denseAuto(e, xs, aw));
      expect(aw).toBeInstanceOf(AutoWeights);
      out.dispose();
    }
  });
});

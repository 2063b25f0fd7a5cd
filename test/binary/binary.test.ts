import { beforeAll, describe, expect, it } from 'vitest';
import {
  binaryConv2d, binaryGemm, conv2dInfo, packBits, packTernary, PackedBits, QuantError, ShapeError, UnsupportedError, ValueError,
  OVERREAD_BYTES, WORD_BITS, type Engine, type Tensor,
} from '../../src/index.js';
import { binaryOutputRef, conv2dRef, intGemmRef, packBitsRef, packTernaryRef, unpackBitsRef } from '../../src/reference/index.js';
import { allEngines, expectAllAgree, fillInts, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

const CS = [1, 31, 32, 33, 63, 64, 65, 100];

function floats(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() - 0.5) * 4);
}
function signs(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() < 0.5 ? -1 : 1));
}
function ternaries(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => Math.floor(r() * 3) - 1);
}
function take(t: Tensor | PackedBits): ArrayLike<number> {
  const out = t instanceof PackedBits ? t.toWords() : t.toArray();
  t.dispose();
  return out;
}
function perBuild(fn: (e: Engine) => Tensor | PackedBits): Record<string, ArrayLike<number>> {
  return Object.fromEntries(engines.map((e) => {
    const live = e.heap.liveCount;
    const r = take(fn(e));
    expect(e.heap.liveCount, `${e.isa}: no leaked allocation`).toBe(live);
    return [e.isa, r];
  }));
}

/** Float convolution on real values (float64 sums, exact for +-1 and small ints), NHWC / OHWI, zero padding. */
function floatConv(x: ArrayLike<number>, w: ArrayLike<number>, info: ReturnType<typeof conv2dInfo>): Float64Array {
  const { N, H, W, C, M, R, S, E, F, Cg, Mg } = info;
  const y = new Float64Array(N * E * F * M);
  for (let n = 0; n < N; n++) for (let e = 0; e < E; e++) for (let f = 0; f < F; f++) for (let m = 0; m < M; m++) {
    const g = Math.floor(m / Mg);
    let s = 0;
    for (let r = 0; r < R; r++) for (let q = 0; q < S; q++) {
      const ih = e * info.strides[0] - info.pads[0] + r * info.dilations[0];
      const iw = f * info.strides[1] - info.pads[1] + q * info.dilations[1];
      if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
      for (let c = 0; c < Cg; c++) s += x[((n * H + ih) * W + iw) * C + g * Cg + c] * w[((m * R + r) * S + q) * Cg + c];
    }
    y[((n * E + e) * F + f) * M + m] = s;
  }
  return y;
}

describe('conventions', () => {
  it('the Wasm builds and the TS mirror agree on the word and the over-read', () => {
    for (const e of engines) {
      expect(e.kernels.b1_conventions(0)).toBe(WORD_BITS);
      expect(e.kernels.b1_conventions(1)).toBe(OVERREAD_BYTES);
    }
  });
});

describe('packing', () => {
  for (const C of CS) {
    for (const groups of C % 2 === 0 ? [1, 2] : [1]) {
      it(`float32 / int8 / uint8 by sign and threshold, C = ${C}, groups = ${groups}`, () => {
        const rows = 3;
        const x = floats(rows * C, C);
        expectAllAgree(`pack f32 C=${C}`, packBitsRef(x, rows, C, groups, 0), perBuild((e) => packBits(e, { data: x, shape: [rows, C] }, { groups })));
        expectAllAgree(`pack f32 thr C=${C}`, packBitsRef(x, rows, C, groups, 0.5), perBuild((e) => packBits(e, { data: x, shape: [rows, C] }, { groups, threshold: 0.5 })));
        const q = fillInts(new Int8Array(rows * C), -128, 127, rng(C + 1));
        expectAllAgree(`pack s8 C=${C}`, packBitsRef(q, rows, C, groups, -3), perBuild((e) => packBits(e, { data: q, shape: [rows, C] }, { groups, zeroPoint: -3 })));
        const u = fillInts(new Uint8Array(rows * C), 0, 255, rng(C + 2));
        expectAllAgree(`pack u8 C=${C}`, packBitsRef(u, rows, C, groups, 128), perBuild((e) => packBits(e, { data: u, shape: [rows, C] }, { groups, zeroPoint: 128 })));
        expectAllAgree(`ternary f32 C=${C}`, packTernaryRef(x, rows, C, groups, -0.7, 0.7), perBuild((e) => packTernary(e, { data: x, shape: [rows, C] }, { groups, delta: 0.7 })));
        expectAllAgree(`ternary s8 C=${C}`, packTernaryRef(q, rows, C, groups, 5 - 20, 5 + 20), perBuild((e) => packTernary(e, { data: q, shape: [rows, C] }, { groups, delta: 20, zeroPoint: 5 })));
        expectAllAgree(`ternary u8 C=${C}`, packTernaryRef(u, rows, C, groups, 0, 250), perBuild((e) => packTernary(e, { data: u, shape: [rows, C] }, { groups, delta: 125, zeroPoint: 125 })));
      });
    }
  }

  it('round-trips through unpack, all-ones and all-zeros, pad bits stay 0', () => {
    const e = engines[2];
    for (const C of CS) {
      const s = signs(2 * C, C);
      const p = packBits(e, { data: s, shape: [2, C] });
      expect(Array.from(p.unpack())).toEqual(Array.from(s));
      expect(Array.from(unpackBitsRef(p.toWords(), 2, C, 1, 'binary'))).toEqual(Array.from(s));
      p.dispose();
      const neg = packBits(e, { data: new Float32Array(C).fill(-1), shape: [C] });
      const words = neg.toWords();
      let ones = 0;
      for (const w of words) for (let b = 0; b < 32; b++) ones += (w >>> b) & 1;
      expect(ones).toBe(C); // pad bits are 0
      neg.dispose();
      const pos = packBits(e, { data: new Float32Array(C).fill(0), shape: [C] });
      expect(Array.from(pos.toWords()).every((w) => w === 0)).toBe(true); // 0 packs as +1
      pos.dispose();
      const t = ternaries(3 * C, C);
      const pt = packTernary(e, { data: t, shape: [3, C] });
      expect(Array.from(pt.unpack())).toEqual(Array.from(t));
      pt.dispose();
    }
  });
});

describe('binaryGemm', () => {
  const shapes: [number, number, number][] = [[1, 1, 1], [3, 5, 31], [2, 4, 32], [5, 7, 33], [4, 9, 63], [3, 3, 64], [7, 6, 65], [9, 13, 100], [17, 19, 300]];
  for (const [M, N, K] of shapes) {
    it(`bits x bits, ternary x ternary, int8 x bits, int8 x ternary: ${M}x${N}x${K}`, () => {
      const a = signs(M * K, K), b = signs(N * K, K + 1);
      const ref = intGemmRef(a, b, M, N, K);
      expectAllAgree('xnor', ref, perBuild((e) => {
        const pa = packBits(e, { data: a, shape: [M, K] }), pb = packBits(e, { data: b, shape: [N, K] });
        const y = binaryGemm(e, pa, pb) as Tensor;
        pa.dispose(); pb.dispose();
        return y;
      }));
      const ta = ternaries(M * K, K + 2), tb = ternaries(N * K, K + 3);
      expectAllAgree('t2t2', intGemmRef(ta, tb, M, N, K), perBuild((e) => {
        const pa = packTernary(e, { data: ta, shape: [M, K] }), pb = packTernary(e, { data: tb, shape: [N, K] });
        const y = binaryGemm(e, pa, pb) as Tensor;
        pa.dispose(); pb.dispose();
        return y;
      }));
      for (const [dtype, zp] of [['int8', -7], ['int8', 0], ['uint8', 131]] as const) {
        const x = dtype === 'int8' ? fillInts(new Int8Array(M * K), -128, 127, rng(M + K)) : fillInts(new Uint8Array(M * K), 0, 255, rng(M + K));
        const xv = Array.from(x, (v) => v - zp);
        expectAllAgree(`${dtype} x b1`, intGemmRef(xv, b, M, N, K), perBuild((e) => {
          const pb = packBits(e, { data: b, shape: [N, K] });
          const y = binaryGemm(e, { data: x, shape: [M, K] } as never, pb, { aZeroPoint: zp }) as Tensor;
          pb.dispose();
          return y;
        }));
        expectAllAgree(`${dtype} x t2`, intGemmRef(xv, tb, M, N, K), perBuild((e) => {
          const pb = packTernary(e, { data: tb, shape: [N, K] });
          const y = binaryGemm(e, { data: x, shape: [M, K] } as never, pb, { aZeroPoint: zp }) as Tensor;
          pb.dispose();
          return y;
        }));
      }
    });
  }

  it('panel XNOR byte counters at their limit: every bit differing over 30-70 chunks (widening every 31 chunks)', () => {
    // 8 per byte per chunk: a counter widened later than every 31 chunks (8 * 32 = 256) wraps.
    // K2 = 30, 31, 31 + a word, 32, 62 + 1 bit, 70 - 63 bits chunks of 128 bits; M, N off the tile.
    for (const K of [30 * 128, 31 * 128, 31 * 128 + 64, 32 * 128, 62 * 128 + 1, 70 * 128 - 63]) {
      const M = 5, N = 7;
      const a = new Float32Array(M * K).fill(1);
      const b = new Float32Array(N * K).fill(-1);
      b.fill(1, 2 * K, 3 * K); // B row 2 equal to A: +K
      for (let i = 0; i < K; i += 3) b[4 * K + i] = 1; // B row 4: a mix
      const ref = intGemmRef(Array.from(a), Array.from(b), M, N, K);
      expectAllAgree(`binaryGemm saturating ${M}x${N}x${K}`, ref, perBuild((e) => {
        const pa = packBits(e, { data: a, shape: [M, K] }), pb = packBits(e, { data: b, shape: [N, K] });
        const y = binaryGemm(e, pa, pb) as Tensor;
        pa.dispose(); pb.dispose();
        return y;
      }));
    }
  });

  it('panel XNOR / ternary GEMMs (4 x 4 tiles, 2-word chunks, u64 + v128 columns: 3 + 1 SIMD, 2 + 2 relaxed): edge tiles, odd word counts, widening past 31 chunks, strided output', () => {
    // M, N around the 4-row panel; K: one word, one bit past a word, odd / even word counts
    for (const [M, N, K] of [[1, 1, 1], [3, 5, 64], [4, 4, 65], [5, 9, 128], [8, 7, 190], [9, 12, 257], [13, 3, 1152], [5, 8, 4485]] as const) {
      const a = signs(M * K, M * 31 + K), b = signs(N * K, N * 17 + K);
      const ref = intGemmRef(a, b, M, N, K);
      expectAllAgree(`binaryGemm ${M}x${N}x${K}`, ref, perBuild((e) => {
        const pa = packBits(e, { data: a, shape: [M, K] }), pb = packBits(e, { data: b, shape: [N, K] });
        const y = binaryGemm(e, pa, pb) as Tensor;
        pa.dispose(); pb.dispose();
        return y;
      }));
      const ta = ternaries(M * K, M + K), tb = ternaries(N * K, N + K + 1);
      expectAllAgree(`ternary binaryGemm ${M}x${N}x${K}`, intGemmRef(ta, tb, M, N, K), perBuild((e) => {
        const pa = packTernary(e, { data: ta, shape: [M, K] }), pb = packTernary(e, { data: tb, shape: [N, K] });
        const y = binaryGemm(e, pa, pb) as Tensor;
        pa.dispose(); pb.dispose();
        return y;
      }));
      // the raw kernel with ldc = N + 3: the 3 extra columns of every row stay untouched
      const ldc = N + 3;
      const want = new Int32Array(M * ldc).fill(-12345);
      for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) want[m * ldc + n] = ref[m * N + n];
      expectAllAgree(`b1b1_gemm_panel ${M}x${N}x${K} ldc ${ldc}`, want, perBuild((e) => {
        const pa = packBits(e, { data: a, shape: [M, K] }), pb = packBits(e, { data: b, shape: [N, K] });
        const Kw = Math.ceil(K / 64);
        const qa = e.tensor('int32', [e.kernels.b1_panel_bytes(M, Kw) / 4]), qb = e.tensor('int32', [e.kernels.b1_panel_bytes(N, Kw) / 4]);
        e.kernels.b1_pack_panels(pa.ptr, M, pa.wordsPerRow, Kw, qa.ptr);
        e.kernels.b1_pack_panels(pb.ptr, N, pb.wordsPerRow, Kw, qb.ptr);
        const c = e.tensor('int32', [M, ldc], new Int32Array(M * ldc).fill(-12345));
        e.kernels.b1b1_gemm_panel(M, N, Kw, K, qa.ptr, qb.ptr, c.ptr, ldc);
        const c2 = e.tensor('int32', [M, ldc], new Int32Array(M * ldc).fill(-12345));
        e.kernels.b1b1_gemm_panel_u64(M, N, Kw, K, qa.ptr, qb.ptr, c2.ptr, ldc);
        expect(Array.from(c2.toArray()), `${e.isa}: b1b1_gemm_panel_u64 = b1b1_gemm_panel`).toEqual(Array.from(c.toArray()));
        for (const t of [pa, pb, qa, qb, c2]) t.dispose();
        return c;
      }));
    }
  });

  it('all-ones and all-zeros give +-K', () => {
    for (const e of engines) {
      const K = 65;
      const ones = packBits(e, { data: new Float32Array(2 * K).fill(1), shape: [2, K] });
      const negs = packBits(e, { data: new Float32Array(3 * K).fill(-1), shape: [3, K] });
      expect(Array.from((binaryGemm(e, ones, negs) as Tensor).toArray())).toEqual(new Array(6).fill(-K));
      expect(Array.from((binaryGemm(e, negs, negs) as Tensor).toArray())).toEqual(new Array(9).fill(K));
      const zeros = packTernary(e, { data: new Float32Array(2 * K), shape: [2, K] });
      const tn = packTernary(e, { data: new Float32Array(3 * K).fill(-1), shape: [3, K] });
      expect(Array.from((binaryGemm(e, zeros, tn) as Tensor).toArray())).toEqual(new Array(6).fill(0));
    }
  });

  it('output stage: float32, int8 and bits against the reference on every build', () => {
    const M = 6, N = 37, K = 77;
    const a = signs(M * K, 1), b = signs(N * K, 2);
    const acc = intGemmRef(a, b, M, N, K);
    const r = rng(9);
    const scale = Float32Array.from({ length: N }, () => r() * 0.3);
    const bias = Float32Array.from({ length: N }, () => (r() - 0.5) * 4);
    const run = (params: object) => perBuild((e) => {
      const pa = packBits(e, { data: a, shape: [M, K] }), pb = packBits(e, { data: b, shape: [N, K] });
      const y = binaryGemm(e, pa, pb, params);
      pa.dispose(); pb.dispose();
      return y;
    });
    expectAllAgree('float32', binaryOutputRef(acc, M, N, 'float32', { scale, bias, lo: -2, hi: 3 }), run({ output: 'float32', scale, bias, clamp: [-2, 3] }));
    expectAllAgree('int8', binaryOutputRef(acc, M, N, 'int8', { scale, bias, lo: -100, hi: 90, zeroPoint: 4 }), run({ output: 'int8', scale, bias, clamp: [-100, 90], zeroPoint: 4 }));
    expectAllAgree('int8 halves', binaryOutputRef(acc, M, N, 'int8', { scale: new Float32Array(N).fill(0.5) }), run({ output: 'int8', scale: 0.5 }));
    expectAllAgree('bits', binaryOutputRef(acc, M, N, 'bits', { scale, bias }), run({ output: 'bits', scale, bias }));
    expectAllAgree('bits grouped', binaryOutputRef(intGemmRef(a, b.slice(0, 36 * K), M, 36, K), M, 36, 'bits', { scale, groups: 4 }), perBuild((e) => {
      const pa = packBits(e, { data: a, shape: [M, K] }), pb = packBits(e, { data: b.slice(0, 36 * K), shape: [36, K] });
      const y = binaryGemm(e, pa, pb, { output: 'bits', scale: scale.slice(0, 36), outGroups: 4 });
      pa.dispose(); pb.dispose();
      return y;
    }));
  });

  it('refuses bad input before touching Wasm memory, then still works', () => {
    const e = engines[1];
    const b = packBits(e, { data: signs(4 * 10, 3), shape: [4, 10] });
    const t = packTernary(e, { data: ternaries(4 * 10, 3), shape: [4, 10] });
    const before = e.heap.memoryBytes, live = e.heap.liveCount;
    const a = packBits(e, { data: signs(2 * 10, 4), shape: [2, 10] });
    const live2 = e.heap.liveCount;
    expect(() => binaryGemm(e, a, t)).toThrow(UnsupportedError);
    expect(() => binaryGemm(e, { data: new Int8Array(22), shape: [2, 11] }, b)).toThrow(ShapeError);
    expect(() => binaryGemm(e, { data: new Int8Array(20), shape: [2, 10] }, b, { aZeroPoint: 300 })).toThrow(QuantError);
    expect(() => binaryGemm(e, a, b, { output: 'float32', scale: [1, 2] })).toThrow(/4 output channels/);
    expect(() => binaryGemm(e, a, b, { scale: 2 })).toThrow(ValueError);
    expect(() => binaryGemm(e, a, b, { output: 'int8', clamp: [10, -10] })).toThrow(QuantError);
    expect(() => binaryGemm(e, a, { shape: [4, 10] } as never)).toThrow(/packed bits/);
    expect(() => packBits(e, { data: new Float32Array([1, NaN]), shape: [2] })).toThrow(/NaN/);
    expect(() => packBits(e, { data: new Float32Array(6), shape: [6] }, { groups: 4 })).toThrow(ShapeError);
    expect(() => packTernary(e, { data: new Int8Array(6), shape: [6] }, { delta: 0.5 })).toThrow(QuantError);
    expect(() => packBits(e, { data: new Int8Array(6), shape: [6] }, { zeroPoint: 200 })).toThrow(QuantError);
    expect(e.heap.liveCount).toBe(live2);
    expect(live2).toBe(live + 1);
    expect(e.heap.memoryBytes).toBeGreaterThanOrEqual(before);
    const av = signs(2 * 10, 4);
    const y = binaryGemm(e, a, b) as Tensor;
    expect(Array.from(y.toArray())).toEqual(Array.from(intGemmRef(av, b.unpack(), 2, 4, 10)));
    const bd = packBits(e, { data: signs(10, 1), shape: [1, 10] });
    bd.dispose();
    expect(() => binaryGemm(e, a, bd)).toThrow(/disposed/);
    y.dispose(); a.dispose(); b.dispose(); t.dispose();
  });
});

describe('binaryConv2d', () => {
  const cases: { name: string; x: [number, number, number, number]; w: [number, number, number, number]; opts: object }[] = [
    { name: '1x1 C=1', x: [1, 4, 5, 1], w: [3, 1, 1, 1], opts: {} },
    { name: '3x3 pad 1 C=31', x: [1, 6, 7, 31], w: [5, 3, 3, 31], opts: { pads: 1 } },
    { name: '3x3 pad 1 C=32 stride 2', x: [2, 7, 6, 32], w: [4, 3, 3, 32], opts: { pads: 1, strides: 2 } },
    { name: '3x3 same C=33 dilation 2', x: [1, 8, 8, 33], w: [6, 3, 3, 33], opts: { pads: 'same_upper', dilations: 2 } },
    { name: '5x3 asym pads C=63', x: [1, 6, 9, 63], w: [3, 5, 3, 63], opts: { pads: [2, 0, 1, 2] } },
    { name: '3x3 pad 2 C=64', x: [1, 5, 5, 64], w: [9, 3, 3, 64], opts: { pads: 2 } },
    { name: '3x3 pad 1 C=65', x: [1, 5, 4, 65], w: [2, 3, 3, 65], opts: { pads: 1 } },
    { name: 'groups 2 C=100', x: [1, 6, 6, 100], w: [6, 3, 3, 50], opts: { pads: 1, groups: 2 } },
    { name: 'groups 4 C=128 stride 2', x: [1, 7, 7, 128], w: [8, 3, 3, 32], opts: { pads: 1, groups: 4, strides: 2 } },
    { name: 'depthwise C=5', x: [1, 5, 5, 5], w: [5, 3, 3, 1], opts: { pads: 1, groups: 5 } },
    // more border patterns (49) than the pad correction's 16 cached ones: evictions
    { name: '7x7 pad 3 C=40', x: [1, 9, 10, 40], w: [3, 7, 7, 40], opts: { pads: 3 } },
    // several im2col tiles (about 128 KiB each, whole 4-row panels) and a partial last panel
    { name: 'multi-tile 3x3 pad 1 C=256', x: [1, 23, 27, 256], w: [6, 3, 3, 256], opts: { pads: 1 } },
    { name: 'multi-tile groups 2 C=130 Mg=5', x: [1, 41, 39, 130], w: [10, 3, 3, 65], opts: { pads: [1, 0, 2, 1], groups: 2 } },
  ];
  for (const c of cases) {
    it(`${c.name}: every kind and build bit-exact, binary equal to a float conv on +-1 data`, () => {
      const info = conv2dInfo(c.x, c.w, c.opts);
      const nx = c.x.reduce((a, b) => a * b), nw = c.w.reduce((a, b) => a * b);
      const groups = info.groups;
      const xs = signs(nx, nx), ws = signs(nw, nw);
      const ref = conv2dRef(xs, ws, info);
      expect(Array.from(ref)).toEqual(Array.from(floatConv(xs, ws, info)));
      expectAllAgree('xnor conv', ref, perBuild((e) => {
        const px = packBits(e, { data: xs, shape: c.x }, { groups }), pw = packBits(e, { data: ws, shape: c.w });
        const y = binaryConv2d(e, px, pw, c.opts);
        px.dispose(); pw.dispose();
        return y;
      }));
      const xt = ternaries(nx, nx + 1), wt = ternaries(nw, nw + 1);
      expectAllAgree('ternary conv', conv2dRef(xt, wt, info), perBuild((e) => {
        const px = packTernary(e, { data: xt, shape: c.x }, { groups }), pw = packTernary(e, { data: wt, shape: c.w });
        const y = binaryConv2d(e, px, pw, c.opts);
        px.dispose(); pw.dispose();
        return y;
      }));
      const q = fillInts(new Int8Array(nx), -128, 127, rng(nx + 2));
      for (const zp of [0, -9]) {
        const qv = Array.from(q, (v) => v - zp);
        expectAllAgree('int8 x b1 conv', conv2dRef(qv, ws, info), perBuild((e) => {
          const pw = packBits(e, { data: ws, shape: c.w });
          const y = binaryConv2d(e, { data: q, shape: c.x }, pw, { ...c.opts, xZeroPoint: zp });
          pw.dispose();
          return y;
        }));
        expectAllAgree('int8 x t2 conv', conv2dRef(qv, wt, info), perBuild((e) => {
          const pw = packTernary(e, { data: wt, shape: c.w });
          const y = binaryConv2d(e, { data: q, shape: c.x }, pw, { ...c.opts, xZeroPoint: zp });
          pw.dispose();
          return y;
        }));
      }
    });
  }

  it('all +1 / all -1 inputs with padding count only real pixels', () => {
    const e = engines[0];
    const info = conv2dInfo([1, 3, 3, 70], [1, 3, 3, 70], { pads: 1 });
    const px = packBits(e, { data: new Float32Array(9 * 70).fill(-1), shape: [1, 3, 3, 70] });
    const pw = packBits(e, { data: new Float32Array(9 * 70).fill(-1), shape: [1, 3, 3, 70] });
    const y = binaryConv2d(e, px, pw, { pads: 1 }) as Tensor;
    // corner pixels see 4 real pixels, edges 6, centre 9
    expect(Array.from(y.toArray())).toEqual([4, 6, 4, 6, 9, 6, 4, 6, 4].map((v) => v * 70));
    expect(Array.from(y.toArray())).toEqual(Array.from(floatConv(new Float32Array(630).fill(-1), new Float32Array(630).fill(-1), info)));
    y.dispose(); px.dispose(); pw.dispose();
  });

  it('packed bits output feeds the next binary layer (two layers equal the float pipeline)', () => {
    const x = signs(1 * 8 * 8 * 40, 5), w1 = signs(48 * 9 * 40, 6), w2 = signs(16 * 9 * 48, 7);
    const r = rng(3);
    const bias = Float32Array.from({ length: 48 }, () => Math.round((r() - 0.5) * 20) + 0.5);
    const i1 = conv2dInfo([1, 8, 8, 40], [48, 3, 3, 40], { pads: 1 });
    const y1 = floatConv(x, w1, i1);
    const s1 = Float32Array.from(y1, (v, i) => (v + bias[i % 48] < 0 ? -1 : 1));
    const i2 = conv2dInfo([1, 8, 8, 48], [16, 3, 3, 48], { pads: 1, strides: 2 });
    const ref = Int32Array.from(floatConv(s1, w2, i2));
    expectAllAgree('two binary layers', ref, perBuild((e) => {
      const px = packBits(e, { data: x, shape: [1, 8, 8, 40] }), p1 = packBits(e, { data: w1, shape: [48, 3, 3, 40] }), p2 = packBits(e, { data: w2, shape: [16, 3, 3, 48] });
      const h = binaryConv2d(e, px, p1, { pads: 1, output: 'bits', scale: 1, bias }) as PackedBits;
      expect(h.shape).toEqual([1, 8, 8, 48]);
      const y = binaryConv2d(e, h, p2, { pads: 1, strides: 2 });
      px.dispose(); p1.dispose(); p2.dispose(); h.dispose();
      return y;
    }));
  });

  it('refuses bad input before touching Wasm memory, then still works', () => {
    const e = engines[2];
    const px = packBits(e, { data: signs(6 * 6 * 100, 1), shape: [1, 6, 6, 100] });
    const pw = packBits(e, { data: signs(4 * 9 * 50, 2), shape: [4, 3, 3, 50] });
    const pt = packTernary(e, { data: ternaries(4 * 9 * 100, 2), shape: [4, 3, 3, 100] });
    const live = e.heap.liveCount;
    expect(() => binaryConv2d(e, px, pw, { groups: 2 })).toThrow(/pack x with packBits\(engine, x, \{ groups: 2 \}\)/);
    expect(() => binaryConv2d(e, px, pt)).toThrow(UnsupportedError);
    expect(() => binaryConv2d(e, px, pw)).toThrow(ShapeError);
    expect(() => binaryConv2d(e, px, pw, { groups: 2, layout: 'NCHW' })).toThrow(UnsupportedError);
    expect(() => binaryConv2d(e, { data: new Int8Array(3600), shape: [1, 6, 6, 100] }, pw, { groups: 2, xZeroPoint: -200 })).toThrow(QuantError);
    expect(() => binaryConv2d(e, { data: new Int8Array(3600), shape: [1, 6, 6, 100] }, pw, { groups: 2, output: 'bits', clamp: [0, 1] })).toThrow(ValueError);
    expect(e.heap.liveCount).toBe(live);
    const y = binaryConv2d(e, { data: new Int8Array(3600).fill(1), shape: [1, 6, 6, 100] }, pw, { groups: 2 }) as Tensor;
    expect(y.shape).toEqual([1, 4, 4, 4]);
    y.dispose(); px.dispose(); pw.dispose(); pt.dispose();
  });
});

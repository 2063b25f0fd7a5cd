/**
 * The u8 x s8 -> s32 GEMM contract (assembly/gemm/u8s8.ts) through the raw Wasm exports, on every
 * build, against qgemmRef: the edge grid of the tiles (4x4 scalar, 3x12 SIMD/relaxed), K around
 * the k-pair/k-quad/16-byte steps and the 1024-k chunk, the relaxed build's two panel paths
 * (all a <= 127, a >= 128, mixed) and its split one-row path for big B, int32 wrap-around, ldc > N, zero points via s32_correct, and
 * a run of the relaxed build under Liftoff only (the tier that miscompiles the fused relaxed dot).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { KERNELS, kernelName, type Engine, type Isa } from '../../src/index.js';
import { qgemmRef } from '../../src/reference/index.js';
import { allEngines, expectAllAgree, fillInts, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

type Kind = 'random' | 'le127' | 'extremes' | 'mixed';
const KINDS: readonly Kind[] = ['random', 'le127', 'extremes', 'mixed'];

/** A (M x K u8) and B^T (N x K s8) of one data kind. */
function data(kind: Kind, M: number, N: number, K: number, seed: number): { a: Uint8Array; bt: Int8Array } {
  const rand = rng(seed);
  const a = new Uint8Array(M * K);
  const bt = new Int8Array(N * K);
  if (kind === 'extremes') {
    for (let i = 0; i < a.length; i++) a[i] = rand() < 0.8 ? 255 : 0;
    for (let i = 0; i < bt.length; i++) bt[i] = rand() < 0.5 ? -128 : 127;
    return { a, bt };
  }
  fillInts(bt, -128, 127, rand);
  // mixed: every 5th row reaches >= 128, so with 3-row panels some panels take each path.
  for (let m = 0; m < M; m++) {
    const hi = kind === 'random' || (kind === 'mixed' && m % 5 === 2) ? 255 : 127;
    fillInts(a.subarray(m * K, (m + 1) * K), 0, hi, rand);
    if (kind === 'mixed' && hi === 255) a[m * K + Math.floor(rand() * K)] = 128 + Math.floor(rand() * 128);
  }
  return { a, bt };
}

interface GemmOut {
  c: Int32Array;
  rowSums: Int32Array;
  colSums: Int32Array;
  max: number;
}

const GUARD = 0x5a5a5a5a | 0;
/** Slack after each packed buffer: GEMM_READ_PAST in assembly/gemm/u8s8.ts. */
const GEMM_READ_PAST = 64;

/**
 * Packs and multiplies through the raw exports. C has row stride ldc, pre-filled with a guard
 * value; the columns N..ldc-1, one row after C and the packers' slack bytes must stay untouched.
 */
function gemm(e: Engine, a: Uint8Array, bt: Int8Array, M: number, N: number, K: number, ldc = N, zeroPoints?: { za: number; zb: Int32Array; bias: Int32Array }, lda = K, ldb = K): GemmOut {
  const x = e.kernels;
  const paBytes = x.u8s8_gemm_packed_a_bytes(M, K);
  const pbBytes = x.u8s8_gemm_packed_b_bytes(N, K);
  const [pA, pB, pa, pb, pRow, pCol, pC, pTerm, pZb] = e.heap.allocMany('u8s8 test', [M * lda, N * ldb, paBytes, pbBytes, M * 4, N * 4, (M + 1) * ldc * 4, N * 4, N * 4]);
  try {
    const mem = () => e.heap.memory.buffer;
    // Rows at strides lda / ldb; the gaps hold 0xff (= -1 as int8), which must not be read.
    new Uint8Array(mem(), pA, M * lda).fill(0xff);
    new Uint8Array(mem(), pB, N * ldb).fill(0xff);
    for (let m = 0; m < M; m++) new Uint8Array(mem(), pA + m * lda, K).set(a.subarray(m * K, (m + 1) * K));
    for (let n = 0; n < N; n++) new Int8Array(mem(), pB + n * ldb, K).set(bt.subarray(n * K, (n + 1) * K));
    new Uint8Array(mem(), pa, paBytes).fill(0xcd);
    new Uint8Array(mem(), pb, pbBytes).fill(0xcd);
    new Int32Array(mem(), pC, (M + 1) * ldc).fill(GUARD); // + one guard row
    x.u8s8_gemm_pack_b(pB, ldb, N, K, pb, pCol);
    const max = x.u8s8_gemm_pack_a(pA, lda, M, K, pa, pRow);
    x.u8s8_gemm(M, N, K, pa, pb, pC, ldc, max);
    const slack = GEMM_READ_PAST;
    for (const [p, n] of [[pa, paBytes], [pb, pbBytes]]) {
      const tail = new Uint8Array(mem(), p + n - slack, slack);
      expect(tail.every((v) => v === 0xcd), 'packers write nothing into the slack').toBe(true);
    }
    const cAll = new Int32Array(mem(), pC, (M + 1) * ldc);
    if (zeroPoints) {
      // colTerm[n] = bias[n] - za*colSum[n] + K*za*zb[n], as the output stage folds it.
      const col = new Int32Array(mem(), pCol, N);
      const term = new Int32Array(mem(), pTerm, N);
      for (let n = 0; n < N; n++) term[n] = (zeroPoints.bias[n] - Math.imul(zeroPoints.za, col[n]) + Math.imul(Math.imul(K, zeroPoints.za), zeroPoints.zb[n])) | 0;
      new Int32Array(mem(), pZb, N).set(zeroPoints.zb);
      x.s32_correct(pC, M, N, ldc, pTerm, pRow, pZb);
    }
    expect(cAll.subarray(M * ldc).every((v) => v === GUARD), 'the row after C is untouched').toBe(true);
    const c = new Int32Array(M * N);
    for (let m = 0; m < M; m++) {
      c.set(cAll.subarray(m * ldc, m * ldc + N), m * N);
      for (let n = N; n < ldc; n++) expect(cAll[m * ldc + n], `C[${m}, ${n}] beyond N is untouched`).toBe(GUARD);
    }
    return { c, rowSums: new Int32Array(mem(), pRow, M).slice(), colSums: new Int32Array(mem(), pCol, N).slice(), max };
  } finally {
    for (const p of [pA, pB, pa, pb, pRow, pCol, pC, pTerm, pZb]) e.heap.release(p);
  }
}

/** Checks C, the row/column sums and max(A) of every build against the reference. */
function check(what: string, a: Uint8Array, bt: Int8Array, M: number, N: number, K: number, ldc = N, lda = K, ldb = K): void {
  const ref = qgemmRef(a, 0, bt, 0, undefined, M, N, K);
  const rows = new Int32Array(M);
  const cols = new Int32Array(N);
  let max = 0;
  for (let m = 0; m < M; m++) for (let k = 0; k < K; k++) (rows[m] += a[m * K + k]), (max = Math.max(max, a[m * K + k]));
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) cols[n] += bt[n * K + k];
  const outs = Object.fromEntries(engines.map((e) => [e.isa, gemm(e, a, bt, M, N, K, ldc, undefined, lda, ldb)])) as Record<Isa, GemmOut>;
  const per = <T,>(f: (o: GemmOut) => T) => Object.fromEntries(Object.entries(outs).map(([isa, o]) => [isa, f(o)]));
  expectAllAgree(`${what} C`, ref, per((o) => o.c));
  expectAllAgree(`${what} rowSums`, rows, per((o) => o.rowSums));
  expectAllAgree(`${what} colSums`, cols, per((o) => o.colSums));
  expectAllAgree(`${what} max(A)`, [max], per((o) => [o.max]));
}

// Covers 1, 2, MR (3 and 4), NR (4 and 12) and one less / one more, two tiles and one more.
const MN: readonly [number, number][] = [[1, 1], [2, 13], [3, 12], [4, 11], [11, 4], [12, 3], [13, 2], [24, 25], [25, 24], [65, 1], [1, 65], [3, 24]];
const KS = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 63, 64, 65, 127, 128, 129, 255, 511, 513, 1000];

describe('u8s8_gemm (raw exports)', () => {
  it('registry names the tile of each build', () => {
    const k = KERNELS.find((x) => x.export === 'u8s8_gemm');
    expect(k).toBeDefined();
    expect(['scalar', 'simd', 'relaxed'].map((isa) => kernelName(k!, isa as Isa))).toEqual(['u8s8_gemm_4x4__scalar', 'u8s8_gemm_3x12c2__simd', 'u8s8_gemm_3x12c4hyb__relaxed']);
  });

  for (const K of KS) {
    it(`K=${K}: every (M, N) of the edge grid and every data kind matches the reference`, () => {
      for (const [M, N] of MN) {
        for (const kind of KINDS) {
          const { a, bt } = data(kind, M, N, K, M * 1_000_003 + N * 1009 + K * 7 + kind.length);
          check(`M=${M} N=${N} K=${K} ${kind}`, a, bt, M, N, K);
        }
      }
    });
  }

  it('K = 0 writes zeros', () => {
    check('M=5 N=13 K=0', new Uint8Array(0), new Int8Array(0), 5, 13, 0);
  });

  it('larger shapes, K across the 1024-k chunks (accumulation into C)', () => {
    for (const [M, N, K] of [[63, 65, 257], [64, 64, 64], [33, 31, 1024], [100, 70, 300], [7, 13, 1025], [5, 25, 2051], [4, 12, 3000]]) {
      for (const kind of KINDS) {
        const { a, bt } = data(kind, M, N, K, M + N + K);
        check(`M=${M} N=${N} K=${K} ${kind}`, a, bt, M, N, K);
      }
    }
  });

  it('one-row panels with a > 127 over a B of >= 2 MiB (the split matrix-vector path of the relaxed build)', () => {
    // np * kq * 48 >= 2 MiB (SPLIT_MIN_B_BYTES): K % 4 = 1, 3, 0; M = 4 has a one-row last panel;
    // K > 1024 spans the k chunks.
    for (const [M, N, K] of [[1, 1030, 2049], [4, 1025, 2051], [1, 1024, 2100]]) {
      for (const kind of ['random', 'extremes', 'mixed'] as const) {
        const { a, bt } = data(kind, M, N, K, M * 7 + K);
        check(`M=${M} N=${N} K=${K} ${kind}`, a, bt, M, N, K);
      }
    }
    // int32 wrap-around on the split path: 255 = 127 + 128 * 1.
    check('M=1 N=25 K=70000 a=255 b=127', new Uint8Array(70000).fill(255), new Int8Array(25 * 70000).fill(127), 1, 25, 70000);
  });

  it('ldc > N: only the M x N block of C is written', () => {
    for (const [M, N, ldc] of [[7, 13, 20], [3, 12, 13], [13, 5, 64], [4, 4, 5]]) {
      for (const kind of ['random', 'le127'] as const) {
        const { a, bt } = data(kind, M, N, 37, ldc);
        check(`M=${M} N=${N} K=37 ldc=${ldc} ${kind}`, a, bt, M, N, 37, ldc);
      }
    }
  });

  it('strided A and B^T (lda, ldb > K, as for im2col tiles)', () => {
    for (const [M, N, K, lda, ldb] of [[7, 13, 37, 40, 45], [25, 24, 129, 200, 130], [4, 12, 16, 17, 33]]) {
      for (const kind of KINDS) {
        const { a, bt } = data(kind, M, N, K, lda * ldb);
        check(`M=${M} N=${N} K=${K} lda=${lda} ldb=${ldb} ${kind}`, a, bt, M, N, K, N, lda, ldb);
      }
    }
  });

  it('int32 wrap-around at depth K = 70000 (255 x 127) and 70001 (255 x -128)', () => {
    const big = 70000 * 255 * 127;
    expect(big).toBeGreaterThan(2 ** 31 - 1); // the true sum does not fit: the result wraps
    for (const [M, N, K, av, bv] of [[4, 13, 70000, 255, 127], [3, 5, 70001, 255, -128], [2, 3, 70000, 127, 127]]) {
      check(`M=${M} N=${N} K=${K} a=${av} b=${bv}`, new Uint8Array(M * K).fill(av), new Int8Array(N * K).fill(bv), M, N, K);
    }
  });

  it('zero points via s32_correct match qgemmRef with za, per-channel zb and bias', () => {
    for (const [M, N, K, ldc] of [[13, 25, 129, 25], [3, 12, 64, 16], [25, 4, 1000, 4]]) {
      for (const kind of KINDS) {
        const rand = rng(K + M);
        const { a, bt } = data(kind, M, N, K, K * 3 + N);
        const za = kind === 'le127' ? 64 : 128 + 3; // e.g. int8 activations with zero point 3, shifted
        const zb = fillInts(new Int32Array(N), -5, 5, rand);
        const bias = fillInts(new Int32Array(N), -100000, 100000, rand);
        const ref = qgemmRef(a, za, bt, zb, bias, M, N, K);
        const results = Object.fromEntries(engines.map((e) => [e.isa, gemm(e, a, bt, M, N, K, ldc, { za, zb, bias }).c]));
        expectAllAgree(`zero points M=${M} N=${N} K=${K} ${kind}`, ref, results);
      }
    }
  });

  it('the relaxed build is exact under Liftoff only (the tier that miscompiles the fused relaxed dot)', () => {
    const script = fileURLToPath(new URL('./liftoff-child.mjs', import.meta.url));
    const wasm = fileURLToPath(new URL('../../wasm/macflow-relaxed.wasm', import.meta.url));
    const out = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--liftoff-only', script, wasm], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ cases: 48, failures: [] });
  });
});

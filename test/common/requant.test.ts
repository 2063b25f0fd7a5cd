/**
 * The output-stage contract (assembly/common/requant.ts) on every build, bit-exact against the
 * reference (requantizeRef after the zero-point correction done with wrapping int32 arithmetic).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/index.js';
import { requantizeRef } from '../../src/reference/index.js';
import { allEngines, expectAllAgree, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

interface Case {
  M: number;
  N: number;
  ldacc: number;
  ldout: number;
  acc: Int32Array; // M x ldacc
  colTerm: Int32Array;
  rowSums: Int32Array;
  wzp: Int32Array | undefined;
  mult: Float32Array;
  yzp: number;
  qmin: number;
  qmax: number;
  dtype: 'uint8' | 'int8';
}

/** The corrected sums v[m, n] = acc + colTerm[n] - zb[n]*rowSums[m] (int32 wrapping), M x N. */
function corrected(c: Case): Int32Array {
  const v = new Int32Array(c.M * c.N);
  for (let m = 0; m < c.M; m++) {
    for (let n = 0; n < c.N; n++) {
      let x = (c.acc[m * c.ldacc + n] + c.colTerm[n]) | 0;
      if (c.wzp) x = (x - Math.imul(c.wzp[n], c.rowSums[m])) | 0;
      v[m * c.N + n] = x;
    }
  }
  return v;
}

const SENTINEL = 0x5a;

/** Runs q8_requantize (or s32_correct when `correctOnly`) on one engine; returns the full out/acc buffer. */
function runKernel(e: Engine, c: Case, correctOnly: boolean): Int32Array | Int8Array | Uint8Array {
  const k = e.kernels;
  const accBytes = c.M * c.ldacc * 4;
  const outBytes = c.M * c.ldout;
  const [pAcc, pCol, pRow, pWzp, pMult, pOut] = e.heap.allocMany('test', [accBytes, c.N * 4, c.M * 4, c.N * 4, c.N * 4, outBytes]);
  try {
    const buf = e.heap.memory.buffer;
    new Int32Array(buf, pAcc, c.M * c.ldacc).set(c.acc);
    new Int32Array(buf, pCol, c.N).set(c.colTerm);
    new Int32Array(buf, pRow, c.M).set(c.rowSums);
    if (c.wzp) new Int32Array(buf, pWzp, c.N).set(c.wzp);
    new Float32Array(buf, pMult, c.N).set(c.mult);
    new Uint8Array(buf, pOut, outBytes).fill(SENTINEL);
    const wzp = c.wzp ? pWzp : 0;
    if (correctOnly) {
      k.s32_correct(pAcc, c.M, c.N, c.ldacc, pCol, pRow, wzp);
      return new Int32Array(e.heap.memory.buffer, pAcc, c.M * c.ldacc).slice();
    }
    k.q8_requantize(pAcc, c.M, c.N, c.ldacc, pCol, pRow, wzp, pMult, c.yzp, c.qmin, c.qmax, pOut, c.ldout, c.dtype === 'int8' ? 1 : 0);
    const out = new Uint8Array(e.heap.memory.buffer, pOut, outBytes).slice();
    return c.dtype === 'int8' ? new Int8Array(out.buffer) : out;
  } finally {
    for (const p of [pAcc, pCol, pRow, pWzp, pMult, pOut]) e.heap.release(p);
  }
}

/** Checks both kernels of the contract on every build for one case. */
function check(what: string, c: Case): void {
  const v = corrected(c);
  // s32_correct: in place, stride padding untouched.
  const accRef = c.acc.slice();
  for (let m = 0; m < c.M; m++) for (let n = 0; n < c.N; n++) accRef[m * c.ldacc + n] = v[m * c.N + n];
  expectAllAgree(`s32_correct ${what}`, accRef, Object.fromEntries(engines.map((e) => [e.isa, runKernel(e, c, true)])));
  // q8_requantize: out rows at stride ldout, bytes past N untouched.
  const q = requantizeRef(v, c.N, c.mult, c.yzp, c.qmin, c.qmax, c.dtype);
  const outRef = c.dtype === 'int8' ? new Int8Array(c.M * c.ldout).fill(SENTINEL) : new Uint8Array(c.M * c.ldout).fill(SENTINEL);
  for (let m = 0; m < c.M; m++) for (let n = 0; n < c.N; n++) outRef[m * c.ldout + n] = q[m * c.N + n];
  expectAllAgree(`q8_requantize ${what}`, outRef, Object.fromEntries(engines.map((e) => [e.isa, runKernel(e, c, false)])));
}

function randInt(rand: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

function makeCase(seed: number, M: number, N: number, opts: Partial<Case> & { accRange?: [number, number]; multRange?: [number, number]; withWzp?: boolean } = {}): Case {
  const rand = rng(seed);
  const ldacc = opts.ldacc ?? N;
  const ldout = opts.ldout ?? N;
  const [alo, ahi] = opts.accRange ?? [-20000, 20000];
  const acc = new Int32Array(M * ldacc);
  for (let i = 0; i < acc.length; i++) acc[i] = randInt(rand, alo, ahi);
  const colTerm = new Int32Array(N);
  for (let i = 0; i < N; i++) colTerm[i] = randInt(rand, -3000, 3000);
  const rowSums = new Int32Array(M);
  for (let i = 0; i < M; i++) rowSums[i] = randInt(rand, 0, 255 * 64);
  const wzp = opts.withWzp === false ? undefined : Int32Array.from({ length: N }, () => randInt(rand, -128, 127));
  const [mlo, mhi] = opts.multRange ?? [1e-4, 2e-2];
  const mult = Float32Array.from({ length: N }, () => mlo * Math.pow(mhi / mlo, rand()));
  const dtype = opts.dtype ?? 'uint8';
  const [lo, hi] = dtype === 'int8' ? [-128, 127] : [0, 255];
  return {
    M, N, ldacc, ldout, acc, colTerm, rowSums, wzp, mult,
    yzp: opts.yzp ?? (dtype === 'int8' ? -5 : 131),
    qmin: opts.qmin ?? lo,
    qmax: opts.qmax ?? hi,
    dtype,
    ...(opts.acc ? { acc: opts.acc } : {}),
    ...(opts.mult ? { mult: opts.mult } : {}),
    ...(opts.colTerm ? { colTerm: opts.colTerm } : {}),
    ...(opts.rowSums ? { rowSums: opts.rowSums } : {}),
  };
}

describe('output stage (s32_correct, q8_requantize)', () => {
  const Ns = Array.from({ length: 33 }, (_, i) => i + 1).concat([47, 48, 64, 65, 127, 128, 129, 1000]);
  for (const dtype of ['uint8', 'int8'] as const) {
    for (const withWzp of [true, false]) {
      it(`${dtype} ${withWzp ? 'with' : 'without'} weight zero points, N = 1..33 and larger`, () => {
        for (const N of Ns) {
          for (const M of [1, 3]) {
            check(`${dtype} M=${M} N=${N} wzp=${withWzp}`, makeCase(N * 131 + M, M, N, { dtype, withWzp }));
          }
        }
      });
    }
  }

  it('strides larger than N (acc and out), stride padding untouched', () => {
    for (const N of [1, 4, 5, 15, 16, 17, 31, 33, 70]) {
      for (const dtype of ['uint8', 'int8'] as const) {
        check(`strided ${dtype} N=${N}`, makeCase(N + 7, 4, N, { dtype, ldacc: N + 3, ldout: N + 5 }));
        check(`strided ${dtype} N=${N} ld+16`, makeCase(N + 8, 2, N, { dtype, ldacc: N + 16, ldout: N + 17, withWzp: false }));
      }
    }
  });

  it('exact ties round half to even (mult 0.5 with odd v, mult 0.25 with v = 4k +- 2)', () => {
    for (const N of [1, 7, 16, 17, 33, 64]) {
      for (const dtype of ['uint8', 'int8'] as const) {
        const M = 3;
        const acc = new Int32Array(M * N);
        // v = acc (colTerm 0, no wzp): odd values in [-251, 251] so v * 0.5 is an exact tie.
        for (let i = 0; i < acc.length; i++) acc[i] = ((i * 37) % 252) * 2 - 251;
        const mult = Float32Array.from({ length: N }, (_, n) => (n % 2 ? 0.5 : 0.25));
        const c = makeCase(N, M, N, { dtype, acc, mult, withWzp: false, colTerm: new Int32Array(N), yzp: dtype === 'int8' ? 0 : 128 });
        // With mult 0.25, make v = 4k + 2 (ties at k + 0.5) on those columns.
        for (let m = 0; m < M; m++) for (let n = 0; n < N; n += 2) c.acc[m * N + n] = 4 * (((m * N + n) % 120) - 60) + 2;
        check(`ties ${dtype} N=${N}`, c);
        // The case really holds exact ties (v * mult = k + 0.5) on every column kind.
        const v = corrected(c);
        const ties = Array.from(v).filter((x, i) => Math.abs((x * c.mult[i % N]) % 1) === 0.5).length;
        expect(ties).toBeGreaterThan(M * N / 2);
      }
    }
    // Spot values: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> 0, -1.5 -> -2, -2.5 -> -2.
    const acc = Int32Array.from([1, 3, 5, -1, -3, -5, 7, 9]);
    const c = makeCase(1, 1, 8, { dtype: 'int8', acc, mult: new Float32Array(8).fill(0.5), withWzp: false, colTerm: new Int32Array(8), yzp: 0 });
    expect(Array.from(requantizeRef(corrected(c), 8, c.mult, 0, -128, 127, 'int8'))).toEqual([0, 2, 2, 0, -2, -2, 4, 4]);
    check('tie spot values', c);
  });

  it('huge accumulators near the int32 limits, wrapping correction, saturation', () => {
    for (const N of [1, 5, 16, 17, 37]) {
      for (const dtype of ['uint8', 'int8'] as const) {
        const M = 4;
        const c = makeCase(N * 3 + 1, M, N, { dtype, accRange: [-2147483648, 2147483647], multRange: [1e-9, 1e-6] });
        c.acc[0] = 2147483647;
        c.acc[N - 1] = -2147483648;
        c.colTerm[0] = 2147483647; // wraps
        c.rowSums[M - 1] = 2147483647;
        check(`huge ${dtype} N=${N}`, c);
        // Products far outside the output range (and +-Infinity in float32) clamp.
        const big = makeCase(N * 5 + 2, M, N, { dtype, accRange: [-2147483648, 2147483647], multRange: [1e30, 3e38] });
        check(`saturating ${dtype} N=${N}`, big);
      }
    }
  });

  it('qmin / qmax clamps (fused ReLU, ReLU6-like, single value)', () => {
    for (const N of [3, 16, 19, 40]) {
      for (const [dtype, yzp, qmin, qmax] of [['uint8', 128, 128, 255], ['uint8', 10, 10, 70], ['int8', -20, -20, 127], ['int8', 0, -128, 0], ['int8', 3, 5, 5], ['uint8', 0, 0, 0], ['uint8', 255, 0, 255], ['int8', -128, -128, 127], ['int8', 127, -128, 127]] as const) {
        check(`clamp ${dtype} yzp=${yzp} [${qmin}, ${qmax}] N=${N}`, makeCase(N + qmin + 1000, 3, N, { dtype, yzp, qmin, qmax, multRange: [1e-3, 5e-2] }));
      }
    }
  });
});

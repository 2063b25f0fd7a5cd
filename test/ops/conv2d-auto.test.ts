import { beforeAll, describe, expect, it } from 'vitest';
import {
  UnsupportedError, ValueError, ShapeError, activationDensity, blockSparseTileRows, conv2d, conv2dAuto, conv2dInfo, conv2dZeroSkip,
  packConvWeights, ZERO_SKIP_CROSSOVER, zeroSkipCrossoverFor, type Conv2DOptions, type Engine,
} from '../../src/index.js';
import { conv2dRef, feieCountsRef } from '../../src/reference/index.js';
import { allEngines, expectAllAgree, fillInts, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

/**
 * NHWC activations with ReLU-like, spatially clustered zeros: a box-blurred noise field per
 * channel, thresholded so that a `density` fraction is non-zero (x != zp).
 */
function clustered(rand: () => number, N: number, H: number, W: number, C: number, density: number, dtype: 'int8' | 'uint8', zp: number): Int8Array | Uint8Array {
  const n = N * H * W * C;
  const field = new Float32Array(n);
  const noise = new Float32Array(H * W);
  for (let b = 0; b < N; b++) {
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < noise.length; i++) noise[i] = rand();
      for (let h = 0; h < H; h++) {
        for (let w = 0; w < W; w++) {
          let s = 0;
          for (let dh = -1; dh <= 1; dh++) for (let dw = -1; dw <= 1; dw++) s += noise[Math.min(H - 1, Math.max(0, h + dh)) * W + Math.min(W - 1, Math.max(0, w + dw))];
          field[((b * H + h) * W + w) * C + c] = s + 0.1 * rand();
        }
      }
    }
  }
  const sorted = Float32Array.from(field).sort();
  const nz = Math.round(density * n);
  const thr = nz >= n ? -Infinity : sorted[n - nz];
  const x = dtype === 'int8' ? new Int8Array(n) : new Uint8Array(n);
  const [lo, hi] = dtype === 'int8' ? [-128, 127] : [0, 255];
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (field[i] >= thr && count < nz) {
      let v = zp;
      while (v === zp) v = lo + Math.floor(rand() * (hi - lo + 1));
      x[i] = v;
      count++;
    } else x[i] = zp;
  }
  return x;
}

const DENSITIES = [0, 1e-3, 0.1, 0.5, 0.9, 1];

describe('block-sparse zero-skip kernel: random shapes, clustered zeros', () => {
  it('bit-exact vs the reference on every build, exact counts, the scatter kernel agrees', () => {
    const rand = rng(2024);
    for (let t = 0; t < 8; t++) {
      const R = 1 + Math.floor(rand() * 4);
      const S = 1 + Math.floor(rand() * 4);
      const groups = t % 4 === 3 ? 2 : 1;
      const Cg = 1 + Math.floor(rand() * 20);
      const C = Cg * groups;
      const M = groups * (8 + Math.floor(rand() * 30));
      const H = R + Math.floor(rand() * 8);
      const W = S + Math.floor(rand() * 8);
      const opts: Conv2DOptions = { pads: [Math.floor(rand() * R), Math.floor(rand() * S), Math.floor(rand() * R), Math.floor(rand() * S)], strides: t % 3 === 2 ? 2 : 1, dilations: t % 5 === 4 ? [2, 1] : 1, groups };
      const xDtype = t % 2 ? 'uint8' : 'int8';
      const xzp = xDtype === 'uint8' ? (t % 4 === 1 ? 0 : 7) : -5;
      const wzp = Array.from({ length: M }, () => Math.floor(rand() * 11) - 5);
      const w = fillInts(new Int8Array(M * R * S * Cg), -128, 127, rand);
      const bias = Int32Array.from({ length: M }, () => Math.floor(rand() * 2000) - 1000);
      for (const density of DENSITIES) {
        const x = clustered(rand, 1, H, W, C, density, xDtype, xzp);
        let info;
        try {
          info = conv2dInfo([1, H, W, C], [M, R, S, Cg], opts);
        } catch (e) {
          expect(e).toBeInstanceOf(ShapeError);
          continue;
        }
        const ref = conv2dRef(x, w, info, { xZeroPoint: xzp, wZeroPoint: wzp, bias });
        const cref = feieCountsRef(x, info, xzp);
        const res: Record<string, ArrayLike<number>> = {};
        const scat: Record<string, ArrayLike<number>> = {};
        for (const e of engines) {
          const p = { ...opts, xZeroPoint: xzp, wZeroPoint: wzp, bias };
          const r = conv2dZeroSkip(e, { data: x, shape: [1, H, W, C] }, { data: w, shape: [M, R, S, Cg] }, p);
          res[e.isa] = r.y.toArray();
          expect(r.kernel).toBe(e.isa === 'scalar' ? 'q8_conv_feie__scalar' : `q8_conv_zsgemm_2x16c2__${e.isa}`);
          const k = r.counts!;
          expect(k.macs.executed).toBe(cref.macsNonZero);
          expect(k.macs.executed + k.macs.skipped).toBe(info.macs);
          expect(k.macs.padding).toBe(info.macs - cref.macsReal);
          expect(Array.from(k.rowNnz)).toEqual(Array.from(cref.rowNnz));
          if (e.isa !== 'scalar') {
            // the CPU multiplies every non-zero product, plus zeros inside listed pairs
            expect(k.cpuMultiplyAdds!).toBeGreaterThanOrEqual(k.macs.executed);
            if (density === 0) expect(k.cpuMultiplyAdds).toBe(0);
            const s = conv2dZeroSkip(e, { data: x, shape: [1, H, W, C] }, { data: w, shape: [M, R, S, Cg] }, { ...p, kernel: 'scatter' });
            scat[e.isa] = s.y.toArray();
            expect(s.counts!.macs).toEqual(k.macs);
            expect(s.counts!.inputs).toEqual(k.inputs);
            expect(s.feie).toEqual(r.feie);
            s.y.dispose();
          }
          r.y.dispose();
        }
        expectAllAgree(`random ${t} density ${density}`, ref, res);
        expectAllAgree(`random ${t} density ${density} scatter`, ref, scat);
      }
    }
  });

  it('edge grid of the 2x16 tile and the 8-channel lowering: Mg, Cg, output pixels, odd/even R*S', () => {
    const rand = rng(99);
    for (const Mg of [8, 11, 12, 13, 15, 16, 17, 24, 25, 33]) {
      for (const Cg of [1, 7, 8, 9, 16, 17]) {
        for (const [R, S, H, W] of [[1, 1, 1, 1], [1, 2, 2, 3], [3, 3, 2, 2], [3, 3, 4, 4], [2, 2, 3, 3]]) {
          const x = clustered(rand, 1, H, W, Cg, 0.5, 'int8', 3);
          const w = fillInts(new Int8Array(Mg * R * S * Cg), -128, 127, rand);
          const opts = { pads: R > 1 ? 1 : 0 };
          const info = conv2dInfo([1, H, W, Cg], [Mg, R, S, Cg], opts);
          const ref = conv2dRef(x, w, info, { xZeroPoint: 3, wZeroPoint: -7 });
          const res: Record<string, ArrayLike<number>> = {};
          for (const e of engines.filter((g) => g.isa !== 'scalar')) {
            const r = conv2dZeroSkip(e, { data: x, shape: [1, H, W, Cg] }, { data: w, shape: [Mg, R, S, Cg] }, { ...opts, xZeroPoint: 3, wZeroPoint: -7, kernel: 'blocksparse', count: false });
            res[e.isa] = r.y.toArray();
            r.y.dispose();
          }
          expectAllAgree(`grid Mg ${Mg} Cg ${Cg} ${R}x${S} on ${H}x${W}`, ref, res);
        }
      }
    }
  });

  it('skipZeros: false multiplies every pair of every panel (4 * Mg per pair), output unchanged', () => {
    const rand = rng(5);
    const [H, W, C, M, R, S] = [7, 8, 12, 20, 3, 3];
    const x = clustered(rand, 2, H, W, C, 0.3, 'uint8', 0);
    const w = fillInts(new Int8Array(M * R * S * C), -128, 127, rand);
    const info = conv2dInfo([2, H, W, C], [M, R, S, C], { pads: 1 });
    const ref = conv2dRef(x, w, info, {});
    const rows = blockSparseTileRows(info);
    const EF = info.E * info.F;
    let panels = 0;
    for (let p0 = 0; p0 < EF; p0 += rows) panels += Math.ceil(Math.min(rows, EF - p0) / 2);
    const kp = Math.floor((R * S) / 2) * C + ((R * S) % 2) * Math.ceil(C / 2);
    for (const e of engines.filter((g) => g.isa !== 'scalar')) {
      const r = conv2dZeroSkip(e, { data: x, shape: [2, H, W, C] }, { data: w, shape: [M, R, S, C] }, { pads: 1, skipZeros: false });
      expect(Array.from(r.y.toArray())).toEqual(Array.from(ref));
      expect(r.counts!.cpuMultiplyAdds).toBe(2 * panels * kp * 4 * M);
      r.y.dispose();
    }
  });
});

describe('conv2dAuto: selection', () => {
  // a mid-size layer
  const [H, W, C, M] = [14, 14, 64, 64];
  const rq = { xScale: 0.02, wScale: 0.005, yScale: 0.3, outputDtype: 'uint8' as const, activation: 'relu' as const };

  it('picks zero-skip at density 0.05 and dense at 1.0, bit-exact with conv2d either way; forced choices are honoured', () => {
    const rand = rng(77);
    const w = { data: fillInts(new Int8Array(M * 9 * C), -128, 127, rand), shape: [M, 3, 3, C] };
    for (const e of engines) {
      const pw = packConvWeights(e, w);
      for (const [density, expected] of [[0.05, 'zeroskip'], [1, 'dense']] as const) {
        const x = { data: clustered(rand, 1, H, W, C, density, 'uint8', 0), shape: [1, H, W, C] };
        const want = conv2d(e, x, w, { pads: 1, requantize: rq }).toArray();
        const r = conv2dAuto(e, x, w, { pads: 1, requantize: rq, packed: pw });
        expect(r.ran).toBe(expected);
        expect(r.density).toBeCloseTo(density, 3);
        expect(r.crossover).toBe(zeroSkipCrossoverFor(e.isa, { Cg: C, R: 3, S: 3 }));
        expect(r.crossover).toBe(ZERO_SKIP_CROSSOVER[e.isa]); // 3x3, C >= 8: the build's value
        expect(r.kernel).toBe(expected === 'dense' ? (e.isa === 'scalar' ? 'u8s8_gemm_4x4__scalar' : e.isa === 'simd' ? 'u8s8_gemm_3x12c2__simd' : 'u8s8_gemm_3x12c4hyb__relaxed') : (e.isa === 'scalar' ? 'q8_conv_feie__scalar' : `q8_conv_zsgemm_2x16c2__${e.isa}`));
        expect(r.counts === undefined).toBe(expected === 'dense');
        expect(Array.from(r.y.toArray())).toEqual(Array.from(want));
        r.y.dispose();
        for (const use of ['dense', 'zeroskip'] as const) {
          const f = conv2dAuto(e, x, w, { pads: 1, requantize: rq, use, packed: use === 'dense' ? pw : undefined });
          expect(f.ran).toBe(use);
          expect(f.density).toBeUndefined();
          expect(f.scanMs).toBe(0);
          expect(Array.from(f.y.toArray())).toEqual(Array.from(want));
          f.y.dispose();
        }
        // a crossover of 0 never skips, 1 always does (below full density)
        expect(conv2dAuto(e, x, w, { pads: 1, crossover: 0 }).ran).toBe('dense');
        expect(conv2dAuto(e, x, w, { pads: 1, crossover: 1 }).ran).toBe(density < 1 ? 'zeroskip' : 'dense');
      }
      pw.dispose();
    }
  });

  it('the default crossover follows the layer: never below 8 input channels, lower for 1x1 (SIMD builds), the scatter value on scalar', () => {
    for (const isa of ['simd', 'relaxed'] as const) {
      expect(zeroSkipCrossoverFor(isa, { Cg: 3, R: 3, S: 3 })).toBe(0);
      expect(zeroSkipCrossoverFor(isa, { Cg: 7, R: 11, S: 11 })).toBe(0);
      expect(zeroSkipCrossoverFor(isa, { Cg: 64, R: 1, S: 1 })).toBe(0.45);
      expect(zeroSkipCrossoverFor(isa, { Cg: 8, R: 3, S: 3 })).toBe(ZERO_SKIP_CROSSOVER[isa]);
    }
    expect(zeroSkipCrossoverFor('scalar', { Cg: 3, R: 1, S: 1 })).toBe(ZERO_SKIP_CROSSOVER.scalar);
    // conv2dAuto applies it: a 3-channel first layer stays dense on the SIMD builds even at density 0.05
    const rand = rng(5);
    const x = { data: clustered(rand, 1, 16, 16, 3, 0.05, 'uint8', 0), shape: [1, 16, 16, 3] };
    const w = { data: fillInts(new Int8Array(16 * 9 * 3), -128, 127, rand), shape: [16, 3, 3, 3] };
    for (const e of engines) {
      const r = conv2dAuto(e, x, w, { pads: 1 });
      expect(r.ran, e.isa).toBe(e.isa === 'scalar' ? 'zeroskip' : 'dense');
      expect(r.crossover).toBe(zeroSkipCrossoverFor(e.isa, { Cg: 3, R: 3, S: 3 }));
      expect(Array.from(r.y.toArray())).toEqual(Array.from(conv2d(e, x, w, { pads: 1 }).toArray()));
      r.y.dispose();
    }
  });

  it('depthwise dense reports the direct kernel', () => {
    const x = { data: new Int8Array(6 * 6 * 8).fill(3), shape: [1, 6, 6, 8] };
    const w = { data: new Int8Array(8 * 9).fill(1), shape: [8, 3, 3, 1] };
    const r = conv2dAuto(engines[1], x, w, { groups: 8, pads: 1 });
    expect(r.ran).toBe('dense');
    expect(r.kernel).toBe('q8_dwconv_direct__simd');
    r.y.dispose();
  });

  it('activationDensity counts x != zero point, aligned or not', () => {
    const rand = rng(3);
    const buf = new Int8Array(1003);
    for (let i = 0; i < buf.length; i++) buf[i] = rand() < 0.3 ? Math.floor(rand() * 256) - 128 : -128;
    let nz = 0;
    for (let i = 1; i < buf.length; i++) if (buf[i] !== -128) nz++;
    const un = new Int8Array(buf.buffer, 1, 1002);
    expect(activationDensity({ data: un, shape: [1002] }, -128)).toBe(nz / 1002);
    expect(activationDensity({ data: buf, shape: [1003] }, -128)).toBe((nz + (buf[0] !== -128 ? 1 : 0)) / 1003);
    expect(activationDensity({ data: new Uint8Array(0), shape: [0] }, 0)).toBe(0);
    expect(activationDensity({ data: new Uint8Array([0, 5, 0, 0, 0, 0, 7, 0, 9]), shape: [9] })).toBe(3 / 9);
  });
});

describe('conv2dAuto / conv2dZeroSkip: bad input', () => {
  it('typed errors before any Wasm memory is touched; a valid call after is still bit-exact', () => {
    const x = { data: new Uint8Array(4 * 4 * 8).fill(1), shape: [1, 4, 4, 8] };
    const w = { data: new Int8Array(16 * 9 * 8).fill(2), shape: [16, 3, 3, 8] };
    for (const e of engines) {
      const live = e.heap.liveCount;
      const pw = packConvWeights(e, w);
      const pwOther = packConvWeights(e, { data: new Int8Array(8 * 9 * 8), shape: [8, 3, 3, 8] });
      const bytes = e.heap.memoryBytes;
      expect(() => conv2dAuto(e, x, w, { use: 'sparse' as never })).toThrow(ValueError);
      expect(() => conv2dAuto(e, x, w, { crossover: 1.5 })).toThrow(ValueError);
      expect(() => conv2dAuto(e, x, w, { crossover: Number.NaN })).toThrow(ValueError);
      expect(() => conv2dAuto(e, x, pw as never)).toThrow(UnsupportedError);
      expect(() => conv2dAuto(e, x, w, { packed: {} as never })).toThrow(ValueError);
      expect(() => conv2dAuto(e, x, w, { packed: pwOther })).toThrow(ValueError);
      expect(() => conv2dAuto(e, x, { data: new Int8Array(16 * 9 * 4), shape: [16, 3, 3, 4] })).toThrow(ShapeError);
      expect(() => conv2dAuto(e, x, w, null as never)).toThrow(ValueError);
      expect(() => conv2dZeroSkip(e, x, w, { kernel: 'fast' as never })).toThrow(ValueError);
      if (e.isa === 'scalar') expect(() => conv2dZeroSkip(e, x, w, { kernel: 'blocksparse' })).toThrow(UnsupportedError);
      expect(e.heap.memoryBytes).toBe(bytes);
      const info = conv2dInfo(x.shape, w.shape, { pads: 1 });
      const want = Array.from(conv2dRef(x.data, w.data, info, {}));
      const r = conv2dAuto(e, x, w, { pads: 1, packed: pw });
      expect(Array.from(r.y.toArray())).toEqual(want);
      r.y.dispose();
      pw.dispose();
      pwOther.dispose();
      expect(e.heap.liveCount).toBe(live);
    }
  });
});

/**
 * uint8 weights (ONNX ConvInteger / MatMulInteger / QLinearConv / QLinearMatMul allow them, with a
 * uint8 zero point): conv2d, packConvWeights, matmul, dense and packWeights on every build against
 * the plain references, which take the raw uint8 weights and zero points directly.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  QuantError, conv2d, conv2dInfo, dense, matmul, packConvWeights, packWeights,
  type Conv2DOptions, type Engine, type Requantize,
} from '../../src/index.js';
import { resolveOutputStage } from '../../src/descriptors/output-stage.js';
import { conv2dRef, nchwToNhwc, nhwcToNchw, qmatmulRef, requantizeRef, transposeRef } from '../../src/reference/index.js';
import { allEngines, expectAllAgree, fillInts, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

type Zp = number | 'pc';
const RQ: Requantize = { xScale: 0.05, wScale: 0.01, yScale: 0.7, yZeroPoint: 100, outputDtype: 'uint8' };

/** Per-channel uint8 zero points that include both ends of the range. */
function pcZeroPoints(M: number, rand: () => number): number[] {
  const z = Array.from(fillInts(new Uint8Array(M), 0, 255, rand));
  z[0] = 0;
  if (M > 1) z[M - 1] = 255;
  return z;
}

function requantRef(acc: Int32Array, M: number, rq: Requantize | undefined, xDtype: 'int8' | 'uint8'): ArrayLike<number> {
  if (!rq) return acc;
  const st = resolveOutputStage('test', { requantize: rq }, M, xDtype).requant!;
  return requantizeRef(acc, M, st.multipliers, st.yZeroPoint, st.qmin, st.qmax, st.outputDtype);
}

describe('conv2d with uint8 weights', () => {
  interface ConvCase {
    H: number; W: number; C: number; M: number; R: number; S: number;
    opts?: Conv2DOptions;
    xDtype: 'int8' | 'uint8';
    wzp: Zp;
    requantize?: Requantize;
    seed: number;
  }

  function run(c: ConvCase): void {
    const rand = rng(c.seed);
    const groups = c.opts?.groups ?? 1;
    const Cg = c.C / groups;
    const xShape = [1, c.H, c.W, c.C];
    const wShape = [c.M, c.R, c.S, Cg];
    const x = c.xDtype === 'int8' ? fillInts(new Int8Array(c.H * c.W * c.C), -128, 127, rand) : fillInts(new Uint8Array(c.H * c.W * c.C), 0, 255, rand);
    const w = fillInts(new Uint8Array(c.M * c.R * c.S * Cg), 0, 255, rand);
    const wZeroPoint = c.wzp === 'pc' ? pcZeroPoints(c.M, rand) : c.wzp;
    const xZeroPoint = c.xDtype === 'int8' ? -3 : 129;
    const bias = fillInts(new Int32Array(c.M), -50000, 50000, rand);
    const info = conv2dInfo(xShape, wShape, c.opts);
    const want = requantRef(conv2dRef(x, w, info, { xZeroPoint, wZeroPoint, bias }), c.M, c.requantize, c.xDtype);
    const params = { ...c.opts, xZeroPoint, wZeroPoint, bias, requantize: c.requantize };
    const { N, H, W, C, M, R, S, E, F } = info;
    const wO = nhwcToNchw(w, M, R, S, Cg); // OHWI -> OIHW
    const results: Record<string, ArrayLike<number>> = {};
    for (const e of engines) {
      const live = e.heap.liveCount;
      const y = conv2d(e, { data: x, shape: xShape }, { data: w, shape: wShape }, params);
      results[`${e.isa} host`] = y.toArray();
      y.dispose();
      // A weight tensor of the engine: flipped into scratch, never in place.
      const wt = e.tensor('uint8', wShape, w);
      const yt = conv2d(e, { data: x, shape: xShape }, wt, params);
      results[`${e.isa} tensor`] = yt.toArray();
      expect(Array.from(wt.data), 'the weight tensor is not modified').toEqual(Array.from(w));
      yt.dispose();
      // Packed once (zero point per call, in uint8), from the tensor and from OIHW host data.
      const pw = packConvWeights(e, wt, { groups });
      expect(pw.dtype).toBe('uint8');
      expect(Array.from(wt.data), 'packing does not modify the tensor').toEqual(Array.from(w));
      const yp = conv2d(e, { data: x, shape: xShape }, pw, params);
      results[`${e.isa} packed`] = yp.toArray();
      yp.dispose();
      pw.dispose();
      wt.dispose();
      const pwO = packConvWeights(e, { data: wO, shape: [M, Cg, R, S] }, { groups, weightLayout: 'OIHW' });
      const ypO = conv2d(e, { data: x, shape: xShape }, pwO, params);
      results[`${e.isa} packed OIHW`] = ypO.toArray();
      ypO.dispose();
      pwO.dispose();
      // ONNX layouts per call: NCHW x, OIHW w.
      const yN = conv2d(e, { data: nhwcToNchw(x, N, H, W, C), shape: [N, C, H, W] }, { data: wO, shape: [M, Cg, R, S] }, { ...params, layout: 'NCHW', weightLayout: 'OIHW' });
      results[`${e.isa} NCHW/OIHW`] = nchwToNhwc(yN.toArray() as Int32Array, N, M, E, F);
      yN.dispose();
      expect(e.heap.liveCount, 'every temporary is freed').toBe(live);
    }
    expectAllAgree(`uint8 w ${JSON.stringify(c)}`, want, results);
  }

  const shapes: Omit<ConvCase, 'xDtype' | 'wzp' | 'requantize' | 'seed'>[] = [
    { H: 6, W: 7, C: 5, M: 9, R: 3, S: 3, opts: { pads: [1, 0, 2, 1], strides: [1, 2] } }, // im2col
    { H: 5, W: 5, C: 17, M: 16, R: 1, S: 1 }, // 1x1: lowering skipped for uint8 x
    { H: 7, W: 6, C: 8, M: 6, R: 3, S: 2, opts: { groups: 2, pads: 'same_upper', dilations: [2, 1] } }, // grouped
    { H: 8, W: 9, C: 16, M: 16, R: 3, S: 3, opts: { groups: 16, pads: 1 } }, // depthwise: direct kernel
    { H: 6, W: 6, C: 4, M: 8, R: 3, S: 3, opts: { groups: 4, pads: 'same_lower' } }, // depthwise, multiplier 2: im2col
  ];
  shapes.forEach((sh, i) => {
    for (const wzp of [0, 255, 128, 'pc'] as Zp[]) {
      it(`${sh.C}->${sh.M} ${sh.R}x${sh.S} ${JSON.stringify(sh.opts ?? {})} wZeroPoint ${wzp}`, () => {
        for (const xDtype of ['uint8', 'int8'] as const) {
          run({ ...sh, xDtype, wzp, seed: 100 * i + (typeof wzp === 'number' ? wzp : 7) + (xDtype === 'int8' ? 1 : 0) });
          run({ ...sh, xDtype, wzp, requantize: { ...RQ, outputDtype: xDtype, yZeroPoint: xDtype === 'int8' ? -5 : 100 }, seed: 1000 + i });
        }
      });
    }
  });

  it('uint8 weights w with zero point zb equal int8 weights w - 128 with zero point zb - 128', () => {
    const rand = rng(5);
    const w = fillInts(new Uint8Array(6 * 3 * 3 * 4), 0, 255, rand);
    const x = fillInts(new Uint8Array(7 * 7 * 4), 0, 255, rand);
    const zb = pcZeroPoints(6, rand);
    for (const e of engines) {
      const a = conv2d(e, { data: x, shape: [1, 7, 7, 4] }, { data: w, shape: [6, 3, 3, 4] }, { pads: 1, xZeroPoint: 9, wZeroPoint: zb });
      const b = conv2d(e, { data: x, shape: [1, 7, 7, 4] }, { data: Int8Array.from(w, (v) => v - 128), shape: [6, 3, 3, 4] }, { pads: 1, xZeroPoint: 9, wZeroPoint: zb.map((z) => z - 128) });
      expect(Array.from(a.data), e.isa).toEqual(Array.from(b.data));
      a.dispose();
      b.dispose();
    }
  });

  it('bad zero points for packed uint8 weights: QuantError before Wasm memory changes, then still exact', () => {
    for (const e of engines) {
      const pw = packConvWeights(e, { data: new Uint8Array([10, 200, 30, 255]), shape: [1, 2, 2, 1] });
      const live = e.heap.liveCount;
      const bytes = e.heap.memoryBytes;
      const x = { data: new Uint8Array([1, 2, 3, 4]), shape: [1, 2, 2, 1] };
      expect(() => conv2d(e, x, pw, { wZeroPoint: 300 })).toThrow(QuantError);
      expect(() => conv2d(e, x, pw, { wZeroPoint: 300 })).toThrow(/conv2d: wZeroPoint = 300 is outside the uint8 range \[0, 255\]/);
      expect(() => conv2d(e, x, pw, { wZeroPoint: -1 })).toThrow(/wZeroPoint = -1 is outside the uint8 range/);
      expect(e.heap.liveCount).toBe(live);
      expect(e.heap.memoryBytes).toBe(bytes);
      // (1-0)(10-255) + (2-0)(200-255) + (3-0)(30-255) + (4-0)(255-255) = -245 - 110 - 675 = -1030
      const y = conv2d(e, x, pw, { wZeroPoint: 255 });
      expect(Array.from(y.data)).toEqual([-1030]);
      y.dispose();
      pw.dispose();
    }
  });
});

describe('matmul / dense / packWeights with uint8 weights', () => {
  function run(M: number, N: number, K: number, xDtype: 'int8' | 'uint8', wzp: Zp, requantize: Requantize | undefined, seed: number): void {
    const rand = rng(seed);
    const a = xDtype === 'int8' ? fillInts(new Int8Array(M * K), -128, 127, rand) : fillInts(new Uint8Array(M * K), 0, 255, rand);
    const wNK = fillInts(new Uint8Array(N * K), 0, 255, rand);
    const wKN = transposeRef(wNK, N, K);
    const wZeroPoint = wzp === 'pc' ? pcZeroPoints(N, rand) : wzp;
    const xZeroPoint = xDtype === 'int8' ? 5 : 250;
    const bias = fillInts(new Int32Array(N), -70000, 70000, rand);
    const acc = qmatmulRef(a, xZeroPoint, wNK, wZeroPoint, bias, M, N, K) as Int32Array;
    const want = requantRef(acc, N, requantize, xDtype);
    const params = { xZeroPoint, wZeroPoint, bias, requantize };
    const A = { data: a, shape: [M, K] };
    const results: Record<string, ArrayLike<number>> = {};
    for (const e of engines) {
      const live = e.heap.liveCount;
      const take = (name: string, y: { toArray(): ArrayLike<number>; dispose(): void }) => {
        results[`${e.isa} ${name}`] = y.toArray();
        y.dispose();
      };
      take('matmul kn host', matmul(e, A, { data: wKN, shape: [K, N] }, params));
      take('matmul nk host', matmul(e, A, { data: wNK, shape: [N, K] }, { ...params, layout: 'nk' }));
      take('dense nk host', dense(e, A, { data: wNK, shape: [N, K] }, params));
      const tNK = e.tensor('uint8', [N, K], wNK);
      const tKN = e.tensor('uint8', [K, N], wKN);
      take('dense nk tensor', dense(e, A, tNK, params));
      take('matmul kn tensor', matmul(e, A, tKN, params));
      const p1 = packWeights(e, tNK, { layout: 'nk' });
      const p2 = packWeights(e, { data: wKN, shape: [K, N] }, { layout: 'kn' });
      expect(p1.dtype).toBe('uint8');
      expect(p2.dtype).toBe('uint8');
      expect(Array.from(p1.colSums), 'column sums of the int8 weights the kernels hold').toEqual(Array.from({ length: N }, (_, n) => wNK.subarray(n * K, n * K + K).reduce((s, v) => s + v - 128, 0)));
      expect(Array.from(tNK.data), 'the weight tensors are not modified').toEqual(Array.from(wNK));
      expect(Array.from(tKN.data)).toEqual(Array.from(wKN));
      take('matmul packed', matmul(e, A, p1, params));
      take('dense packed', dense(e, A, p2, params));
      p1.dispose();
      p2.dispose();
      tNK.dispose();
      tKN.dispose();
      expect(e.heap.liveCount, 'every temporary is freed').toBe(live);
    }
    expectAllAgree(`uint8 w M${M} N${N} K${K} ${xDtype} wzp ${wzp}${requantize ? ' rq' : ''}`, want, results);
  }

  const shapes: [number, number, number][] = [[1, 1, 1], [3, 7, 15], [16, 8, 16], [17, 9, 33], [65, 31, 17], [5, 64, 63]];
  for (const [M, N, K] of shapes) {
    for (const wzp of [0, 255, 128, 'pc'] as Zp[]) {
      it(`M${M} N${N} K${K} wZeroPoint ${wzp}`, () => {
        for (const xDtype of ['uint8', 'int8'] as const) {
          run(M, N, K, xDtype, wzp, undefined, M * 1000 + N * 10 + K);
          run(M, N, K, xDtype, wzp, { ...RQ, outputDtype: xDtype, yZeroPoint: xDtype === 'int8' ? 3 : 128, wScale: Array.from({ length: N }, (_, i) => 0.01 + i * 0.001) }, K);
        }
      });
    }
  }

  it('int32 wrapping with uint8 weights: (255 - 0) * (0 - 255) over K = 40,000 wraps like int32', () => {
    const K = 40000;
    const a = new Uint8Array(K).fill(255);
    const w = new Uint8Array(2 * K).fill(0);
    w.fill(255, K); // column 1: w - zb = 0
    const want = qmatmulRef(a, 0, w, 255, undefined, 1, 2, K);
    expect(want[0]).toBe((255 * -255 * K) | 0);
    const results: Record<string, ArrayLike<number>> = {};
    for (const e of engines) {
      const y = matmul(e, { data: a, shape: [1, K] }, { data: w, shape: [2, K] }, { layout: 'nk', wZeroPoint: 255 });
      results[e.isa] = y.toArray();
      y.dispose();
    }
    expectAllAgree('uint8 wrapping', want, results);
  });

  it('packed uint8 weights take their zero point per call in [0, 255]', () => {
    for (const e of engines) {
      const pw = packWeights(e, { data: new Uint8Array([0, 255, 128, 7]), shape: [2, 2] }, { layout: 'nk' });
      const a = { data: new Uint8Array([1, 2]), shape: [1, 2] };
      expect(() => matmul(e, a, pw, { wZeroPoint: -1 })).toThrow(/matmul: wZeroPoint = -1 is outside the uint8 range/);
      expect(() => dense(e, a, pw, { wZeroPoint: [0, 256] })).toThrow(/dense: wZeroPoint\[1\] = 256 is outside the uint8 range/);
      // rows: [1*0 + 2*255, 1*128 + 2*7] - zb * (1 + 2)
      for (const zb of [0, 128, 255]) {
        const y = dense(e, a, pw, { wZeroPoint: zb });
        expect(Array.from(y.data), `${e.isa} zb ${zb}`).toEqual([510 - 3 * zb, 142 - 3 * zb]);
        y.dispose();
      }
      pw.dispose();
    }
  });
});

/**
 * Property tests, part 2: the binary panel kernels on random geometry (sizes off the 4-row tile,
 * odd word counts, many border patterns for the 16-slot pad-correction cache, groups), and
 * rejected calls of conv2dZeroSkip (packed weights), conv2dAuto and prepareNetwork that must leave
 * Wasm memory untouched.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  binaryConv2d, binaryGemm, calibrateGraph, conv2dAuto, conv2dInfo, conv2dZeroSkip, lenet5Graph, packAutoWeights, packBits, packTernary,
  packZeroSkipWeights, prepareNetwork, runNetwork, type Engine, type Tensor,
} from '../../src/index.js';
import { conv2dRef, intGemmRef } from '../../src/reference/index.js';
import { expectRejected } from './heap-guard.js';
import { allEngines, expectAllAgree, fillInts, perBuild, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

const SEED = 987654;


const signs = (n: number, r: () => number) => Float32Array.from({ length: n }, () => (r() < 0.5 ? -1 : 1));
const ternaries = (n: number, r: () => number) => Float32Array.from({ length: n }, () => Math.floor(r() * 3) - 1);

describe('binary panel kernels: random geometry', () => {
  it('binaryGemm xnor / ternary: M, N off the 4-row panel, K around word and 2-word chunk edges', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 11 }), fc.integer({ min: 1, max: 11 }), fc.constantFrom(1, 63, 64, 65, 127, 128, 129, 191, 200), fc.nat(1 << 30), (M, N, K, seed) => {
        const r = rng(seed);
        for (const ternary of [false, true]) {
          const a = ternary ? ternaries(M * K, r) : signs(M * K, r);
          const b = ternary ? ternaries(N * K, r) : signs(N * K, r);
          const pack = ternary ? packTernary : packBits;
          expectAllAgree(`${ternary ? 't2t2' : 'b1b1'} ${M}x${N}x${K}`, intGemmRef(a, b, M, N, K), perBuild(engines, (e) => {
            const pa = pack(e, { data: a, shape: [M, K] });
            const pb = pack(e, { data: b, shape: [N, K] });
            const y = binaryGemm(e, pa, pb) as Tensor;
            pa.dispose();
            pb.dispose();
            return y;
          }));
        }
      }),
      { seed: SEED, numRuns: 120 },
    );
  });

  it('binaryConv2d xnor / ternary: kernels up to 7x7 with pads up to 3 (more than 16 border patterns), strides, dilations, groups', () => {
    fc.assert(
      fc.property(
        fc.record({
          H: fc.integer({ min: 1, max: 11 }), W: fc.integer({ min: 1, max: 11 }), Cg: fc.constantFrom(1, 5, 63, 64, 65, 130), Mg: fc.integer({ min: 1, max: 9 }),
          R: fc.integer({ min: 1, max: 7 }), S: fc.integer({ min: 1, max: 7 }), groups: fc.integer({ min: 1, max: 2 }), sh: fc.integer({ min: 1, max: 2 }),
          sw: fc.integer({ min: 1, max: 3 }), dh: fc.integer({ min: 1, max: 2 }), dw: fc.integer({ min: 1, max: 2 }), pads: fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3), fc.nat(3)),
          seed: fc.nat(1 << 30),
        }),
        (c) => {
          const r = rng(c.seed);
          const H = c.H + (c.R - 1) * c.dh, W = c.W + (c.S - 1) * c.dw;
          const C = c.Cg * c.groups, M = c.Mg * c.groups;
          const xShape = [1, H, W, C] as const, wShape = [M, c.R, c.S, c.Cg] as const;
          const opts = { strides: [c.sh, c.sw] as [number, number], dilations: [c.dh, c.dw] as [number, number], pads: c.pads, groups: c.groups };
          const info = conv2dInfo(xShape, wShape, opts);
          for (const ternary of [false, true]) {
            const xs = ternary ? ternaries(H * W * C, r) : signs(H * W * C, r);
            const ws = ternary ? ternaries(M * c.R * c.S * c.Cg, r) : signs(M * c.R * c.S * c.Cg, r);
            const pack = ternary ? packTernary : packBits;
            expectAllAgree(`${ternary ? 'ternary' : 'xnor'} conv ${JSON.stringify(c)}`, conv2dRef(xs, ws, info), perBuild(engines, (e) => {
              const px = pack(e, { data: xs, shape: [...xShape] }, { groups: c.groups });
              const pw = pack(e, { data: ws, shape: [...wShape] });
              const y = binaryConv2d(e, px, pw, opts) as Tensor;
              px.dispose();
              pw.dispose();
              return y;
            }));
          }
        },
      ),
      { seed: SEED, numRuns: 120 },
    );
  });
});

describe('rejected calls leave Wasm memory untouched', () => {
  it('conv2dZeroSkip with packed weights, conv2dAuto', () => {
    const r = rng(3);
    const xShape = [1, 6, 6, 16], wShape = [24, 3, 3, 16];
    const x = fillInts(new Int8Array(6 * 6 * 16), -128, 127, r);
    const w = fillInts(new Int8Array(24 * 9 * 16), -128, 127, r);
    const info = conv2dInfo(xShape, wShape, { pads: 1 });
    const ref = conv2dRef(x, w, info, { xZeroPoint: 4, wZeroPoint: 2 });
    const xt = { data: x, shape: xShape }, wt = { data: w, shape: wShape };
    for (const e of engines) {
      const aw = packAutoWeights(e, wt, { wZeroPoint: 2, forms: ['dense', 'zeroskip', 'csr'] });
      const out = e.tensor('int32', [1, 6, 6, 25]);
      for (const use of ['auto', 'dense', 'zeroskip', 'csr'] as const) {
        expectRejected(e, `conv2dAuto out wrong (${use})`, () => conv2dAuto(e, xt, aw, { pads: 1, xZeroPoint: 4, use, out: out as never }));
        expectRejected(e, `conv2dAuto xZeroPoint NaN (${use})`, () => conv2dAuto(e, xt, aw, { pads: 1, xZeroPoint: NaN, use }));
        expectRejected(e, `conv2dAuto bias short (${use})`, () => conv2dAuto(e, xt, aw, { pads: 1, bias: new Int32Array(3), use }));
        expectRejected(e, `conv2dAuto groups mismatch (${use})`, () => conv2dAuto(e, { data: x, shape: [1, 6, 6, 32] } as never, aw, { pads: 1, groups: 2, use }));
        expectRejected(e, `conv2dAuto pads negative (${use})`, () => conv2dAuto(e, xt, aw, { pads: -1, use }));
        expectRejected(e, `conv2dAuto strides 0 (${use})`, () => conv2dAuto(e, xt, aw, { strides: 0 as never, use }));
      }
      expectRejected(e, 'conv2dAuto FC AutoWeights', () => {
        const fcw = packAutoWeights(e, { data: w.subarray(0, 24 * 16), shape: [24, 16] }, { forms: ['zeroskip'] });
        return conv2dAuto(e, xt, fcw, {});
      });
      if (e.isa !== 'scalar') {
        const pw = packZeroSkipWeights(e, wt, { wZeroPoint: 2 });
        expectRejected(e, 'zs packed: wZeroPoint differs', () => conv2dZeroSkip(e, xt, pw, { pads: 1, wZeroPoint: 3 }));
        expectRejected(e, 'zs packed: groups differ', () => conv2dZeroSkip(e, xt, pw, { pads: 1, groups: 2 }));
        expectRejected(e, 'zs packed: weightLayout differs', () => conv2dZeroSkip(e, xt, pw, { pads: 1, weightLayout: 'OIHW' }));
        expectRejected(e, 'zs packed: channels mismatch', () => conv2dZeroSkip(e, { data: x, shape: [1, 6, 12, 8] }, pw, { pads: 1 }));
        expectRejected(e, 'zs packed: scatter kernel', () => conv2dZeroSkip(e, xt, pw, { pads: 1, kernel: 'scatter' }));
        expectRejected(e, 'zs packed: out wrong', () => conv2dZeroSkip(e, xt, pw, { pads: 1, out: out as never }));
        const other = engines.find((o) => o !== e && o.isa !== 'scalar')!;
        const pwo = packZeroSkipWeights(other, wt, { wZeroPoint: 2 });
        expectRejected(e, 'zs packed by another engine', () => conv2dZeroSkip(e, xt, pwo, { pads: 1 }));
        pwo.dispose();
        expectRejected(e, 'packZeroSkipWeights: wZeroPoint out of range', () => packZeroSkipWeights(e, wt, { wZeroPoint: 200 }));
        expectRejected(e, 'packZeroSkipWeights: groups not dividing', () => packZeroSkipWeights(e, wt, { groups: 5 }));
        expectRejected(e, 'packZeroSkipWeights: NaN shape', () => packZeroSkipWeights(e, { data: w, shape: [24, 3, NaN, 16] }));
        const y = conv2dZeroSkip(e, xt, pw, { pads: 1, xZeroPoint: 4 });
        expectAllAgree(`${e.isa} zs packed after rejections`, ref, { [e.isa]: y.y.toArray() });
        y.y.dispose();
        pw.dispose();
        expectRejected(e, 'zs packed disposed', () => conv2dZeroSkip(e, xt, pw, { pads: 1 }));
      } else {
        expectRejected(e, 'packZeroSkipWeights on scalar', () => packZeroSkipWeights(e, wt));
      }
      const ya = conv2dAuto(e, xt, aw, { pads: 1, xZeroPoint: 4 });
      expectAllAgree(`${e.isa} conv2dAuto after rejections`, ref, { [e.isa]: ya.y.toArray() });
      ya.y.dispose();
      aw.dispose();
      out.dispose();
    }
  });

  it('prepareNetwork / PreparedNetwork.run', () => {
    const r = rng(9);
    const e0 = engines[0];
    const g = calibrateGraph(e0, lenet5Graph({ seed: 3 }), [Float32Array.from({ length: 28 * 28 }, () => r())]);
    const input = fillInts(new Int8Array(28 * 28), -128, 127, r);
    for (const e of engines) {
      const want = runNetwork(e, g, input, { zeroSkip: false }).output.data;
      const net = prepareNetwork(e, g, { zeroSkip: false });
      const other = engines.find((o) => o !== e)!;
      const t = other.tensor('int8', g.input.shape, input);
      expectRejected(e, 'input of another engine', () => net.run(t));
      t.dispose();
      expectRejected(e, 'input wrong length', () => net.run(input.subarray(1)));
      expectRejected(e, 'input wrong dtype', () => net.run({ data: new Uint8Array(28 * 28), shape: g.input.shape } as never));
      expectRejected(e, 'input wrong shape', () => net.run({ data: input, shape: [28, 28] }));
      expectRejected(e, 'options null', () => net.run(input, null as never));
      expectRejected(e, 'zeroSkip differs', () => net.run(input, { zeroSkip: true } as never));
      expectRejected(e, 'prepare: bad zeroSkip', () => prepareNetwork(e, g, { zeroSkip: 'yes' as never }));
      expectRejected(e, 'prepare: bad graph', () => prepareNetwork(e, { ...g, nodes: [{ ...g.nodes[0], inputs: ['nope'] }, ...g.nodes.slice(1)] } as never));
      expect(Array.from(net.run(input).output.data)).toEqual(Array.from(want));
      net.dispose();
      expectRejected(e, 'run after dispose', () => net.run(input));
    }
  });
});

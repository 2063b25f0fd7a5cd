/**
 * Random quantised GEMM cases for the matmul and dense tests: data, parameters, and the expected
 * result from the plain reference (src/reference/gemm.ts).
 */
import { resolveOutputStage, type QuantParams, type Requantize } from '../../src/descriptors/output-stage.js';
import { qmatmulRef } from '../../src/reference/index.js';
import { fillInts, rng } from './engines.js';

export interface GemmCaseSpec {
  M: number;
  N: number;
  K: number;
  seed: number;
  xDtype: 'int8' | 'uint8';
  /** Activation zero point (raw, in the dtype's range). */
  xZeroPoint?: number;
  /** 'none' | 'tensor' (one non-zero value) | 'channel' (one per output column). */
  wZp?: 'none' | 'tensor' | 'channel';
  bias?: boolean;
  /** Requantise: none, per-tensor or per-channel weight scale. */
  requant?: 'none' | 'tensor' | 'channel';
  outputDtype?: 'uint8' | 'int8';
  activation?: Requantize['activation'];
}

export interface GemmCase {
  spec: GemmCaseSpec;
  /** M x K activations. */
  a: Int8Array | Uint8Array;
  /** N x K weights. */
  w: Int8Array;
  params: QuantParams;
  expected: Int32Array | Int8Array | Uint8Array;
}

export function gemmCase(spec: GemmCaseSpec): GemmCase {
  const { M, N, K, seed, xDtype } = spec;
  // Weights depend on (seed, N, K) only, so cases that share them can share packed weights.
  const rand = rng(seed);
  const w = fillInts(new Int8Array(N * K), -128, 127, rand);
  const randA = rng(seed * 31 + M * 7 + (xDtype === 'int8' ? 1 : 0));
  const a = xDtype === 'int8' ? fillInts(new Int8Array(M * K), -128, 127, randA) : fillInts(new Uint8Array(M * K), 0, 255, randA);
  const params: QuantParams = {};
  if (spec.xZeroPoint !== undefined) params.xZeroPoint = spec.xZeroPoint;
  const wZp = spec.wZp ?? 'none';
  if (wZp === 'tensor') params.wZeroPoint = -7;
  if (wZp === 'channel') params.wZeroPoint = Array.from({ length: N }, (_, i) => ((i * 37) % 255) - 127);
  if (spec.bias) params.bias = fillInts(new Int32Array(N), -100000, 100000, rand);
  const rq = spec.requant ?? 'none';
  if (rq !== 'none') {
    // Scales chosen so the outputs spread over the whole 8-bit range, saturating at both ends.
    const yScale = 0.5 * Math.sqrt(K) * 128;
    params.requantize = {
      xScale: 0.5,
      wScale: rq === 'tensor' ? 1.25 : Array.from({ length: N }, (_, i) => 0.25 + (i % 7) * 0.5),
      yScale,
      yZeroPoint: spec.outputDtype === 'int8' ? -5 : 120,
      outputDtype: spec.outputDtype ?? 'uint8',
      activation: spec.activation,
    };
  }
  // The resolved descriptor gives the float32 multipliers and clamp; the arithmetic is the reference's.
  const stage = resolveOutputStage('test', params, N, xDtype);
  const zb = typeof params.wZeroPoint === 'number' ? params.wZeroPoint : (params.wZeroPoint ?? 0);
  const expected = qmatmulRef(a, params.xZeroPoint ?? 0, w, zb as number | number[], params.bias, M, N, K, stage.requant);
  return { spec, a, w, params, expected };
}

/** The i-th point of a deterministic walk over the parameter space. */
export function variant(i: number, M: number, N: number, K: number): GemmCaseSpec {
  const xDtype = i % 2 ? 'int8' : 'uint8';
  const xZeroPoint = xDtype === 'int8' ? [-128, 0, 5, 127][(i >> 1) % 4] : [0, 255, 128, 3][(i >> 1) % 4];
  const requant = (['none', 'tensor', 'channel'] as const)[(i >> 1) % 3];
  const outputDtype = (i >> 2) % 2 ? 'int8' : 'uint8';
  const activations = ['none', 'relu', { min: -1, max: 6 }, outputDtype === 'int8' ? { qmin: -100, qmax: 90 } : { qmin: 10, qmax: 200 }] as const;
  return {
    M, N, K, seed: i * 7919 + M * 31 + N * 17 + K,
    xDtype, xZeroPoint,
    wZp: (['none', 'tensor', 'channel'] as const)[i % 3],
    bias: i % 4 !== 3,
    requant, outputDtype,
    activation: activations[(i >> 3) % 4],
  };
}

export function describeCase(c: GemmCase): string {
  const s = c.spec;
  return `M=${s.M} N=${s.N} K=${s.K} ${s.xDtype} xzp=${s.xZeroPoint} wzp=${s.wZp} bias=${s.bias} rq=${s.requant}${s.requant !== 'none' ? `/${s.outputDtype}/${JSON.stringify(s.activation ?? 'none')}` : ''}`;
}


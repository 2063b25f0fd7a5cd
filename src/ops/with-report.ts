/**
 * Functional and modelled in one call: conv2d / dense with the `accelerator` option run the
 * zero-skipping kernel (conv2dZeroSkip, bit-exact with conv2d), whose pass also counts the
 * non-zero inputs per row and the MACs that meet them; those counts feed `simulate` directly
 * (SimulationData.activity), so the reports are exact for the data without a second traversal.
 * @module
 */
import { opReport, resolveTargets, type AcceleratorOption, type OpAcceleratorReport } from '../accel/op-report.js';
import { conv2dInfo } from '../descriptors/conv.js';
import type { QuantParams } from '../descriptors/output-stage.js';
import { ShapeError, UnsupportedError, ValueError, fmt } from '../errors.js';
import type { Engine, TensorLike } from '../runtime/engine.js';
import { Tensor } from '../runtime/tensor.js';
import { reshape } from './shape.js';
import type { Conv2DParams } from './conv2d.js';
import { conv2dZeroSkip } from './conv2d-zeroskip.js';
import type { MatmulParams } from './matmul.js';

/** Options that turn on the accelerator report of {@link conv2d} / {@link dense}. */
export interface AcceleratorParams {
  /** Targets to model: an arch, a preset name (`'zasca'`, `'eyeriss-rs'`, `'scale'`, ...) or a list. */
  accelerator: AcceleratorOption;
  /** Layer name in the reports. Default the op's name. */
  layerName?: string;
}

/** The result of an op called with `accelerator`: the exact output plus the report. */
export interface WithReport<T> {
  /** The output, bit-identical to the call without `accelerator`. */
  y: T;
  /** Per-target reports (ZASCAD, ZASCAS, then the others) from the kernel pass's counts. */
  report: OpAcceleratorReport;
  /** The kernel that ran (contract name with the build). */
  kernel: string;
}

function zeroPointOf(op: string, v: QuantParams['wZeroPoint']): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (v.length > 0 && Array.from(v).every((z) => z === v[0])) return v[0];
  // per-channel weight zero points: the density is counted against channel 0's only.
  throw new UnsupportedError(op, 'accelerator reports need one weight zero point (per-channel zero points are not modelled).', 'pass a single wZeroPoint, or call without accelerator.');
}

/** conv2d with `accelerator`: runs conv2dZeroSkip and models the layer on every target. @internal */
export function conv2dWithReport(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'>, params: Conv2DParams & AcceleratorParams): WithReport<Tensor<'int32' | 'int8' | 'uint8'>> {
  const op = 'conv2d';
  const { accelerator, layerName, algorithm, ...rest } = params;
  if (algorithm !== undefined && algorithm !== 'auto') throw new UnsupportedError(op, `algorithm = ${fmt(algorithm)} cannot be combined with accelerator: the report's counts come from the zero-skipping kernel's pass.`, 'omit algorithm (or pass \'auto\') when asking for a report.');
  if (layerName !== undefined && typeof layerName !== 'string') throw new ValueError(op, `layerName = ${fmt(layerName)} must be a string.`, 'pass a name, or omit it.');
  const archs = resolveTargets(op, accelerator);
  const wz = zeroPointOf(op, rest.wZeroPoint);
  // validate geometry (and x/w) before any Wasm memory is touched; conv2dZeroSkip re-checks the rest.
  const xs = engine.checkInput(op, 'x', x, ['int8', 'uint8']).shape;
  const ws = engine.checkInput(op, 'w', w, ['int8', 'uint8']).shape;
  const info = conv2dInfo(xs, ws, rest, op);
  const r = conv2dZeroSkip(engine, x, w, { ...rest, skipZeros: true, count: true });
  const activity = { rowNnz: r.counts!.rowNnz, macsExecuted: r.feie.zeroSkip!.macs };
  const report = opReport({ ...info, name: layerName ?? op }, archs, activity, { data: w.data, zeroPoint: wz });
  return { y: r.y, report, kernel: r.kernel };
}

/** dense with `accelerator`: the FC layer as a 1x1 conv on a 1x1 image through conv2dZeroSkip. @internal */
export function denseWithReport(engine: Engine, x: TensorLike<'int8' | 'uint8'>, w: TensorLike<'int8' | 'uint8'>, params: MatmulParams & AcceleratorParams): WithReport<Tensor<'int32' | 'int8' | 'uint8'>> {
  const op = 'dense';
  const { accelerator, layerName, layout, out, ...rest } = params;
  const { shape } = engine.checkInput(op, 'x', x, ['int8', 'uint8']);
  const { shape: wShape } = engine.checkInput(op, 'w', w, ['int8', 'uint8']);
  if (shape.length < 2) throw new ShapeError(op, `x has shape ${fmt(shape)}; dense needs [batch, features...].`, 'pass x as [batch, features].');
  if (wShape.length !== 2) throw new ShapeError(op, `w has shape ${fmt(wShape)}; dense weights are [outFeatures, inFeatures].`, 'pass a rank-2 weight matrix.');
  const batch = shape[0];
  const K = shape.slice(1).reduce((a, b) => a * b, 1);
  const kn = (layout ?? 'nk') === 'kn';
  if (layout !== undefined && layout !== 'nk' && layout !== 'kn') throw new ValueError(op, `layout = ${fmt(layout)}.`, "use 'nk' or 'kn'.");
  const [N, Kw] = kn ? [wShape[1], wShape[0]] : [wShape[0], wShape[1]];
  if (Kw !== K) throw new ShapeError(op, `x has ${fmt(K)} features per batch row (shape ${fmt(shape)}) but w has ${fmt(Kw)} input features (${kn ? 'kn' : 'nk'} layout).`, "make the flattened features of x equal w's input features.");
  let wData = (w instanceof Tensor ? w.toArray() : w.data) as Int8Array | Uint8Array;
  if (kn) {
    // [K, N] -> [N, K]: the zero-skip kernel takes OHWI = [N, 1, 1, K]
    const t = new (wData.constructor as new (n: number) => Int8Array | Uint8Array)(wData.length);
    for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) t[n * K + k] = wData[k * N + n];
    wData = t;
  }
  // host copies: a tensor's view could be detached by the allocation of the call
  const xv = { data: (x instanceof Tensor ? x.toArray() : x.data) as Int8Array | Uint8Array, shape: [batch, 1, 1, K] };
  const wv = { data: (w instanceof Tensor ? (kn ? wData : w.toArray()) : wData) as Int8Array | Uint8Array, shape: [N, 1, 1, K] };
  const r = conv2dWithReport(engine, xv, wv, { ...rest, accelerator, layerName: layerName ?? op });
  // dense's own output shape [batch, N] (a cheap copy of the FC output)
  try {
    return { ...r, y: reshape(engine, r.y, [batch, N], out ? { out } : {}) as Tensor<'int32' | 'int8' | 'uint8'> };
  } finally {
    r.y.dispose();
  }
}

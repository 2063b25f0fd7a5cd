/**
 * Weights prepared once for the automatic ops ({@link conv2dAuto}, {@link denseAuto}): the weight
 * density is measured at pack time and only the forms the selection can need are kept (dense
 * packed, CSR packed, and a host copy for the zero-skip kernel), so a call only scans the
 * activations.
 * @module
 */
import { QuantError, ShapeError, ValueError, fmt } from '../errors.js';
import type { Engine, TensorLike } from '../runtime/engine.js';
import { Tensor } from '../runtime/tensor.js';
import { denseToCsr } from '../sparse/csr.js';
import { packConvWeights, type PackedConvWeights } from './conv2d.js';
import { packWeights, type PackedWeights } from './packed.js';
import { CSR_CROSSOVER, activationDensity, type KernelChoice } from './select.js';
import { packCsrWeights, type PackedCsrWeights } from './sparse.js';

/** Options of {@link packAutoWeights}. */
export interface PackAutoWeightsOptions {
  /** Conv weights only: groups of the convolution. Default 1. */
  groups?: number;
  /** Zero point of w, in w's dtype, one or one per output channel / row (the value a pruned weight has). Default 0. */
  wZeroPoint?: number | ArrayLike<number>;
  /**
   * Forms to keep. Default: those `'auto'` can choose at this weight density on this build
   * (CSR below the largest CSR crossover, dense unless CSR always wins, the zero-skip host copy
   * for conv). List every kernel you want to force later.
   */
  forms?: readonly KernelChoice[];
}

type AutoWeightsInit = Pick<AutoWeights, 'kind' | 'shape' | 'dtype' | 'groups' | 'density' | 'zeroPoints' | 'dense' | 'csr' | 'host'>;

/**
 * Weights for {@link conv2dAuto} / {@link denseAuto}: FC [out, in] or conv OHWI [M, R, S, C/groups]
 * int8 / uint8, with the weight density and the packed forms. Create with
 * {@link packAutoWeights}; call {@link AutoWeights.dispose} when done.
 */
export class AutoWeights {
  /** `'fc'` for [out, in], `'conv'` for OHWI [M, R, S, C/groups]. */
  readonly kind: 'fc' | 'conv';
  /** Shape of the weights as given. */
  readonly shape: readonly number[];
  /** dtype of the weights as given (zero points are in its range). */
  readonly dtype: 'int8' | 'uint8';
  /** Groups of the convolution the weights were packed for (1 for FC). */
  readonly groups: number;
  /** Non-zero fraction: weights different from their row's zero point. */
  readonly density: number;
  /** Per-row zero points in w's dtype. */
  readonly zeroPoints: Int32Array;
  /** Dense packed weights (PackedWeights for FC, PackedConvWeights for conv), if kept. */
  readonly dense: PackedWeights | PackedConvWeights | undefined;
  /** CSR packed weights, if kept. */
  readonly csr: PackedCsrWeights | undefined;
  /** Host copy for the zero-skip kernel (which builds its own layout per call), if kept. */
  readonly host: { data: Int8Array | Uint8Array; shape: number[] } | undefined;
  /**
   * The forms kept (a new set per read, derived from the packed objects themselves, so that no
   * outside write can make a kernel look for a form that is not there).
   */
  get forms(): ReadonlySet<KernelChoice> {
    const f = new Set<KernelChoice>();
    if (this.dense) f.add('dense');
    if (this.host) f.add('zeroskip');
    if (this.csr) f.add('csr');
    return f;
  }

  /** @internal Use {@link packAutoWeights}. */
  constructor(init: AutoWeightsInit) {
    this.kind = init.kind;
    this.shape = init.shape;
    this.dtype = init.dtype;
    this.groups = init.groups;
    this.density = init.density;
    this.zeroPoints = init.zeroPoints;
    this.dense = init.dense;
    this.csr = init.csr;
    this.host = init.host && Object.freeze({ data: init.host.data, shape: Object.freeze([...init.host.shape]) as number[] });
    // Fields pick the packed forms and their geometry: frozen against writes after packing.
    Object.freeze(this.shape);
    Object.freeze(this);
  }

  /** The zero point as a dense / zero-skip `wZeroPoint` parameter. */
  get wZeroPointParam(): number | Int32Array {
    const z = this.zeroPoints;
    return z.every((v) => v === z[0]) ? z[0] : z;
  }

  #disposed = false;

  /** True once disposed. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Frees the Wasm memory of every packed form. Idempotent. */
  dispose(): void {
    this.dense?.dispose();
    this.csr?.dispose();
    this.#disposed = true;
  }
}

/**
 * Measures the weight density and packs the forms {@link conv2dAuto} / {@link denseAuto} may
 * run. Rank 2 = FC [out, in]; rank 4 = conv OHWI [M, R, S, C/groups]. Validated before any
 * Wasm memory is touched.
 */
export function packAutoWeights(engine: Engine, w: TensorLike<'int8' | 'uint8'>, options: PackAutoWeightsOptions = {}): AutoWeights {
  const op = 'packAutoWeights';
  if (options === null || typeof options !== 'object') throw new ValueError(op, `options = ${fmt(options)} must be an object.`, 'pass { groups, wZeroPoint, forms } or omit it.');
  const { shape, dtype } = engine.checkInput(op, 'w', w, ['int8', 'uint8']);
  const wDtype = dtype as 'int8' | 'uint8';
  if (shape.length !== 2 && shape.length !== 4) throw new ShapeError(op, `w has shape ${fmt(shape)}; auto weights are FC [out, in] (rank 2) or conv OHWI [M, R, S, C/groups] (rank 4).`, 'pass FC weights as [out, in] or conv weights as OHWI.');
  const kind = shape.length === 2 ? 'fc' : 'conv';
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1 || shape[0] % groups !== 0) throw new ValueError(op, `groups = ${fmt(groups)} must be a positive integer dividing the ${fmt(shape[0])} output channels.`, 'pass the groups of the convolution, or omit it.');
  if (kind === 'fc' && groups !== 1) throw new ValueError(op, `groups = ${fmt(groups)} is a conv option; FC weights have no groups.`, 'omit groups.');
  const rows = shape[0];
  const cols = shape.slice(1).reduce((a, b) => a * b, 1);
  const zeroPoints = resolveZeroPoints(op, options.wZeroPoint, rows, wDtype);
  const forms = options.forms;
  if (forms !== undefined && (!Array.isArray(forms) || forms.length === 0 || !forms.every((f) => f === 'dense' || f === 'zeroskip' || f === 'csr'))) {
    throw new ValueError(op, `forms = ${fmt(forms)} must be a non-empty list of 'dense', 'zeroskip', 'csr'.`, 'omit forms for the ones auto can choose.');
  }
  // Host copy (a tensor's view could be detached by the packing below).
  const data = (w instanceof Tensor ? w.toArray() : (w.data as Int8Array | Uint8Array).slice()) as Int8Array | Uint8Array;
  const density = weightDensityOf(data, rows, zeroPoints);
  const keep = new Set<KernelChoice>(forms ?? defaultForms(kind, density, engine));
  let dense: PackedWeights | PackedConvWeights | undefined;
  let csr: PackedCsrWeights | undefined;
  try {
    if (keep.has('dense')) dense = kind === 'fc' ? packWeights(engine, { data, shape: [...shape] }, { layout: 'nk' }) : packConvWeights(engine, { data, shape: [...shape] }, { groups });
    if (keep.has('csr')) csr = packCsrWeights(engine, csrOf(data, wDtype, shape, zeroPoints));
  } catch (e) {
    dense?.dispose();
    throw e;
  }
  const host = keep.has('zeroskip') ? { data, shape: kind === 'fc' ? [rows, 1, 1, cols] : [...shape] } : undefined;
  return new AutoWeights({ kind, shape: [...shape], dtype: wDtype, groups, density, zeroPoints, dense, csr, host });
}

/** The forms `'auto'` can pick at this weight density with the default crossovers. */
function defaultForms(kind: 'fc' | 'conv', density: number, engine: Engine): KernelChoice[] {
  const f: KernelChoice[] = [];
  if (kind === 'conv') {
    const x = CSR_CROSSOVER.conv[engine.isa];
    if (density < x) f.push('csr');
    else f.push('dense');
    f.push('zeroskip');
    return f;
  }
  // Batch unknown at pack time: CSR if it pays at any batch, dense unless CSR pays at every batch.
  const lo = Math.min(CSR_CROSSOVER.fc1[engine.isa], CSR_CROSSOVER.fcBatched[engine.isa]);
  const hi = Math.max(CSR_CROSSOVER.fc1[engine.isa], CSR_CROSSOVER.fcBatched[engine.isa]);
  if (density < hi) f.push('csr');
  if (density >= lo) f.push('dense');
  return f;
}

/** @internal Per-row zero points of `rows` rows in w's dtype (one number or one per row), validated. */
export function resolveZeroPoints(op: string, zp: unknown, rows: number, dtype: 'int8' | 'uint8'): Int32Array {
  const [lo, hi] = dtype === 'int8' ? [-128, 127] : [0, 255];
  const z = zp ?? 0;
  const list = typeof z === 'number' ? null : z !== null && typeof z === 'object' && typeof (z as ArrayLike<number>).length === 'number' ? (z as ArrayLike<number>) : undefined;
  if (list === undefined || (list !== null && list.length !== rows)) throw new QuantError(op, `wZeroPoint must be a number or ${fmt(rows)} numbers (one per output channel), got ${fmt(z)}.`, 'pass one zero point, or one per row.');
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const v = list === null ? (z as number) : list[r];
    if (!Number.isInteger(v) || v < lo || v > hi) throw new QuantError(op, `wZeroPoint ${fmt(v)}${list ? ` (row ${fmt(r)})` : ''} is not a ${dtype} integer in [${lo}, ${hi}].`, `pass a zero point in w's dtype (${dtype}).`);
    out[r] = v;
  }
  return out;
}

/** @internal Fraction of weights different from their row's zero point (rows of equal length). */
export function weightDensityOf(data: Int8Array | Uint8Array, rows: number, zeroPoints: Int32Array): number {
  const n = data.length;
  if (n === 0) return 0;
  // One zero point (the usual case): the word-at-a-time scan of the activations.
  if (zeroPoints.every((z) => z === zeroPoints[0])) return activationDensity({ data, shape: [n] }, zeroPoints[0]);
  const cols = n / rows;
  let nnz = 0;
  for (let r = 0; r < rows; r++) {
    const z = zeroPoints[r];
    for (let i = r * cols, e = i + cols; i < e; i++) if (data[i] !== z) nnz++;
  }
  return nnz / n;
}

/**
 * @internal The int8 CSR matrix of dense weights (OHWI / [out, in]). The CSR kernels take int8
 * values: uint8 weights and zero points shift by 128 (the products (x - xzp)(w - wzp) are unchanged).
 */
export function csrOf(data: Int8Array | Uint8Array, dtype: 'int8' | 'uint8', shape: readonly number[], zeroPoints: Int32Array) {
  const s8 = dtype === 'int8' ? (data as Int8Array) : Int8Array.from(data, (v) => v - 128);
  const z8 = dtype === 'int8' ? zeroPoints : zeroPoints.map((v) => v - 128);
  return denseToCsr(s8, shape, { zeroPoint: z8 });
}

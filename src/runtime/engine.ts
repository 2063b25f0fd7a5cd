/**
 * The engine: one instantiated kernel build with the Wasm memory it owns.
 * @module
 */
import { instantiate } from '@assemblyscript/loader';
import { ShapeError, UnsupportedError, ValueError, WasmLoadError, fmt } from '../errors.js';
import type { WasmKernels } from '../kernels/exports.js';
import { ISAS, detectIsas, isNode, whyUnavailable, type Isa } from './detect.js';
import { loadModule, type WasmOrigin, type WasmSource } from './load.js';
import { WasmHeap, WASM32_MAX_BYTES, alignUp } from './memory.js';
import { DTYPE_BYTES, Tensor, checkShape, dtypeOf, viewOf, type AnyTypedArray, type DType, type TypedArrayOf } from './tensor.js';

/** Options of {@link init}. */
export interface InitOptions {
  /** Force a build instead of the best one this runtime validates. */
  isa?: Isa;
  /**
   * The binary to use instead of the packaged one: a URL, bytes or a compiled module, or one
   * such source per build (`{ simd: url, scalar: url }`); the best available build is chosen.
   */
  wasm?: WasmSource | Partial<Record<Isa, WasmSource>>;
  /** Cap on Wasm memory in bytes (default and maximum: 4 GiB, the wasm32 limit). */
  maxMemoryBytes?: number;
}

/** What {@link init} chose and why. */
export interface Capabilities {
  /** The build that runs. */
  isa: Isa;
  /** Which builds this runtime can run. */
  available: Record<Isa, boolean>;
  /** True if the caller forced the build. */
  forced: boolean;
  /** A sentence: why this build. */
  reason: string;
  /** Where the binary came from. */
  origin: WasmOrigin;
  where: string;
  /** Kernel threads (macflow runs single-threaded). */
  threads: 1;
  /** Current and maximum Wasm memory in bytes. */
  memoryBytes: number;
  maxMemoryBytes: number;
  /** `node vX.Y.Z` or the browser's user agent. */
  runtime: string;
}

/** Host data handed to an op: a typed array and its shape. */
export interface HostTensor<A extends AnyTypedArray = AnyTypedArray> {
  data: A;
  shape: readonly number[];
}

/** A tensor already in Wasm memory, or host data to be copied in for the call. */
export type TensorLike<D extends DType = DType> = Tensor<D> | HostTensor<TypedArrayOf[D]>;

const ISA_CODE: Record<number, Isa> = { 0: 'scalar', 1: 'simd', 2: 'relaxed' };

function runtimeName(): string {
  if (isNode()) return `node ${(globalThis as unknown as { process: { version: string } }).process.version}`;
  return (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ?? 'unknown runtime';
}

/** An instantiated kernel build and the memory it owns. Create it with {@link init}. */
export class Engine {
  readonly isa: Isa;
  readonly kernels: WasmKernels;
  readonly heap: WasmHeap;
  private readonly caps: Omit<Capabilities, 'memoryBytes'>;

  /** @internal */
  constructor(kernels: WasmKernels, caps: Omit<Capabilities, 'memoryBytes'>, maxBytes: number) {
    this.kernels = kernels;
    this.isa = caps.isa;
    this.caps = caps;
    this.heap = new WasmHeap(kernels.memory, kernels.heapBase(), maxBytes);
  }

  /** Which build runs, which exist here, and why this one was chosen. */
  capabilities(): Capabilities {
    return { ...this.caps, memoryBytes: this.heap.memoryBytes };
  }

  /** Allocates a tensor in Wasm memory, filled with `data` (copied) or zeros. */
  tensor<D extends DType>(dtype: D, shape: readonly number[], data?: ArrayLike<number>): Tensor<D> {
    const op = 'tensor';
    if (!(dtype in DTYPE_BYTES)) throw new ValueError(op, `dtype ${fmt(dtype)} is not supported.`, `use one of ${Object.keys(DTYPE_BYTES).join(', ')}.`);
    const size = checkShape(op, 'the', shape);
    if (data !== undefined && data.length !== size) {
      throw new ShapeError(op, `data has ${fmt(data.length)} elements but shape ${fmt(shape)} needs ${fmt(size)}.`, 'pass data whose length is the product of the shape.');
    }
    if (data !== undefined && dtype === 'float32') checkFinite(op, 'data', data);
    const [ptr] = this.heap.allocMany(op, [size * DTYPE_BYTES[dtype]]);
    const t = new Tensor(this.heap, dtype, shape, ptr);
    if (data !== undefined) t.data.set(data);
    else t.data.fill(0);
    return t;
  }

  /**
   * Validates an op input (dtype, shape, length, finiteness of float data) WITHOUT touching Wasm
   * memory. Returns its shape and dtype.
   */
  checkInput(op: string, what: string, x: TensorLike, dtypes: readonly DType[]): { shape: readonly number[]; dtype: DType } {
    if (x instanceof Tensor) {
      if (!x.belongsTo(this.heap)) throw new ValueError(op, `${what} is a tensor of another engine (another build or init() call).`, 'create the tensor with this engine, or pass its data: { data: t.toArray(), shape: t.shape }.');
      if (x.disposed) throw new ValueError(op, `${what} was disposed.`, 'do not use a tensor after dispose().');
      if (!dtypes.includes(x.dtype)) throw new ValueError(op, `${what} has dtype ${x.dtype}; expected ${dtypes.join(' or ')}.`, `convert it (quantize) to ${dtypes.join(' or ')}.`);
      return { shape: x.shape, dtype: x.dtype };
    }
    if (typeof x !== 'object' || x === null || !('data' in x) || !('shape' in x)) {
      throw new ValueError(op, `${what} must be a Tensor or { data, shape }, got ${x === null ? 'null' : typeof x}.`, 'pass engine.tensor(...) or { data: Int8Array | Uint8Array | ..., shape: [...] }.');
    }
    const dtype = dtypeOf(x.data);
    if (!dtype || !dtypes.includes(dtype)) {
      throw new ValueError(op, `${what}.data is ${dtype ?? Object.prototype.toString.call(x.data)}; expected ${dtypes.map((d) => viewName(d)).join(' or ')}.`, `pass ${dtypes.map((d) => viewName(d)).join(' or ')} data.`);
    }
    const size = checkShape(op, what, x.shape);
    if (x.data.length !== size) throw new ShapeError(op, `${what}.data has ${fmt(x.data.length)} elements but its shape ${fmt(x.shape)} needs ${fmt(size)}.`, 'make data.length the product of the shape.');
    if (dtype === 'float32') checkFinite(op, what, x.data);
    return { shape: x.shape, dtype };
  }

  /**
   * Places an op input in Wasm memory at a pre-allocated `ptr` (copying host data), or returns
   * the tensor's own pointer. Call only after every check and allocation has succeeded.
   */
  stage(x: TensorLike, ptr: number): number {
    if (x instanceof Tensor) return x.ptr;
    const dtype = dtypeOf(x.data)!;
    viewOf(dtype, this.heap.memory.buffer, ptr, x.data.length).set(x.data as never);
    return ptr;
  }

  /**
   * Runs one op call: checks `out`, then allocates the staged inputs, scratch buffers and the
   * output in ONE transaction (nothing is touched if it fails), copies host inputs in, runs `fn`
   * with the pointers and frees the temporaries, even if `fn` throws. Validate every argument
   * before calling this: afterwards only memory errors may occur.
   */
  run<D extends DType, T>(
    op: string,
    spec: { inputs: readonly TensorLike[]; scratch?: readonly number[]; output: { dtype: D; shape: readonly number[]; out?: Tensor } },
    fn: (ptrs: { inputs: number[]; scratch: number[]; out: Tensor<D> }) => T,
  ): T {
    const { dtype, shape, out } = spec.output;
    if (out !== undefined) this.checkOut(op, out, dtype, shape);
    // Staged inputs and scratch are carved from ONE block (one heap alloc/release pair per call:
    // a dozen pairs were ~40 % of a small layer's fixed cost), each piece 64-byte aligned.
    const tempSizes = [...spec.inputs.map((x) => this.stageBytes(x)), ...(spec.scratch ?? [])];
    const tempOffsets: number[] = [];
    let tempBytes = 0;
    for (const b of tempSizes) {
      tempOffsets.push(tempBytes);
      tempBytes += alignUp(b);
    }
    const sizes = [tempBytes];
    if (!out) sizes.push(shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype]);
    const [block, outPtr] = this.heap.allocMany(op, sizes);
    const ptrs = tempOffsets.map((o) => block + o);
    const nIn = spec.inputs.length;
    const result = out ?? new Tensor(this.heap, dtype, shape, outPtr);
    try {
      const inputs = spec.inputs.map((x, i) => this.stage(x, ptrs[i]));
      return fn({ inputs, scratch: ptrs.slice(nIn), out: result as Tensor<D> });
    } catch (e) {
      if (!out) result.dispose();
      throw e;
    } finally {
      this.heap.release(block);
    }
  }

  /** Checks that a caller-provided output tensor fits. */
  checkOut(op: string, out: Tensor, dtype: DType, shape: readonly number[]): void {
    if (!(out instanceof Tensor) || !out.belongsTo(this.heap)) throw new ValueError(op, 'options.out is not a tensor of this engine.', 'pass a tensor created by this engine, or omit out.');
    if (out.disposed) throw new ValueError(op, 'options.out was disposed.', 'pass a live tensor, or omit out.');
    if (out.dtype !== dtype || out.shape.length !== shape.length || out.shape.some((d, i) => d !== shape[i])) {
      throw new ShapeError(op, `options.out is ${out.dtype} ${fmt(out.shape)} but the result is ${dtype} ${fmt(shape)}.`, 'pass an output tensor of the result\'s dtype and shape, or omit out.');
    }
  }

  /** Bytes that {@link stage} needs for `x` (0 for a tensor already in this engine). */
  stageBytes(x: TensorLike): number {
    return x instanceof Tensor ? 0 : x.data.byteLength;
  }
}

function viewName(d: DType): string {
  return { int8: 'Int8Array', uint8: 'Uint8Array', int16: 'Int16Array', int32: 'Int32Array', float32: 'Float32Array' }[d];
}

/** Throws a ValueError naming the first NaN or Infinity in `data`. */
export function checkFinite(op: string, what: string, data: ArrayLike<number>): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new ValueError(op, `${what} holds ${data[i]} at index ${fmt(i)}; float data must be finite.`, 'clean the data (replace NaN/Infinity) before passing it.');
    }
  }
}

function pickSource(wasm: InitOptions['wasm'], isa: Isa): WasmSource | undefined {
  if (wasm === undefined) return undefined;
  if (typeof wasm === 'object' && !(wasm instanceof URL) && !(wasm instanceof WebAssembly.Module) && !(wasm instanceof ArrayBuffer) && !ArrayBuffer.isView(wasm)) {
    return (wasm as Partial<Record<Isa, WasmSource>>)[isa];
  }
  return wasm as WasmSource;
}

function isPerIsaMap(wasm: InitOptions['wasm']): wasm is Partial<Record<Isa, WasmSource>> {
  return wasm !== undefined && pickSource(wasm, 'scalar') !== wasm && typeof wasm === 'object' && !(wasm instanceof URL) && !(wasm instanceof WebAssembly.Module) && !(wasm instanceof ArrayBuffer) && !ArrayBuffer.isView(wasm);
}

/**
 * Instantiates a kernel build: the one forced with `options.isa`, else the best this runtime
 * validates (relaxed SIMD, then SIMD, then scalar). Without `options.wasm` the binary comes from
 * `packaged(isa)`. The public `init` (src/runtime/packaged.ts) and the inlined entry wrap this.
 * @internal
 */
export async function initEngine(options: InitOptions = {}, packaged: ((isa: Isa) => URL) | undefined): Promise<Engine> {
  const available = detectIsas();
  const maxBytes = options.maxMemoryBytes ?? WASM32_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 65536) {
    throw new ValueError('init', `maxMemoryBytes = ${fmt(options.maxMemoryBytes)} is not a whole number of at least 65,536 bytes.`, 'pass a byte count such as 256 * 1024 * 1024, or omit it.');
  }
  if (options.isa !== undefined && !ISAS.includes(options.isa)) {
    throw new ValueError('init', `isa ${fmt(options.isa)} is not a build.`, `use one of ${ISAS.join(', ')}.`);
  }
  const perIsa = isPerIsaMap(options.wasm) ? options.wasm : undefined;
  let isa: Isa;
  let reason: string;
  if (options.isa) {
    isa = options.isa;
    if (!available[isa]) throw new UnsupportedError('init', `the ${isa} build was requested but ${whyUnavailable(isa)}.`, `omit isa to use the best available build (${[...ISAS].reverse().find((i) => available[i])}).`);
    reason = `forced by options.isa = '${isa}'`;
  } else {
    const candidates = [...ISAS].reverse().filter((i) => available[i] && (!perIsa || perIsa[i] !== undefined));
    if (candidates.length === 0) throw new UnsupportedError('init', `no usable build: ${perIsa ? 'none of the given sources is for a build this runtime supports' : whyUnavailable('scalar')}.`, 'provide a scalar build source, or run on a runtime with WebAssembly.');
    isa = candidates[0];
    const missing = ISAS.filter((i) => !available[i]);
    reason = `best build this runtime validates${missing.length ? `; not available: ${missing.map((m) => `${m} (${whyUnavailable(m)})`).join('; ')}` : ''}`;
  }
  const source = pickSource(options.wasm, isa);
  if (perIsa && source === undefined) throw new ValueError('init', `options.wasm has no source for the ${isa} build.`, `add wasm.${isa}, or force a build you provided.`);
  const { module, origin, where } = await loadModule(isa, source, packaged);
  let kernels: WasmKernels;
  try {
    kernels = (await instantiate<Record<string, unknown>>(module, {})).exports as unknown as WasmKernels;
  } catch (e) {
    throw new WasmLoadError('init', `instantiating ${where} failed (${(e as Error).message}).`, 'make sure the binary is a macflow build of the same version as this package.');
  }
  if (typeof kernels.buildIsa !== 'function' || typeof kernels.heapBase !== 'function') {
    throw new WasmLoadError('init', `${where} is WebAssembly but not a macflow kernel build (no buildIsa/heapBase exports).`, 'pass the .wasm files shipped in the package\'s wasm/ folder.');
  }
  const actual = ISA_CODE[kernels.buildIsa()];
  if (source === undefined && actual !== isa) {
    throw new WasmLoadError('init', `the packaged ${isa} binary reports build '${actual}'.`, 'rebuild with `npm run build:wasm`.');
  }
  if (source !== undefined && actual !== isa) {
    if (options.isa || !available[actual]) throw new WasmLoadError('init', `${where} is the ${actual} build, not ${isa}.`, `pass the ${isa} binary, or force isa: '${actual}'${available[actual] ? '' : ` (which this runtime cannot run: ${whyUnavailable(actual)})`}.`);
    isa = actual;
    reason = `the given binary is the ${actual} build`;
  }
  return new Engine(kernels, { isa, available, forced: options.isa !== undefined, reason, origin, where, threads: 1, maxMemoryBytes: maxBytes, runtime: runtimeName() }, maxBytes);
}

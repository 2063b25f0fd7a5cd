/**
 * Compressed sparse row (CSR) weights: row pointers, column indices and values, for FC weights
 * [out, in] and convolution weights (rows = output channels, columns = (r, s, c) in OHWI order,
 * i.e. the flattened [R, S, C/groups] filter).
 *
 * What "pruned" means with a weight zero point: a pruned weight has REAL value 0, i.e. quantised
 * value `zeroPoint[row]` (0 for float32). The CSR holds the other entries; {@link csrToDense}
 * writes the row's zero point at every absent position, so the dense reference on that matrix
 * and the sparse kernels compute the same sums ((x - xzp) * (wzp - wzp) = 0 for absent entries).
 *
 * Every matrix is validated when created ({@link csrFromArrays}) and again before it is packed
 * into Wasm memory (the arrays are mutable): a crafted matrix can never make a kernel read or
 * write outside its buffers.
 * @module
 */
import { QuantError, ShapeError, ValueError, fmt } from '../errors.js';

/** Element types of CSR values: int8 (quantised weights) or float32 (before quantisation). */
export type CsrDType = 'int8' | 'float32';

/** The raw arrays of a CSR matrix, as {@link csrFromArrays} takes them. */
export interface CsrArrays {
  /** Rows (output channels / features). */
  rows: number;
  /** Columns (input features, or R * S * C/groups for conv). */
  cols: number;
  /** rows + 1 offsets: rowPtr[0] = 0, non-decreasing, rowPtr[rows] = nnz. */
  rowPtr: ArrayLike<number>;
  /** Column of each entry: in [0, cols), strictly increasing within a row. */
  colIdx: ArrayLike<number>;
  /** Value of each entry: int8 integers in [-128, 127], or finite float32 numbers. */
  values: ArrayLike<number>;
  /** Value dtype. Default: `'float32'` for a Float32Array / Float64Array, else `'int8'`. */
  dtype?: CsrDType;
  /** Optional stated number of entries; must equal rowPtr[rows] and the array lengths. */
  nnz?: number;
  /** int8 only: zero point of the weights, one or one per row, in [-128, 127] (the value pruned entries stand for). Default 0. */
  zeroPoint?: number | ArrayLike<number>;
  /** Conv weights: the OHWI filter shape [M, R, S, C/groups] with M = rows and R*S*C/groups = cols. */
  convShape?: readonly [number, number, number, number];
}

/** A validated CSR matrix (create with {@link csrFromArrays} or {@link denseToCsr}). */
export class CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: Int8Array | Float32Array;
  readonly dtype: CsrDType;
  /** Per-row zero point (int8 domain; all 0 for float32). */
  readonly zeroPoints: Int32Array;
  /** OHWI filter shape for conv weights, else undefined. */
  readonly convShape: readonly [number, number, number, number] | undefined;

  /** @internal Use {@link csrFromArrays}. */
  constructor(init: { rows: number; cols: number; rowPtr: Int32Array; colIdx: Int32Array; values: Int8Array | Float32Array; dtype: CsrDType; zeroPoints: Int32Array; convShape?: readonly [number, number, number, number] }) {
    this.rows = init.rows;
    this.cols = init.cols;
    this.rowPtr = init.rowPtr;
    this.colIdx = init.colIdx;
    this.values = init.values;
    this.dtype = init.dtype;
    this.zeroPoints = init.zeroPoints;
    this.convShape = init.convShape;
  }

  /** Stored entries. */
  get nnz(): number {
    return this.rowPtr[this.rows];
  }

  /** nnz / (rows * cols). */
  get density(): number {
    return this.nnz / (this.rows * this.cols);
  }

  /** Stored entries per row. */
  rowCounts(): Int32Array {
    const c = new Int32Array(this.rows);
    for (let r = 0; r < this.rows; r++) c[r] = this.rowPtr[r + 1] - this.rowPtr[r];
    return c;
  }

  /**
   * Re-checks every invariant (the arrays are mutable): throws a ShapeError / ValueError /
   * QuantError naming `op`, the index and the value. Returns this.
   */
  validate(op = 'CsrMatrix.validate'): this {
    checkCsr(op, { rows: this.rows, cols: this.cols, rowPtr: this.rowPtr, colIdx: this.colIdx, values: this.values, dtype: this.dtype, zeroPoint: this.zeroPoints, convShape: this.convShape });
    return this;
  }
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

function arrayLike(op: string, what: string, a: unknown): ArrayLike<number> {
  if (a === null || typeof a !== 'object' || typeof (a as ArrayLike<number>).length !== 'number') {
    throw new ValueError(op, `${what} must be an array or typed array, got ${a === null ? 'null' : typeof a}.`, `pass ${what} as an Int32Array (indices) or Int8Array / Float32Array (values).`);
  }
  return a as ArrayLike<number>;
}

/** All checks of a CSR description; returns the resolved dtype and per-row zero points. */
function checkCsr(op: string, a: CsrArrays): { dtype: CsrDType; zeroPoints: Int32Array } {
  if (a === null || typeof a !== 'object') throw new ValueError(op, `the CSR description must be an object, got ${fmt(a)}.`, 'pass { rows, cols, rowPtr, colIdx, values }.');
  const { rows, cols } = a;
  if (!isInt(rows) || rows < 1) throw new ShapeError(op, `rows = ${fmt(rows)} must be an integer >= 1.`, 'pass the number of output channels / features.');
  if (!isInt(cols) || cols < 1) throw new ShapeError(op, `cols = ${fmt(cols)} must be an integer >= 1.`, 'pass the number of input features (R*S*C/groups for conv).');
  if (!Number.isSafeInteger(rows * cols)) throw new ShapeError(op, `rows x cols = ${fmt(rows)} x ${fmt(cols)} is too large.`, 'split the matrix.');
  const rowPtr = arrayLike(op, 'rowPtr', a.rowPtr);
  const colIdx = arrayLike(op, 'colIdx', a.colIdx);
  const values = arrayLike(op, 'values', a.values);
  if (rowPtr.length !== rows + 1) throw new ShapeError(op, `rowPtr has ${fmt(rowPtr.length)} entries but rows = ${fmt(rows)} needs rows + 1 = ${fmt(rows + 1)}.`, 'pass one offset per row plus the final nnz.');
  const nnz = rowPtr[rows];
  if (a.nnz !== undefined && (!isInt(a.nnz) || a.nnz < 0 || a.nnz > rows * cols)) throw new ValueError(op, `nnz = ${fmt(a.nnz)} must be an integer in [0, rows*cols = ${fmt(rows * cols)}].`, 'state the number of stored entries, or omit nnz.');
  if (!isInt(nnz) || nnz < 0 || nnz > rows * cols) throw new ValueError(op, `rowPtr[${fmt(rows)}] = ${fmt(nnz)} (nnz) must be an integer in [0, rows*cols = ${fmt(rows * cols)}].`, 'make the last row pointer the number of stored entries.');
  if (a.nnz !== undefined && a.nnz !== nnz) throw new ValueError(op, `nnz = ${fmt(a.nnz)} but rowPtr[${fmt(rows)}] = ${fmt(nnz)}.`, 'make the last row pointer equal the number of stored entries.');
  if (colIdx.length !== nnz) throw new ShapeError(op, `colIdx has ${fmt(colIdx.length)} entries but rowPtr[${fmt(rows)}] says nnz = ${fmt(nnz)}.`, 'pass one column index per stored entry.');
  if (values.length !== nnz) throw new ShapeError(op, `values has ${fmt(values.length)} entries but rowPtr[${fmt(rows)}] says nnz = ${fmt(nnz)}.`, 'pass one value per stored entry.');
  if (rowPtr[0] !== 0) throw new ValueError(op, `rowPtr[0] = ${fmt(rowPtr[0])}; it must be 0.`, 'start the row pointers at 0.');
  for (let r = 0; r < rows; r++) {
    const b = rowPtr[r];
    const e = rowPtr[r + 1];
    if (!isInt(e) || e < b || e > nnz) throw new ValueError(op, `rowPtr[${fmt(r + 1)}] = ${fmt(e)} is ${!isInt(e) ? 'not an integer' : e < b ? `less than rowPtr[${fmt(r)}] = ${fmt(b)}` : `greater than nnz = rowPtr[${fmt(rows)}] = ${fmt(nnz)}`}; row pointers must be non-decreasing integers ending at nnz.`, 'rebuild the row pointers as the running count of entries per row.');
  }
  for (let r = 0; r < rows; r++) {
    const b = rowPtr[r];
    const e = rowPtr[r + 1];
    for (let i = b; i < e; i++) {
      const c = colIdx[i];
      if (!isInt(c) || c < 0 || c >= cols) throw new ValueError(op, `colIdx[${fmt(i)}] = ${fmt(c)} (row ${fmt(r)}) is outside [0, ${fmt(cols)}).`, `use column indices in [0, cols - 1 = ${fmt(cols - 1)}].`);
      if (i > b && c <= colIdx[i - 1]) throw new ValueError(op, `colIdx[${fmt(i)}] = ${fmt(c)} (row ${fmt(r)}) is not greater than colIdx[${fmt(i - 1)}] = ${fmt(colIdx[i - 1])}; column indices must be strictly increasing within a row.`, 'sort each row by column and merge duplicate entries.');
    }
  }
  const dtype: CsrDType = a.dtype ?? (values instanceof Float32Array || values instanceof Float64Array ? 'float32' : 'int8');
  if (dtype !== 'int8' && dtype !== 'float32') throw new ValueError(op, `dtype = ${fmt(dtype)} is not a CSR value type.`, "use 'int8' or 'float32'.");
  if (dtype === 'int8') {
    for (let i = 0; i < nnz; i++) {
      const v = values[i];
      if (!isInt(v) || v < -128 || v > 127) throw new ValueError(op, `values[${fmt(i)}] = ${fmt(v)} is not an int8 integer in [-128, 127].`, 'quantise the weights to int8 first, or pass dtype float32.');
    }
  } else {
    for (let i = 0; i < nnz; i++) {
      if (!Number.isFinite(values[i])) throw new ValueError(op, `values[${fmt(i)}] = ${fmt(values[i])}; float CSR values must be finite.`, 'replace NaN / Infinity before building the CSR matrix.');
    }
  }
  const zeroPoints = new Int32Array(rows);
  const zp = a.zeroPoint ?? 0;
  if (dtype === 'float32') {
    if (!(zp === 0 || (typeof zp === 'object' && Array.from(arrayLike(op, 'zeroPoint', zp)).every((z) => z === 0)))) {
      throw new QuantError(op, `zeroPoint = ${fmt(zp)} on float32 values; float weights have real 0 = 0.`, 'omit zeroPoint for float32 CSR matrices.');
    }
  } else if (typeof zp === 'number') {
    if (!isInt(zp) || zp < -128 || zp > 127) throw new QuantError(op, `zeroPoint = ${fmt(zp)} is not an int8 integer.`, 'pass a zero point in [-128, 127].');
    zeroPoints.fill(zp);
  } else {
    const z = arrayLike(op, 'zeroPoint', zp);
    if (z.length !== rows && z.length !== 1) throw new ShapeError(op, `zeroPoint has ${fmt(z.length)} values but there are ${fmt(rows)} rows.`, 'pass one zero point, or one per row.');
    for (let r = 0; r < rows; r++) {
      const v = z.length === 1 ? z[0] : z[r];
      if (!isInt(v) || v < -128 || v > 127) throw new QuantError(op, `zeroPoint[${fmt(r)}] = ${fmt(v)} is not an int8 integer.`, 'pass zero points in [-128, 127].');
      zeroPoints[r] = v;
    }
  }
  if (a.convShape !== undefined) {
    const s = a.convShape;
    if (!Array.isArray(s) || s.length !== 4 || !s.every((d) => isInt(d) && d >= 1)) throw new ShapeError(op, `convShape = ${fmt(s)} must be [M, R, S, C/groups] of positive integers.`, 'pass the OHWI filter shape, or omit convShape for FC weights.');
    if (s[0] !== rows || s[1] * s[2] * s[3] !== cols) throw new ShapeError(op, `convShape ${fmt(s)} needs rows = ${fmt(s[0])} and cols = R*S*C/groups = ${fmt(s[1] * s[2] * s[3])}, but the matrix is ${fmt(rows)} x ${fmt(cols)}.`, 'make rows the filter count and cols the flattened OHWI filter size.');
  }
  return { dtype, zeroPoints };
}

/**
 * Builds a validated CSR matrix from its arrays (copied). Every index is checked: row pointers
 * start at 0, never decrease and end at nnz; column indices lie in [0, cols) and strictly
 * increase within a row; array lengths agree; int8 values are integers in range, float values
 * finite. Violations throw a ShapeError / ValueError / QuantError naming the index and value.
 */
export function csrFromArrays(arrays: CsrArrays, op = 'csrFromArrays'): CsrMatrix {
  const { dtype, zeroPoints } = checkCsr(op, arrays);
  const values = dtype === 'int8' ? Int8Array.from(arrays.values) : Float32Array.from(arrays.values);
  return new CsrMatrix({
    rows: arrays.rows, cols: arrays.cols,
    rowPtr: Int32Array.from(arrays.rowPtr), colIdx: Int32Array.from(arrays.colIdx),
    values, dtype, zeroPoints,
    convShape: arrays.convShape ? ([...arrays.convShape] as [number, number, number, number]) : undefined,
  });
}

/** Options of {@link denseToCsr}. */
export interface DenseToCsrOptions {
  /** int8 weights: zero point (one, or one per row); entries equal to their row's zero point are pruned (real 0). Default 0. */
  zeroPoint?: number | ArrayLike<number>;
}

/**
 * Dense weights -> CSR: [out, in] (FC) or OHWI [M, R, S, C/groups] (conv; rows = M, columns =
 * (r, s, c)). int8 data drops entries equal to the row's zero point; float32 data drops 0.
 */
export function denseToCsr(data: Int8Array | Float32Array, shape: readonly number[], options: DenseToCsrOptions = {}): CsrMatrix {
  const op = 'denseToCsr';
  if (!(data instanceof Int8Array) && !(data instanceof Float32Array)) throw new ValueError(op, `data must be an Int8Array or Float32Array, got ${Object.prototype.toString.call(data)}.`, 'quantise to int8 or pass float32 weights.');
  if (!Array.isArray(shape) || (shape.length !== 2 && shape.length !== 4) || !shape.every((d) => isInt(d) && d >= 1)) {
    throw new ShapeError(op, `shape ${fmt(shape)} must be [out, in] (FC) or [M, R, S, C/groups] (OHWI conv) of positive integers.`, 'pass the weight shape.');
  }
  const rows = shape[0];
  const cols = shape.slice(1).reduce((a, b) => a * b, 1);
  if (data.length !== rows * cols) throw new ShapeError(op, `data has ${fmt(data.length)} elements but shape ${fmt(shape)} needs ${fmt(rows * cols)}.`, 'make data.length the product of the shape.');
  const float = data instanceof Float32Array;
  if (float) {
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) throw new ValueError(op, `data[${fmt(i)}] = ${fmt(data[i])}; weights must be finite.`, 'clean the weights first.');
  }
  // Resolve zero points through the same checks as csrFromArrays (on an empty matrix).
  const { zeroPoints } = checkCsr(op, { rows, cols, rowPtr: new Int32Array(rows + 1), colIdx: [], values: float ? new Float32Array(0) : new Int8Array(0), zeroPoint: options.zeroPoint });
  const rowPtr = new Int32Array(rows + 1);
  let nnz = 0;
  for (let r = 0; r < rows; r++) {
    const z = zeroPoints[r];
    for (let c = 0; c < cols; c++) if (data[r * cols + c] !== z) nnz++;
    rowPtr[r + 1] = nnz;
  }
  const colIdx = new Int32Array(nnz);
  const values = float ? new Float32Array(nnz) : new Int8Array(nnz);
  let i = 0;
  for (let r = 0; r < rows; r++) {
    const z = zeroPoints[r];
    for (let c = 0; c < cols; c++) {
      const v = data[r * cols + c];
      if (v !== z) {
        colIdx[i] = c;
        values[i++] = v;
      }
    }
  }
  return new CsrMatrix({ rows, cols, rowPtr, colIdx, values, dtype: float ? 'float32' : 'int8', zeroPoints, convShape: shape.length === 4 ? [shape[0], shape[1], shape[2], shape[3]] : undefined });
}

/** CSR -> dense row-major [rows, cols]: absent entries get the row's zero point (real 0). */
export function csrToDense(csr: CsrMatrix): Int8Array | Float32Array {
  csr.validate('csrToDense');
  const out = csr.dtype === 'int8' ? new Int8Array(csr.rows * csr.cols) : new Float32Array(csr.rows * csr.cols);
  for (let r = 0; r < csr.rows; r++) {
    out.fill(csr.zeroPoints[r], r * csr.cols, (r + 1) * csr.cols);
    for (let i = csr.rowPtr[r]; i < csr.rowPtr[r + 1]; i++) out[r * csr.cols + csr.colIdx[i]] = csr.values[i];
  }
  return out;
}

/**
 * Shape-only ops. Each returns a NEW tensor holding a copy of the data (tensors own their memory,
 * so a view would be freed twice); the copy is one memcpy inside Wasm memory.
 * @module
 */
import { ShapeError, ValueError, fmt } from '../errors.js';
import type { Engine, TensorLike } from '../runtime/engine.js';
import { Tensor, type DType } from '../runtime/tensor.js';

const ALL: readonly DType[] = ['int8', 'uint8', 'int16', 'int32', 'float32'];

function copyInto(engine: Engine, op: string, x: TensorLike, dtype: DType, shape: readonly number[], out: Tensor | undefined): Tensor {
  // A tensor input is copied from its own memory, host data straight into the result.
  return engine.run(op, { inputs: [], output: { dtype, shape, out } }, ({ out: y }) => {
    if (x instanceof Tensor) {
      if (x.ptr !== y.ptr) y.data.set(x.data);
    } else {
      y.data.set(x.data as never);
    }
    return y;
  });
}

/**
 * Reshapes to `shape` (same element count; one entry may be -1 and is inferred). Copies.
 * @example reshape(mf, x, [1, -1])
 */
export function reshape<D extends DType>(engine: Engine, x: TensorLike<D>, shape: readonly number[], options: { out?: Tensor<D> } = {}): Tensor<D> {
  const op = 'reshape';
  const { shape: xs, dtype } = engine.checkInput(op, 'x', x, ALL);
  const size = xs.reduce((a, b) => a * b, 1);
  if (!Array.isArray(shape)) throw new ShapeError(op, `shape ${fmt(shape)} is not an array.`, 'pass the new shape as an array such as [1, -1].');
  const holes = shape.filter((d) => d === -1).length;
  if (holes > 1) throw new ShapeError(op, `shape ${fmt(shape)} has more than one -1.`, 'leave at most one dimension to be inferred.');
  let known = 1;
  shape.forEach((d, i) => {
    if (d === -1) return;
    if (typeof d !== 'number' || !Number.isInteger(d) || d <= 0) throw new ShapeError(op, `shape ${fmt(shape)} has dimension ${i} = ${fmt(d)}.`, 'use positive integers (and at most one -1).');
    known *= d;
  });
  const resolved = holes ? shape.map((d) => (d === -1 ? size / known : d)) : [...shape];
  if (resolved.reduce((a, b) => a * b, 1) !== size || !resolved.every(Number.isInteger)) {
    throw new ShapeError(op, `x has ${fmt(size)} elements (shape ${fmt(xs)}); shape ${fmt(shape)} cannot hold exactly that many.`, 'pass a shape whose product equals the element count.');
  }
  return copyInto(engine, op, x, dtype, resolved, options.out) as Tensor<D>;
}

/**
 * ONNX Flatten: [d0, ..., dn] -> [d0 * ... * d(axis-1), d(axis) * ... * dn]. axis in [-rank, rank],
 * default 1. Copies.
 */
export function flatten<D extends DType>(engine: Engine, x: TensorLike<D>, axis = 1, options: { out?: Tensor<D> } = {}): Tensor<D> {
  const op = 'flatten';
  const { shape, dtype } = engine.checkInput(op, 'x', x, ALL);
  const r = shape.length;
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -r || axis > r) {
    throw new ValueError(op, `axis = ${fmt(axis)} is outside [-${r}, ${r}] for x of shape ${fmt(shape)}.`, `pass an integer axis in [-${r}, ${r}].`);
  }
  const a = axis < 0 ? axis + r : axis;
  const outer = shape.slice(0, a).reduce((p, d) => p * d, 1);
  const inner = shape.slice(a).reduce((p, d) => p * d, 1);
  return copyInto(engine, op, x, dtype, [outer, inner], options.out) as Tensor<D>;
}

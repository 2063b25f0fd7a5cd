/** Types of the minimal ONNX ModelProto encoder in onnx.mjs (used by the peer benchmarks and tests). */
export declare const DT: { FLOAT: 1; UINT8: 2; INT8: 3; INT32: 6; INT64: 7 };
/** A graph value (input or output): name, element type (DT) and dims. */
export interface ValueSpec { name: string; type: number; dims: number[] }
/** Serialises a ModelProto with one graph. */
export declare function buildModel(g: {
  nodes: { op: string; inputs: string[]; outputs: string[]; attrs?: Record<string, number | number[] | string> }[];
  initializers?: { name: string; type: number; dims: number[]; data: ArrayLike<number> | ArrayLike<bigint> }[];
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  opset?: number;
}): Uint8Array;

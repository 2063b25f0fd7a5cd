/**
 * Reads the ONNX backend conformance tests shipped by Debian's libonnx-testdata
 * (/usr/share/libonnx-testdata/data/node/<test>/): the node's attributes from model.onnx and the
 * input/output TensorProtos, with the shared protobuf reader of src/nets/protobuf.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

export const ONNX_NODE_TESTS = '/usr/share/libonnx-testdata/data/node';

import { protoFields as fields, protoInt64 as i64, protoPackedInt64s, type ProtoField as Field } from '../../src/nets/protobuf.js';

const packedVarints = (f: Field[], no: number): number[] => protoPackedInt64s(f, no).map(Number);

export interface OnnxTensor {
  dims: number[];
  dataType: number;
  data: Int8Array | Uint8Array | Int32Array | Float32Array;
}

const DT = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 } as const;

/** Decodes a TensorProto (.pb). */
export function readTensor(path: string): OnnxTensor {
  const f = fields(new Uint8Array(readFileSync(path)));
  const dims = packedVarints(f, 1);
  const dataType = Number(f.find((x) => x.no === 2)!.value);
  const raw = f.find((x) => x.no === 9)?.value as Uint8Array | undefined;
  const n = dims.reduce((a, b) => a * b, 1);
  const copy = (bytes: Uint8Array) => bytes.slice().buffer;
  switch (dataType) {
    case DT.FLOAT: {
      if (raw) return { dims, dataType, data: new Float32Array(copy(raw)) };
      const vals: number[] = [];
      for (const x of f.filter((x) => x.no === 4)) {
        const b = x.value as Uint8Array;
        const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
        if (x.wire === 5) vals.push(dv.getFloat32(0, true));
        else for (let i = 0; i < b.length; i += 4) vals.push(dv.getFloat32(i, true));
      }
      return { dims, dataType, data: Float32Array.from(vals) };
    }
    case DT.UINT8:
      return { dims, dataType, data: raw ? new Uint8Array(copy(raw)) : Uint8Array.from(packedVarints(f, 5)) };
    case DT.INT8:
      return { dims, dataType, data: raw ? new Int8Array(copy(raw)) : Int8Array.from(packedVarints(f, 5)) };
    case DT.INT32:
      return { dims, dataType, data: raw ? new Int32Array(copy(raw)) : Int32Array.from(packedVarints(f, 5)) };
    case DT.INT64: {
      const vals = raw ? Array.from(new BigInt64Array(copy(raw)), Number) : packedVarints(f, 7);
      return { dims, dataType, data: Int32Array.from(vals) };
    }
    default:
      throw new Error(`TensorProto data type ${dataType} not handled (n=${n})`);
  }
}

export type OnnxAttribute = number | number[] | string | Float32Array;

/**
 * The first node of model.onnx: op type, attributes, the node's input names by slot ('' for an
 * omitted optional input) and the graph's input names in order (the order of input_<i>.pb).
 */
export function readNode(modelPath: string): { opType: string; attributes: Record<string, OnnxAttribute>; nodeInputs: string[]; graphInputs: string[] } {
  const model = fields(new Uint8Array(readFileSync(modelPath)));
  const graph = fields(model.find((x) => x.no === 7)!.value as Uint8Array);
  const node = fields(graph.find((x) => x.no === 1)!.value as Uint8Array);
  const dec = new TextDecoder();
  const opType = dec.decode(node.find((x) => x.no === 4)!.value as Uint8Array);
  const nodeInputs = node.filter((x) => x.no === 1).map((x) => dec.decode(x.value as Uint8Array));
  // GraphProto.input (11) is a ValueInfoProto whose name is field 1.
  const graphInputs = graph.filter((x) => x.no === 11).map((x) => dec.decode(fields(x.value as Uint8Array).find((f) => f.no === 1)!.value as Uint8Array));
  const attributes: Record<string, OnnxAttribute> = {};
  for (const a of node.filter((x) => x.no === 5)) {
    const af = fields(a.value as Uint8Array);
    const name = dec.decode(af.find((x) => x.no === 1)!.value as Uint8Array);
    const type = Number(af.find((x) => x.no === 20)?.value ?? 0);
    if (type === 2) attributes[name] = i64(af.find((x) => x.no === 3)!.value as bigint);
    else if (type === 7) attributes[name] = packedVarints(af, 8);
    else if (type === 1) {
      const b = af.find((x) => x.no === 2)!.value as Uint8Array;
      attributes[name] = new DataView(b.buffer, b.byteOffset, 4).getFloat32(0, true);
    } else if (type === 3) attributes[name] = dec.decode(af.find((x) => x.no === 4)!.value as Uint8Array);
  }
  return { opType, attributes, nodeInputs, graphInputs };
}

/**
 * Loads one conformance test case; fails (never skips) when the Debian package is missing.
 * `inputs` are the graph inputs in file order; `slots` are the same tensors by the node's input
 * slot (undefined where an optional input is omitted, e.g. Clip's min).
 */
export function loadNodeTest(name: string): { opType: string; attributes: Record<string, OnnxAttribute>; inputs: OnnxTensor[]; slots: (OnnxTensor | undefined)[]; outputs: OnnxTensor[] } {
  const dir = join(ONNX_NODE_TESTS, name);
  expect(existsSync(dir), `${dir} is missing: install Debian's libonnx-testdata (apt-get install libonnx-testdata); .ci/run does this`).toBe(true);
  const { opType, attributes, nodeInputs, graphInputs } = readNode(join(dir, 'model.onnx'));
  const set = join(dir, 'test_data_set_0');
  const files = readdirSync(set);
  const read = (prefix: string) => files.filter((f) => f.startsWith(prefix)).sort((a, b) => parseInt(a.slice(prefix.length)) - parseInt(b.slice(prefix.length))).map((f) => readTensor(join(set, f)));
  const inputs = read('input_');
  expect(inputs.length, `${name}: one input_<i>.pb per graph input`).toBe(graphInputs.length);
  const slots = nodeInputs.map((n) => {
    if (n === '') return undefined;
    const i = graphInputs.indexOf(n);
    if (i < 0) throw new Error(`${name}: node input ${n} is not a graph input (initializers are not read)`);
    return inputs[i];
  });
  return { opType, attributes, inputs, slots, outputs: read('output_') };
}

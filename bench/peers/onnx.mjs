// Minimal ONNX ModelProto encoder (protobuf wire format written by hand).
// Only what the peer benchmarks need: one graph, constant initializers, one input, one output.
// Field numbers from onnx/onnx.proto (IR version 8).

const te = new TextEncoder();

class W {
  constructor() { this.parts = []; this.len = 0; }
  push(u8) { this.parts.push(u8); this.len += u8.length; }
  varint(v) {
    // v: number or bigint, non-negative (negative int64 -> 10-byte two's complement)
    let b = BigInt.asUintN(64, BigInt(v));
    const out = [];
    do { let byte = Number(b & 0x7fn); b >>= 7n; if (b) byte |= 0x80; out.push(byte); } while (b);
    this.push(Uint8Array.from(out));
  }
  tag(field, wt) { this.varint((field << 3) | wt); }
  int(field, v) { this.tag(field, 0); this.varint(v); }
  bytes(field, u8) { this.tag(field, 2); this.varint(u8.length); this.push(u8); }
  str(field, s) { this.bytes(field, te.encode(s)); }
  msg(field, w) { this.bytes(field, w.finish()); }
  f32(field, x) { this.tag(field, 5); const b = new Uint8Array(4); new DataView(b.buffer).setFloat32(0, x, true); this.push(b); }
  finish() { const o = new Uint8Array(this.len); let p = 0; for (const x of this.parts) { o.set(x, p); p += x.length; } return o; }
}

export const DT = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 };
const ARR = { 1: Float32Array, 2: Uint8Array, 3: Int8Array, 6: Int32Array, 7: BigInt64Array };

/** TensorProto with raw_data (little endian, matches host on x86/arm). */
function tensor(name, dataType, dims, data) {
  const w = new W();
  for (const d of dims) w.int(1, d);
  w.int(2, dataType);
  w.str(8, name);
  const A = ARR[dataType];
  const arr = data instanceof A ? data : A.from(data);
  w.bytes(9, new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
  return w;
}

function valueInfo(name, elemType, dims) {
  const shape = new W();
  for (const d of dims) { const dim = new W(); dim.int(1, d); shape.msg(1, dim); }
  const tt = new W(); tt.int(1, elemType); tt.msg(2, shape);
  const tp = new W(); tp.msg(1, tt);
  const vi = new W(); vi.str(1, name); vi.msg(2, tp);
  return vi;
}

function attribute(name, v) {
  const a = new W();
  a.str(1, name);
  if (Array.isArray(v)) { for (const x of v) a.int(8, x); a.int(20, 7); }        // INTS
  else if (Number.isInteger(v)) { a.int(3, v); a.int(20, 2); }                  // INT
  else if (typeof v === 'number') { a.f32(2, v); a.int(20, 1); }                // FLOAT
  else if (typeof v === 'string') { a.bytes(4, te.encode(v)); a.int(20, 3); }   // STRING
  else throw new Error('unsupported attribute ' + name);
  return a;
}

/**
 * @param {object} g
 * @param {{op:string, inputs:string[], outputs:string[], attrs?:object}[]} g.nodes
 * @param {{name:string, type:number, dims:number[], data:ArrayLike}[]} g.initializers
 * @param {{name:string, type:number, dims:number[]}[]} g.inputs
 * @param {{name:string, type:number, dims:number[]}[]} g.outputs
 * @returns {Uint8Array} serialized ModelProto
 */
export function buildModel({ nodes, initializers = [], inputs, outputs, opset = 17 }) {
  const g = new W();
  nodes.forEach((n, i) => {
    const nw = new W();
    for (const x of n.inputs) nw.str(1, x);
    for (const x of n.outputs) nw.str(2, x);
    nw.str(3, `n${i}`);
    nw.str(4, n.op);
    for (const [k, v] of Object.entries(n.attrs ?? {})) nw.msg(5, attribute(k, v));
    g.msg(1, nw);
  });
  g.str(2, 'g');
  for (const t of initializers) g.msg(5, tensor(t.name, t.type, t.dims, t.data));
  for (const v of inputs) g.msg(11, valueInfo(v.name, v.type, v.dims));
  for (const v of outputs) g.msg(12, valueInfo(v.name, v.type, v.dims));
  const m = new W();
  m.int(1, 8);                 // ir_version
  m.str(2, 'macflow-peers');   // producer_name
  m.msg(7, g);                 // graph
  const os = new W(); os.str(1, ''); os.int(2, opset);
  m.msg(8, os);                // opset_import
  return m.finish();
}

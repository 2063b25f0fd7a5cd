/**
 * A minimal, validating protobuf wire-format reader (no schema, no dependency): enough to walk an
 * ONNX ModelProto. Every read is bounds-checked, so a crafted or truncated buffer gives a
 * ValueError naming the byte offset, never a crash, an out-of-range read or a hang.
 * @module
 */
import { ValueError } from '../errors.js';

/** One field of a message: field number, wire type, value and the absolute byte offset of its payload. */
export interface ProtoField {
  /** Field number. */
  no: number;
  /** Wire type: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
  wire: number;
  /** Varint as an unsigned 64-bit bigint; the payload bytes (a view, not a copy) otherwise. */
  value: bigint | Uint8Array;
  /** Absolute byte offset of the payload in the outermost buffer (for error messages). */
  at: number;
}

const fail = (op: string, at: number, problem: string): ValueError =>
  new ValueError(op, `malformed protobuf at byte ${at}: ${problem}`, 'pass an intact, uncorrupted file (re-export the model).');

/**
 * Reads one varint at `pos.p` (advancing it). Throws ValueError when it runs past the end or is
 * longer than 10 bytes / wider than 64 bits. `base` is added to offsets in messages.
 */
export function protoVarint(b: Uint8Array, pos: { p: number }, base = 0, op = 'protobuf'): bigint {
  const start = pos.p;
  let result = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos.p >= b.length) throw fail(op, base + start, `varint runs past the end of the buffer (${b.length} bytes).`);
    const byte = b[pos.p++];
    // The 10th byte may only carry the 64th bit.
    if (i === 9 && byte > 1) throw fail(op, base + start, 'varint overflows 64 bits.');
    result |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if (!(byte & 0x80)) return result;
  }
  throw fail(op, base + start, 'varint longer than 10 bytes.');
}

/** Splits a message into its fields (no recursion). `base` is the message's absolute offset. */
export function protoFields(b: Uint8Array, base = 0, op = 'protobuf'): ProtoField[] {
  const out: ProtoField[] = [];
  const pos = { p: 0 };
  const take = (n: number, at: number): Uint8Array => {
    if (n > b.length - pos.p) throw fail(op, base + at, `field needs ${n} bytes but only ${b.length - pos.p} remain.`);
    const v = b.subarray(pos.p, pos.p + n);
    pos.p += n;
    return v;
  };
  while (pos.p < b.length) {
    const keyAt = pos.p;
    const key = protoVarint(b, pos, base, op);
    if (key > 0xffffffffn) throw fail(op, base + keyAt, `field key ${key} is out of range.`);
    const no = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (no === 0) throw fail(op, base + keyAt, 'field number 0 is invalid.');
    const at = base + pos.p;
    if (wire === 0) out.push({ no, wire, value: protoVarint(b, pos, base, op), at });
    else if (wire === 1) out.push({ no, wire, value: take(8, keyAt), at });
    else if (wire === 5) out.push({ no, wire, value: take(4, keyAt), at });
    else if (wire === 2) {
      const lenAt = pos.p;
      const len = protoVarint(b, pos, base, op);
      if (len > BigInt(b.length - pos.p)) throw fail(op, base + lenAt, `length ${len} runs past the end of the buffer (${b.length - pos.p} bytes remain).`);
      out.push({ no, wire, value: take(Number(len), keyAt), at: base + pos.p });
    } else throw fail(op, base + keyAt, `wire type ${wire} (field ${no}) is not supported.`);
  }
  return out;
}

/** A signed int64 varint as a number (two's complement for negatives; may lose precision past 2^53). */
export const protoInt64 = (v: bigint): number => Number(BigInt.asIntN(64, v));

/** All varints of field `no`, packed or not, as signed 64-bit bigints. */
export function protoPackedInt64s(f: readonly ProtoField[], no: number, op = 'protobuf'): bigint[] {
  const out: bigint[] = [];
  for (const x of f) {
    if (x.no !== no) continue;
    if (typeof x.value === 'bigint') out.push(BigInt.asIntN(64, x.value));
    else if (x.wire === 2) {
      const pos = { p: 0 };
      while (pos.p < x.value.length) out.push(BigInt.asIntN(64, protoVarint(x.value, pos, x.at, op)));
    } else throw fail(op, x.at, `field ${no} should hold varints but has wire type ${x.wire}.`);
  }
  return out;
}

/** ONNX import: shape inference over small models built in the test, libonnx-testdata models, malformed files, the CLI. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel, DT } from '../../bench/peers/onnx.mjs';
import { MacflowError, ShapeError, UnsupportedError, ValueError } from '../../src/errors.js';
import { parseOnnxModel } from '../../src/nets/onnx.js';
import { ONNX_NODE_TESTS } from '../helpers/onnx-testdata.js';

const f32 = (dims: number[]) => ({ type: DT.FLOAT, dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) });

/** LeNet-5: conv 5x5 (6) - relu - maxpool - conv 5x5 (16) - relu - maxpool - flatten - 3 Gemm - softmax. */
function lenet(inputDims = [1, 1, 32, 32]): Uint8Array {
  return buildModel({
    nodes: [
      { op: 'Conv', inputs: ['x', 'w1', 'b1'], outputs: ['c1'], attrs: { kernel_shape: [5, 5] } },
      { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
      { op: 'MaxPool', inputs: ['r1'], outputs: ['p1'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
      { op: 'Conv', inputs: ['p1', 'w2', 'b2'], outputs: ['c2'] },
      { op: 'Relu', inputs: ['c2'], outputs: ['r2'] },
      { op: 'AveragePool', inputs: ['r2'], outputs: ['p2'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
      { op: 'Flatten', inputs: ['p2'], outputs: ['f'] },
      { op: 'Gemm', inputs: ['f', 'w3', 'b3'], outputs: ['g3'], attrs: { transB: 1 } },
      { op: 'Relu', inputs: ['g3'], outputs: ['r3'] },
      { op: 'Gemm', inputs: ['r3', 'w4', 'b4'], outputs: ['g4'], attrs: { transB: 1 } },
      { op: 'Clip', inputs: ['g4'], outputs: ['r4'] },
      { op: 'MatMul', inputs: ['r4', 'w5'], outputs: ['g5'] },
      { op: 'Softmax', inputs: ['g5'], outputs: ['y'] },
    ],
    initializers: [
      { name: 'w1', ...f32([6, 1, 5, 5]) }, { name: 'b1', ...f32([6]) },
      { name: 'w2', ...f32([16, 6, 5, 5]) }, { name: 'b2', ...f32([16]) },
      { name: 'w3', ...f32([120, 400]) }, { name: 'b3', ...f32([120]) },
      { name: 'w4', ...f32([84, 120]) }, { name: 'b4', ...f32([84]) },
      { name: 'w5', ...f32([84, 10]) },
    ],
    inputs: [{ name: 'x', type: DT.FLOAT, dims: inputDims }],
    outputs: [{ name: 'y', type: DT.FLOAT, dims: [1, 10] }],
  });
}

/** Asserts that `f` throws an error of class `cls` whose message contains every `parts`. */
function expectError(f: () => unknown, cls: new (...a: never[]) => Error, ...parts: (string | RegExp)[]): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, 'should throw').toBeInstanceOf(cls);
  for (const p of parts) expect((err as Error).message).toMatch(p);
}

describe('parseOnnxModel', () => {
  it('LeNet-5: two convs, two FCs and a MatMul with the expected shapes and MACs', () => {
    const m = parseOnnxModel(lenet());
    expect(m.name).toBe('g');
    expect(m.layers.map((l) => [l.name, l.N, l.H, l.W, l.C, l.M, l.R, l.S, l.E, l.F])).toEqual([
      ['n0', 1, 32, 32, 1, 6, 5, 5, 28, 28],
      ['n3', 1, 14, 14, 6, 16, 5, 5, 10, 10],
      ['n7', 1, 1, 1, 400, 120, 1, 1, 1, 1],
      ['n9', 1, 1, 1, 120, 84, 1, 1, 1, 1],
      ['n11', 1, 1, 1, 84, 10, 1, 1, 1, 1],
    ]);
    expect(m.layers.map((l) => l.macs)).toEqual([117600, 240000, 48000, 10080, 840]);
  });

  it('inputShape overrides the graph input (batch 4: MACs x4)', () => {
    const m = parseOnnxModel(lenet(), { inputShape: [4, 1, 32, 32] });
    expect(m.layers.map((l) => l.macs)).toEqual([117600, 240000, 48000, 10080, 840].map((x) => x * 4));
    expectError(() => parseOnnxModel(lenet(), { inputShape: [1, 32, 32] }), ShapeError, 'rank 3', 'rank 4');
  });

  it('symbolic input dims need inputShape (ShapeError naming the fix); with it, auto_pad SAME_UPPER conv parses', () => {
    // Hand-written protobuf: the encoder writes only dim_value, this needs a dim_param.
    const te = new TextEncoder();
    const ld = (no: number, body: number[] | Uint8Array): number[] => [(no << 3) | 2, body.length, ...body];
    const s = (no: number, v: string) => ld(no, te.encode(v));
    const dimV = (v: number) => ld(1, [0x08, v]);
    const dimP = (v: string) => ld(1, s(2, v));
    const shape = [...dimP('batch'), ...dimV(3), ...dimV(8), ...dimV(8)];
    const input = [...s(1, 'x'), ...ld(2, ld(1, [0x08, 1, ...ld(2, shape)]))];
    const w = [0x08, 4, 0x08, 3, 0x08, 3, 0x08, 3, 0x10, 1, ...s(8, 'w')];
    const autoPad = [...s(1, 'auto_pad'), ...s(4, 'SAME_UPPER'), 0xa0, 0x01, 3];
    const strides = [...s(1, 'strides'), 0x40, 2, 0x40, 2, 0xa0, 0x01, 7];
    const node = [...s(1, 'x'), ...s(1, 'w'), ...s(2, 'y'), ...s(3, 'conv'), ...s(4, 'Conv'), ...ld(5, autoPad), ...ld(5, strides)];
    const graph = [...ld(1, node), ...s(2, 'sym'), ...ld(5, w), ...ld(11, input)];
    const bytes = Uint8Array.from([0x08, 8, ...ld(7, graph)]);
    expectError(() => parseOnnxModel(bytes), ShapeError, "graph input 'x'", 'symbolic dims [?, 3, 8, 8]', '--input-shape');
    const [l] = parseOnnxModel(bytes, { inputShape: [2, 3, 8, 8] }).layers;
    expect([l.name, l.N, l.C, l.M, l.E, l.F, l.macs]).toEqual(['conv', 2, 3, 4, 4, 4, 2 * 4 * 16 * 27]);
  });

  it('grouped, strided, padded conv; Reshape with a constant shape; Add broadcasting; MatMulInteger', () => {
    const bytes = buildModel({
      nodes: [
        { op: 'QuantizeLinear', inputs: ['x', 's', 'z'], outputs: ['q'] },
        { op: 'DequantizeLinear', inputs: ['q', 's', 'z'], outputs: ['d'] },
        { op: 'Conv', inputs: ['d', 'w'], outputs: ['c'], attrs: { group: 4, strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1] } },
        { op: 'BatchNormalization', inputs: ['c', 's8', 'b8', 'm8', 'v8'], outputs: ['bn'] },
        { op: 'Add', inputs: ['bn', 'bias'], outputs: ['a'] },
        { op: 'GlobalAveragePool', inputs: ['a'], outputs: ['gap'] },
        { op: 'Reshape', inputs: ['gap', 'shape'], outputs: ['r'] },
        { op: 'MatMulInteger', inputs: ['r', 'wm'], outputs: ['y'] },
      ],
      initializers: [
        { name: 's', ...f32([]) }, { name: 'z', type: DT.UINT8, dims: [], data: [0] },
        { name: 'w', ...f32([8, 1, 3, 3]) },
        ...['s8', 'b8', 'm8', 'v8'].map((name) => ({ name, ...f32([8]) })),
        { name: 'bias', ...f32([8, 1, 1]) },
        { name: 'shape', type: DT.INT64, dims: [2], data: [0n, -1n] },
        { name: 'wm', type: DT.INT8, dims: [8, 5], data: new Int8Array(40) },
      ],
      inputs: [{ name: 'x', type: DT.FLOAT, dims: [1, 4, 9, 9] }],
      outputs: [{ name: 'y', type: DT.INT32, dims: [1, 5] }],
    });
    const [conv, mm] = parseOnnxModel(bytes).layers;
    expect([conv.C, conv.M, conv.groups, conv.E, conv.F, conv.macs]).toEqual([4, 8, 4, 5, 5, 8 * 25 * 9]);
    expect([mm.macs, mm.C, mm.M]).toEqual([40, 8, 5]);
  });

  it('libonnx-testdata: test_qlinearconv and test_conv_with_strides_padding give one conv layer each', () => {
    const load = (t: string) => {
      const p = join(ONNX_NODE_TESTS, t, 'model.onnx');
      expect(existsSync(p), `${p} is missing: apt-get install libonnx-testdata`).toBe(true);
      return parseOnnxModel(new Uint8Array(readFileSync(p)), { file: `${t}.onnx` }).layers;
    };
    const q = load('test_qlinearconv');
    expect(q.map((l) => [l.N, l.C, l.H, l.W, l.M, l.R, l.S, l.E, l.F])).toEqual([[1, 1, 7, 7, 1, 1, 1, 7, 7]]);
    const s = load('test_conv_with_strides_padding');
    expect(s.map((l) => [l.N, l.C, l.H, l.W, l.M, l.R, l.S, l.E, l.F, l.macs])).toEqual([[1, 1, 7, 5, 1, 3, 3, 4, 3, 108]]);
  });

  it('malformed files give ValueError with the byte offset', () => {
    const good = lenet();
    expectError(() => parseOnnxModel(new Uint8Array()), ValueError, 'empty');
    expectError(() => parseOnnxModel(good.subarray(0, good.length - 7)), ValueError, /at byte \d+/);
    expectError(() => parseOnnxModel(Uint8Array.from([0x3a, 0x10, 0x00])), ValueError, 'at byte 1', 'length 16 runs past the end');
    expectError(() => parseOnnxModel(Uint8Array.from([0x08, ...new Array(10).fill(0xff), 0x01])), ValueError, 'at byte 1', 'varint');
    expectError(() => parseOnnxModel(Uint8Array.from([0x08, 0x80])), ValueError, 'varint runs past the end');
    expectError(() => parseOnnxModel(Uint8Array.from([0x0b, 0x00])), ValueError, 'wire type 3');
    expectError(() => parseOnnxModel(Uint8Array.from([0x08, 0x01])), ValueError, 'no graph');
  });

  it('bad dims, missing initializers and wrong ranks give ShapeError naming the input or node', () => {
    expectError(() => parseOnnxModel(lenet([1, 1, -1, 32])), ShapeError, "graph input 'x'", '-1');
    expectError(() => parseOnnxModel(lenet([1, 1, 0, 32])), ShapeError, "graph input 'x'", 'dimension 0');
    expectError(() => parseOnnxModel(lenet([1, 1, 1e12, 32])), ShapeError, "graph input 'x'");
    expectError(() => parseOnnxModel(lenet([1, 1, 2 ** 31 - 1, 2 ** 31 - 1])), ShapeError, '2^53');
    expectError(() => parseOnnxModel(lenet([1, 1, 3, 3])), ShapeError, "node 'n0' (Conv)");
    expectError(() => parseOnnxModel(lenet([1, 32, 32])), ShapeError, "node 'n0' (Conv)", 'rank 4');
    const noInit = buildModel({
      nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'] }],
      inputs: [{ name: 'x', type: DT.FLOAT, dims: [1, 1, 4, 4] }],
      outputs: [{ name: 'y', type: DT.FLOAT, dims: [1, 1, 4, 4] }],
    });
    expectError(() => parseOnnxModel(noInit), ShapeError, "node 'n0' (Conv)", "input 'w'", 'initializer');
  });

  it('unsupported ops: one UnsupportedError listing every unsupported node', () => {
    const bytes = buildModel({
      nodes: [
        { op: 'Resize', inputs: ['x'], outputs: ['a'] },
        { op: 'Relu', inputs: ['a'], outputs: ['b'] },
        { op: 'LSTM', inputs: ['b'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', type: DT.FLOAT, dims: [1, 1, 4, 4] }],
      outputs: [{ name: 'y', type: DT.FLOAT, dims: [1] }],
    });
    expectError(() => parseOnnxModel(bytes), UnsupportedError, "2 node(s)", "Resize 'n0'", "LSTM 'n2'");
  });

  it('seeded byte mutations and truncations never crash or hang: a result or a MacflowError', () => {
    const good = lenet();
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    let errors = 0;
    for (let i = 0; i < 400; i++) {
      const b = good.slice(0, i % 4 === 0 ? Math.floor(rnd() * good.length) : good.length);
      for (let k = 0; k < 3; k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      try {
        parseOnnxModel(b);
      } catch (e) {
        expect(e, String(e)).toBeInstanceOf(MacflowError);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(0);
  });

  it('CLI: macflow simulate model.onnx --arch eyeriss runs the layers end to end', () => {
    const dir = mkdtempSync(join(tmpdir(), 'macflow-onnx-'));
    const path = join(dir, 'lenet.onnx');
    writeFileSync(path, lenet([1, 1, 32, 32]));
    const main = new URL('../../dist/cli/main.js', import.meta.url).pathname;
    const r = spawnSync(process.execPath, [main, 'simulate', path, '--arch', 'eyeriss', '--json', '--quiet'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.network).toMatchObject({ name: 'g', source: 'onnx', layers: 5 });
    expect(out.runs[0].report.totals.macs.total).toBe(117600 + 240000 + 48000 + 10080 + 840);
    const bad = spawnSync(process.execPath, [main, 'simulate', path, '--arch', 'eyeriss', '--input-shape', '1x1x32'], { encoding: 'utf8', timeout: 60_000 });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/rank 3/);
  });
});

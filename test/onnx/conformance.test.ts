/**
 * The ONNX backend conformance cases (Debian libonnx-testdata) for the ops macflow implements:
 * an oracle independent of our own reference. Inputs are NCHW / ONNX layouts; every build must
 * reproduce the expected outputs exactly.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dequantize, maxPool2d, quantize, type Engine } from '../../src/index.js';
import { allEngines } from '../helpers/engines.js';
import { loadNodeTest, type OnnxTensor } from '../helpers/onnx-testdata.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

const dtypeOfTensor = (t: OnnxTensor) => (t.dataType === 3 ? 'int8' : 'uint8') as 'int8' | 'uint8';

function expectExact(name: string, e: Engine, got: ArrayLike<number>, want: ArrayLike<number>): void {
  expect(Array.from(got), `${name} on the ${e.isa} build`).toEqual(Array.from(want));
}

describe('ONNX QuantizeLinear / DequantizeLinear', () => {
  for (const name of ['test_quantizelinear', 'test_quantizelinear_axis']) {
    it(name, () => {
      const t = loadNodeTest(name);
      const [x, scale, zp] = t.inputs;
      const axis = typeof t.attributes.axis === 'number' ? t.attributes.axis : 1;
      const perChannel = scale.data.length > 1;
      for (const e of engines) {
        const y = quantize(e, { data: x.data as Float32Array, shape: x.dims }, {
          dtype: dtypeOfTensor(zp),
          scale: perChannel ? Array.from(scale.data) : scale.data[0],
          zeroPoint: perChannel ? Array.from(zp.data) : zp.data[0],
          ...(perChannel ? { axis } : {}),
        });
        expectExact(name, e, y.data, t.outputs[0].data);
        y.dispose();
      }
    });
  }
  for (const name of ['test_dequantizelinear', 'test_dequantizelinear_axis']) {
    it(name, () => {
      const t = loadNodeTest(name);
      const [q, scale, zp] = t.inputs;
      const axis = typeof t.attributes.axis === 'number' ? t.attributes.axis : 1;
      const perChannel = scale.data.length > 1;
      for (const e of engines) {
        const y = dequantize(e, { data: q.data as Uint8Array, shape: q.dims }, {
          dtype: dtypeOfTensor(q),
          scale: perChannel ? Array.from(scale.data) : scale.data[0],
          zeroPoint: perChannel ? Array.from(zp.data) : zp ? zp.data[0] : 0,
          ...(perChannel ? { axis } : {}),
        });
        expectExact(name, e, y.data, t.outputs[0].data);
        y.dispose();
      }
    });
  }
});

describe('ONNX MaxPool (uint8)', () => {
  it('test_maxpool_2d_uint8', () => {
    const t = loadNodeTest('test_maxpool_2d_uint8');
    const [x] = t.inputs;
    const [n, c, h, w] = x.dims;
    expect(c, 'one channel: NCHW and NHWC coincide').toBe(1);
    const kernel = t.attributes.kernel_shape as number[];
    const pads = t.attributes.pads as number[]; // ONNX: [top, left, bottom, right]
    for (const e of engines) {
      const y = maxPool2d(e, { data: x.data as Uint8Array, shape: [n, h, w, c] }, { kernel: [kernel[0], kernel[1]], pads: [pads[0], pads[1], pads[2], pads[3]] });
      expectExact('test_maxpool_2d_uint8', e, y.data, t.outputs[0].data);
      y.dispose();
    }
  });
});

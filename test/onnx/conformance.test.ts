/**
 * The ONNX backend conformance cases (Debian libonnx-testdata) for the ops macflow implements:
 * an oracle independent of our own reference. Inputs are NCHW / ONNX layouts; every build must
 * reproduce the expected outputs exactly.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { clamp, conv2d, dequantize, matmul, maxPool2d, quantParams, quantize, type Conv2DOptions, type Engine, type Requantize } from '../../src/index.js';
import { allEngines } from '../helpers/engines.js';
import { loadNodeTest, type OnnxAttribute, type OnnxTensor } from '../helpers/onnx-testdata.js';

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

/** A zero point or scale input: one number when it holds one value, else one per channel. */
const perTensorOrChannel = (t: OnnxTensor | undefined, dflt = 0): number | number[] => (t === undefined ? dflt : t.data.length === 1 ? t.data[0] : Array.from(t.data));

/**
 * ONNX Conv attributes -> our options, in ONNX layouts (NCHW x, OIHW w). ONNX `pads` are
 * [x1_begin, x2_begin, x1_end, x2_end] = [top, left, bottom, right], our order.
 */
function convOptions(attrs: Record<string, OnnxAttribute>, w: OnnxTensor): Conv2DOptions {
  const ks = attrs.kernel_shape as number[] | undefined;
  if (ks) expect(ks, 'kernel_shape matches w').toEqual(w.dims.slice(2));
  const autoPad = (attrs.auto_pad as string | undefined) ?? 'NOTSET';
  const pads = autoPad === 'NOTSET' ? ((attrs.pads as number[] | undefined) ?? [0, 0, 0, 0]) : undefined;
  const strides = (attrs.strides as number[] | undefined) ?? [1, 1];
  const dilations = (attrs.dilations as number[] | undefined) ?? [1, 1];
  return {
    layout: 'NCHW',
    weightLayout: 'OIHW',
    pads: pads ? [pads[0], pads[1], pads[2], pads[3]] : (autoPad.toLowerCase() as 'valid' | 'same_upper' | 'same_lower'),
    strides: [strides[0], strides[1]],
    dilations: [dilations[0], dilations[1]],
    groups: (attrs.group as number | undefined) ?? 1,
  };
}

describe('ONNX ConvInteger / QLinearConv (uint8 weights, NCHW / OIHW)', () => {
  for (const name of ['test_basic_convinteger', 'test_convinteger_without_padding', 'test_convinteger_with_padding']) {
    it(name, () => {
      const t = loadNodeTest(name);
      expect(t.opType).toBe('ConvInteger');
      const [x, w, xzp, wzp] = t.slots;
      for (const e of engines) {
        const y = conv2d(e, { data: x!.data as Uint8Array, shape: x!.dims }, { data: w!.data as Uint8Array, shape: w!.dims }, {
          ...convOptions(t.attributes, w!),
          xZeroPoint: perTensorOrChannel(xzp) as number,
          wZeroPoint: perTensorOrChannel(wzp),
        });
        expect(y.shape).toEqual(t.outputs[0].dims);
        expectExact(name, e, y.data, t.outputs[0].data);
        y.dispose();
      }
    });
  }

  it('test_qlinearconv', () => {
    const t = loadNodeTest('test_qlinearconv');
    expect(t.opType).toBe('QLinearConv');
    const [x, xs, xzp, w, ws, wzp, ys, yzp, b] = t.slots;
    const requantize: Requantize = {
      xScale: xs!.data[0],
      wScale: perTensorOrChannel(ws),
      yScale: ys!.data[0],
      yZeroPoint: yzp!.data[0],
      outputDtype: dtypeOfTensor(yzp!),
    };
    for (const e of engines) {
      const y = conv2d(e, { data: x!.data as Uint8Array, shape: x!.dims }, { data: w!.data as Uint8Array, shape: w!.dims }, {
        ...convOptions(t.attributes, w!),
        xZeroPoint: xzp!.data[0],
        wZeroPoint: perTensorOrChannel(wzp),
        bias: b ? (b.data as Int32Array) : undefined,
        requantize,
      });
      expect(y.shape).toEqual(t.outputs[0].dims);
      expectExact('test_qlinearconv', e, y.data, t.outputs[0].data);
      y.dispose();
    }
  });
});

describe('ONNX MatMulInteger / QLinearMatMul (uint8 weights)', () => {
  it('test_matmulinteger', () => {
    const t = loadNodeTest('test_matmulinteger');
    expect(t.opType).toBe('MatMulInteger');
    const [a, b, azp, bzp] = t.slots;
    for (const e of engines) {
      const y = matmul(e, { data: a!.data as Uint8Array, shape: a!.dims }, { data: b!.data as Uint8Array, shape: b!.dims }, {
        layout: 'kn',
        xZeroPoint: perTensorOrChannel(azp) as number,
        wZeroPoint: perTensorOrChannel(bzp),
      });
      expect(y.shape).toEqual(t.outputs[0].dims);
      expectExact('test_matmulinteger', e, y.data, t.outputs[0].data);
      y.dispose();
    }
  });

  for (const name of ['test_qlinearmatmul_2D', 'test_qlinearmatmul_3D']) {
    it(name, () => {
      const t = loadNodeTest(name);
      expect(t.opType).toBe('QLinearMatMul');
      const [a, as, azp, b, bs, bzp, ys, yzp] = t.slots;
      const params = {
        layout: 'kn' as const,
        xZeroPoint: azp!.data[0],
        wZeroPoint: perTensorOrChannel(bzp),
        requantize: { xScale: as!.data[0], wScale: perTensorOrChannel(bs), yScale: ys!.data[0], yZeroPoint: yzp!.data[0], outputDtype: dtypeOfTensor(yzp!) },
      };
      // ONNX batches both operands ([..., M, K] x [..., K, N]); our b is one matrix, so a
      // batched b runs as one matmul per batch.
      const [K, N] = b!.dims.slice(-2);
      const M = a!.dims[a!.dims.length - 2];
      const batches = b!.dims.length > 2 ? b!.dims.slice(0, -2).reduce((p, q) => p * q, 1) : 1;
      expect(a!.dims.slice(0, -2).reduce((p, q) => p * q, 1), 'a and b have the same batch').toBe(batches);
      for (const e of engines) {
        const got: number[] = [];
        for (let i = 0; i < batches; i++) {
          const ai = (a!.data as Uint8Array).subarray(i * M * K, (i + 1) * M * K);
          const bi = (b!.data as Uint8Array).subarray(i * K * N, (i + 1) * K * N);
          const y = matmul(e, { data: ai, shape: [M, K] }, { data: bi, shape: [K, N] }, params);
          got.push(...y.data);
          y.dispose();
        }
        expectExact(name, e, got, t.outputs[0].data);
      }
    });
  }
});

describe('ONNX Clip (int8)', () => {
  for (const name of ['test_clip_default_int8_min', 'test_clip_default_int8_max', 'test_clip_default_int8_inbounds']) {
    it(name, () => {
      const t = loadNodeTest(name);
      expect(t.opType).toBe('Clip');
      const [x, min, max] = t.slots;
      for (const e of engines) {
        const y = clamp(e, { data: x!.data as Int8Array, shape: x!.dims }, { qmin: min?.data[0], qmax: max?.data[0] });
        expectExact(name, e, y.data, t.outputs[0].data);
        y.dispose();
      }
    });
  }
});

describe('ONNX DynamicQuantizeLinear (float32 -> uint8) as quantParams + quantize', () => {
  // ONNX: range extended to include 0, y_scale = float32((max - min) / 255), y_zero_point =
  // saturate(round(-min / y_scale)). quantParams rounds the scale UP to a float32 (so that it
  // covers the range); on these cases that equals ONNX's float32 quotient, asserted below.
  for (const name of ['test_dynamicquantizelinear', 'test_dynamicquantizelinear_max_adjusted', 'test_dynamicquantizelinear_min_adjusted']) {
    it(name, () => {
      const t = loadNodeTest(name);
      expect(t.opType).toBe('DynamicQuantizeLinear');
      const x = t.inputs[0].data as Float32Array;
      const p = quantParams({ min: Math.min(...x), max: Math.max(...x), dtype: 'uint8' });
      const [yWant, scaleWant, zpWant] = t.outputs;
      expect(p.scale).toBe(scaleWant.data[0]);
      expect(p.zeroPoint).toBe(zpWant.data[0]);
      for (const e of engines) {
        const y = quantize(e, { data: x, shape: t.inputs[0].dims }, { dtype: 'uint8', scale: p.scale, zeroPoint: p.zeroPoint });
        expectExact(name, e, y.data, yWant.data);
        y.dispose();
      }
    });
  }
});

import { describe, expect, it } from 'vitest';
import { QuantError, ShapeError } from '../../src/index.js';
import { resolveOutputStage } from '../../src/descriptors/output-stage.js';

// The per-channel loops of resolveOutputStage run on every call and build an error label only for
// a failing value: each kind of bad element must still be named with its index.
describe('resolveOutputStage per-channel validation', () => {
  const requantize = { xScale: 0.02, wScale: 0.004, yScale: 0.1 };
  const expectQuant = (f: () => unknown, label: string): void => {
    expect(f).toThrow(QuantError);
    expect(f).toThrow(label);
  };

  it('names the bad element of a per-channel wScale', () => {
    for (const bad of [0, -1, Number.NaN, Infinity, '0.5' as unknown as number, undefined as unknown as number]) {
      const ws = [0.004, 0.004, bad, 0.004];
      expectQuant(() => resolveOutputStage('conv2d', { requantize: { ...requantize, wScale: ws } }, 4, 'uint8'), 'requantize.wScale[2]');
    }
  });

  it('names the bad element of a per-channel wZeroPoint, in the weights dtype', () => {
    expectQuant(() => resolveOutputStage('dense', { wZeroPoint: [0, 200, 0] }, 3, 'uint8', 'int8'), 'wZeroPoint[1]');
    expectQuant(() => resolveOutputStage('dense', { wZeroPoint: [0, 1.5, 0] }, 3, 'uint8', 'uint8'), 'wZeroPoint[1]');
    expectQuant(() => resolveOutputStage('dense', { wZeroPoint: [0, 0, -1] }, 3, 'uint8', 'uint8'), 'wZeroPoint[2]');
    expect(() => resolveOutputStage('dense', { wZeroPoint: [0, 0] }, 3, 'uint8')).toThrow(ShapeError);
  });

  it('checks a bias given as a plain array element by element, and copies an Int32Array', () => {
    expectQuant(() => resolveOutputStage('dense', { bias: [1, 2.5, 3] as unknown as Int32Array }, 3, 'uint8'), 'bias[1]');
    expectQuant(() => resolveOutputStage('dense', { bias: [1, 2, 2 ** 31] as unknown as Int32Array }, 3, 'uint8'), 'bias[2]');
    const b = Int32Array.of(-5, 0, 7);
    const s = resolveOutputStage('dense', { bias: b }, 3, 'uint8');
    expect(Array.from(s.bias)).toEqual([-5, 0, 7]);
    b[0] = 99;
    expect(s.bias[0]).toBe(-5);
  });

  it('gives the same multipliers for a scalar wScale as for the same value per channel, and drops all-zero zero points', () => {
    const one = resolveOutputStage('conv2d', { requantize }, 5, 'uint8');
    const per = resolveOutputStage('conv2d', { wZeroPoint: [0, 0, 0, 0, 0], requantize: { ...requantize, wScale: new Float32Array(5).fill(0.004) } }, 5, 'uint8');
    expect(Array.from(per.requant!.multipliers)).toEqual(Array.from(one.requant!.multipliers));
    expect(per.wZeroPoints).toBeUndefined();
    // uint8 weights arrive as w - 128: a zero point of 128 everywhere is no correction at all.
    expect(resolveOutputStage('conv2d', { wZeroPoint: [128, 128] }, 2, 'uint8', 'uint8').wZeroPoints).toBeUndefined();
    expect(Array.from(resolveOutputStage('conv2d', { wZeroPoint: [128, 130] }, 2, 'uint8', 'uint8').wZeroPoints!)).toEqual([0, 2]);
  });
});

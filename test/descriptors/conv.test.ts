import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, conv2dInfo, convWeightInfo } from '../../src/index.js';

describe('conv2dInfo', () => {
  it('derives the output size and MACs (tfjs / ONNX conventions)', () => {
    const i = conv2dInfo([1, 224, 224, 3], [64, 7, 7, 3], { strides: 2, pads: 'same_upper' });
    expect([i.E, i.F, i.K]).toEqual([112, 112, 147]);
    expect(i.pads).toEqual([2, 2, 3, 3]);
    expect(i.macs).toBe(118013952);
    expect(i.yShape).toEqual([1, 112, 112, 64]);
    // VGG-16 conv3_1 (the toolchain note's peer benchmark)
    const v = conv2dInfo([1, 56, 56, 128], [256, 3, 3, 128], { pads: 1 });
    expect([v.E, v.F, v.macs]).toEqual([56, 56, 56 * 56 * 256 * 9 * 128]);
    // AlexNet conv1: 227x227x3, 96 11x11 stride 4 -> 55x55
    const a = conv2dInfo([1, 227, 227, 3], [96, 11, 11, 3], { strides: 4 });
    expect([a.E, a.F]).toEqual([55, 55]);
  });

  it('resolves auto_pad like ONNX (odd pad at the end for same_upper, the start for same_lower)', () => {
    const u = conv2dInfo([1, 6, 7, 1], [1, 4, 3, 1], { pads: 'same_upper', strides: [1, 2] });
    expect([u.E, u.F]).toEqual([6, 4]);
    expect(u.pads).toEqual([1, 1, 2, 1]);
    const l = conv2dInfo([1, 6, 7, 1], [1, 4, 3, 1], { pads: 'same_lower', strides: [1, 2] });
    expect(l.pads).toEqual([2, 1, 1, 1]);
    expect(l.padMode).toBe('same_lower');
    const d = conv2dInfo([1, 10, 10, 1], [1, 3, 3, 1], { pads: 'same_upper', dilations: 2 });
    expect(d.pads).toEqual([2, 2, 2, 2]);
    expect([d.E, d.F]).toEqual([10, 10]);
    const v = conv2dInfo([1, 10, 10, 1], [1, 3, 3, 1], { pads: 'valid', strides: 3 });
    expect([v.E, v.F]).toEqual([3, 3]);
    // same_* with stride > kernel: no negative pads
    expect(conv2dInfo([1, 5, 5, 1], [1, 1, 1, 1], { pads: 'same_upper', strides: 3 }).pads).toEqual([0, 0, 0, 0]);
  });

  it('handles asymmetric pads, groups, depthwise and layouts', () => {
    const i = conv2dInfo([2, 5, 6, 8], [12, 3, 2, 2], { pads: [1, 0, 2, 3], groups: 4 });
    expect([i.E, i.F, i.Cg, i.Mg, i.K, i.depthwise]).toEqual([6, 8, 2, 3, 12, false]);
    expect(i.macs).toBe(2 * 12 * 6 * 8 * 3 * 2 * 2);
    const dw = conv2dInfo([1, 8, 8, 16], [32, 3, 3, 1], { groups: 16, pads: 1 });
    expect([dw.depthwise, dw.depthMultiplier]).toEqual([true, 2]);
    const n = conv2dInfo([1, 3, 9, 10], [4, 3, 5, 5], { layout: 'NCHW', weightLayout: 'OIHW' });
    expect([n.H, n.W, n.C, n.R, n.S, n.E, n.F]).toEqual([9, 10, 3, 5, 5, 5, 6]);
    expect(n.yShape).toEqual([1, 4, 5, 6]);
    expect(convWeightInfo([4, 3, 5, 5], { weightLayout: 'OIHW' })).toMatchObject({ M: 4, R: 5, S: 5, Cg: 3 });
  });

  it('refuses bad descriptors with sentences naming the value and the fix', () => {
    const cases: [() => unknown, typeof ShapeError | typeof ValueError, RegExp][] = [
      [() => conv2dInfo([1, 5, 5], [1, 3, 3, 1]), ShapeError, /x must be rank 4 \[N, H, W, C\].*rank 3.*Fix: reshape x/],
      [() => conv2dInfo([1, 5, 5, 3], [4, 3, 3, 4]), ShapeError, /depth of input \(3\) must match input depth for filter 4/],
      [() => conv2dInfo([1, 5, 5, 4], [4, 3, 3, 1]), ShapeError, /Fix: pass groups = 4/],
      [() => conv2dInfo([1, 5, 5, 6], [4, 3, 3, 2], { groups: 4 }), ShapeError, /6 input channels cannot be split into groups = 4/],
      [() => conv2dInfo([1, 5, 5, 6], [4, 3, 3, 2], { groups: 3 }), ShapeError, /4 filters \(output channels\) cannot be split into groups = 3/],
      [() => conv2dInfo([1, 5, 5, 1], [1, 6, 3, 1]), ShapeError, /6x3 filter is larger than the padded input 5x5/],
      [() => conv2dInfo([1, 5, 5, 1], [1, 6, 3, 1], { pads: [0, 1, 0, 0] }), ShapeError, /e\.g\. pads: 'same_upper'/],
      [() => conv2dInfo([1, 5, 5, 1], [1, 3, 3, 1], { dilations: [3, 1] }), ShapeError, /dilated to 7x3/],
      [() => conv2dInfo([1, 0, 5, 1], [1, 3, 3, 1]), ShapeError, /dimension 1 = 0/],
      [() => conv2dInfo([1, 5, -5, 1], [1, 3, 3, 1]), ShapeError, /dimension 2 = -5/],
      [() => conv2dInfo([1, 5, 5, 1], [1, 3, 1.5, 1]), ShapeError, /dimension 2 = 1.5/],
      [() => conv2dInfo([1, 5, 5, 1], [1, 3, 3, 1], { strides: [1, 0] }), ValueError, /strides = \[1, 0\]: every entry must be an integer >= 1/],
      [() => conv2dInfo([1, 5, 5, 1], [1, 3, 3, 1], { strides: [1, 1, 1] as never }), ValueError, /strides/],
      [() => conv2dInfo([1, 5, 5, 1], [1, 3, 3, 1], { dilations: -1 }), ValueError, /dilations = -1/],
      [() => conv2dInfo([1, 5, 5, 1], [1, 3, 3, 1], { pads: -1 }), ValueError, /pads = -1/],
      [() => conv2dInfo([1, 5, 5, 1], [1, 3, 3, 1], { pads: [0, 0, 0] as never }), ValueError, /\[top, left, bottom, right\]/],
      [() => conv2dInfo([1, 5, 5, 1], [1, 3, 3, 1], { pads: 'SAME' as never }), ValueError, /auto_pad/],
      [() => conv2dInfo([1, 5, 5, 1], [1, 3, 3, 1], { groups: 1.5 }), ValueError, /groups = 1.5/],
      [() => conv2dInfo([1, 5, 5, 1], [1, 3, 3, 1], { layout: 'CHWN' as never }), ValueError, /layout = "CHWN"/],
      [() => conv2dInfo([1, 5, 5, 1], [1, 3, 3, 1], { weightLayout: 'HWIO' as never }), ValueError, /weightLayout = "HWIO"/],
    ];
    for (const [f, cls, msg] of cases) {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(err, String(f)).toBeInstanceOf(cls);
      expect((err as Error).message).toMatch(msg);
      expect((err as Error).message).toMatch(/^conv2d: .*Fix: /s);
    }
    expect(() => convWeightInfo([2, 3, 3, 1], { groups: 0 }, 'packConvWeights')).toThrow(/^packConvWeights: groups = 0/);
  });
});

/**
 * Soak: thousands of calls with changing shapes through the ops that allocate (staging, packed
 * weights, im2col and int32 tiles, outputs). After a warm-up pass over every shape, Wasm memory
 * must not grow any more, every temporary must be released, and the last results must still be
 * bit-exact (no buffer was reused while live).
 */
import { describe, expect, it } from 'vitest';
import { conv2d, conv2dInfo, init, maxPool2d, quantize, relu, softmax } from '../../src/index.js';
import { conv2dRef } from '../../src/reference/index.js';
import { fillInts, rng } from '../helpers/engines.js';

interface Shape {
  h: number;
  w: number;
  c: number;
  m: number;
  k: number;
  stride: number;
  groups: number;
}

const SHAPES: Shape[] = [
  { h: 8, w: 8, c: 3, m: 8, k: 3, stride: 1, groups: 1 },
  { h: 17, w: 13, c: 16, m: 24, k: 3, stride: 2, groups: 1 },
  { h: 12, w: 12, c: 32, m: 32, k: 3, stride: 1, groups: 32 },
  { h: 28, w: 28, c: 1, m: 20, k: 5, stride: 1, groups: 1 },
  { h: 9, w: 9, c: 64, m: 16, k: 1, stride: 1, groups: 1 },
  { h: 20, w: 20, c: 8, m: 8, k: 5, stride: 2, groups: 2 },
  { h: 31, w: 31, c: 12, m: 36, k: 3, stride: 1, groups: 1 },
];

describe('soak', () => {
  it('thousands of mixed-shape calls: memory stops growing after warm-up, nothing leaks, results stay exact', async () => {
    const e = await init({ isa: 'simd' });
    const rand = rng(2026);
    const inputs = SHAPES.map((s) => ({
      x: fillInts(new Uint8Array(s.h * s.w * s.c), 0, 255, rand),
      w: fillInts(new Int8Array(s.m * s.k * s.k * (s.c / s.groups)), -128, 127, rand),
    }));
    const baseLive = e.heap.liveCount;
    const call = (i: number) => {
      const s = SHAPES[i % SHAPES.length];
      const { x, w } = inputs[i % SHAPES.length];
      const params = { strides: [s.stride, s.stride] as [number, number], pads: 'same_upper' as const, groups: s.groups, xZeroPoint: 7, wZeroPoint: -3 };
      const y = conv2d(e, { data: x, shape: [1, s.h, s.w, s.c] }, { data: w, shape: [s.m, s.k, s.k, s.c / s.groups] }, {
        ...params,
        requantize: { xScale: 0.02, wScale: 0.01, yScale: 0.5, yZeroPoint: 3, activation: 'relu' },
      });
      const r = relu(e, y, { zeroPoint: 3, out: y });
      const p = s.h >= 4 ? maxPool2d(e, r, { kernel: [2, 2], strides: [2, 2] }) : undefined;
      const sm = softmax(e, { data: x.subarray(0, 10), shape: [10] }, { scale: 0.1 });
      const q = quantize(e, { data: Float32Array.from(x.subarray(0, 33), (v) => v / 17), shape: [33] }, { dtype: 'int8', scale: 0.1 });
      y.dispose();
      p?.dispose();
      sm.dispose();
      q.dispose();
    };
    for (let i = 0; i < 2 * SHAPES.length; i++) call(i); // warm-up: every shape twice
    const warmBytes = e.heap.memoryBytes;
    for (let i = 0; i < 2100; i++) call(i * 5 + 3); // another order, same shapes
    expect(e.heap.memoryBytes, 'Wasm memory after 2,100 more calls').toBe(warmBytes);
    expect(e.heap.liveCount, 'live allocations after every output was disposed').toBe(baseLive);

    // The engine still computes exactly after the soak.
    const s = SHAPES[1];
    const { x, w } = inputs[1];
    const opts = { strides: [s.stride, s.stride] as [number, number], pads: 'same_upper' as const, groups: s.groups, xZeroPoint: 7, wZeroPoint: -3 };
    const y = conv2d(e, { data: x, shape: [1, s.h, s.w, s.c] }, { data: w, shape: [s.m, s.k, s.k, s.c] }, opts);
    const info = conv2dInfo([1, s.h, s.w, s.c], [s.m, s.k, s.k, s.c], opts);
    expect(Array.from(y.data)).toEqual(Array.from(conv2dRef(x, w, info, { xZeroPoint: 7, wZeroPoint: -3 })));
  });
});

/**
 * The conv2d descriptor (tfjs-core's `computeConv2DInfo`, ONNX Conv attributes): one validated
 * description of a 2-D convolution that every kernel, reference and accelerator model reads.
 * Pure TypeScript, no engine: `conv2dInfo` can be called anywhere.
 *
 * Notation (Eyeriss / the seed): N images of H x W x C, M filters of R x S x C/groups, output
 * E x F x M. MACs = N * M * E * F * R * S * C / groups.
 * @module
 */
import { ShapeError, ValueError, fmt } from '../errors.js';

/** ONNX `auto_pad` modes. `'valid'`: no padding. `'same_upper'`/`'same_lower'`: output = ceil(input / stride), the odd pad goes at the end (upper) or the beginning (lower). */
export type AutoPad = 'valid' | 'same_upper' | 'same_lower';

/** Layout of activations: `'NHWC'` (native) or `'NCHW'` (ONNX / PyTorch; transposed in and out). */
export type ActivationLayout = 'NHWC' | 'NCHW';

/** Layout of weights: `'OHWI'` = [M, R, S, C/groups] (native) or `'OIHW'` = [M, C/groups, R, S] (ONNX / PyTorch). */
export type WeightLayout = 'OHWI' | 'OIHW';

/** Geometry options of a 2-D convolution (everything except the tensors and quantisation). */
export interface Conv2DOptions {
  /** Strides [sh, sw] (or one number for both). Default 1. */
  strides?: number | readonly [number, number];
  /** Dilations [dh, dw] (or one number for both). Default 1. */
  dilations?: number | readonly [number, number];
  /**
   * Padding: explicit `[top, left, bottom, right]` in pixels (may be asymmetric), one number for
   * all four sides, or an ONNX auto_pad mode. Default `'valid'` (no padding).
   */
  pads?: number | readonly [number, number, number, number] | AutoPad;
  /** Groups: C and M must both be multiples. groups == C is a depthwise convolution. Default 1. */
  groups?: number;
  /**
   * Layout of x and y. Default `'NHWC'` (native). `'NCHW'` costs one transposing pass over x and
   * one over y in JavaScript, plus an NHWC copy of each in Wasm memory for the call.
   */
  layout?: ActivationLayout;
  /**
   * Layout of w. Default `'OHWI'` (native; packing reads it as is). `'OIHW'` is transposed to
   * OHWI when packed: once per call, or once in total with `packConvWeights`.
   */
  weightLayout?: WeightLayout;
}

/** The resolved, validated description of a 2-D convolution. All sizes in elements. */
export interface Conv2DInfo {
  /** Batch. */
  N: number;
  /** Input height and width. */
  H: number;
  W: number;
  /** Input channels. */
  C: number;
  /** Output channels (filters). */
  M: number;
  /** Kernel height and width. */
  R: number;
  S: number;
  /** Output height and width. */
  E: number;
  F: number;
  /** Strides [sh, sw] in input pixels. */
  strides: [number, number];
  /** Dilations [dh, dw]: distance between kernel taps in input pixels. */
  dilations: [number, number];
  /** Explicit pads `[top, left, bottom, right]` after resolving auto_pad. */
  pads: [number, number, number, number];
  /** The auto_pad mode the pads came from, or `'explicit'`. */
  padMode: AutoPad | 'explicit';
  /** Number of groups (channels of a group only see each other). */
  groups: number;
  /** Input channels per group (C / groups) and output channels per group (M / groups). */
  Cg: number;
  Mg: number;
  /** True when groups == C (one input channel per group). */
  depthwise: boolean;
  /** Output channels per input channel of a depthwise convolution (M / C), else 0. */
  depthMultiplier: number;
  /** Depth of the lowered (im2col) matrix: R * S * Cg. */
  K: number;
  /** Dense multiply-accumulates: N * M * E * F * R * S * Cg. */
  macs: number;
  /** Layouts of x / y and of w as given. */
  layout: ActivationLayout;
  weightLayout: WeightLayout;
  /** Shapes in the caller's layouts. */
  xShape: [number, number, number, number];
  wShape: [number, number, number, number];
  yShape: [number, number, number, number];
}

/** What the weights alone determine (see {@link convWeightInfo}). */
export interface ConvWeightInfo {
  /** Output channels (filters). */
  M: number;
  /** Kernel height and width. */
  R: number;
  S: number;
  /** Input channels per group (the filter's input depth). */
  Cg: number;
  /** Number of groups. */
  groups: number;
  /** Output channels per group. */
  Mg: number;
  weightLayout: WeightLayout;
  /** The shape as given, in `weightLayout`. */
  wShape: [number, number, number, number];
}

/**
 * Validates the weight shape, `groups` and `weightLayout` on their own (no input needed), e.g.
 * to pack weights ahead of time. {@link conv2dInfo} runs the same checks.
 */
export function convWeightInfo(wShape: readonly number[], options: Pick<Conv2DOptions, 'groups' | 'weightLayout'> = {}, op = 'conv2d'): ConvWeightInfo {
  const weightLayout = options.weightLayout ?? 'OHWI';
  if (weightLayout !== 'OHWI' && weightLayout !== 'OIHW') throw new ValueError(op, `weightLayout = ${fmt(weightLayout)} is not known.`, "use 'OHWI' ([M, R, S, C/groups], native) or 'OIHW' ([M, C/groups, R, S]).");
  const ws = dims(op, 'w', wShape, weightLayout === 'OHWI' ? '[M, R, S, C/groups]' : '[M, C/groups, R, S]');
  const [M, R, S, Cg] = weightLayout === 'OHWI' ? ws : [ws[0], ws[2], ws[3], ws[1]];
  const groups = options.groups ?? 1;
  if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1) throw new ValueError(op, `groups = ${fmt(groups)} must be an integer >= 1.`, 'pass groups = 1 (dense), C (depthwise) or another divisor of C and M.');
  if (M % groups !== 0) throw new ShapeError(op, `the ${M} filters (output channels) cannot be split into groups = ${groups}.`, `use a groups value that divides M = ${M} (and C).`);
  return { M, R, S, Cg, groups, Mg: M / groups, weightLayout, wShape: ws };
}

function pair(op: string, what: string, v: unknown, fix: string): [number, number] {
  const arr = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(arr) || arr.length !== 2) throw new ValueError(op, `${what} = ${fmt(v)} must be one number or [height, width].`, fix);
  for (const d of arr) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) throw new ValueError(op, `${what} = ${fmt(v)}: every entry must be an integer >= 1.`, fix);
  }
  return [arr[0], arr[1]];
}

function dims(op: string, what: string, shape: unknown, names: string): [number, number, number, number] {
  if (!Array.isArray(shape)) throw new ShapeError(op, `${what} shape ${fmt(shape)} is not an array.`, `pass ${what} as a rank-4 tensor ${names}.`);
  if (shape.length !== 4) throw new ShapeError(op, `${what} must be rank 4 ${names}, but its shape ${fmt(shape)} has rank ${shape.length}.`, `reshape ${what} to ${names}${shape.length === 3 ? ' (add a batch or output-channel dimension of 1)' : ''}.`);
  for (let i = 0; i < 4; i++) {
    const d = shape[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d <= 0) throw new ShapeError(op, `${what} shape ${fmt(shape)} has dimension ${i} = ${fmt(d)}; every size must be a positive integer.`, 'pass whole, positive sizes.');
  }
  return [shape[0], shape[1], shape[2], shape[3]];
}

/**
 * Output size and pads along one axis for an auto_pad mode (ONNX semantics).
 * `same_*`: out = ceil(in / stride), total pad = max(0, (out - 1) * stride + effective kernel - in).
 */
function autoPad(mode: AutoPad, size: number, k: number, stride: number, dilation: number): [number, number] {
  if (mode === 'valid') return [0, 0];
  const out = Math.ceil(size / stride);
  const total = Math.max(0, (out - 1) * stride + (k - 1) * dilation + 1 - size);
  const small = Math.floor(total / 2);
  return mode === 'same_upper' ? [small, total - small] : [total - small, small];
}

/**
 * Validates and resolves a 2-D convolution from the shapes of x and w (in the layouts named by
 * `options.layout` / `options.weightLayout`) and its geometry options. Throws a ShapeError or
 * ValueError that names the op, the value and the fix.
 *
 * @param xShape x: [N, H, W, C] (NHWC) or [N, C, H, W] (NCHW).
 * @param wShape w: [M, R, S, C/groups] (OHWI) or [M, C/groups, R, S] (OIHW).
 * @param op name used in error messages. Default `'conv2d'`.
 *
 * @example
 * ```ts
 * const info = conv2dInfo([1, 224, 224, 3], [64, 7, 7, 3], { strides: 2, pads: 'same_upper' });
 * info.E; // 112
 * info.macs; // 118,013,952
 * ```
 */
export function conv2dInfo(xShape: readonly number[], wShape: readonly number[], options: Conv2DOptions = {}, op = 'conv2d'): Conv2DInfo {
  if (options === null || typeof options !== 'object') throw new ValueError(op, `options = ${fmt(options)} must be an object.`, 'pass { strides, dilations, pads, groups, layout, weightLayout } or omit it.');
  const layout = options.layout ?? 'NHWC';
  if (layout !== 'NHWC' && layout !== 'NCHW') throw new ValueError(op, `layout = ${fmt(layout)} is not known.`, "use 'NHWC' (native) or 'NCHW'.");
  const xs = dims(op, 'x', xShape, layout === 'NHWC' ? '[N, H, W, C]' : '[N, C, H, W]');
  const { M, R, S, Cg: Cw, groups, Mg, weightLayout, wShape: ws } = convWeightInfo(wShape, options, op);
  const [N, H, W, C] = layout === 'NHWC' ? xs : [xs[0], xs[2], xs[3], xs[1]];
  if (C % groups !== 0) throw new ShapeError(op, `the ${C} input channels cannot be split into groups = ${groups}.`, `use a groups value that divides C = ${C} (and M = ${M}).`);
  const Cg = C / groups;
  if (Cw !== Cg) {
    throw new ShapeError(
      op,
      groups === 1
        ? `depth of input (${C}) must match input depth for filter ${Cw} (w shape ${fmt(ws)}, ${weightLayout}).`
        : `depth of input (${C}) split into ${groups} groups gives ${Cg} channels per group, but the filter has input depth ${Cw} (w shape ${fmt(ws)}, ${weightLayout}).`,
      C % Cw === 0 && M % (C / Cw) === 0 ? `pass groups = ${C / Cw} for filters of input depth ${Cw}, or give w an input depth of ${Cg}.` : `give w an input depth of C/groups = ${Cg}, or check layout ('${layout}') and weightLayout ('${weightLayout}').`,
    );
  }

  const strides = pair(op, 'strides', options.strides ?? 1, 'pass strides as an integer >= 1 or [sh, sw].');
  const dilations = pair(op, 'dilations', options.dilations ?? 1, 'pass dilations as an integer >= 1 or [dh, dw].');
  const p = options.pads ?? 'valid';
  let pads: [number, number, number, number];
  let padMode: Conv2DInfo['padMode'] = 'explicit';
  if (p === 'valid' || p === 'same_upper' || p === 'same_lower') {
    padMode = p;
    const [t, b] = autoPad(p, H, R, strides[0], dilations[0]);
    const [l, r] = autoPad(p, W, S, strides[1], dilations[1]);
    pads = [t, l, b, r];
  } else {
    const arr = typeof p === 'number' ? [p, p, p, p] : p;
    if (!Array.isArray(arr) || arr.length !== 4 || arr.some((v) => typeof v !== 'number')) {
      throw new ValueError(op, `pads = ${fmt(p)} is neither [top, left, bottom, right] nor an auto_pad mode.`, "pass four integers >= 0, one integer, or 'valid' / 'same_upper' / 'same_lower'.");
    }
    for (const v of arr) {
      if (!Number.isInteger(v) || v < 0) throw new ValueError(op, `pads = ${fmt(p)}: every pad must be an integer >= 0.`, 'pass non-negative whole pads [top, left, bottom, right] (negative pads would crop; crop the input instead).');
    }
    pads = [arr[0], arr[1], arr[2], arr[3]];
  }

  const effR = (R - 1) * dilations[0] + 1;
  const effS = (S - 1) * dilations[1] + 1;
  const padH = H + pads[0] + pads[2];
  const padW = W + pads[1] + pads[3];
  if (effR > padH || effS > padW) {
    throw new ShapeError(
      op,
      `the ${R}x${S} filter${dilations[0] * dilations[1] > 1 ? ` (dilated to ${effR}x${effS})` : ''} is larger than the padded input ${padH}x${padW} (input ${H}x${W}, pads ${fmt(pads)}), so the output would be empty.`,
      'use a smaller kernel or dilation, a larger input, or more padding (e.g. pads: \'same_upper\').',
    );
  }
  const E = Math.floor((padH - effR) / strides[0]) + 1;
  const F = Math.floor((padW - effS) / strides[1]) + 1;
  const K = R * S * Cg;
  const depthwise = groups === C;
  return {
    N, H, W, C, M, R, S, E, F,
    strides, dilations, pads, padMode, groups, Cg, Mg,
    depthwise,
    depthMultiplier: depthwise ? M / C : 0,
    K,
    macs: N * M * E * F * K,
    layout, weightLayout,
    xShape: xs,
    wShape: ws,
    yShape: layout === 'NHWC' ? [N, E, F, M] : [N, M, E, F],
  };
}

/**
 * Reference pooling on NHWC int8/uint8 tensors: the spec of assembly/ops/pool.ts.
 * Windows start at (oh * strideH - padTop, ow * strideW - padLeft); positions outside the input
 * are padding.
 * - Max pool: padding never wins (it is -infinity).
 * - Average pool: y = roundHalfEven(S / cnt) in exact integer arithmetic, S = sum of the window's
 *   input values, plus the zero point for each counted padded position (real 0); cnt = number of
 *   input positions (`countIncludePad` false) or of window positions inside the padded input
 *   (`countIncludePad` true; ONNX count_include_pad, clipped like onnxruntime in ceil mode).
 *   No rescale: the output keeps the input's scale and zero point.
 * @module
 */

/** Geometry of a 2-D pooling call (output size already resolved). */
export interface PoolGeometry {
  N: number;
  H: number;
  W: number;
  C: number;
  OH: number;
  OW: number;
  kernel: readonly [number, number];
  strides: readonly [number, number];
  /** [top, left, bottom, right]. */
  pads: readonly [number, number, number, number];
  /** Max pool only; default [1, 1]. */
  dilations?: readonly [number, number];
}

/** roundHalfEven(s / d) for integers s and d > 0, exactly (no float rounding decides the result). */
export function divRoundHalfEven(s: number, d: number): number {
  let q = Math.floor(s / d);
  let r = s - q * d;
  while (r < 0) { q -= 1; r += d; }
  while (r >= d) { q += 1; r -= d; }
  if (2 * r > d || (2 * r === d && q % 2 !== 0)) q += 1;
  return q;
}

function output<A extends Int8Array | Uint8Array>(x: A, g: PoolGeometry): A {
  return (x instanceof Int8Array ? new Int8Array(g.N * g.OH * g.OW * g.C) : new Uint8Array(g.N * g.OH * g.OW * g.C)) as A;
}

/** Reference max pooling. Every window must hold at least one input element. */
export function maxPool2dRef<A extends Int8Array | Uint8Array>(x: A, g: PoolGeometry): A {
  const y = output(x, g);
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.strides;
  const [dh, dw] = g.dilations ?? [1, 1];
  for (let n = 0; n < g.N; n++) {
    for (let oh = 0; oh < g.OH; oh++) {
      for (let ow = 0; ow < g.OW; ow++) {
        for (let c = 0; c < g.C; c++) {
          let m = -Infinity;
          for (let i = 0; i < kh; i++) {
            for (let j = 0; j < kw; j++) {
              const ih = oh * sh - g.pads[0] + i * dh;
              const iw = ow * sw - g.pads[1] + j * dw;
              if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
              m = Math.max(m, x[((n * g.H + ih) * g.W + iw) * g.C + c]);
            }
          }
          if (m === -Infinity) throw new Error('maxPool2dRef: empty window');
          y[((n * g.OH + oh) * g.OW + ow) * g.C + c] = m;
        }
      }
    }
  }
  return y;
}

/** Reference average pooling (round half to even, see the module comment). */
export function avgPool2dRef<A extends Int8Array | Uint8Array>(x: A, g: PoolGeometry, countIncludePad: boolean, zeroPoint: number): A {
  const y = output(x, g);
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.strides;
  const [pt, pl, pb, pr] = g.pads;
  for (let n = 0; n < g.N; n++) {
    for (let oh = 0; oh < g.OH; oh++) {
      for (let ow = 0; ow < g.OW; ow++) {
        for (let c = 0; c < g.C; c++) {
          let s = 0;
          let cnt = 0;
          for (let i = 0; i < kh; i++) {
            for (let j = 0; j < kw; j++) {
              const ih = oh * sh - pt + i;
              const iw = ow * sw - pl + j;
              if (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W) {
                s += x[((n * g.H + ih) * g.W + iw) * g.C + c];
                cnt++;
              } else if (countIncludePad && ih < g.H + pb && iw < g.W + pr) {
                s += zeroPoint; // a padded position inside the padded input: real 0
                cnt++;
              }
            }
          }
          if (cnt === 0) throw new Error('avgPool2dRef: empty window');
          y[((n * g.OH + oh) * g.OW + ow) * g.C + c] = divRoundHalfEven(s, cnt);
        }
      }
    }
  }
  return y;
}

/** Plain reference of quantised ReLU: y = max(x, zeroPoint). */
export function reluRef<A extends Int8Array | Uint8Array>(x: A, zeroPoint: number): A {
  const y = x.slice() as A;
  for (let i = 0; i < y.length; i++) if (y[i] < zeroPoint) y[i] = zeroPoint;
  return y;
}

/** Plain reference of quantised clamp: y = min(max(x, qmin), qmax). */
export function clampRef<A extends Int8Array | Uint8Array>(x: A, qmin: number, qmax: number): A {
  const y = x.slice() as A;
  for (let i = 0; i < y.length; i++) y[i] = Math.min(qmax, Math.max(qmin, y[i]));
  return y;
}

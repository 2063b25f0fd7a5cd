/**
 * The one seeded PRNG of the package (mulberry32): seeded weights, synthetic data, stochastic
 * rounding. Same seed, same sequence, on every runtime.
 * @module
 */

/** Returns a generator of floats in [0, 1) determined by `seed` (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

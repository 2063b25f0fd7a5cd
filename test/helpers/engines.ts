/**
 * Every build this runtime can run, instantiated once per test file, and the comparison that
 * fails with "not all paths agree" (ruy's convention): which builds agree with the reference and
 * the first differing index with both values.
 */
import { expect } from 'vitest';
import { detectIsas, init, ISAS, type Engine, type Isa } from '../../src/index.js';

export async function allEngines(): Promise<Engine[]> {
  const available = detectIsas();
  // The test runner passes --experimental-wasm-relaxed-simd, so all three builds must be present.
  expect(available, 'tests run with all three builds').toEqual({ scalar: true, simd: true, relaxed: true });
  return Promise.all(ISAS.map((isa) => init({ isa })));
}

type Numeric = ArrayLike<number>;

function firstDiff(a: Numeric, b: Numeric): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return i;
  return -1;
}

/**
 * Asserts that every build's result equals the reference bit for bit. On a mismatch the message
 * lists which builds agree and, for each that does not, the first differing index and both values.
 */
export function expectAllAgree(what: string, reference: Numeric, results: Partial<Record<Isa, Numeric>>): void {
  const lines: string[] = [];
  const agree: string[] = [];
  for (const [isa, r] of Object.entries(results) as [Isa, Numeric][]) {
    const i = firstDiff(r, reference);
    if (i < 0) agree.push(isa);
    else if (r.length !== reference.length) lines.push(`  ${isa}: length ${r.length} vs reference ${reference.length}`);
    else lines.push(`  ${isa}: first difference at index ${i}: got ${r[i]}, reference ${reference[i]}`);
  }
  if (lines.length) {
    expect.fail(`${what}: not all paths agree. Agree with the reference: [${agree.join(', ') || 'none'}]\n${lines.join('\n')}`);
  }
}

/** A small deterministic PRNG (mulberry32) for test data: the package's own. */
export { seededRandom as rng } from '../../src/util/random.js';

/** Random integers in [lo, hi] into a typed array. */
export function fillInts<A extends Int8Array | Uint8Array | Int16Array | Int32Array>(a: A, lo: number, hi: number, rand: () => number): A {
  for (let i = 0; i < a.length; i++) a[i] = lo + Math.floor(rand() * (hi - lo + 1));
  return a;
}

/**
 * Runs `fn` on every engine and returns each result as a host array keyed by build, freeing the
 * tensors and asserting that the call leaked no allocation.
 */
export function perBuild(engines: readonly Engine[], fn: (e: Engine) => { toArray(): ArrayLike<number>; dispose(): void }): Record<string, ArrayLike<number>> {
  return Object.fromEntries(
    engines.map((e) => {
      const live = e.heap.liveCount;
      const y = fn(e);
      const out = y.toArray();
      y.dispose();
      expect(e.heap.liveCount, `${e.isa}: no leaked allocation`).toBe(live);
      return [e.isa, out];
    }),
  );
}

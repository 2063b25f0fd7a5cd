/**
 * Packed weight objects are frozen where their fields size or address a kernel's reads: a caller
 * (or a crafted model loader) that writes to them gets a TypeError, and the object keeps working
 * bit-exactly. The CSR host index copies are not reachable at all.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  conv2d, conv2dAuto, conv2dCsr, conv2dZeroSkip, denseToCsr, matmul, packAutoWeights, packBits, packConvWeights, packCsrWeights, packWeights, packZeroSkipWeights, type Engine,
} from '../../src/index.js';
import { allEngines, fillInts, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

/** Every assignment must throw (ESM test files run in strict mode) and change nothing. */
function expectFrozen(obj: object, writes: Record<string, (o: any) => void>): void {
  for (const [what, write] of Object.entries(writes)) expect(() => write(obj), what).toThrow(TypeError);
}

describe('packed weights resist outside writes', () => {
  it('PackedWeights, PackedConvWeights, PackedZeroSkipWeights, PackedCsrWeights, PackedBits', () => {
    const rand = rng(8);
    const a = { data: fillInts(new Uint8Array(5 * 24), 0, 255, rand), shape: [5, 24] };
    const b = { data: fillInts(new Int8Array(24 * 7), -128, 127, rand), shape: [24, 7] };
    const x = { data: fillInts(new Uint8Array(6 * 6 * 16), 0, 255, rand).map((v) => (v < 128 ? 0 : v)), shape: [1, 6, 6, 16] };
    const w = { data: fillInts(new Int8Array(16 * 9 * 16), -128, 127, rand).map((v, i) => (i % 3 ? 0 : v)), shape: [16, 3, 3, 16] };
    for (const e of engines) {
      const pw = packWeights(e, b, { layout: 'kn' });
      const want = matmul(e, a, b, { layout: 'kn' }).toArray();
      expectFrozen(pw, { N: (o) => (o.N = 1e6), K: (o) => (o.K = 1e6), ptr: (o) => (o.ptr = 0), newField: (o) => (o.extra = 1) });
      expect(Array.from(matmul(e, a, pw).toArray())).toEqual(Array.from(want));
      pw.dispose();
      expect(pw.disposed).toBe(true); // dispose still works on the frozen object

      const pc = packConvWeights(e, w);
      const wantConv = conv2d(e, x, w, { pads: 1 }).toArray();
      expectFrozen(pc, { M: (o) => (o.M = 1e6), groupOffsets: (o) => (o.groupOffsets[0] = 1e9), wShape: (o) => (o.wShape[0] = 99), colSumsOffset: (o) => (o.colSumsOffset = -4) });
      expect(Array.from(conv2d(e, x, pc, { pads: 1 }).toArray())).toEqual(Array.from(wantConv));
      pc.dispose();

      if (e.isa !== 'scalar') {
        const pz = packZeroSkipWeights(e, w);
        expectFrozen(pz, { groupBytes: (o) => (o.groupBytes = 1e9), Cg: (o) => (o.Cg = 1e4), wShape: (o) => (o.wShape[3] = 1) });
        const r = conv2dZeroSkip(e, x, pz, { pads: 1 });
        expect(Array.from(r.y.toArray())).toEqual(Array.from(wantConv));
        r.y.dispose();
        pz.dispose();
      }

      const csr = packCsrWeights(e, denseToCsr(w.data, w.shape as [number, number, number, number]));
      expect('rowPtr' in csr || 'colIdx' in csr).toBe(false);
      expectFrozen(csr, { rows: (o) => (o.rows = 1e6), cols: (o) => (o.cols = 1e6), panels: (o) => (o.panels = 99), offsets: (o) => (o.offsets.colIdx = 0), offsetsObject: (o) => (o.offsets = {}) });
      const live = e.heap.liveCount;
      const rc = conv2dCsr(e, x, csr, { pads: 1 });
      expect(Array.from(rc.y.toArray())).toEqual(Array.from(wantConv));
      rc.y.dispose();
      expect(e.heap.liveCount).toBe(live);
      csr.dispose();

      const aw = packAutoWeights(e, w, { forms: ['dense', 'csr'] });
      expect([...aw.forms].sort()).toEqual(['csr', 'dense']);
      (aw.forms as Set<string>).add('zeroskip'); // a fresh set per read: this changes nothing
      expect(aw.forms.has('zeroskip')).toBe(false);
      expectFrozen(aw, { csr: (o) => (o.csr = undefined), dense: (o) => (o.dense = undefined), shape: (o) => (o.shape[0] = 1), density: (o) => (o.density = 0) });
      const ra = conv2dAuto(e, x, aw, { pads: 1, use: 'csr' });
      expect(Array.from(ra.y.toArray())).toEqual(Array.from(wantConv));
      ra.y.dispose();
      expect(() => conv2dAuto(e, x, aw, { pads: 1, use: 'zeroskip' })).toThrow(/keep only/);
      aw.dispose();

      const bits = packBits(e, { data: Float32Array.from({ length: 4 * 70 }, (_, i) => (i % 3 ? 1 : -1)), shape: [4, 70] });
      expectFrozen(bits, { rows: (o) => (o.rows = 1e6), wordsPerRow: (o) => (o.wordsPerRow = 1e6), shape: (o) => (o.shape[0] = 9) });
      bits.dispose();
    }
  });
});

/**
 * q8_count_ne (assembly/common/scan.ts): the density scan of the automatic kernel choice and of
 * runNetwork's statistics, on every build against a plain count; and activationDensity's Wasm path
 * against its JavaScript path.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { activationDensity, type Engine } from '../../src/index.js';
import { allEngines, expectAllAgree, rng } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

const countNe = (d: Uint8Array, zp: number) => d.reduce((n, v) => n + (v !== (zp & 0xff) ? 1 : 0), 0);

describe('q8_count_ne', () => {
  it('counts bytes that differ from the zero point at every length, offset and zero point', () => {
    const rand = rng(21);
    // lengths around the 16-byte vector and the 255-vector widening block (4080 bytes)
    const lengths = [0, 1, 15, 16, 17, 31, 33, 4079, 4080, 4081, 4096, 16 * 255 * 2 + 3, 16 * 256 + 5];
    for (const n of lengths) {
      for (const offset of [0, 1, 7]) {
        for (const zp of [0, 128, 255, -128, -1]) {
          for (const fill of ['random', 'allEqual', 'noneEqual'] as const) {
            const d = new Uint8Array(n);
            for (let i = 0; i < n; i++) d[i] = fill === 'allEqual' ? zp & 0xff : fill === 'noneEqual' ? (zp + 1) & 0xff : rand() < 0.5 ? zp & 0xff : (rand() * 256) | 0;
            const results: Record<string, number[]> = {};
            for (const e of engines) {
              const t = e.tensor('uint8', [n + offset + 1]); // tensors are never empty; the byte past the range is not read
              t.data[n + offset] = (zp + 1) & 0xff;
              t.data.set(d, offset);
              results[e.isa] = [e.kernels.q8_count_ne(t.ptr + offset, n, zp)];
              t.dispose();
            }
            expectAllAgree(`n=${n} offset=${offset} zp=${zp} ${fill}`, [countNe(d, zp)], results);
          }
        }
      }
    }
  });

  it('activationDensity gives the same density from Wasm (engine tensor) as from JavaScript, int8 and uint8', () => {
    const rand = rng(5);
    for (const e of engines) {
      for (const dtype of ['int8', 'uint8'] as const) {
        const n = 5003;
        const zp = dtype === 'int8' ? -7 : 200;
        const data = dtype === 'int8' ? new Int8Array(n) : new Uint8Array(n);
        for (let i = 0; i < n; i++) data[i] = rand() < 0.3 ? zp : (((rand() * 256) | 0) - (dtype === 'int8' ? 128 : 0));
        const t = e.tensor(dtype, [1, n], data);
        const js = activationDensity({ data, shape: [1, n] }, zp);
        expect(activationDensity(t, zp, e)).toBe(js);
        expect(activationDensity(t, zp)).toBe(js); // no engine: the JavaScript path over the view
        t.dispose();
        expect(activationDensity({ data: data.subarray(0, 0), shape: [0] }, zp, e)).toBe(0);
      }
    }
  });
});

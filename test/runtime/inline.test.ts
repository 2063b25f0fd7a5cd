/**
 * The `macflow/inline` entry (dist/inline.js, written by scripts/inline-wasm.mjs): all three builds
 * embedded as base64, so it must work with no wasm/ folder, no filesystem access and no fetch.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Engine, InitOptions, relu as reluFn } from '../../src/index.js';
import { reluRef } from '../../src/reference/index.js';
import { expectAllAgree, fillInts, rng } from '../helpers/engines.js';

interface InlineModule {
  init(options?: Omit<InitOptions, 'wasm'>): Promise<Engine>;
  relu: typeof reluFn;
}

const root = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;
let inline: InlineModule;

beforeAll(async () => {
  // A copy of dist/ WITHOUT wasm/ next to it: the packaged-URL path cannot succeed there.
  dir = mkdtempSync(join(tmpdir(), 'macflow-inline-'));
  cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  // Only for the source maps (they point at ../src); nothing imports it.
  symlinkSync(join(root, 'src'), join(dir, 'src'), 'dir');
  inline = (await import(/* @vite-ignore */ pathToFileURL(join(dir, 'dist/inline.js')).href)) as InlineModule;
});

afterAll(() => {
  vi.restoreAllMocks();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('macflow/inline', () => {
  it('is exported as ./inline, types first', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.exports['./inline'])).toEqual(['types', 'default']);
    expect(pkg.exports['./inline']).toEqual({ types: './dist/inline.d.ts', default: './dist/inline.js' });
    expect(readFileSync(join(root, 'dist/inline.d.ts'), 'utf8')).toMatch(/export declare function init\(options\?: Omit<InitOptions, 'wasm'>\): Promise<Engine>/);
  });

  it('embeds exactly the current wasm/ builds', () => {
    const js = readFileSync(join(root, 'dist/inline.js'), 'utf8');
    for (const isa of ['scalar', 'simd', 'relaxed']) {
      const m = new RegExp(`  ${isa}: '([A-Za-z0-9+/=]+)',`).exec(js);
      expect(m, `dist/inline.js holds the ${isa} build`).not.toBeNull();
      const bytes = Buffer.from(m![1], 'base64');
      expect(bytes.equals(readFileSync(join(root, `wasm/macflow-${isa}.wasm`))), `${isa} bytes match wasm/macflow-${isa}.wasm`).toBe(true);
    }
  });

  it('initialises every build without reading files or fetching, and runs bit-exact', async () => {
    // Any attempt to reach the filesystem (the loader uses process.getBuiltinModule) or the
    // network fails the test.
    const getBuiltin = vi.spyOn(process, 'getBuiltinModule').mockImplementation(((id: string) => {
      throw new Error(`inline init must not load ${id}`);
    }) as never);
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockImplementation(() => {
      throw new Error('inline init must not fetch');
    });
    try {
      const best = await inline.init();
      expect(best.capabilities()).toMatchObject({ isa: 'relaxed', forced: false, origin: 'bytes' });
      const engines = [await inline.init({ isa: 'scalar' }), await inline.init({ isa: 'simd' }), best];
      expect(engines.map((e) => [e.isa, e.kernels.buildIsa()])).toEqual([['scalar', 0], ['simd', 1], ['relaxed', 2]]);
      const data = fillInts(new Int8Array(37), -128, 127, rng(37));
      const ref = reluRef(data, -5);
      expectAllAgree('inline relu', ref, Object.fromEntries(engines.map((e) => [e.isa, inline.relu(e, { data, shape: [37] }, { zeroPoint: -5 }).toArray()])));
      expect(getBuiltin).not.toHaveBeenCalled();
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      getBuiltin.mockRestore();
      fetchSpy.mockRestore();
    }
  });

  it('refuses an unknown build with the main entry\'s typed error', async () => {
    await expect(inline.init({ isa: 'avx' as never })).rejects.toMatchObject({ name: 'ValueError' });
  });
});

/**
 * Bundler check: a tiny app that imports `macflow` (installed as a dependency, resolved through
 * package.json exports) built with Vite (the copy vitest already depends on). Vite must see the
 * literal `new URL('../../wasm/…', import.meta.url)` in dist/runtime/load.js and emit the three
 * builds as assets, byte for byte; and the `macflow/inline` entry must bundle with no asset at all.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const ISAS = ['scalar', 'simd', 'relaxed'];
let app: string;

/** Builds an app whose main.js is `code`; returns the emitted files (path relative to outDir). */
async function viteBuild(name: string, code: string, assetsInlineLimit?: number): Promise<{ outDir: string; files: string[]; js: string }> {
  const dir = join(app, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'index.html'), '<!DOCTYPE html><html><body><script type="module" src="./main.js"></script></body></html>');
  writeFileSync(join(dir, 'main.js'), code);
  const outDir = join(dir, 'dist');
  await build({ root: dir, configFile: false, logLevel: 'silent', build: { outDir, emptyOutDir: true, minify: false, assetsInlineLimit } });
  const files = readdirSync(outDir, { recursive: true, encoding: 'utf8' });
  const js = files.filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(outDir, f), 'utf8')).join('\n');
  return { outDir, files, js };
}

beforeAll(() => {
  // An app folder with macflow installed the way npm links a local package.
  app = mkdtempSync(join(tmpdir(), 'macflow-vite-'));
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(root, join(app, 'node_modules', 'macflow'), 'dir');
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
});

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

describe('vite build', () => {
  const APP = "import { init, relu } from 'macflow';\nconst mf = await init();\nconsole.log(mf.capabilities().isa, relu(mf, { data: new Int8Array([-1, 2]), shape: [2] }).toArray());\n";

  it('emits the three wasm builds as assets and references them from the bundle', async () => {
    // assetsInlineLimit 0: today's binaries are under Vite's 4 KiB default and would be inlined
    // (next test); real kernel builds are larger and take this path.
    const { outDir, files, js } = await viteBuild('main', APP, 0);
    for (const isa of ISAS) {
      const asset = files.find((f) => new RegExp(`^assets/macflow-${isa}-[\\w-]+\\.wasm$`).test(f));
      expect(asset, `an emitted asset for the ${isa} build among ${files.join(', ')}`).toBeDefined();
      expect(readFileSync(join(outDir, asset!)).equals(readFileSync(join(root, `wasm/macflow-${isa}.wasm`))), `${asset} is the ${isa} build`).toBe(true);
      expect(js, `the bundle references ${asset}`).toContain(asset!.slice('assets/'.length));
    }
    expect(js).not.toMatch(/from\s*['"]node:/);
  }, 60_000);

  it('with default settings each build is emitted or inlined as a data: URL, intact', async () => {
    const { outDir, files, js } = await viteBuild('defaults', APP);
    for (const isa of ISAS) {
      const wasm = readFileSync(join(root, `wasm/macflow-${isa}.wasm`));
      const asset = files.find((f) => new RegExp(`^assets/macflow-${isa}-[\\w-]+\\.wasm$`).test(f));
      if (asset) {
        expect(readFileSync(join(outDir, asset)).equals(wasm)).toBe(true);
      } else {
        // load.js fetches data: URLs like any other (browsers and Node's fetch support them).
        expect(js, `the ${isa} build inlined as a data URL`).toContain(`data:application/wasm;base64,${wasm.toString('base64')}`);
      }
    }
  }, 60_000);

  it('bundles macflow/inline without any wasm asset', async () => {
    const { files, js } = await viteBuild('inline', "import { init } from 'macflow/inline';\nconst mf = await init();\nconsole.log(mf.capabilities().isa);\n");
    expect(files.filter((f) => f.endsWith('.wasm'))).toEqual([]);
    expect(js).toContain('WASM_BASE64');
  }, 60_000);
});

/**
 * What `npm publish` would ship, the package.json fields that make it resolve everywhere, and a
 * scan proving that nothing reachable from the entries statically imports a Node builtin (browser
 * bundlers would fail or polyfill it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('npm pack', () => {
  // --ignore-scripts: pack would otherwise run `prepare` (a full build); globalSetup built already.
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);

  it('ships the entries, their types, the three builds, README and LICENSE', () => {
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/inline.js', 'dist/inline.d.ts', 'dist/reference/index.js', 'wasm/macflow-scalar.wasm', 'wasm/macflow-simd.wasm', 'wasm/macflow-relaxed.wasm', 'README.md', 'LICENSE', 'package.json']) {
      expect(files, `the tarball contains ${f}`).toContain(f);
    }
    expect(files.filter((f) => f.endsWith('.wasm')).sort()).toEqual(['wasm/macflow-relaxed.wasm', 'wasm/macflow-scalar.wasm', 'wasm/macflow-simd.wasm']);
  });

  it('ships no tests, AssemblyScript sources, scripts or configs', () => {
    const bad = files.filter((f) => /^(test|assembly|scripts|bench|src|node_modules|\.ci)\//.test(f) || /^(tsconfig.*|vitest\.config\.ts|asconfig\.json)$/.test(f));
    expect(bad).toEqual([]);
  });

  it('every export target and the types field point at shipped files', () => {
    const targets: string[] = [];
    for (const [key, value] of Object.entries(pkg.exports as Record<string, string | Record<string, string>>)) {
      if (key.includes('*')) continue;
      targets.push(...(typeof value === 'string' ? [value] : Object.values(value)));
    }
    targets.push(pkg.main, pkg.types);
    for (const t of targets) expect(files, `${t} is in the tarball`).toContain(t.replace(/^\.\//, ''));
  });
});

describe('package.json', () => {
  it('is an ESM package without side effects, for Node >= 20.16', () => {
    expect(pkg.type).toBe('module');
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.engines).toEqual({ node: '>=20.16' });
    expect(pkg.license).toBe('MIT');
    expect(pkg.bin).toHaveProperty('macflow');
    expect(pkg.bin.macflow).toMatch(/^\.\/dist\/.+\.js$/);
  });

  it('lists types first in every conditional export (TypeScript picks the first match)', () => {
    for (const [key, value] of Object.entries(pkg.exports as Record<string, unknown>)) {
      if (typeof value !== 'object' || value === null) continue;
      const conditions = Object.keys(value);
      expect(conditions[0], `exports["${key}"]`).toBe('types');
      expect(conditions.at(-1), `exports["${key}"]`).toBe('default');
    }
    expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining(['.', './inline', './package.json']));
  });

  it('has an MIT LICENSE file', () => {
    const license = readFileSync(join(root, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License/);
    expect(license).toMatch(/Copyright \(c\) 2026 macflow contributors/);
  });
});

// Static module specifiers: import/export ... from '...', bare import '...', and import('...') with
// a literal (bundlers follow those too). Comments are stripped first so examples in TSDoc do not count.
const SPECIFIER = /(?:\bimport|\bexport)\s*(?:[\w*{}\s,$]+?\s*from\s*)?['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

function stripComments(js: string): string {
  return js.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"\\])\/\/.*$/gm, '$1');
}

function specifiersIn(js: string): string[] {
  return [...stripComments(js).matchAll(SPECIFIER)].map((m) => m[1] ?? m[2]);
}

function specifiers(file: string): string[] {
  return specifiersIn(readFileSync(file, 'utf8'));
}

/** The ESM file a bare specifier resolves to (exports "import"/"browser"/"default", else module/main). */
function resolveBare(spec: string): string {
  const parts = spec.split('/');
  const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  const sub = '.' + spec.slice(name.length);
  const dir = join(root, 'node_modules', name);
  const p = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  let target: unknown = p.module ?? p.main ?? 'index.js';
  if (typeof p.exports === 'string') target = p.exports;
  else if (p.exports && Object.keys(p.exports).some((k) => k.startsWith('.'))) target = p.exports[sub];
  else if (p.exports) target = p.exports; // a conditions object for "."
  while (typeof target === 'object' && target !== null) {
    const t = target as Record<string, unknown>;
    target = t.import ?? t.browser ?? t.default;
  }
  expect(typeof target, `${spec} resolves to a file`).toBe('string');
  return join(dir, target as string);
}

/** Every file reachable from `entry` by static imports, and the bare specifiers met on the way. */
function graph(entry: string): { files: string[]; bare: Map<string, string> } {
  const seen = new Set<string>();
  const bare = new Map<string, string>();
  const stack = [entry];
  while (stack.length) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const s of specifiers(f)) {
      if (s.startsWith('.') || s.startsWith('/')) {
        const next = s.startsWith('/') ? s : join(dirname(f), s);
        expect(existsSync(next), `${relative(root, f)} imports ${s}, which exists`).toBe(true);
        stack.push(next);
      } else {
        bare.set(s, relative(root, f));
        if (!s.startsWith('node:') && !builtinModules.includes(s)) stack.push(resolveBare(s));
      }
    }
  }
  return { files: [...seen], bare };
}

describe('browser safety of the built entries', () => {
  for (const entry of ['dist/index.js', 'dist/inline.js']) {
    it(`nothing reachable from ${entry} statically imports a Node builtin`, () => {
      const { files, bare } = graph(join(root, entry));
      expect(files.length).toBeGreaterThan(entry === 'dist/index.js' ? 5 : 6);
      const builtins = [...bare].filter(([s]) => s.startsWith('node:') || builtinModules.includes(s)).map(([s, f]) => `${f} imports ${s}`);
      expect(builtins).toEqual([]);
      // The library's only third-party import is the loader (cli-progress is for the CLI only).
      expect([...bare.keys()].sort()).toEqual(['@assemblyscript/loader']);
      for (const dep of bare.keys()) expect(Object.keys(pkg.dependencies ?? {})).toContain(dep);
      for (const f of files) {
        const js = stripComments(readFileSync(f, 'utf8'));
        expect(js, `${relative(root, f)} uses no CommonJS require`).not.toMatch(/\brequire\s*\(/);
      }
    });
  }

  it('the scanner finds imports it must find', () => {
    // Guards the regular expression: a scanner that matches nothing would pass the test above.
    const { files, bare } = graph(join(root, 'dist/index.js'));
    expect(files.map((f) => relative(root, f))).toEqual(expect.arrayContaining(['dist/runtime/engine.js', 'dist/runtime/load.js', 'dist/ops/activation.js']));
    expect(bare.get('@assemblyscript/loader')).toBe('dist/runtime/engine.js');
    const sample = `import { readFile } from 'node:fs/promises';\nimport * as path from "path";\nexport * from './a.js';\nexport { b } from './b.js';\nimport './c.js';\nconst m = await import('node:os');\n// import x from 'commented-out';\n/** import y from 'in-doc'; */`;
    expect(specifiersIn(sample)).toEqual(['node:fs/promises', 'path', './a.js', './b.js', './c.js', 'node:os']);
  });
});

/**
 * Vitest globalSetup: makes sure wasm/ and dist/ are built from the current sources before any
 * test runs. Tests import src/ (which loads wasm/*.wasm) and the browser, package and inline tests
 * use dist/, so a developer who edits assembly/ or src/ gets fresh binaries without remembering to
 * build. Each build step runs only if its outputs are missing or older than its inputs (mtimes),
 * so on a fresh `npm ci` (whose `prepare` already built everything) nothing is rebuilt.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const ISAS = ['scalar', 'simd', 'relaxed'];

/** Newest mtime (ms) of the files and (recursively) directories given relative to the root. */
function newest(paths: string[]): number {
  let t = 0;
  const visit = (p: string): void => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) for (const e of readdirSync(p)) visit(join(p, e));
    else t = Math.max(t, s.mtimeMs);
  };
  for (const p of paths) visit(join(root, p));
  return t;
}

/** Oldest mtime (ms) of the given outputs, or -Infinity if any is missing. */
function oldest(paths: string[]): number {
  let t = Infinity;
  for (const p of paths) {
    const f = join(root, p);
    if (!existsSync(f)) return -Infinity;
    t = Math.min(t, statSync(f).mtimeMs);
  }
  return t;
}

interface Step {
  script: string;
  inputs: string[];
  outputs: string[];
}

// In build order. build:inline embeds the wasm, so it also runs whenever build:wasm does.
const STEPS: Step[] = [
  { script: 'build:wasm', inputs: ['assembly', 'asconfig.json'], outputs: ISAS.map((i) => `wasm/macflow-${i}.wasm`) },
  { script: 'build:ts', inputs: ['src', 'tsconfig.json', 'tsconfig.build.json'], outputs: ['dist/index.js', 'dist/index.d.ts'] },
  { script: 'build:inline', inputs: [...ISAS.map((i) => `wasm/macflow-${i}.wasm`), 'scripts/inline-wasm.mjs'], outputs: ['dist/inline.js', 'dist/inline.d.ts'] },
];

/** The `npm run` scripts that must run for dist/ and wasm/ to match the sources, with why. */
export function staleSteps(): { script: string; why: string }[] {
  const out: { script: string; why: string }[] = [];
  for (const step of STEPS) {
    const built = oldest(step.outputs);
    if (built === -Infinity) out.push({ script: step.script, why: `${step.outputs.join(', ')} missing` });
    else if (newest(step.inputs) > built) out.push({ script: step.script, why: `${step.inputs.join(', ')} changed since the last build` });
    else if (step.script === 'build:inline' && out.some((s) => s.script === 'build:wasm')) out.push({ script: step.script, why: 'the wasm is being rebuilt' });
  }
  return out;
}

export default function setup(): void {
  const steps = staleSteps();
  for (const { script, why } of steps) {
    console.log(`[build] npm run ${script} (${why})`);
    execFileSync('npm', ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
  }
}

/**
 * `macflow bench`: a thin front to the benchmark harness bench/run.js (benny; kernels vs peers).
 * The harness lives in the source checkout only: the npm package ships dist/ and wasm/, not
 * bench/ nor its dev dependencies (benny, onnxruntime-web, tfjs), so an installed macflow prints
 * how to run it from a checkout instead.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, unknownName } from './args.js';

/** Suites of bench/run.js. */
export const BENCH_SUITES = ['kernels', 'sparse', 'binary', 'peers', 'all'] as const;

/** Where bench/run.js is in a source checkout, relative to this file (dist/cli/ or src/cli/). */
export const BENCH_SCRIPT = fileURLToPath(new URL('../../bench/run.js', import.meta.url));

/** What to do when the harness is not there (an installed package). */
export function benchMissingMessage(script: string): string {
  return `the benchmark harness is not part of the installed package (${script} not found): bench/ and its dev dependencies (benny, onnxruntime-web, tfjs) ship only in the source checkout. To run it: clone the macflow repository, then in it 'npm ci' and 'npm run bench -- --suite kernels --quick' (or 'npx macflow bench ...' from there). 'macflow demo' and 'macflow info' work from the installed package.`;
}

/** Options of {@link runBench}. */
export interface BenchCommandOptions {
  suite: string;
  quick: boolean;
  /** Comma-separated workload ids of bench/workloads.mjs (default: all). */
  workload?: string;
  /** Sparse suite: comma-separated networks of the per-network zero-skip sweep (e.g. `vgg16,resnet50,alexnet`). */
  network?: string;
  /** Sparse suite: comma-separated conv layer names of the sweep (`conv3_1` or `vgg16/conv3_1`). */
  layers?: string;
  /** What to print on stdout: the harness's own tables, or its JSON / CSV report. */
  format: 'text' | 'json' | 'csv';
  /** Also write bench.json, bench.csv, bench.md and bench.html (the offline HTML/SVG report) to this directory. */
  out?: string;
  quiet: boolean;
  /** The harness script (default {@link BENCH_SCRIPT}). */
  script?: string;
}

/**
 * Runs bench/run.js in a child process (it restarts itself under the relaxed-SIMD flag). With
 * format json / csv the harness's progress and tables go to stderr (none with `quiet`) and its
 * report file to stdout. Returns the files written to `out`. Throws a CliError (exit 1) when the
 * script is missing or fails.
 */
export function runBench(o: BenchCommandOptions): { stdout: string; written: string[] } {
  if (!(BENCH_SUITES as readonly string[]).includes(o.suite)) throw unknownName('suite', o.suite, BENCH_SUITES);
  const script = o.script ?? BENCH_SCRIPT;
  if (!existsSync(script)) throw new CliError(benchMissingMessage(script), 1);
  const args = [script, '--suite', o.suite, ...(o.quick ? ['--quick'] : []), ...(o.workload ? ['--workload', o.workload] : []), ...(o.network ? ['--network', o.network] : []), ...(o.layers ? ['--layers', o.layers] : [])];
  const tmp = o.format !== 'text' ? mkdtempSync(join(tmpdir(), 'macflow-bench-')) : undefined;
  const report = tmp ? join(tmp, `bench.${o.format}`) : undefined;
  const written = o.out ? (['json', 'csv', 'md', 'html'] as const).map((x) => join(o.out!, `bench.${x}`)) : [];
  if (o.out) args.push('--json', written[0], '--csv', written[1], '--md', written[2], '--html', written[3]);
  // With --out, the stdout report is a copy of the file written there.
  const target = report && o.out ? written[o.format === 'json' ? 0 : 1] : report;
  if (report && !o.out) args.push(`--${o.format}`, report);
  try {
    const r = spawnSync(process.execPath, args, { stdio: ['ignore', o.format === 'text' ? 'inherit' : o.quiet ? 'ignore' : 2, o.quiet && o.format !== 'text' ? 'ignore' : 'inherit'] });
    if (r.error) throw new CliError(`could not start ${script}: ${r.error.message}`, 1);
    if (r.status !== 0) throw new CliError(`${script} failed with exit code ${r.status ?? r.signal}; its message is above${o.quiet ? ' (run without --quiet to see it)' : ''}. From a checkout, 'npm run build' first if dist/ is missing, and 'npm ci' for benny.`, 1);
    return { stdout: target ? readFileSync(target, 'utf8') : '', written };
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

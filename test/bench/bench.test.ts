// Smoke test of `npm run bench`: a quick kernels-only run on two small workloads must produce a
// well-formed JSON report. No speed assertions (CI machines differ); only shape and sanity.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../bench/run.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'macflow-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Result {
  workload: string;
  case: string;
  kind: string;
  isa: string;
  ms: number;
  gops: number;
  samples: number;
  peakFraction: Record<string, number>;
  firstRun?: { initMs: number; createMs: number; firstCallMs: number; firstMs: number };
  error?: string;
}

describe('bench/run.js --quick --suite kernels', () => {
  it('writes a JSON report with machine line, peaks and positive GOPS per case', async () => {
    const json = join(dir, 'bench.json');
    const md = join(dir, 'bench.md');
    const csv = join(dir, 'bench.csv');
    await run(process.execPath, [script, '--quick', '--suite', 'kernels', '--workload', 'gemm-256,lenet5-conv1', '--json', json, '--md', md, '--csv', csv], { timeout: 50_000 });
    const rep = JSON.parse(readFileSync(json, 'utf8'));

    expect(rep.schemaVersion).toBe(1);
    expect(rep.suite).toBe('kernels');
    expect(rep.threads).toBe(1);
    expect(typeof rep.machine.cpu).toBe('string');
    expect(rep.machine.cores).toBeGreaterThan(0);
    expect(rep.machine.node).toMatch(/^v\d+/);
    expect(rep.machine.loadBefore).toHaveLength(3);
    expect(rep.machine.loadAfter).toHaveLength(3);
    expect(rep.machine.execArgv).toContain('--experimental-wasm-relaxed-simd');
    expect(Object.keys(rep.builds).sort()).toEqual(['relaxed', 'scalar', 'simd']);
    for (const isa of ['scalar', 'simd', 'relaxed']) expect(rep.builds[isa].isa).toBe(isa);
    for (const p of ['scalar', 'i16', 'relaxedI16', 'relaxed']) expect(rep.peaks[p].gops).toBeGreaterThan(0);

    const results: Result[] = rep.results;
    expect(results.filter((r) => r.error)).toEqual([]);
    const ids = (wl: string): string[] => results.filter((r) => r.workload === wl).map((r) => r.case);
    expect(ids('gemm-256')).toEqual(['macflow-scalar', 'macflow-simd', 'macflow-relaxed', 'macflow-relaxed-le127', 'kernel-simd', 'kernel-relaxed', 'kernel-relaxed-le127']);
    expect(ids('lenet5-conv1')).toEqual(['macflow-scalar', 'macflow-simd', 'macflow-relaxed']);
    for (const r of results) {
      expect(r.kind).toBe('macflow');
      expect(r.ms).toBeGreaterThan(0);
      expect(r.gops).toBeGreaterThan(0);
      expect(r.samples).toBeGreaterThan(0);
      expect(Object.values(r.peakFraction).length).toBeGreaterThan(0);
      if (!r.case.startsWith('kernel-')) {
        expect(r.firstRun!.firstMs).toBeGreaterThan(0);
        expect(r.firstRun!.firstMs).toBeGreaterThanOrEqual(r.firstRun!.firstCallMs);
      }
    }
    expect(readFileSync(md, 'utf8')).toContain('| macflow simd |');
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toMatch(/^workload,case,/);
  }, 60_000);
});

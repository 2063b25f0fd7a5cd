// Smoke test of `npm run bench`: a quick kernels-only run on two small workloads must produce a
// well-formed JSON report. No speed assertions (CI machines differ); only shape and sanity.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { findAll, parseXml } from '../helpers/xml.js';

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

interface SparseResult extends Result {
  part: 'zeroSkip' | 'csr';
  density: number;
  densityKind: 'activation' | 'weight';
  baseline?: boolean;
  speedupVsDense: number;
  rmePct: number;
}

describe('bench/run.js --quick --suite sparse', () => {
  it('times dense vs zero-skip and dense vs CSR per density and writes a well-formed HTML report', async () => {
    const json = join(dir, 'sparse.json');
    const html = join(dir, 'sparse.html');
    const csv = join(dir, 'sparse.csv');
    await run(process.execPath, [script, '--quick', '--suite', 'sparse', '--workload', 'lenet5-conv1', '--json', json, '--csv', csv, '--html', html], { timeout: 50_000 });
    const rep = JSON.parse(readFileSync(json, 'utf8'));
    expect(rep.suite).toBe('sparse');
    expect(typeof rep.machine.cpu).toBe('string');
    expect(rep.isas).toEqual(['simd']);

    const results: SparseResult[] = rep.results;
    expect(results.filter((r) => r.error)).toEqual([]);
    const cases = (part: string, d: number): string[] => results.filter((r) => r.part === part && r.density === d).map((r) => r.case);
    for (const d of [1, 0.5, 0.1]) expect(cases('zeroSkip', d)).toEqual(['dense-simd', 'zeroskip-simd']);
    for (const d of [1, 0.1]) expect(cases('csr', d)).toEqual(['dense-simd', 'csr-simd']);
    for (const r of results) {
      expect(r.workload).toBe('lenet5-conv1');
      expect(r.densityKind).toBe(r.part === 'zeroSkip' ? 'activation' : 'weight');
      expect(r.ms).toBeGreaterThan(0);
      expect(r.gops).toBeGreaterThan(0);
      expect(r.samples).toBeGreaterThan(0);
      expect(Number.isFinite(r.rmePct)).toBe(true);
      expect(r.firstRun!.firstMs).toBeGreaterThanOrEqual(r.firstRun!.firstCallMs);
      // speedup = the group's dense median / this median
      const base = results.find((b) => b.baseline && b.part === r.part && b.density === r.density)!;
      expect(r.speedupVsDense).toBeCloseTo(base.ms / r.ms, 9);
    }
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toMatch(/^workload,case,label,kind,isa,macs,.*,error,part,density,densityKind,speedupVsDense$/m);

    const doc = parseXml(readFileSync(html, 'utf8'));
    const svgs = findAll(doc, 'svg');
    // throughput bars for both parts, speedup-vs-density for both parts
    expect(svgs).toHaveLength(4);
    expect(findAll(doc, 'rect', 'bar').length).toBeGreaterThanOrEqual(results.length);
    const ideal = findAll(doc, 'polyline', 'line').filter((l) => l.attrs['data-name'] === 'ideal 1/density');
    expect(ideal).toHaveLength(2);
    // one point per sparse (non-baseline) case
    expect(findAll(doc, 'circle', 'point')).toHaveLength(results.filter((r) => !r.baseline).length);
    // the table: one row per case
    expect(findAll(doc, 'tr').length).toBe(results.length + 1);
  }, 60_000);
});

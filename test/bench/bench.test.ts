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
    // --no-peers: ORT-web in the zero-skip groups is covered by the sweep test below.
    await run(process.execPath, [script, '--quick', '--suite', 'sparse', '--workload', 'lenet5-conv1', '--no-peers', '--json', json, '--csv', csv, '--html', html], { timeout: 50_000 });
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
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toMatch(/^workload,case,label,kind,isa,macs,.*,error,part,density,densityKind,speedupVsDense,network,sharedLayers$/m);

    const doc = parseXml(readFileSync(html, 'utf8'));
    const svgs = findAll(doc, 'svg');
    // throughput bars and speedup-vs-density for both parts, then the modelled accelerator's cycles, roofline, energy
    expect(svgs).toHaveLength(4 + 3);
    expect(findAll(doc, 'rect', 'bar').length).toBeGreaterThanOrEqual(results.length);
    const ideal = findAll(doc, 'polyline', 'line').filter((l) => l.attrs['data-name'] === 'ideal 1/density');
    expect(ideal).toHaveLength(2);
    // one speedup point per sparse (non-baseline) case; the roofline: zascad + zascas at 3 densities, one layer
    const fig = (id: string) => findAll(doc, 'figure').find((f) => f.attrs.id === id)!;
    expect(findAll(fig('speedup-zeroSkip'), 'circle', 'point').length + findAll(fig('speedup-csr'), 'circle', 'point').length).toBe(results.filter((r) => !r.baseline).length);
    expect(findAll(fig('accel-roofline'), 'circle', 'point')).toHaveLength(4);
    // the table: one row per case
    expect(findAll(findAll(doc, 'table').find((t) => t.attrs.id === 'cases')!, 'tr').length).toBe(results.length + 1);
  }, 60_000);
});

interface SweepResult extends SparseResult {
  kind: string;
  sweep: boolean;
  network: string;
  layers: string[];
  speedup: Record<string, number>;
}

describe('bench/run.js --quick --suite sparse --network (the per-network sweep)', () => {
  it('times dense, zero-skip and ORT-web int8 per distinct layer shape, with the vs-ORT ratio, the model and its HTML sections', async () => {
    const json = join(dir, 'sweep.json');
    const html = join(dir, 'sweep.html');
    const csv = join(dir, 'sweep.csv');
    // res2a_branch2c: 56x56x64 -> 256, 1x1 (51 MMAC), the shape of three more ResNet-50 layers
    await run(process.execPath, [script, '--quick', '--suite', 'sparse', '--network', 'resnet50', '--layers', 'res2a_branch2c', '--json', json, '--csv', csv, '--html', html], { timeout: 50_000 });
    const rep = JSON.parse(readFileSync(json, 'utf8'));
    const results: SweepResult[] = rep.results;
    expect(results.filter((r) => r.error)).toEqual([]);
    expect(results.every((r) => r.part === 'zeroSkip')).toBe(true); // the sweep leaves CSR out
    const id = 'resnet50/res2a_branch2c';
    expect(rep.workloads.map((w: { id: string }) => w.id)).toEqual([id]);
    expect(rep.workloads[0]).toMatchObject({ h: 56, w: 56, cin: 64, cout: 256, kh: 1, kw: 1, stride: 1, groups: 1, macs: 56 * 56 * 64 * 256 });
    for (const d of [1, 0.5, 0.1]) expect(results.filter((r) => r.density === d).map((r) => r.case)).toEqual(['dense-simd', 'zeroskip-simd', 'ort-int8']);
    for (const r of results) {
      expect(r).toMatchObject({ workload: id, sweep: true, network: 'resnet50' });
      expect(r.layers).toEqual(['resnet50/res2a_branch2c', 'resnet50/res2a_branch1', 'resnet50/res2b_branch2c', 'resnet50/res2c_branch2c']);
      expect(r.gops).toBeGreaterThan(0);
      expect(r.firstRun).toBeUndefined(); // no first-run children in the sweep
      const ort = results.find((o) => o.case === 'ort-int8' && o.density === r.density)!;
      if (r.kind === 'peer') expect(r.speedup['ort-int8']).toBeUndefined();
      else expect(r.speedup['ort-int8']).toBeCloseTo(ort.ms / r.ms, 9); // the vs-ORT ratio of effective throughputs
    }
    expect(rep.targets.map((t: { id: string }) => t.id)).toContain('zeroskip-vs-ort-int8-0.5');
    const head = readFileSync(csv, 'utf8').split('\n')[0].split(',');
    const row = readFileSync(csv, 'utf8').split('\n')[2].split(','); // zeroskip-simd at density 1
    expect(Number(row[head.indexOf('vsOrtInt8')])).toBeGreaterThan(0);

    // the model: zascad and zascas at each density, on the same data (measured input densities)
    const acc = rep.accelerator;
    expect(acc.preset).toBe('zasca');
    expect(acc.runs.map((x: { dataflow: string; density: number }) => `${x.dataflow}@${x.density}`)).toEqual(['zascad@1', 'zascas@1', 'zascad@0.5', 'zascas@0.5', 'zascad@0.1', 'zascas@0.1']);
    for (const x of acc.runs) {
      const l = x.report.layers[0];
      expect(l.layer.name).toBe(id);
      expect(l.densities.source).toBe('measured');
      expect(l.densities.input).toBeCloseTo(x.density, 3);
    }
    const cyc = (df: string, d: number) => acc.runs.find((x: { dataflow: string; density: number }) => x.dataflow === df && x.density === d).report.totals.cycles.total;
    expect(cyc('zascas', 0.1)).toBeLessThan(cyc('zascas', 0.5));
    expect(cyc('zascas', 0.5)).toBeLessThan(cyc('zascad', 0.5));

    const doc = parseXml(readFileSync(html, 'utf8')); // throws unless the page (and every SVG in it) is well-formed
    expect(findAll(doc, 'script')).toHaveLength(0);
    const fig = (fid: string) => findAll(doc, 'figure').find((f) => f.attrs.id === fid)!;
    for (const fid of ['vs-ort-zeroSkip', 'accel-cycles', 'accel-roofline', 'accel-energy-totals']) expect(findAll(fig(fid), 'svg'), fid).toHaveLength(1);
    // vs ORT: one point per zero-skip case and density, and the target line
    expect(findAll(fig('vs-ort-zeroSkip'), 'circle', 'point')).toHaveLength(3);
    expect(findAll(fig('vs-ort-zeroSkip'), 'polyline', 'line').map((l) => l.attrs['data-name'])).toContain('targets: 1.5x at 0.5, 2.5x at 0.3');
    // cycles: one bar per layer for zascad and zascas at each density, at the reported value
    const bars = findAll(fig('accel-cycles'), 'rect', 'bar');
    expect(bars.map((b) => b.attrs['data-series'])).toEqual(['zascad', 'zascas @1', 'zascas @0.5', 'zascas @0.1']);
    expect(Number(bars[2].attrs['data-value'])).toBe(cyc('zascas', 0.5));
    expect(findAll(fig('accel-roofline'), 'polyline', 'line').map((l) => l.attrs['data-name'])).toEqual(['attainable roof']);
    // energy: stacked per memory level for the six runs
    expect(new Set(findAll(fig('accel-energy-totals'), 'rect', 'bar').map((b) => b.attrs['data-category'])).size).toBe(6);
    expect(findAll(doc, 'table').find((t) => t.attrs.id === 'accel-table')).toBeDefined();
    // the table notes which layers share the shape
    expect(readFileSync(html, 'utf8')).toContain('resnet50/res2a_branch2c = resnet50/res2a_branch2c, resnet50/res2a_branch1');
  }, 60_000);

  it('--layers naming no conv layer fails with a message', async () => {
    await expect(run(process.execPath, [script, '--quick', '--suite', 'sparse', '--network', 'alexnet', '--layers', 'conv9'], { timeout: 20_000 })).rejects.toThrow(/--layers conv9: no conv layer of alexnet is called that/);
  }, 30_000);
});

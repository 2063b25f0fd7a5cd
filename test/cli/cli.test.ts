/** The command line end to end, from the built dist/ (the globalSetup keeps it fresh). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_OUTPUT_SCHEMAS } from '../../src/cli/schema.js';
import { validateJson } from '../../src/report/json-schema.js';
import { findAll, parseXml } from '../helpers/xml.js';

const MAIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;
// A fresh working directory per call: the demo writes ./macflow-report/ by default, never into the repo.
const run = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 120_000, cwd: mkdtempSync(join(tmpdir(), 'macflow-cwd-')) });

describe('macflow CLI', () => {
  it('demo (the default command) runs LeNet-5 and the ResNet-style blocks dense and zero-skipping, models them, and writes JSON and report.html', () => {
    const out = mkdtempSync(join(tmpdir(), 'macflow-cli-'));
    const r = run('--runs', '1', '--json', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(validateJson(CLI_OUTPUT_SCHEMAS.demo, result)).toEqual([]);
    expect(result).toMatchObject({ schemaVersion: 1, command: 'demo' });
    expect(result.isa).toBe('relaxed'); // the CLI restarts itself with the relaxed-SIMD flag
    expect(result.networks.map((n: { name: string }) => n.name)).toEqual(['lenet5', 'resnet-blocks']);
    const [lenet, resnet] = result.networks;
    expect(lenet.layers.map((l: { name: string }) => l.name)).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'fc1_flatten', 'fc1', 'fc2', 'softmax']);
    const conv1 = lenet.layers[0];
    expect(conv1).toMatchObject({ shape: [1, 24, 24, 20], macs: 24 * 24 * 20 * 25 });
    expect(conv1.denseMs).toBeGreaterThan(0);
    expect(conv1.zeroSkipMs).toBeGreaterThan(0);
    expect(conv1.inputZeroFraction).toBeGreaterThan(0.2); // image background (ring pattern or Fashion-MNIST) is real 0
    for (const n of result.networks) {
      expect(n.outputsAgree).toBe(true);
      expect(n.accelerator.map((t: { dataflow: string }) => t.dataflow)).toEqual(['zascad', 'zascas', 'rs']);
      const zs = n.accelerator[1];
      expect(zs.speedup).toBeGreaterThan(1); // zero skipping on inputs with zeros
      expect(zs.cycles).toBeLessThan(n.accelerator[0].cycles);
      const modelled = n.layers.filter((l: { accelerator?: unknown }) => l.accelerator);
      expect(modelled.map((l: { op: string }) => l.op).every((op: string) => op === 'conv2d' || op === 'dense')).toBe(true);
      // network totals are the sums of the modelled layers
      for (let t = 0; t < 3; t++) expect(modelled.reduce((s: number, l: { accelerator: { cycles: number }[] }) => s + l.accelerator[t].cycles, 0)).toBe(n.accelerator[t].cycles);
      for (const l of modelled) for (const t of l.accelerator) expect(t.utilization).toBeLessThanOrEqual(1);
      const p = n.probabilities as number[];
      expect(p).toHaveLength(10);
      expect(p.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.9);
    }
    expect(resnet.layers.filter((l: { op: string }) => l.op === 'add')).toHaveLength(3);
    expect(result.vgg.macs).toBe(56 * 56 * 256 * 9 * 128);
    expect(result.vgg.ms).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(out, 'demo.json'), 'utf8'))).toEqual(result);
    // demo.csv: one row per node of both networks, every field
    const csv = readFileSync(join(out, 'demo.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('network,layer,op,shape,macs,denseMs,zeroSkipMs,inputZeroFraction,zascadCycles,zascadSpeedup,zascadUtilization,zascadEnergy,zascasCycles,zascasSpeedup,zascasUtilization,zascasEnergy,rsCycles,rsSpeedup,rsUtilization,rsEnergy');
    expect(csv).toHaveLength(1 + lenet.layers.length + resnet.layers.length);
    expect(csv[1].split(',').slice(0, 5)).toEqual(['lenet5', 'conv1', 'conv2d', '1x24x24x20', String(24 * 24 * 20 * 25)]);
    expect(Number(csv[1].split(',')[12])).toBe(conv1.accelerator[1].cycles);
    expect(JSON.parse(readFileSync(join(out, 'report.schema.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(CLI_OUTPUT_SCHEMAS.demo)));
    const doc = parseXml(readFileSync(join(out, 'report.html'), 'utf8'));
    expect(findAll(doc, 'script')).toHaveLength(0);
    // per network: CPU time, zero fraction, then the simulation charts (cycles, utilisation, roofline, energy totals, energy per target)
    expect(findAll(doc, 'svg')).toHaveLength(2 * (2 + 4 + 3));
    expect(findAll(doc, 'figure').map((f) => f.attrs.id)).toContain('resnet-blocks-cycles');
    expect(r.stderr).toMatch(/lenet5: .* runs with the zero-skipping kernel/); // progress goes to stderr
    expect(r.stderr).toMatch(/wrote .*report\.html/);
  });

  it('prints tables within 120 columns, writes ./macflow-report/report.html by default, progress on stderr only, honours --isa', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'macflow-cwd-'));
    const r = spawnSync(process.execPath, [MAIN, 'demo', '--runs', '1', '--isa', 'scalar'], { encoding: 'utf8', timeout: 120_000, cwd });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/scalar build/);
    for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(120);
    expect(r.stdout).toMatch(/^conv1\s+conv2d\s+\[1,24,24,20\]\s+\d+\.\d%\s+\d+\.\d{3}\s+\d+\.\d{3}\s+\d+\.\d{2}x$/m);
    expect(r.stdout).toMatch(/^layer\s+cycles D\s+cycles S\s+cycles RS\s+x S\s+x RS\s+util D\s+util S\s+util RS\s+energy D\s+energy S\s+energy RS$/m);
    expect(r.stdout).toMatch(/D = zascad \(FEIE dense\), S = zascas \(FEIE zero-skipping\), RS = rs/); // the legend
    expect(r.stdout).toMatch(/^TOTAL\s/m);
    // progress (step lines when stderr is not a terminal; the bar with ETA when the run is long) on stderr, never on stdout
    expect(r.stderr).toMatch(/^lenet5: 1 runs with the dense kernels/m);
    expect(r.stdout).not.toMatch(/runs with the|ETA|█/);
    const report = join(cwd, 'macflow-report', 'report.html');
    expect(r.stderr).toContain('wrote macflow-report/report.html');
    expect(findAll(parseXml(readFileSync(report, 'utf8')), 'svg').length).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/outputs agree bit for bit/);
    expect(r.stdout).toMatch(/^vgg16\.conv3_1: conv2d 3x3 pad 1, 128 -> 256, 924,844,032 MACs/m);
  });

  it('demo --no-report writes nothing; --csv prints CSV; --json with --csv is refused', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'macflow-cwd-'));
    const r = spawnSync(process.execPath, [MAIN, 'demo', '--runs', '1', '--no-report', '--csv', '--quiet'], { encoding: 'utf8', timeout: 120_000, cwd });
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(cwd, 'macflow-report'))).toBe(false);
    expect(r.stdout).toMatch(/^network,layer,op,shape,macs,/);
    expect(r.stderr).toBe('');
    const bad = run('demo', '--json', '--csv');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--json and --csv exclude each other/);
  });

  it('info reports the builds and the kernel registry', () => {
    const r = run('info', '--json');
    expect(r.status, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.capabilities.available).toEqual({ scalar: true, simd: true, relaxed: true });
    expect(info.kernels.length).toBeGreaterThan(10);
  });

  it('refuses bad arguments with a message and exit code 2', () => {
    for (const [args, msg] of [
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['--isa', 'avx'], /--isa avx is not a build/],
      [['--runs', '0'], /--runs 0 must be a whole number >= 1/],
      [['--bogus'], /Unknown option '--bogus'/],
    ] as const) {
      const r = run(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: macflow/);
  });
});

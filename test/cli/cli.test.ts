/** The command line end to end, from the built dist/ (the globalSetup keeps it fresh). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_OUTPUT_SCHEMAS } from '../../src/cli/schema.js';
import { validateJson } from '../../src/report/json-schema.js';
import { findAll, parseXml } from '../helpers/xml.js';

const MAIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 120_000 });

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
    expect(JSON.parse(readFileSync(join(out, 'report.schema.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(CLI_OUTPUT_SCHEMAS.demo)));
    const doc = parseXml(readFileSync(join(out, 'report.html'), 'utf8'));
    expect(findAll(doc, 'script')).toHaveLength(0);
    // per network: CPU time, zero fraction, then the simulation charts (cycles, utilisation, roofline, energy totals, energy per target)
    expect(findAll(doc, 'svg')).toHaveLength(2 * (2 + 4 + 3));
    expect(findAll(doc, 'figure').map((f) => f.attrs.id)).toContain('resnet-blocks-cycles');
    expect(r.stderr).toMatch(/lenet5: .* runs with the zero-skipping kernel/); // progress goes to stderr
    expect(r.stderr).toMatch(/wrote .*report\.html/);
  });

  it('prints a table by default and honours --isa', () => {
    const r = run('demo', '--runs', '1', '--isa', 'scalar');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/scalar build/);
    expect(r.stdout).toMatch(/^conv1\s+conv2d\s+\[1,24,24,20\]\s+\d+\.\d%/m);
    expect(r.stdout).toMatch(/zascad cycles\s+zascas cycles\s+rs cycles\s+zascas speedup/);
    expect(r.stdout).toMatch(/^TOTAL\s/m);
    expect(r.stdout).toMatch(/outputs agree bit for bit/);
    expect(r.stdout).toMatch(/^vgg16\.conv3_1: conv2d 3x3 pad 1, 128 -> 256, 924,844,032 MACs/m);
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

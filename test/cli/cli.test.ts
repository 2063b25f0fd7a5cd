/** The command line end to end, from the built dist/ (the globalSetup keeps it fresh). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 120_000 });

describe('macflow CLI', () => {
  it('demo (the default command) runs LeNet-5 and a VGG layer and reports every layer as JSON', () => {
    const out = mkdtempSync(join(tmpdir(), 'macflow-cli-'));
    const r = run('--runs', '1', '--json', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.isa).toBe('relaxed'); // the CLI restarts itself with the relaxed-SIMD flag
    expect(result.layers.map((l: { name: string }) => l.name)).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'fc1', 'fc2', 'softmax', 'vgg16.conv3_1']);
    const conv1 = result.layers[0];
    expect(conv1).toMatchObject({ outputShape: [1, 24, 24, 20], macs: 24 * 24 * 20 * 25 });
    expect(conv1.ms).toBeGreaterThan(0);
    expect(result.layers[7].macs).toBe(56 * 56 * 256 * 9 * 128);
    const p = result.probabilities as number[];
    expect(p).toHaveLength(10);
    expect(p.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.9);
    expect(JSON.parse(readFileSync(join(out, 'demo.json'), 'utf8')).layers).toHaveLength(8);
    expect(r.stderr).toMatch(/LeNet-5/); // progress goes to stderr
  });

  it('prints a table by default and honours --isa', () => {
    const r = run('demo', '--runs', '1', '--isa', 'scalar');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/scalar build/);
    expect(r.stdout).toMatch(/conv1\s+conv2d 5x5, 1 -> 20/);
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

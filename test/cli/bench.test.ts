/** `macflow bench` end to end from the built dist/: the harness in a checkout, the message in an installed package. */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const MAIN = join(ROOT, 'dist/cli/main.js');
const run = (main: string, ...args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
const tmp = () => mkdtempSync(join(tmpdir(), 'macflow-bench-test-'));

describe('macflow bench', () => {
  it('in a checkout runs bench/run.js: --quick --suite kernels on one workload, JSON on stdout, files in --out', async () => {
    const out = tmp();
    const r = await run(MAIN, 'bench', '--suite', 'kernels', '--quick', '--workload', 'lenet5-conv1', '--json', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep).toMatchObject({ suite: 'kernels', quick: true, machine: { threads: 1 } });
    expect(rep.workloads.map((w: { id: string }) => w.id)).toEqual(['lenet5-conv1']);
    const ok = rep.results.filter((x: { error?: string }) => !x.error);
    expect(ok.map((x: { isa: string }) => x.isa)).toEqual(expect.arrayContaining(['scalar', 'simd', 'relaxed']));
    for (const x of ok) expect(x.gops).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8'))).toEqual(rep);
    expect(readFileSync(join(out, 'bench.csv'), 'utf8')).toMatch(/^workload,case,label,kind,isa,macs,ms,gops/);
    expect(existsSync(join(out, 'bench.md'))).toBe(true);
    expect(readFileSync(join(out, 'bench.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect(r.stderr).toMatch(/LeNet-5 conv1/); // the harness's own tables go to stderr
    expect(r.stderr).toMatch(/wrote .*bench\.json/);
  });

  it('in an installed package (no bench/) says how to run it from a checkout, exit 1', async () => {
    // An install as npm lays it out: dist/, wasm/ and package.json, no bench/.
    const pkg = tmp();
    for (const d of ['dist', 'wasm', 'package.json']) cpSync(join(ROOT, d), join(pkg, d), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
    const r = await run(join(pkg, 'dist/cli/main.js'), 'bench', '--suite', 'kernels', '--quick');
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/macflow: the benchmark harness is not part of the installed package \(.*bench\/run\.js not found\)/);
    expect(r.stderr).toMatch(/clone the macflow repository, then in it 'npm ci' and 'npm run bench -- --suite kernels --quick'/);
    // the installed package still runs the rest
    const info = await run(join(pkg, 'dist/cli/main.js'), 'info', '--json');
    expect(info.status, info.stderr).toBe(0);
  });

  it('bad arguments exit 2 with a message before anything runs', async () => {
    const cases: [string[], RegExp][] = [
      [['bench', '--suite', 'fast'], /unknown suite 'fast'.*Known suites: kernels, sparse, binary, peers, all\./],
      [['bench', '--json', '--csv'], /--json and --csv exclude each other/],
      [['bench', '--workers', '2'], /Unknown option '--workers'/],
      [['bench', 'extra'], /unexpected argument 'extra'/],
    ];
    const rs = await Promise.all(cases.map(([a]) => run(MAIN, ...a)));
    for (const [i, [args, msg]] of cases.entries()) {
      expect(rs[i].status, args.join(' ')).toBe(2);
      expect(rs[i].stderr, args.join(' ')).toMatch(msg);
    }
    const help = await run(MAIN, 'bench', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: macflow bench/);
  });
});

/** simulate, summary, trace and schema end to end from the built dist/ (the globalSetup keeps it fresh). */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPUTE_REPORT_HEADER, computeReportCsv } from '../../src/accel/index.js';
import { CLI_OUTPUT_SCHEMAS } from '../../src/cli/schema.js';
import { validateJson } from '../../src/report/json-schema.js';
import { findAll, parseXml } from '../helpers/xml.js';

const MAIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 60_000 });
/** Async spawn, so independent cases run side by side. */
const runAsync = (...args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
const tmp = () => mkdtempSync(join(tmpdir(), 'macflow-cmd-'));
const ok = (r: ReturnType<typeof run>) => {
  expect(r.status, r.stderr).toBe(0);
  return r;
};
const valid = (kind: keyof typeof CLI_OUTPUT_SCHEMAS, text: string) => {
  const v = JSON.parse(text);
  expect(validateJson(CLI_OUTPUT_SCHEMAS[kind], v)).toEqual([]);
  return v;
};

describe('macflow simulate', () => {
  it('runs on its defaults (VGG-16 on zasca, ZASCAD vs ZASCAS) and prints a per-layer table with totals', () => {
    const r = ok(run('simulate'));
    expect(r.stdout).toMatch(/macflow simulate: vgg16 \(16 conv\/fc layers, batch 1\) on zasca/);
    expect(r.stdout).toMatch(/zascad cycles .* zascas cycles .* speedup zascas/);
    expect(r.stdout).toMatch(/^conv1_1\s/m);
    expect(r.stdout).toMatch(/^TOTAL\s.*\d\.\d\dx$/m);
  });

  it('--json with a precision preset (seed-fp8-fp16) validates: arch precision, bits per level, precision rule', () => {
    const j = valid('simulate', ok(run('simulate', 'vgg16', '--arch', 'seed-fp8-fp16', '--json')).stdout);
    const rep = j.runs[0].report;
    expect(rep.arch.precision).toEqual({ weights: 8, activations: 8, psum: 16 });
    expect(rep.totals.accesses.dram.readBytes).toBe(Math.ceil(rep.totals.accesses.dram.bits.reads / 8));
    expect(rep.totals.energy.precisionRule.name).toBe('product-of-widths');
    expect(ok(run('simulate', 'vgg16', '--arch', 'seed-fp8-fp16')).stdout).toContain('operands w8/a8/psum16 bits');
  });

  it('--json validates against the schema; totals are the sums of the layers; zero skipping is faster', () => {
    const j = valid('simulate', ok(run('simulate', 'alexnet', '--json')).stdout);
    expect(j).toMatchObject({ schemaVersion: 1, command: 'simulate', network: { name: 'alexnet', source: 'built-in' }, densities: { from: 'default', data: 'assumed' } });
    expect(j.runs.map((x: { dataflow: string }) => x.dataflow)).toEqual(['zascad', 'zascas']);
    for (const x of j.runs) expect(x.report.totals.cycles.total).toBe(x.report.layers.reduce((s: number, l: { cycles: { total: number } }) => s + l.cycles.total, 0));
    expect(j.runs[1].speedup).toBeGreaterThan(1);
    expect(j.runs[1].report.totals.macs.skipped).toBeGreaterThan(0);
    // The schema catches a broken report.
    j.runs[0].report.layers[0].cycles.total = -1;
    delete j.runs[0].report.totals.energy;
    expect(validateJson(CLI_OUTPUT_SCHEMAS.simulate, j)).toEqual(['/runs/0/report/layers/0/cycles/total: -1 < minimum 0', "/runs/0/report/totals: missing required property 'energy'"]);
  });

  it('--csv starts with SCALE-Sim COMPUTE_REPORT columns, one row per layer per dataflow', () => {
    const r = ok(run('simulate', 'alexnet', '--arch', 'eyeriss', '--dataflow', 'ws,os,rs', '--csv'));
    const lines = r.stdout.trim().split('\n');
    expect(lines[0].startsWith(COMPUTE_REPORT_HEADER.replace(/,$/, ''))).toBe(true);
    expect(lines).toHaveLength(1 + 3 * 8);
    expect(lines[1]).toMatch(/^0, \d+, 0, [\d.]+, [\d.]+, [\d.]+, ws, conv1, \d+, 0,/);
    expect(lines[9]).toMatch(/^0, .*, os, conv1,/);
  });

  it('reads a topology CSV, an arch JSON and a per-layer density file; --out writes reports layer by layer and report.html', () => {
    const dir = tmp();
    const csv = join(dir, 'net.csv');
    writeFileSync(csv, 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\nc1, 18, 18, 3, 3, 8, 16, 1,\nc2, 16, 16, 3, 3, 16, 16, 1,\n');
    const arch = join(dir, 'arch.json');
    writeFileSync(arch, JSON.stringify({ schemaVersion: 1, name: 'tiny', dataflow: 'zascas', array: { rows: 4, cols: 3 }, sramKB: { ifmap: 8, filter: 8, ofmap: 8 } }));
    const dens = join(dir, 'dens.csv');
    writeFileSync(dens, 'layer, density\nc2, 0.25\n');
    const out = join(dir, 'out');
    const r = ok(run('simulate', csv, '--arch', arch, '--density', dens, '--batch', '2', '--out', out, '--json'));
    const j = valid('simulate', r.stdout);
    expect(j.network).toMatchObject({ source: 'topology-csv', layers: 2 });
    expect(j.batch).toBe(2);
    expect(j.densities).toEqual({ from: 'file', data: 'assumed', file: dens });
    const l = j.runs[1].report.layers;
    expect(l[0].layer.N).toBe(2);
    expect(l[0].densities.input).toBe(1);
    expect(l[1].densities).toEqual({ input: 0.25, weight: 1, source: 'assumed' });
    expect(readdirSync(out).sort()).toEqual(['BANDWIDTH_REPORT_zascad.csv', 'BANDWIDTH_REPORT_zascas.csv', 'COMPUTE_REPORT_zascad.csv', 'COMPUTE_REPORT_zascas.csv', 'layers.jsonl', 'report.html', 'report.schema.json', 'simulate.csv', 'simulate.json', 'simulate.txt']);
    const jsonl = readFileSync(join(out, 'layers.jsonl'), 'utf8').trim().split('\n').map((s) => JSON.parse(s));
    expect(jsonl.map((x) => `${x.layer.name}/${x.run}`)).toEqual(['c1/zascad', 'c1/zascas', 'c2/zascad', 'c2/zascas']); // in the order they finished
    expect(readFileSync(join(out, 'COMPUTE_REPORT_zascas.csv'), 'utf8')).toBe(computeReportCsv(j.runs[1].report));
    expect(JSON.parse(readFileSync(join(out, 'simulate.json'), 'utf8'))).toEqual(j);
    const doc = parseXml(readFileSync(join(out, 'report.html'), 'utf8'));
    expect(findAll(doc, 'svg')).toHaveLength(6);
    expect(findAll(doc, 'script')).toHaveLength(0);
    expect(findAll(findAll(doc, 'figure')[0], 'rect', 'bar')).toHaveLength(4);
    expect(r.stderr).toMatch(/wrote .*report\.html/);
  });

  it('--data synthetic counts seeded random inputs exactly: same seed, same result; another seed differs', () => {
    const a = valid('simulate', ok(run('simulate', 'lenet5', '--density', '0.5', '--data', 'synthetic', '--seed', '3', '--json')).stdout);
    const b = JSON.parse(ok(run('simulate', 'lenet5', '--density', '0.5', '--data', 'synthetic', '--seed', '3', '--json')).stdout);
    const c = JSON.parse(ok(run('simulate', 'lenet5', '--density', '0.5', '--data', 'synthetic', '--seed', '4', '--json')).stdout);
    expect(b).toEqual(a);
    expect(a.runs[1].report.layers[0].densities.source).toBe('measured');
    expect(Math.abs(a.runs[1].report.layers[0].densities.input - 0.5)).toBeLessThan(0.05);
    expect(c.runs[1].report.totals.cycles.total).not.toBe(a.runs[1].report.totals.cycles.total);
  });
});

describe('macflow summary and trace', () => {
  it('summary runs on its defaults (VGG-16, the seed\'s table) and as JSON / CSV', () => {
    const r = ok(run('summary'));
    expect(r.stdout).toMatch(/CONV3-64: \[224x224x64\]\s+memory: 224\*224\*64=3\.2M\s+params: \(3\*3\*3\)\*64 = 1,728/);
    expect(r.stdout).toMatch(/TOTAL params: 138M parameters/);
    const j = valid('summary', ok(run('summary', 'resnet18', '--json')).stdout);
    expect(j.name).toBe('resnet18');
    const csv = ok(run('summary', 'lenet5', '--csv')).stdout.trim().split('\n');
    expect(csv[0]).toBe('name, label, H, W, C, memory, params, MACs,');
    expect(csv[1]).toBe('input, INPUT, 28, 28, 1, 784, 0, 0,');
  });

  it('trace runs on its defaults: the seed example, 16 dense cycles and 10 zero-skipping', () => {
    const r = ok(run('trace'));
    expect(r.stdout).toMatch(/ZASCAD \(dense\): 3 PEs, 16 cycles/);
    expect(r.stdout).toMatch(/ZASCAS \(zero-skipping\).*: 3 PEs, 10 cycles/);
    expect(r.stdout).toMatch(/^CC #1\s+X1\s+1\s+W1$/m);
    expect(r.stdout).toMatch(/^CC #3\s+X3\s+3\s+W3\s+W2\s+W1\s+#1$/m);
    expect(r.stdout).toMatch(/^CC #6\s+X12\s+12\s+W3\s+W2\s+W1\s+#8$/m); // X6..X11 skipped
    const j = valid('trace', ok(run('trace', '--seed-example', '--json')).stdout);
    expect(j.schedules.map((s: { cycles: number }) => s.cycles)).toEqual([16, 10]);
  });

  it('trace of a layer spec is seeded; too large a layer is refused with what to do', () => {
    const a = ok(run('trace', '--input', '4x6', '--kernel', '3x3', '--density', '0.5', '--seed', '2', '--json')).stdout;
    expect(ok(run('trace', '--input', '4x6', '--kernel', '3x3', '--density', '0.5', '--seed', '2', '--json')).stdout).toBe(a);
    const j = valid('trace', a);
    expect(j.layer).toEqual({ H: 4, W: 6, R: 3, S: 3, stride: 1 });
    expect(j.schedules[0].cycles).toBe(2 * 3 * 6);
    expect(j.schedules[1].cycles).toBe(j.schedules[1].schedule.cycles.filter((c: { input: { value: number } }) => c.input.value !== 0).length);
    const v = ok(run('trace', '--input', '1x4', '--kernel', '2', '--values', '1,0,0,2', '--variant', 'zero-skip'));
    expect(v.stdout).toMatch(/ZASCAS \(zero-skipping\): 2 PEs, 2 cycles/);
    const big = run('trace', '--input', '32x32', '--kernel', '3x3');
    expect(big.status).toBe(2);
    expect(big.stderr).toMatch(/needs 2,880 dense cycles .* at most 400 \(--max-cycles.*'macflow simulate'/);
  });

  it('schema prints the JSON Schema of each command', () => {
    for (const c of ['demo', 'simulate', 'summary', 'trace'] as const) expect(JSON.parse(ok(run('schema', c)).stdout)).toEqual(JSON.parse(JSON.stringify(CLI_OUTPUT_SCHEMAS[c])));
  });
});

describe('bad arguments exit 2 with a message naming the problem', () => {
  it('every case', async () => {
    const dir = tmp();
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\nc1, 8, 8, 3, 3, 4, 4, 1,\nc2, eight, 8, 3, 3, 4, 4, 1,\n');
    const archBad = join(dir, 'arch.json');
    writeFileSync(archBad, JSON.stringify({ schemaVersion: 1, dataflow: 'wss', array: { rows: 4, cols: 4 }, sramKB: { ifmap: 8, filter: 8, ofmap: 8 } }));
    const archSyntax = join(dir, 'syntax.json');
    writeFileSync(archSyntax, '{\n  "schemaVersion": 1,\n  "dataflow": ws\n}');
    const dens = join(dir, 'dens.json');
    writeFileSync(dens, JSON.stringify({ conv9: 0.5 }));
    const cases: [string[], RegExp][] = [
      [['simulate', '--arch', 'zsca'], /unknown arch preset 'zsca'; did you mean 'zasca'\? Known arch presets: scale, eyeriss, google, eyeriss-rs, zasca, seed-fp8-fp16, seed-fp8-fp16-fp16mode\./],
      [['simulate', 'vgg61'], /unknown network 'vgg61'; did you mean 'vgg16'\?/],
      [['simulate', join(dir, 'missing.csv')], /topology file '.*missing\.csv' not found/],
      [['simulate', 'alexnet', '--arch', join(dir, 'nope.json')], /arch file '.*nope\.json' not found/],
      [['simulate', bad], /malformed topology: .*bad\.csv: line 3, column 2 \(IFMAP Height\) = "eight" must be a whole number >= 1/],
      [['simulate', '--density', '1.5'], /--density 1\.5 is out of range: .*0 <= D <= 1/],
      [['simulate', '--density=-0.1'], /--density -0\.1 is out of range/],
      [['simulate', '--weight-density', 'lots'], /--weight-density "lots" is not a number/],
      [['simulate', '--dataflow', 'ws,wss'], /unknown dataflow 'wss'; did you mean 'ws'\?/],
      [['simulate', 'alexnet', '--arch', archBad], /arch file .*arch\.dataflow = "wss": unknown dataflow; did you mean "ws"\?/],
      [['simulate', 'alexnet', '--arch', archSyntax], /arch file '.*syntax\.json' is not valid JSON at line 3/],
      [['simulate', 'alexnet', '--density', dens], /unknown layer 'conv9'; did you mean 'conv1'\?.*dens\.json/],
      [['simulate', '--data', 'random'], /unknown --data mode 'random'/],
      [['simulate', '--batch', '0'], /--batch 0 must be a whole number >= 1/],
      [['summary', 'lenet'], /unknown network 'lenet'; did you mean 'lenet5'\?/],
      [['trace', '--kernel', '3'], /a layer trace needs --input HxW/],
      [['trace', '--input', '2x2', '--kernel', '3'], /the 1x3 filter is larger than the 2x2 input/],
      [['trace', '--csv'], /Unknown option '--csv'/],
      [['simulate', 'a', 'b'], /unexpected argument 'b'/],
      [['simulat'], /unknown command 'simulat'; did you mean 'simulate'\?/],
    ];
    const results = await Promise.all(cases.map(([args]) => runAsync(...args)));
    for (const [i, [args, msg]] of cases.entries()) {
      const r = results[i];
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(msg);
      expect(r.stdout).toBe('');
    }
  });

  it('--help for every command', async () => {
    const cmds = ['demo', 'info', 'simulate', 'summary', 'trace', 'bench', 'schema'];
    const rs = await Promise.all(cmds.map((c) => runAsync(c, '--help')));
    for (const [i, c] of cmds.entries()) {
      const r = rs[i];
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout, c).toMatch(new RegExp(`^Usage: macflow ${c === 'demo' ? '\\[demo\\]' : c}`));
      // the options block: one description column, no line wider than 100 columns
      const lines = r.stdout.split('\n');
      const block = lines.slice(lines.indexOf('Options:') + 1);
      const options = block.slice(0, block.findIndex((l) => !l.startsWith('  ')));
      if (c !== 'schema') expect(options.length, c).toBeGreaterThan(2); // schema has no options
      for (const l of options) expect(l.length, `${c}: ${l}`).toBeLessThanOrEqual(100);
      const columns = new Set(options.filter((l) => /^ {2}-/.test(l)).map((l) => /^ {2}-\S.*? {2,}(?=\S)/.exec(l)![0].length).filter((n) => n <= 32));
      expect(columns.size, `${c}: description columns ${[...columns]}`).toBe(c === 'schema' ? 0 : 1);
    }
    expect(ok(run('--help')).stdout).toMatch(/Exit codes: 0 success, 1 runtime error, 2 bad arguments/);
  });
});

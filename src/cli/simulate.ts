/**
 * `macflow simulate <network | topology.csv | model.onnx> --arch <preset | arch.json | scale.cfg>`: per-layer and
 * total accelerator reports for one or more dataflows side by side (by default the arch's own, and
 * for FEIE both ZASCAD dense and ZASCAS zero-skipping). Layers are simulated one by one, so results
 * can be written to --out as each layer finishes.
 * @module
 */
import { basename, extname } from 'node:path';
import { ARCH_PRESETS } from '../accel/presets.js';
import { DATAFLOWS } from '../accel/dataflows.js';
import { resolveArch } from '../accel/schema.js';
import { parseScaleSimConfig, parseTopology } from '../accel/scalesim.js';
import { convLayer, networkTotals, simulate, REPORT_SCHEMA_VERSION, type LayerReport, type NetworkReport } from '../accel/simulate.js';
import type { AccelLayer, ArchInput, ArchSpec, SimulationData } from '../accel/types.js';
import { MacflowError } from '../errors.js';
import { parseOnnxModel } from '../nets/onnx.js';
import { TOPOLOGIES, topologyData, topologyLayers, type Topology } from '../nets/topologies.js';
import { CliError, densityValue, readBinaryFile, isNumeric, parseJsonFile, readTextFile, seededRandom, unknownName } from './args.js';
import type { Progress } from './progress.js';

/** Version of the CLI's JSON output (simulate, summary and trace); see `CLI_OUTPUT_SCHEMAS`. */
export const CLI_SCHEMA_VERSION = 1;

/** Options of {@link runSimulate}. */
export interface SimulateCommandOptions {
  /** Built-in network name, a SCALE-Sim topology CSV path or an ONNX model (.onnx) path. */
  network: string;
  /** `--input-shape`: the ONNX graph input shape, e.g. `1x3x224x224` (for symbolic dims). */
  inputShape?: string;
  /** Preset name, an arch JSON file or a SCALE-Sim .cfg file. */
  arch: string;
  /** Dataflows to run (keys of DATAFLOWS); default: the arch's own (+ its FEIE partner). */
  dataflows?: string[];
  /** `--density`: a number in [0, 1] or a per-layer file (JSON object or CSV `layer, density`). */
  density?: string;
  /** `--weight-density`: a number in [0, 1]. */
  weightDensity?: string;
  /** Images per run. */
  batch: number;
  /** `'assumed'` (densities as statistics) or `'synthetic'` (seeded random inputs at the densities, counted exactly). */
  data: 'assumed' | 'synthetic';
  seed: number;
  progress: Progress;
  /** Called after each layer of each dataflow run (layer index, dataflow, report so far). */
  onLayer?: (run: SimulateRun, layer: LayerReport, index: number) => void;
}

/** One dataflow's results. */
export interface SimulateRun {
  dataflow: string;
  title: string;
  /** Total cycles of the first run / this run's total cycles (1 for the first run). */
  speedup: number;
  report: NetworkReport;
}

/** The JSON output of `macflow simulate` (schema: `CLI_OUTPUT_SCHEMAS.simulate`). */
export interface SimulateResult {
  schemaVersion: number;
  command: 'simulate';
  reportSchemaVersion: number;
  network: { name: string; source: 'built-in' | 'topology-csv' | 'onnx'; description: string; layers: number };
  batch: number;
  seed: number;
  /** Where the densities came from: `'default'` (dense unless recorded), `'flag'` (--density D), `'file'` (per-layer file). */
  densities: { from: 'default' | 'flag' | 'file'; data: 'assumed' | 'synthetic'; file?: string };
  arch: ArchSpec;
  runs: SimulateRun[];
}

const FEIE_PARTNER: Record<string, string> = { zascad: 'zascas', zascas: 'zascad' };

/** The architecture from a preset name or a file (.json arch schema, .cfg SCALE-Sim config). */
export function loadArch(spec: string): ArchSpec {
  const presets = Object.keys(ARCH_PRESETS);
  if (spec in ARCH_PRESETS) return resolveArch(ARCH_PRESETS[spec as keyof typeof ARCH_PRESETS]);
  const ext = extname(spec).toLowerCase();
  if (ext !== '.json' && ext !== '.cfg') throw unknownName('arch preset', spec, presets, 'Or pass an arch .json file (schema: ARCH_SCHEMA) or a SCALE-Sim .cfg file.');
  const text = readTextFile(spec, 'arch');
  try {
    if (ext === '.cfg') return parseScaleSimConfig(text, { name: spec });
    return resolveArch(parseJsonFile(text, spec, 'arch') as ArchInput);
  } catch (e) {
    if (e instanceof MacflowError) throw new CliError(`arch file '${spec}': ${e.message}`);
    throw e;
  }
}

interface Workload {
  name: string;
  source: 'built-in' | 'topology-csv' | 'onnx';
  description: string;
  layers: AccelLayer[];
  /** Recorded densities (built-ins), else undefined per layer. */
  data: (SimulationData | undefined)[];
}

/** The same layer with batch N (CSV topologies have none). */
function withBatch(l: AccelLayer, batch: number): AccelLayer {
  if (batch === l.N) return l;
  return convLayer(l.name, [batch, l.H, l.W, l.C], [l.M, l.R, l.S, l.Cg], { strides: l.strides, dilations: l.dilations, pads: l.pads, groups: l.groups });
}

/** Parses `--input-shape 1x3x224x224`. */
export function parseInputShape(v: string): number[] {
  const dims = v.split(/[x,]/i).map((d) => d.trim());
  if (dims.length === 0 || dims.some((d) => !/^[1-9][0-9]{0,9}$/.test(d))) throw new CliError(`--input-shape '${v}' must be positive whole dimensions joined by 'x', e.g. 1x3x224x224.`);
  return dims.map(Number);
}

/** An ONNX model by path: its conv / FC / GEMM layers (batch kept unless --batch differs from 1). */
function loadOnnx(spec: string, batch: number, inputShape?: string): Workload {
  const bytes = readBinaryFile(spec, 'ONNX model');
  let layers: AccelLayer[];
  let name: string;
  try {
    ({ name, layers } = parseOnnxModel(bytes, { file: basename(spec), inputShape: inputShape === undefined ? undefined : parseInputShape(inputShape) }));
  } catch (e) {
    if (e instanceof MacflowError) throw new CliError(`ONNX model '${spec}': ${e.message}`);
    throw e;
  }
  if (layers.length === 0) throw new CliError(`ONNX model '${spec}' has no Conv, Gemm or MatMul node to simulate.`);
  return { name, source: 'onnx', description: `ONNX model ${spec}`, layers: batch === 1 ? layers : layers.map((l) => withBatch(l, batch)), data: layers.map(() => undefined) };
}

/** A built-in network by name, a SCALE-Sim topology CSV or an ONNX model by path. */
export function loadWorkload(spec: string, batch: number, inputShape?: string): Workload {
  const names = Object.keys(TOPOLOGIES);
  if (spec in TOPOLOGIES) {
    const topo: Topology = TOPOLOGIES[spec as keyof typeof TOPOLOGIES];
    return { name: topo.name, source: 'built-in', description: topo.source, layers: topologyLayers(topo, batch), data: topologyData(topo) };
  }
  if (extname(spec).toLowerCase() === '.onnx') return loadOnnx(spec, batch, inputShape);
  if (extname(spec).toLowerCase() !== '.csv') throw unknownName('network', spec, names, 'Or pass a SCALE-Sim topology .csv file or an ONNX .onnx model.');
  const text = readTextFile(spec, 'topology');
  let layers: AccelLayer[];
  try {
    layers = parseTopology(text, { file: spec });
  } catch (e) {
    if (e instanceof MacflowError) throw new CliError(`malformed topology: ${e.message}`);
    throw e;
  }
  if (layers.length === 0) throw new CliError(`topology file '${spec}' has a header but no layers. Add one layer per line.`);
  return { name: spec, source: 'topology-csv', description: `SCALE-Sim topology ${spec}`, layers: layers.map((l) => withBatch(l, batch)), data: layers.map(() => undefined) };
}

/** Per-layer input densities from a file: JSON `{ "layer": 0.4, ... }` or CSV lines `layer, density`. */
export function loadDensityFile(path: string, layerNames: readonly string[]): Map<string, number> {
  const text = readTextFile(path, 'density');
  const out = new Map<string, number>();
  const put = (name: string, v: string, where: string): void => {
    if (!layerNames.includes(name)) throw unknownName('layer', name, layerNames, `(${where} of ${path})`);
    out.set(name, densityValue(`${path}: ${where}: density of '${name}' =`, v));
  };
  if (extname(path).toLowerCase() === '.json') {
    const obj = parseJsonFile(text, path, 'density');
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new CliError(`density file '${path}' must hold a JSON object { "layer name": density, ... }.`);
    for (const [k, v] of Object.entries(obj)) put(k, String(v), `key "${k}"`);
    return out;
  }
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) return;
    const cells = t.split(',').map((c) => c.trim()).filter((c, j, a) => !(j === a.length - 1 && c === ''));
    if (i === 0 && cells.length >= 2 && !isNumeric(cells[1])) return; // a header line
    if (cells.length !== 2) throw new CliError(`density file '${path}': line ${i + 1} has ${cells.length} fields; write 'layer name, density' (one layer per line).`);
    put(cells[0], cells[1], `line ${i + 1}, column 2`);
  });
  return out;
}

/** A seeded synthetic input: each value non-zero (1..127) with probability `density`. */
function syntheticInput(n: number, density: number, seed: number): Uint8Array {
  const rnd = seededRandom(seed);
  const x = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (rnd() < density) x[i] = 1 + Math.floor(rnd() * 127);
  return x;
}

/** The dataflows to run: validated, with did-you-mean. */
export function resolveDataflows(list: readonly string[] | undefined, arch: ArchSpec): string[] {
  const known = Object.keys(DATAFLOWS);
  if (list === undefined || list.length === 0) return FEIE_PARTNER[arch.dataflow] ? ['zascad', 'zascas'] : [arch.dataflow];
  const out: string[] = [];
  for (const d of list) {
    if (!(d in DATAFLOWS)) throw unknownName('dataflow', d, known);
    if (!out.includes(d)) out.push(d);
  }
  return out;
}

/** Runs the simulate command (pure apart from progress and the onLayer callback). */
export function runSimulate(o: SimulateCommandOptions): SimulateResult {
  const arch = loadArch(o.arch);
  const dataflows = resolveDataflows(o.dataflows, arch);
  const w = loadWorkload(o.network, o.batch, o.inputShape);
  const names = w.layers.map((l) => l.name);
  let from: SimulateResult['densities']['from'] = 'default';
  let perLayer: (number | undefined)[] = w.data.map((d) => d?.inputDensity);
  if (o.density !== undefined) {
    if (isNumeric(o.density) || !/[./\\]/.test(o.density)) {
      const d = densityValue('--density', o.density);
      perLayer = names.map(() => d);
      from = 'flag';
    } else {
      const m = loadDensityFile(o.density, names);
      perLayer = names.map((n, i) => m.get(n) ?? perLayer[i]);
      from = 'file';
    }
  }
  const weightDensity = o.weightDensity === undefined ? undefined : densityValue('--weight-density', o.weightDensity);
  const archs = dataflows.map((d) => resolveArch({ ...arch, dataflow: d, params: d === arch.dataflow ? arch.params : {} }));
  const reports: LayerReport[][] = dataflows.map(() => []);
  const runs: SimulateRun[] = dataflows.map((d) => ({ dataflow: d, title: DATAFLOWS[d].title, speedup: 1, report: undefined as unknown as NetworkReport }));
  const work = w.layers.map((l) => l.macs * dataflows.length + (o.data === 'synthetic' ? l.N * l.H * l.W * l.C : 0));
  const totalWork = work.reduce((a, b) => a + b, 0);
  o.progress.start(totalWork, `simulate ${w.name}`);
  let done = 0;
  w.layers.forEach((layer, i) => {
    const d = perLayer[i];
    let data: SimulationData | undefined;
    if (o.data === 'synthetic') {
      o.progress.update(done, `${layer.name}: synthetic input`);
      data = { input: syntheticInput(layer.N * layer.H * layer.W * layer.C, d ?? 1, o.seed * 1_000_003 + i) };
    } else if (d !== undefined) data = { inputDensity: d };
    if (weightDensity !== undefined) data = { ...data, weightDensity };
    dataflows.forEach((df, k) => {
      o.progress.update(done, `${layer.name} on ${df}`);
      const r = simulate(layer, archs[k], data);
      reports[k].push(r);
      o.onLayer?.(runs[k], r, i);
      done += layer.macs;
    });
    done = work.slice(0, i + 1).reduce((a, b) => a + b, 0);
    o.progress.update(done, layer.name);
  });
  o.progress.stop();
  runs.forEach((run, k) => {
    run.report = networkTotals(w.name, reports[k], archs[k]);
  });
  const base = runs[0].report.totals.cycles.total;
  for (const run of runs) run.speedup = run.report.totals.cycles.total > 0 ? base / run.report.totals.cycles.total : 0;
  return {
    schemaVersion: 1,
    command: 'simulate',
    reportSchemaVersion: REPORT_SCHEMA_VERSION,
    network: { name: w.name, source: w.source, description: w.description, layers: w.layers.length },
    batch: o.batch,
    seed: o.seed,
    densities: { from, data: o.data, ...(from === 'file' ? { file: o.density } : {}) },
    arch,
    runs,
  };
}

const num = (n: number): string => (n >= 1e9 ? `${(n / 1e9).toFixed(2)}G` : n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}K` : String(Math.round(n)));
const pct = (f: number): string => `${(f * 100).toFixed(1)}%`;

/** The result as a text table: per layer, per dataflow cycles / utilisation / energy, then totals. */
export function formatSimulate(r: SimulateResult): string {
  const head = ['layer', 'MACs', 'in-dens'];
  for (const run of r.runs) head.push(`${run.dataflow} cycles`, 'util', 'energy');
  if (r.runs.length > 1) head.push(`speedup ${r.runs[r.runs.length - 1].dataflow}`);
  const rows: string[][] = [];
  const first = r.runs[0].report;
  first.layers.forEach((l, i) => {
    const row = [l.layer.name, num(l.layer.macs), l.densities.input.toFixed(2)];
    for (const run of r.runs) {
      const x = run.report.layers[i];
      row.push(num(x.cycles.total), pct(x.utilization.overall), num(x.energy.total));
    }
    if (r.runs.length > 1) {
      const last = r.runs[r.runs.length - 1].report.layers[i].cycles.total;
      row.push(last > 0 ? `${(l.cycles.total / last).toFixed(2)}x` : '-');
    }
    rows.push(row);
  });
  const tot = ['TOTAL', num(first.totals.macs.total), ''];
  for (const run of r.runs) tot.push(num(run.report.totals.cycles.total), pct(run.report.totals.utilization.overall), num(run.report.totals.energy.total));
  if (r.runs.length > 1) tot.push(`${r.runs[r.runs.length - 1].speedup.toFixed(2)}x`);
  rows.push(tot);
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
  const out = [
    `macflow simulate: ${r.network.name} (${r.network.layers} conv/fc layers, batch ${r.batch}) on ${r.arch.name}`,
    `array ${r.arch.array.rows}x${r.arch.array.cols} PEs, ${r.arch.clockMHz} MHz, ${r.arch.wordBytes}-byte words${r.arch.precision ? ` (operands w${r.arch.precision.weights}/a${r.arch.precision.activations}/psum${r.arch.precision.psum ?? r.arch.precision.activations} bits, traffic packed)` : ''}; densities: ${r.densities.from === 'default' ? 'recorded per layer where known, else dense' : r.densities.from === 'flag' ? 'from --density' : `from ${r.densities.file}`} (${r.densities.data === 'synthetic' ? `synthetic seeded inputs, seed ${r.seed}, counted exactly` : 'assumed statistically'})`,
    '',
    line(head),
    ...rows.slice(0, -1).map(line),
    line(widths.map((n) => '-'.repeat(n))),
    line(rows[rows.length - 1]),
    '',
    ...r.runs.map((run) => `${run.dataflow.padEnd(7)} ${run.title}: ${num(run.report.totals.cycles.total)} cycles = ${(run.report.totals.latencySeconds * 1e3).toFixed(3)} ms, utilisation ${pct(run.report.totals.utilization.overall)}, energy ${num(run.report.totals.energy.total)} (${run.report.totals.energy.table.unit}), ${run.report.totals.roofline.bound}-bound`),
    `util = utilization.overall (MAC PE-cycles / all PE-cycles); energy in ${first.totals.energy.table.unit}, table ${first.totals.energy.table.name}; --json for every field, --out DIR for report.html`,
  ];
  return `${out.join('\n')}\n`;
}

/** `--csv` on stdout: SCALE-Sim COMPUTE_REPORT columns first (same names, same order), then macflow's. */
export const SIMULATE_CSV_HEADER = 'LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %, Dataflow, Layer name, MACs, MACs skipped, Energy, DRAM bytes,';

/** The result as CSV: one row per layer per dataflow (LayerID restarts at 0 for each dataflow, as one SCALE-Sim run each). */
export function simulateCsv(r: SimulateResult): string {
  const rows = [SIMULATE_CSV_HEADER];
  for (const run of r.runs) {
    run.report.layers.forEach((l, i) => {
      const u = l.utilization;
      rows.push(`${i}, ${l.cycles.total}, ${l.cycles.stall}, ${u.overall * 100}, ${u.mappingEfficiency * 100}, ${u.computeUtilization * 100}, ${run.dataflow}, ${l.layer.name.replace(/,/g, '_')}, ${l.macs.total}, ${l.macs.skipped}, ${l.energy.total}, ${l.roofline.dramBytes},`);
    });
  }
  return `${rows.join('\n')}\n`;
}

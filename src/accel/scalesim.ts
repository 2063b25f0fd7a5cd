/**
 * SCALE-Sim v2 input and output: topology CSVs (conv and GEMM forms), INI configs, and
 * COMPUTE_REPORT.csv / BANDWIDTH_REPORT.csv-compatible rows. Pure string functions: read the
 * files however you like (Node fs, fetch) and pass the text.
 * @module
 */
import { UnsupportedError, ValueError } from '../errors.js';
import { resolveArch } from './schema.js';
import { convLayer, gemmLayer, type LayerReport, type NetworkReport } from './simulate.js';
import type { AccelLayer, ArchSpec } from './types.js';

/** A malformed topology or config line: `line` and `column` are 1-based; `column` 0 = the whole line. */
export class TopologyError extends ValueError {
  readonly line: number;
  readonly column: number;
  constructor(op: string, line: number, column: number, problem: string, fix: string) {
    super(op, problem, fix);
    this.line = line;
    this.column = column;
  }
}

/** Column names of SCALE-Sim's conv topology CSV. */
export const CONV_TOPOLOGY_COLUMNS = ['Layer name', 'IFMAP Height', 'IFMAP Width', 'Filter Height', 'Filter Width', 'Channels', 'Num Filter', 'Strides'] as const;
/** Column names of SCALE-Sim's GEMM topology CSV. */
export const GEMM_TOPOLOGY_COLUMNS = ['Layer', 'M', 'N', 'K'] as const;

/** Options of {@link parseTopology}. */
export interface ParseTopologyOptions {
  /** `'auto'` (default: GEMM when the header names M, N, K), `'conv'` or `'gemm'`. */
  form?: 'auto' | 'conv' | 'gemm';
  /** File name used in error messages. */
  file?: string;
}

function cells(line: string): string[] {
  const c = line.split(',').map((s) => s.trim());
  if (c.length > 1 && c[c.length - 1] === '') c.pop(); // SCALE-Sim rows end with a comma
  return c;
}

/**
 * Parses a SCALE-Sim topology CSV into layers for `simulate`.
 *
 * Conv form `Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num
 * Filter, Strides,` (an optional 9th column is the width stride): inputs are given pre-padded, so
 * the layer has no top/left padding and E = ceil((H - R + stride) / stride) as SCALE-Sim computes it
 * (when (H - R) is not a multiple of the stride, a bottom/right pad completes the last window). A name containing `DP` is a
 * depthwise layer: C groups of one channel, `Num Filter` filters each (SCALE-Sim splits it per
 * channel). GEMM form `Layer, M, N, K,` becomes `gemmLayer(name, M, N, K)`.
 * Robust to spaces, CRLF and blank lines; malformed rows throw a {@link TopologyError} naming the
 * line and column.
 */
export function parseTopology(text: string, options: ParseTopologyOptions = {}): AccelLayer[] {
  const op = 'parseTopology';
  const where = options.file ? `${options.file}: ` : '';
  if (typeof text !== 'string') throw new ValueError(op, `text must be a string (got ${typeof text}).`, 'pass the CSV file contents.');
  const lines = text.split(/\r?\n/);
  const headerAt = lines.findIndex((l) => l.trim() !== '');
  if (headerAt < 0) throw new TopologyError(op, 1, 0, `${where}the topology is empty.`, 'start with the header line, then one layer per line.');
  const header = cells(lines[headerAt]).map((h) => h.toLowerCase());
  let form = options.form ?? 'auto';
  if (form === 'auto') form = header.length >= 4 && header[1] === 'm' && header[2] === 'n' && header[3] === 'k' ? 'gemm' : 'conv';
  const names: readonly string[] = form === 'gemm' ? GEMM_TOPOLOGY_COLUMNS : [...CONV_TOPOLOGY_COLUMNS, 'Stride width'];
  const layers: AccelLayer[] = [];
  for (let i = headerAt + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const lineNo = i + 1;
    const c = cells(lines[i]);
    const want = form === 'gemm' ? [4] : [8, 9];
    if (!want.includes(c.length)) {
      throw new TopologyError(op, lineNo, c.length + 1 > want[want.length - 1] ? want[want.length - 1] + 1 : c.length + 1, `${where}line ${lineNo} has ${c.length} fields but the ${form} form needs ${want.join(' or ')} (${names.slice(0, want[0]).join(', ')}).`, 'fix the row (every row ends with a trailing comma in SCALE-Sim files).');
    }
    const name = c[0];
    if (name === '') throw new TopologyError(op, lineNo, 1, `${where}line ${lineNo}, column 1 (${names[0]}): the layer name is empty.`, 'give every layer a name.');
    const v: number[] = [];
    for (let j = 1; j < c.length; j++) {
      if (!/^\d+$/.test(c[j]) || Number(c[j]) < 1) {
        throw new TopologyError(op, lineNo, j + 1, `${where}line ${lineNo}, column ${j + 1} (${names[j]}) = ${JSON.stringify(c[j])} must be a whole number >= 1.`, `fix ${names[j]} of layer ${JSON.stringify(name)}.`);
      }
      v.push(Number(c[j]));
    }
    if (form === 'gemm') {
      layers.push(gemmLayer(name, v[0], v[1], v[2]));
      continue;
    }
    const [H, W, R, S, C, F, sh] = v;
    const sw = v[7] ?? sh;
    if (R > H) throw new TopologyError(op, lineNo, 4, `${where}line ${lineNo}, column 4 (Filter Height) = ${R} is larger than IFMAP Height = ${H}.`, 'SCALE-Sim inputs are pre-padded: give the padded input height.');
    if (S > W) throw new TopologyError(op, lineNo, 5, `${where}line ${lineNo}, column 5 (Filter Width) = ${S} is larger than IFMAP Width = ${W}.`, 'SCALE-Sim inputs are pre-padded: give the padded input width.');
    const dp = name.includes('DP');
    // SCALE-Sim's E = ceil((H - R + s) / s) counts a last, partial window; a bottom/right pad of
    // (s - (H - R) % s) % s zeros gives the same E with the descriptor's floor rule.
    const pb = (sh - ((H - R) % sh)) % sh;
    const pr = (sw - ((W - S) % sw)) % sw;
    layers.push(convLayer(name, [1, H, W, C], dp ? [C * F, R, S, 1] : [F, R, S, C], { strides: [sh, sw], groups: dp ? C : 1, pads: [0, 0, pb, pr] }));
  }
  return layers;
}

/**
 * Writes layers as a SCALE-Sim conv topology CSV (header + one row per layer, trailing commas).
 * Padding is folded into the input size (SCALE-Sim inputs are pre-padded): IFMAP Height =
 * (E - 1) * stride + R, the rows the windows use, so SCALE-Sim's ceil rule gives back E; depthwise layers get
 * `DP` in their name; other grouped layers become one row per group (`name_g0`, ...). A 9th
 * column (width stride) is written only when the strides differ. Throws UnsupportedError for
 * batch > 1 and dilation > 1 (SCALE-Sim has neither).
 */
export function toTopologyCsv(layers: readonly AccelLayer[]): string {
  const op = 'toTopologyCsv';
  const rows = [`${CONV_TOPOLOGY_COLUMNS.join(', ')},`];
  for (const l of layers) {
    if (l.N !== 1) throw new UnsupportedError(op, `layer ${JSON.stringify(l.name)} has batch N = ${l.N}; SCALE-Sim topologies have no batch.`, 'export with N = 1 (the model scales linearly with N for the streamed dimension only, so simulate the batch here instead).');
    if (l.dilations[0] !== 1 || l.dilations[1] !== 1) throw new UnsupportedError(op, `layer ${JSON.stringify(l.name)} is dilated ${JSON.stringify(l.dilations)}; SCALE-Sim has no dilation.`, 'simulate it here, or export an equivalent undilated layer.');
    // The rows and columns the windows actually use (padding included), so that SCALE-Sim's
    // E = ceil((H - R + s) / s) gives back exactly E.
    const H = (l.E - 1) * l.strides[0] + l.R;
    const W = (l.F - 1) * l.strides[1] + l.S;
    const base = l.name.replace(/,/g, '_');
    const strides = l.strides[0] === l.strides[1] ? `${l.strides[0]}` : `${l.strides[0]}, ${l.strides[1]}`;
    const row = (name: string, C: number, M: number): string => `${name}, ${H}, ${W}, ${l.R}, ${l.S}, ${C}, ${M}, ${strides},`;
    if (l.groups === 1) rows.push(row(base.replace(/DP/g, 'Dp'), l.C, l.M));
    else if (l.depthwise) rows.push(row(base.includes('DP') ? base : `${base}_DP`, l.C, l.depthMultiplier));
    else for (let gi = 0; gi < l.groups; gi++) rows.push(row(`${base.replace(/DP/g, 'Dp')}_g${gi}`, l.Cg, l.Mg));
  }
  return rows.join('\n') + '\n';
}

/**
 * Parses a SCALE-Sim INI config (`[architecture_presets]` ArrayHeight, ArrayWidth,
 * Ifmap/Filter/OfmapSramSzkB, Dataflow, Bandwidth; `[run_presets]` InterfaceBandwidth;
 * `[general]` run_name) into a resolved `ArchSpec`. Other keys (offsets, MemoryBanks) are ignored.
 * `overrides` fills what SCALE-Sim does not describe (clockMHz, wordBytes, gating).
 */
export function parseScaleSimConfig(text: string, overrides: Partial<Pick<ArchSpec, 'clockMHz' | 'wordBytes' | 'gating' | 'name'>> = {}): ArchSpec {
  const op = 'parseScaleSimConfig';
  const kv = new Map<string, { value: string; line: number }>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim();
    if (l === '' || l.startsWith('#') || l.startsWith(';') || (l.startsWith('[') && l.endsWith(']'))) continue;
    const m = /^([^:=]+?)\s*[:=]\s*(.*)$/.exec(l);
    if (!m) throw new TopologyError(op, i + 1, 0, `line ${i + 1} ${JSON.stringify(l)} is neither a [section] nor key: value.`, 'write key: value (or key = value).');
    kv.set(m[1].trim().toLowerCase(), { value: m[2].trim(), line: i + 1 });
  }
  const num = (key: string): number => {
    const e = kv.get(key.toLowerCase());
    if (!e) throw new TopologyError(op, 0, 0, `the config has no ${key}.`, `add ${key}: <number> under [architecture_presets].`);
    const n = Number(e.value);
    if (e.value === '' || !Number.isFinite(n)) throw new TopologyError(op, e.line, 0, `line ${e.line}: ${key} = ${JSON.stringify(e.value)} is not a number.`, `give ${key} a number.`);
    return n;
  };
  const df = kv.get('dataflow');
  if (!df) throw new TopologyError(op, 0, 0, 'the config has no Dataflow.', 'add Dataflow: os | ws | is under [architecture_presets].');
  const iface = kv.get('interfacebandwidth')?.value.toLowerCase() ?? 'calc';
  return resolveArch(
    {
      schemaVersion: 1,
      name: overrides.name ?? kv.get('run_name')?.value ?? 'scale-sim config',
      dataflow: df.value.toLowerCase(),
      array: { rows: num('ArrayHeight'), cols: num('ArrayWidth') },
      sramKB: { ifmap: num('IfmapSramSzkB'), filter: num('FilterSramSzkB'), ofmap: num('OfmapSramSzkB') },
      dram: { bandwidth: kv.has('bandwidth') ? num('Bandwidth') : 10, interface: iface === 'user' ? 'user' : 'calc' },
      ...(overrides.clockMHz !== undefined ? { clockMHz: overrides.clockMHz } : {}),
      ...(overrides.wordBytes !== undefined ? { wordBytes: overrides.wordBytes } : {}),
      ...(overrides.gating !== undefined ? { gating: overrides.gating } : {}),
    },
    op,
  );
}

const layersOf = (r: NetworkReport | readonly LayerReport[]): readonly LayerReport[] => (Array.isArray(r) ? r : (r as NetworkReport).layers);

/** SCALE-Sim's COMPUTE_REPORT.csv columns. */
export const COMPUTE_REPORT_HEADER = 'LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,';
/** SCALE-Sim's BANDWIDTH_REPORT.csv columns (words per cycle). */
export const BANDWIDTH_REPORT_HEADER = 'LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, Avg IFMAP DRAM BW, Avg FILTER DRAM BW, Avg OFMAP DRAM BW,';

/** COMPUTE_REPORT.csv-compatible text: one row per layer (LayerID from 0), percentages as SCALE-Sim. */
export function computeReportCsv(report: NetworkReport | readonly LayerReport[]): string {
  const rows = layersOf(report).map((r, i) => `${i}, ${r.cycles.total}, ${r.cycles.stall}, ${r.utilization.overall * 100}, ${r.utilization.mappingEfficiency * 100}, ${r.utilization.computeUtilization * 100},`);
  return [COMPUTE_REPORT_HEADER, ...rows].join('\n') + '\n';
}

/**
 * BANDWIDTH_REPORT.csv-like text, in words per cycle: SRAM columns are the array-side ifmap and
 * filter reads and ofmap writes per cycle (as SCALE-Sim); DRAM columns are DRAM ifmap/filter reads
 * and ofmap writes averaged over the layer's total cycles (SCALE-Sim averages over each DRAM
 * stream's active window, so its DRAM numbers are higher).
 */
export function bandwidthReportCsv(report: NetworkReport | readonly LayerReport[]): string {
  const rows = layersOf(report).map((r, i) => {
    const t = r.cycles.total;
    const gb = r.accesses.globalBuffer.byOperand;
    const dr = r.accesses.dram.byOperand;
    const vals = [gb.reads.ifmap, gb.reads.filter, gb.writes.ofmap - dr.reads.ofmap, dr.reads.ifmap, dr.reads.filter, dr.writes.ofmap].map((x) => x / t);
    return `${i}, ${vals.join(', ')},`;
  });
  return [BANDWIDTH_REPORT_HEADER, ...rows].join('\n') + '\n';
}

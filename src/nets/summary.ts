/**
 * Network summary: per layer the output shape, activation memory (elements), parameters (weights,
 * biases not counted, as the seed's VGG-16 "Where is the cost?" table) and MACs, with totals; and
 * the same as a text table in the seed's notation (`CONV3-64: [224x224x64] memory:
 * 224*224*64=3.2M params: (3*3*3)*64 = 1,728`).
 * @module
 */
import { resolveTopology, type Topology } from './topologies.js';

/** One row of a {@link NetworkSummary}. */
export interface SummaryRow {
  /** Layer name (`'input'` for the input row). */
  name: string;
  kind: 'input' | 'conv' | 'fc' | 'maxpool' | 'avgpool' | 'add';
  /** The seed's label: INPUT, CONV{R}-{M} (CONV{R}x{S}-{M} when not square), POOL{k}, AVGPOOL{k}, FC, ADD. */
  label: string;
  /** Output shape [H, W, C]. */
  shape: [number, number, number];
  /** Activation memory: output elements H x W x C. */
  memory: number;
  /** The seed's expression for it: `224*224*64=3.2M`, or the bare count for a 1x1xC output (`4096`). */
  memoryExpr: string;
  /** Weights (biases not counted): R x S x C/groups x M (conv), inputs x units (fc), else 0. */
  params: number;
  /** The seed's expression: `(3*3*3)*64 = 1,728`, `7*7*512*4096 = 102,760,448`, or `0`. */
  paramsExpr: string;
  /** Multiply-accumulates for one image: E x F x M x R x S x C/groups (conv), inputs x units (fc), else 0. */
  macs: number;
}

/** The summary of a network for one image. */
export interface NetworkSummary {
  name: string;
  rows: SummaryRow[];
  totals: {
    /** Sum of every row's memory (input included), in values. */
    memory: number;
    /** memory x 4 bytes (float32, forward pass only; roughly twice with the backward pass). */
    memoryBytes: number;
    params: number;
    macs: number;
  };
}

/** Bytes per activation value in {@link NetworkSummary.totals}.memoryBytes (float32, as the seed). */
export const SUMMARY_BYTES_PER_VALUE = 4;

/**
 * Short count with `digits` significant figures and a K (1e3) / M (1e6) / G (1e9) suffix; counts
 * below 10,000 are written out. The seed's notation: 150528 -> 150K, 3211264 -> 3.2M, 25088 -> 25K.
 */
export function shortCount(n: number, digits = 2): string {
  if (Math.abs(n) < 10_000) return String(n);
  const [div, suffix] = Math.abs(n) >= 1e9 ? [1e9, 'G'] : Math.abs(n) >= 1e6 ? [1e6, 'M'] : [1e3, 'K'];
  return `${Number((n / div).toPrecision(digits))}${suffix}`;
}

/** Count with thousands separators: 1728 -> `1,728`. */
export function groupedCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const memExpr = ([H, W, C]: [number, number, number]): string => (H === 1 && W === 1 ? String(C) : `${H}*${W}*${C}=${shortCount(H * W * C)}`);

/**
 * Per-layer output shape, memory, parameters and MACs of a topology, with totals (one image).
 * For VGG-16 every row equals the seed's "Where is the cost?" table (tested row by row) and the
 * parameter total is 138,344,128 (the seed's 138M).
 *
 * Note on the memory total: the seed states "TOTAL memory: 24M * 4 bytes ~= 93MB / image", but its
 * own rows add up to 15,237,608 values (about 61 MB at 4 bytes); this summary reports the sum.
 */
export function networkSummary(topo: Topology): NetworkSummary {
  const [H0, W0, C0] = topo.input;
  const rows: SummaryRow[] = [{ name: 'input', kind: 'input', label: 'INPUT', shape: [H0, W0, C0], memory: H0 * W0 * C0, memoryExpr: memExpr([H0, W0, C0]), params: 0, paramsExpr: '0', macs: 0 }];
  for (const { layer: l, inputs, output } of resolveTopology(topo)) {
    const [E, F, M] = output;
    const [H, W, C] = inputs[0];
    let params = 0;
    let paramsExpr = '0';
    let macs = 0;
    let label: string;
    if (l.kind === 'conv') {
      const [R, S] = l.kernel;
      const Cg = C / (l.groups ?? 1);
      params = R * S * Cg * M;
      paramsExpr = `(${R}*${S}*${Cg})*${M} = ${groupedCount(params)}`;
      macs = E * F * params;
      label = R === S ? `CONV${R}-${M}` : `CONV${R}x${S}-${M}`;
    } else if (l.kind === 'fc') {
      params = H * W * C * l.units;
      paramsExpr = `${[H, W, C].filter((v, i) => v !== 1 || i === 2).join('*')}*${l.units} = ${groupedCount(params)}`;
      macs = params;
      label = 'FC';
    } else if (l.kind === 'add') label = 'ADD';
    else {
      const k = l.kernel[0] === l.kernel[1] ? `${l.kernel[0]}` : `${l.kernel[0]}x${l.kernel[1]}`;
      label = l.kind === 'maxpool' ? `POOL${k}` : `AVGPOOL${k}`;
    }
    rows.push({ name: l.name, kind: l.kind, label, shape: [E, F, M], memory: E * F * M, memoryExpr: memExpr(output), params, paramsExpr, macs });
  }
  const memory = rows.reduce((s, r) => s + r.memory, 0);
  return {
    name: topo.name,
    rows,
    totals: { memory, memoryBytes: memory * SUMMARY_BYTES_PER_VALUE, params: rows.reduce((s, r) => s + r.params, 0), macs: rows.reduce((s, r) => s + r.macs, 0) },
  };
}

/**
 * The summary as text in the seed's notation, one layer per line, then the totals:
 * ```
 * CONV3-64: [224x224x64]  memory: 224*224*64=3.2M  params: (3*3*3)*64 = 1,728  MACs: 86.7M  (conv1_1)
 * ...
 * TOTAL memory: 15M * 4 bytes ~= 61MB / image (only forward! ~*2 for bwd)
 * TOTAL params: 138M parameters
 * TOTAL MACs: 15.5G
 * ```
 */
export function formatSummary(s: NetworkSummary): string {
  const cells = s.rows.map((r) => [`${r.label}: [${r.shape.join('x')}]`, `memory: ${r.memoryExpr}`, `params: ${r.paramsExpr}`, `MACs: ${shortCount(r.macs, 3)}`, `(${r.name})`]);
  const widths = cells[0].map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  const lines = cells.map((c) => c.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd());
  lines.push(
    `TOTAL memory: ${shortCount(s.totals.memory)} * ${SUMMARY_BYTES_PER_VALUE} bytes ~= ${shortCount(s.totals.memoryBytes).replace(/M$/, 'MB').replace(/K$/, 'KB').replace(/G$/, 'GB')} / image (only forward! ~*2 for bwd)`,
    `TOTAL params: ${shortCount(s.totals.params, 3)} parameters`,
    `TOTAL MACs: ${shortCount(s.totals.macs, 3)}`,
  );
  return `${s.name}\n${lines.join('\n')}\n`;
}

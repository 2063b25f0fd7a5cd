/**
 * Accelerator reports next to functional results: the targets an op or a network run is modelled
 * on (`accelerator` option), and the per-layer report built from the counts the kernel pass made
 * (conv2dZeroSkip's rowNnz and executed MACs fed to `simulate` as `SimulationData.activity`, so
 * nothing traverses the input a second time).
 *
 * Every report compares dense and zero-skipping FEIE side by side: the ZASCAD / ZASCAS pair is
 * always modelled (from the first FEIE target given, else the `zasca` preset), followed by the
 * other targets in the order given.
 * @module
 */
import { ValueError, fmt } from '../errors.js';
import { ARCH_PRESETS } from './presets.js';
import { nearest, resolveArch } from './schema.js';
import { simulate, type LayerReport } from './simulate.js';
import type { FeieActivity } from './feie.js';
import type { AccelLayer, ArchInput, ArchSpec } from './types.js';

/** Name of a preset in `ARCH_PRESETS`. */
export type ArchPresetName = keyof typeof ARCH_PRESETS;
/** One target: an architecture (data) or a preset name. */
export type AcceleratorTarget = ArchInput | ArchSpec | ArchPresetName;
/** The `accelerator` option: one target or a list of them. */
export type AcceleratorOption = AcceleratorTarget | readonly AcceleratorTarget[];

/** One row of the side-by-side comparison of an {@link OpAcceleratorReport}. */
export interface AcceleratorComparisonRow {
  /** Architecture name and dataflow key (e.g. `'zascas'`). */
  arch: string;
  dataflow: string;
  /** Cycles including stalls. */
  cycles: number;
  /** MACs executed and skipped (zero inputs not computed). */
  macsExecuted: number;
  macsSkipped: number;
  /** Overall utilisation (0..1). */
  utilization: number;
  /** Energy in the table's unit (normalised to one MAC by default). */
  energy: number;
  /** Latency in seconds at the arch's clock. */
  latencySeconds: number;
  /** ZASCAD cycles / these cycles (> 1: faster than dense FEIE). */
  speedupVsDense: number;
}

/** The accelerator part of a functional op's result (see {@link resolveTargets} for the order). */
export interface OpAcceleratorReport {
  /** The layer as the models see it. */
  layer: AccelLayer;
  /** Exact activity of the kernel pass: non-zero inputs per (image, row, channel), MACs with a non-zero input. */
  activity: FeieActivity;
  /** Fraction of the layer's input values equal to real zero (the zero point), padding excluded. */
  inputZeroFraction: number;
  /** One report per target: ZASCAD, ZASCAS, then the other targets in the order given. */
  reports: LayerReport[];
  /** The same, one row per target, for side-by-side reading. */
  comparison: AcceleratorComparisonRow[];
}

const FEIE = new Set(['zascad', 'zascas']);

function resolveTarget(op: string, t: AcceleratorTarget, where: string): ArchSpec {
  if (typeof t === 'string') {
    const presets = ARCH_PRESETS as Readonly<Record<string, Readonly<ArchSpec>>>;
    const p = presets[t];
    if (!p) {
      const s = nearest(t, Object.keys(presets));
      throw new ValueError(op, `${where} = ${fmt(t)} is not a preset.`, `use one of ${Object.keys(presets).map((k) => JSON.stringify(k)).join(', ')}${s ? ` (did you mean ${JSON.stringify(s)}?)` : ''}, or pass an arch object.`);
    }
    return resolveArch(p as ArchSpec, op);
  }
  return resolveArch(t as ArchInput, op);
}

/**
 * Resolves the `accelerator` option into the architectures modelled, in report order: the FEIE
 * pair ZASCAD then ZASCAS (the first FEIE target given, with its dataflow set to each; else the
 * `zasca` preset), then every non-FEIE target in the order given. Validation errors name `op`.
 */
export function resolveTargets(op: string, option: AcceleratorOption): ArchSpec[] {
  const list: readonly AcceleratorTarget[] = Array.isArray(option) ? option : [option as AcceleratorTarget];
  if (list.length === 0) throw new ValueError(op, 'accelerator is an empty list.', "pass an arch, a preset name such as 'zasca', or a non-empty list of them.");
  const archs = list.map((t, i) => resolveTarget(op, t, Array.isArray(option) ? `accelerator[${i}]` : 'accelerator'));
  const feie = archs.find((a) => FEIE.has(a.dataflow)) ?? resolveArch(ARCH_PRESETS.zasca as ArchSpec, op);
  const pair = [{ ...feie, dataflow: 'zascad' }, { ...feie, dataflow: 'zascas' }];
  return [...pair, ...archs.filter((a) => !FEIE.has(a.dataflow))];
}

/**
 * Models `layer` on every target with the exact activity of the kernel pass (and the weights,
 * for gating), and lays the reports side by side. Pure.
 */
export function opReport(layer: AccelLayer, archs: readonly ArchSpec[], activity: FeieActivity, weights?: { data: ArrayLike<number>; zeroPoint: number }): OpAcceleratorReport {
  const data = { activity, ...(weights ? { weights: weights.data, weightZeroPoint: weights.zeroPoint } : {}) };
  const reports = archs.map((a) => simulate(layer, a, data));
  const denseCycles = reports[0].cycles.total;
  let nnz = 0;
  for (let i = 0; i < activity.rowNnz.length; i++) nnz += activity.rowNnz[i];
  const inputs = layer.N * layer.H * layer.W * layer.C;
  return {
    layer,
    activity,
    inputZeroFraction: inputs > 0 ? 1 - nnz / inputs : 0,
    reports,
    comparison: reports.map((r) => ({
      arch: r.arch.name,
      dataflow: r.arch.dataflow,
      cycles: r.cycles.total,
      macsExecuted: r.macs.executed + r.macs.gated,
      macsSkipped: r.macs.skipped,
      utilization: r.utilization.overall,
      energy: r.energy.total,
      latencySeconds: r.latencySeconds,
      speedupVsDense: r.cycles.total > 0 ? denseCycles / r.cycles.total : Infinity,
    })),
  };
}

/** Text table of an {@link OpAcceleratorReport}'s comparison (one line per target). */
export function formatComparison(rows: readonly AcceleratorComparisonRow[]): string {
  const head = ['dataflow', 'cycles', 'MACs done', 'MACs skipped', 'util', 'energy', 'speedup', 'arch'];
  const body = rows.map((r) => [r.dataflow, String(r.cycles), String(r.macsExecuted), String(r.macsSkipped), `${(100 * r.utilization).toFixed(1)}%`, r.energy.toExponential(3), `${r.speedupVsDense.toFixed(2)}x`, r.arch]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (c: string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padStart(w[i]))).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}

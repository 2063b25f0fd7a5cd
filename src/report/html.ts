/**
 * A self-contained HTML report of accelerator simulations: inline SVG plots (no scripts, no CDN,
 * renders offline) of per-layer cycles per dataflow (dense vs zero-skip), utilisation per layer,
 * a roofline with each layer's point, and the energy breakdown per memory level; then the tables.
 * @module
 */
import type { EnergyBreakdown, NetworkReport } from '../accel/simulate.js';
import { barChart, escapeXml, PALETTE, scatterChart, type ScatterPoint } from './svg.js';

/** One dataflow's network report, as the report shows it. */
export interface HtmlRun {
  dataflow: string;
  title: string;
  report: NetworkReport;
}

/** Input of {@link simulationHtml}. */
export interface SimulationHtmlInput {
  /** Page title, e.g. `vgg16 on zasca`. */
  title: string;
  /** Lines under the title (arch, densities, seed...). */
  notes: readonly string[];
  runs: readonly HtmlRun[];
  /** The arch's DRAM interface mode (`'calc'`: bandwidth not enforced), explained under the roofline. */
  dramInterface?: 'calc' | 'user';
}

const ENERGY_LEVELS: readonly { key: keyof EnergyBreakdown; name: string }[] = [
  { key: 'mac', name: 'MAC' },
  { key: 'gatedMac', name: 'gated MAC' },
  { key: 'registerFile', name: 'register file' },
  { key: 'interPE', name: 'inter-PE' },
  { key: 'globalBuffer', name: 'global buffer' },
  { key: 'dram', name: 'DRAM' },
];

const fmt = (n: number, digits = 3): string => (Number.isFinite(n) ? (Math.abs(n) >= 1e4 ? n.toExponential(2) : String(Number(n.toPrecision(digits)))) : '∞');

/** The roof: min(peak, AI x bandwidth) over [lo, hi] with its knee, as polyline points. */
export function roofPoints(peak: number, bandwidth: number, lo: number, hi: number): ScatterPoint[] {
  const knee = peak / bandwidth;
  const pts: ScatterPoint[] = [{ x: lo, y: Math.min(peak, lo * bandwidth) }];
  if (knee > lo && knee < hi) pts.push({ x: knee, y: peak });
  pts.push({ x: hi, y: Math.min(peak, hi * bandwidth) });
  return pts;
}

/** The charts (SVG strings) of a simulation: cycles, utilisation, roofline, energy. */
export function simulationCharts(input: SimulationHtmlInput): { id: string; caption: string; svg: string }[] {
  const runs = input.runs;
  const layers = runs[0].report.layers.map((l) => l.layer.name);
  const wide = Math.max(720, 170 + 70 + layers.length * 26);
  const frame = { width: wide, height: 360 };
  const label = (r: HtmlRun) => `${r.dataflow}`;
  const charts: { id: string; caption: string; svg: string }[] = [];
  charts.push({
    id: 'cycles',
    caption: `Cycles per layer, one bar per dataflow${runs.some((r) => r.dataflow === 'zascad') && runs.some((r) => r.dataflow === 'zascas') ? ' (zascad = FEIE dense, zascas = FEIE zero-skipping)' : ''}. Lower is better.`,
    svg: barChart({ title: 'Cycles per layer', categories: layers, series: runs.map((r) => ({ name: label(r), values: r.report.layers.map((l) => l.cycles.total) })), yLabel: 'cycles', frame }),
  });
  charts.push({
    id: 'utilization',
    caption: 'Utilisation per layer: PE-cycles spent on MACs (executed or gated) / all PE-cycles (utilization.overall, SCALE-Sim "Overall Util").',
    svg: barChart({ title: 'Utilisation per layer', categories: layers, series: runs.map((r) => ({ name: label(r), values: r.report.layers.map((l) => l.utilization.overall * 100) })), yLabel: 'utilisation (%)', yMax: 100, frame }),
  });
  // Roofline: one roof per distinct (peak, bandwidth); each layer's achieved (dense-equivalent) ops/s at its intensity.
  const series = runs.map((r) => ({ name: label(r), points: r.report.layers.map((l) => ({ x: l.roofline.arithmeticIntensity, y: l.roofline.achievedOpsPerSecond, label: l.layer.name })) }));
  const xs = series.flatMap((s) => s.points.map((p) => p.x)).filter((v) => Number.isFinite(v) && v > 0);
  const t = runs[0].report.totals.roofline;
  const knee = t.peakOpsPerSecond / t.bandwidthBytesPerSecond;
  const lo = 10 ** Math.floor(Math.log10(Math.min(knee, ...xs) / 2));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(knee, ...xs) * 2));
  const ys = series.flatMap((s) => s.points.map((p) => p.y)).filter((v) => v > 0);
  const ylo = 10 ** Math.floor(Math.log10(Math.min(t.peakOpsPerSecond, lo * t.bandwidthBytesPerSecond, ...ys)));
  const yhi = 10 ** Math.ceil(Math.log10(t.peakOpsPerSecond * 1.01));
  charts.push({
    id: 'roofline',
    caption: `Roofline (log-log): attainable ops/s = min(peak ${fmt(t.peakOpsPerSecond)} ops/s, intensity x DRAM bandwidth ${fmt(t.bandwidthBytesPerSecond)} B/s); points are each layer's dense-equivalent ops/s (2 x MACs / latency) at its ops per DRAM byte. A point above the roof: zero skipping (dense-equivalent ops not executed)${input.dramInterface === 'calc' ? ", or the DRAM interface 'calc' (SCALE-Sim CALC: bandwidth not enforced, no stall cycles; set dram.interface 'user' to enforce it)" : ''}.`,
    svg: scatterChart({
      title: 'Roofline',
      xLabel: 'arithmetic intensity (ops per DRAM byte)',
      yLabel: 'ops/s',
      series,
      lines: [{ name: 'attainable roof', points: roofPoints(t.peakOpsPerSecond, t.bandwidthBytesPerSecond, lo, hi), color: '#444' }],
      xDomain: [lo, hi],
      yDomain: [ylo, yhi],
      frame: { width: 720, height: 400 },
    }),
  });
  const used = ENERGY_LEVELS.filter((lv) => runs.some((r) => r.report.totals.energy.breakdown[lv.key] > 0));
  const unit = runs[0].report.totals.energy.table.unit;
  charts.push({
    id: 'energy-totals',
    caption: `Network energy per memory level and dataflow (${unit}; table ${runs[0].report.totals.energy.table.name}).`,
    svg: barChart({ title: 'Energy per memory level (network)', categories: runs.map(label), series: used.map((lv, i) => ({ name: lv.name, values: runs.map((r) => r.report.totals.energy.breakdown[lv.key]), color: PALETTE[(i + 2) % PALETTE.length] })), yLabel: `energy (${unit.split(' ')[0]})`, mode: 'stacked', frame: { width: 720, height: 340 } }),
  });
  for (const r of runs) {
    charts.push({
      id: `energy-${r.dataflow}`,
      caption: `Energy per layer and memory level on ${r.dataflow} (${r.title}).`,
      svg: barChart({ title: `Energy per layer: ${r.dataflow}`, categories: layers, series: used.map((lv, i) => ({ name: lv.name, values: r.report.layers.map((l) => l.energy.breakdown[lv.key]), color: PALETTE[(i + 2) % PALETTE.length] })), yLabel: `energy (${unit.split(' ')[0]})`, mode: 'stacked', frame }),
    });
  }
  return charts;
}

const CSS = `body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}h1{font-size:22px}h2{font-size:17px;margin-top:28px}
figure{margin:16px 0}figcaption{font-size:13px;color:#555;max-width:760px}table{border-collapse:collapse;font-size:12px;margin:8px 0}
th,td{border:1px solid #ccc;padding:3px 6px;text-align:right}th{background:#f3f3f3}td:first-child,th:first-child,td.l{text-align:left}.notes{color:#444;font-size:13px}
svg{max-width:100%;height:auto}ul{font-size:13px}`;

/**
 * The body of a simulation report (totals, the charts, the per-layer table, the assumptions)
 * without the page around it, so several simulations can share one page. `idPrefix` keeps the
 * figure ids unique on such a page; `level` is the heading level of its sections (2 or 3).
 */
export function simulationSections(input: SimulationHtmlInput, idPrefix = '', level: 2 | 3 = 2): string {
  const runs = input.runs;
  const charts = simulationCharts(input);
  const e = escapeXml;
  const h = `h${level}`;
  const h2 = `h${level + 1}`;
  const tot = runs.map((r) => {
    const t = r.report.totals;
    return `<tr><td>${e(r.dataflow)}</td><td class="l">${e(r.title)}</td><td>${t.cycles.total.toLocaleString('en-US')}</td><td>${(t.latencySeconds * 1e3).toFixed(3)}</td><td>${(runs[0].report.totals.cycles.total / Math.max(1, t.cycles.total)).toFixed(2)}x</td><td>${(t.utilization.overall * 100).toFixed(1)}</td><td>${fmt(t.energy.total)}</td><td>${t.roofline.bound}</td></tr>`;
  });
  const head = ['layer', 'MACs', 'input density', ...runs.flatMap((r) => [`${r.dataflow} cycles`, `${r.dataflow} util %`, `${r.dataflow} energy`])];
  const rows = runs[0].report.layers.map((l, i) => `<tr><td>${e(l.layer.name)}</td><td>${l.layer.macs.toLocaleString('en-US')}</td><td>${l.densities.input.toFixed(3)} (${l.densities.source})</td>${runs.map((r) => { const x = r.report.layers[i]; return `<td>${x.cycles.total.toLocaleString('en-US')}</td><td>${(x.utilization.overall * 100).toFixed(1)}</td><td>${fmt(x.energy.total)}</td>`; }).join('')}</tr>`);
  return `<${h}>Totals</${h}>
<table><thead><tr><th>dataflow</th><th>model</th><th>cycles</th><th>latency (ms)</th><th>speedup vs ${e(runs[0].dataflow)}</th><th>utilisation %</th><th>energy (${e(runs[0].report.totals.energy.table.unit)})</th><th>bound</th></tr></thead><tbody>${tot.join('')}</tbody></table>
${charts.map((c) => `<figure id="${e(idPrefix + c.id)}">${c.svg}<figcaption>${e(c.caption)}</figcaption></figure>`).join('\n')}
<${h}>Per layer</${h}>
<table><thead><tr>${head.map((x) => `<th>${e(x)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>
<${h}>Assumptions</${h}>
${runs.map((r) => `<${h2}>${e(r.dataflow)}: ${e(r.title)}</${h2}><ul>${r.report.dataflow.assumptions.map((a) => `<li>${e(a)}</li>`).join('')}</ul>`).join('\n')}
`;
}

/** A self-contained HTML page (inline CSS, no scripts): the title, note paragraphs, then `body` and a footer. */
export function htmlPage(title: string, notes: readonly string[], body: string, footer: string): string {
  const e = escapeXml;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><title>${e(title)}</title><style>${CSS}</style></head>
<body>
<h1>${e(title)}</h1>
<div class="notes">${notes.map((n) => `<p>${e(n)}</p>`).join('')}</div>
${body}<p class="notes">${e(footer)}</p>
</body></html>
`;
}

/** The footer line of a report: generator and energy table. */
export function reportFooter(report: NetworkReport): string {
  return `Generated by macflow. Energy table ${report.totals.energy.table.name} v${report.totals.energy.table.version}. Every field's unit and formula: REPORT_GLOSSARY; the JSON next to this file holds every number.`;
}

/** A self-contained HTML page (inline SVG and CSS only) for a simulation. */
export function simulationHtml(input: SimulationHtmlInput): string {
  return htmlPage(input.title, input.notes, simulationSections(input), reportFooter(input.runs[0].report));
}

// --html of bench/run.js: a self-contained HTML/SVG page of a bench report (inline SVG and CSS,
// no scripts, renders offline): throughput per kernel (bars), speedup vs density with the ideal
// 1/density line, zero-skip vs ORT-web int8, the modelled accelerator (zasca preset: cycles per
// layer ZASCAD vs ZASCAS, roofline, energy per memory level, on the run's own layers and data), and
// one table of every case. Built on src/report (the built package in dist/).
import { htmlPage, simulationCharts } from '../dist/report/html.js';
import { barChart, escapeXml as e, PALETTE, scatterChart } from '../dist/report/svg.js';

const PARTS = {
  zeroSkip: 'Dense vs zero-skip (activation density)',
  csr: 'Dense vs CSR (weight density)',
  binary: 'Binary / ternary vs int8',
};
const num = (x, d = 2) => (x === undefined || x === null || Number.isNaN(x) ? '-' : Number(x).toFixed(d));
const ms = (x) => (x === undefined ? '-' : x < 1 ? x.toFixed(3) : x < 100 ? x.toFixed(2) : x.toFixed(0));
const figure = (id, svg, caption) => `<figure id="${e(id)}">${svg}<figcaption>${e(caption)}</figcaption></figure>`;
const uniq = (xs) => [...new Set(xs)];

/** Grouped bars of GOPS: one category per workload (and density), one series per case label. */
function throughputChart(title, rs, categoryOf) {
  const cats = uniq(rs.map(categoryOf));
  const labels = uniq(rs.map((r) => r.label));
  const series = labels.map((l) => ({ name: l, values: cats.map((c) => rs.find((r) => r.label === l && categoryOf(r) === c)?.gops ?? 0) }));
  const frame = { width: Math.max(720, 120 + cats.length * 24 * Math.max(1, labels.length)), margin: { right: 220, bottom: 110 } };
  return barChart({ title, categories: cats, series, yLabel: 'GOPS (2 x dense MACs / median time)', yLog: true, frame });
}

/** A wide chart frame tall enough for a legend of `entries` lines (18 px each; the sweep has many). */
const legendFrame = (entries) => ({ width: 880, height: Math.max(340, 60 + 18 * entries), margin: { right: 330 } });

/** Speedup over the dense baseline vs density (log-log), one series per (workload, case), ideal 1/density. */
function speedupChart(title, rs, densityLabel) {
  const pts = rs.filter((r) => !r.baseline && r.speedupVsDense > 0 && r.density > 0);
  const keys = uniq(pts.map((r) => `${r.workload} · ${r.label}`));
  const series = keys.map((k, i) => ({
    name: k, color: PALETTE[i % PALETTE.length],
    points: pts.filter((r) => `${r.workload} · ${r.label}` === k).sort((a, b) => a.density - b.density).map((r) => ({ x: r.density, y: r.speedupVsDense, label: `${r.workload} ${densityLabel} ${r.density}` })),
  }));
  const ds = uniq(rs.map((r) => r.density)).filter((d) => d > 0).sort((a, b) => a - b);
  const lines = [
    { name: 'ideal 1/density', points: ds.map((d) => ({ x: d, y: 1 / d })), color: '#000', dashed: true },
    { name: 'break-even (1x)', points: ds.map((d) => ({ x: d, y: 1 })), color: '#999', dashed: true },
    ...series.map((s) => ({ name: `${s.name} (line)`, points: s.points, color: s.color })),
  ];
  return scatterChart({ title, xLabel: `${densityLabel} density (non-zero fraction)`, yLabel: 'speedup vs dense (median ms ratio)', series, lines, frame: legendFrame(series.length + lines.length) });
}

/** Zero-skip effective throughput / ORT-web int8's vs activation density, with the issue-3 targets. */
function vsOrtChart(rs) {
  const pts = rs.filter((r) => r.kind !== 'peer' && !r.baseline && r.speedup?.['ort-int8'] > 0);
  const keys = uniq(pts.map((r) => `${r.workload} · ${r.label}`));
  const series = keys.map((k, i) => ({
    name: k, color: PALETTE[i % PALETTE.length],
    points: pts.filter((r) => `${r.workload} · ${r.label}` === k).sort((a, b) => a.density - b.density).map((r) => ({ x: r.density, y: r.speedup['ort-int8'], label: `${r.workload} activation ${r.density}` })),
  }));
  const ds = uniq(rs.map((r) => r.density)).filter((d) => d > 0).sort((a, b) => a - b);
  const lines = [
    { name: 'parity with ORT-web int8 (1x)', points: ds.map((d) => ({ x: d, y: 1 })), color: '#999', dashed: true },
    { name: 'targets: 1.5x at 0.5, 2.5x at 0.3', points: [{ x: 0.3, y: 2.5 }, { x: 0.5, y: 1.5 }], color: '#000', dashed: true },
    ...series.map((x) => ({ name: `${x.name} (line)`, points: x.points, color: x.color })),
  ];
  return scatterChart({ title: 'Effective throughput vs ORT-web int8', xLabel: 'activation density (non-zero fraction)', yLabel: 'ORT-web int8 median ms / this median ms', series, lines, frame: legendFrame(series.length + lines.length) });
}

/**
 * The modelled accelerator of the run (rep.accelerator, bench/accel.mjs): the charts of
 * src/report/html.ts (simulationCharts) on the run's zero-skip layers and data: cycles per layer and
 * roofline for ZASCAD (dense, at the highest density) and ZASCAS at every density; energy per
 * memory level for both at every density.
 */
function accelSection(acc) {
  const title = (r) => `${r.report.arch.name.split(' ')[0]} ${r.dataflow} @${r.density}`;
  const run = (r, label) => ({ dataflow: label, title: title(r), report: r.report });
  const ds = uniq(acc.runs.map((r) => r.density)).sort((a, b) => b - a);
  const zd = acc.runs.find((r) => r.dataflow === 'zascad' && r.density === ds[0]);
  const main = [run(zd, 'zascad'), ...ds.map((d) => run(acc.runs.find((r) => r.dataflow === 'zascas' && r.density === d), `zascas @${d}`))];
  const all = ds.flatMap((d) => ['zascad', 'zascas'].map((df) => run(acc.runs.find((r) => r.dataflow === df && r.density === d), `${df} @${d}`)));
  const pick = (charts, id) => charts.find((c) => c.id === id);
  const a = simulationCharts({ title: 'accelerator', notes: [], runs: main, dramInterface: acc.dramInterface });
  const b = simulationCharts({ title: 'accelerator', notes: [], runs: all });
  const charts = [
    { ...pick(a, 'cycles'), caption: `Cycles per layer on the ${acc.preset} preset: ZASCAD (FEIE dense; its cycles do not depend on the data) vs ZASCAS (FEIE zero-skipping) at each activation density of the run, fed with the same activations the CPU cases ran on. Lower is better.` },
    pick(a, 'roofline'),
    { ...pick(b, 'energy-totals'), caption: `Energy per memory level, summed over the run's zero-skip layers, for ZASCAD and ZASCAS at each activation density (${zd.report.totals.energy.table.unit}; table ${zd.report.totals.energy.table.name}).` },
  ];
  const rows = zd.report.layers.map((l, i) => `<tr><td class="l">${e(l.layer.name)}</td><td>${l.layer.macs.toLocaleString('en-US')}</td>${ds.map((d) => {
    const dd = acc.runs.find((r) => r.dataflow === 'zascad' && r.density === d).report.layers[i];
    const ss = acc.runs.find((r) => r.dataflow === 'zascas' && r.density === d).report.layers[i];
    return `<td>${ss.densities.input.toFixed(3)}</td><td>${dd.cycles.total.toLocaleString('en-US')}</td><td>${ss.cycles.total.toLocaleString('en-US')}</td><td>${num(dd.cycles.total / ss.cycles.total)}x</td>`;
  }).join('')}</tr>`);
  const head = `<tr><th rowspan="2">layer</th><th rowspan="2">MACs</th>${ds.map((d) => `<th colspan="4">activation density ${d}</th>`).join('')}</tr><tr>${ds.map(() => '<th>measured</th><th>zascad cycles</th><th>zascas cycles</th><th>speedup</th>').join('')}</tr>`;
  return `<h2>Modelled accelerator: ${e(acc.arch)}</h2>
${charts.map((c) => figure(`accel-${c.id}`, c.svg, c.caption)).join('\n')}
<table id="accel-table"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The table of every case of the report. */
function table(rep) {
  const head = ['suite', 'workload', 'density', 'case', 'build', 'ms (median)', '±%', 'n', 'GOPS', 'best GOPS', 'speedup vs dense', 'ideal 1/density', 'vs ORT int8', 'first run ms'];
  const rows = rep.results.map((r) => {
    const suite = r.part ? PARTS[r.part] : r.kind;
    if (r.error) return `<tr><td class="l">${e(suite)}</td><td class="l">${e(r.workload)}</td><td>${r.density ?? '-'}</td><td class="l">${e(r.label)}</td><td colspan="10" class="l">error: ${e(r.error)}</td></tr>`;
    const sp = r.part && r.kind !== 'peer' ? (r.baseline ? 'baseline' : `${num(r.speedupVsDense)}x`) : '-';
    const ideal = r.density !== undefined && r.part && !r.baseline && r.kind !== 'peer' ? num(1 / r.density) : '-';
    const vsOrt = r.speedup?.['ort-int8'] !== undefined ? `${num(r.speedup['ort-int8'])}x` : '-';
    const fr = r.firstRun && !r.firstRun.error ? ms(r.firstRun.firstMs) : '-';
    return `<tr><td class="l">${e(suite)}</td><td class="l">${e(r.workload)}</td><td>${r.density ?? '-'}</td><td class="l">${e(r.label)}</td><td>${e(r.isa ?? '-')}</td><td>${ms(r.ms)}</td><td>${num(r.rmePct, 1)}</td><td>${r.samples}</td><td>${num(r.gops, 1)}</td><td>${num(r.bestGops, 1)}</td><td>${sp}</td><td>${ideal}</td><td>${vsOrt}</td><td>${fr}</td></tr>`;
  });
  return `<table id="cases"><thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The whole page of a bench report (the object bench/run.js writes with --json). */
export async function benchHtml(rep) {
  const m = rep.machine;
  const ok = rep.results.filter((r) => !r.error);
  const body = [];
  const plain = ok.filter((r) => !r.part);
  if (plain.length) {
    body.push('<h2>Kernels and peers</h2>', figure('throughput-kernels', throughputChart('Throughput per kernel', plain, (r) => r.workload), 'Median GOPS per case and workload (log scale); peers run single-threaded in the same process.'));
  }
  for (const part of ['zeroSkip', 'csr', 'binary']) {
    const rs = ok.filter((r) => r.part === part);
    if (!rs.length) continue;
    body.push(`<h2>${e(PARTS[part])}</h2>`);
    const cat = part === 'binary' ? (r) => r.workload : (r) => `${r.workload} @${r.density}`;
    body.push(figure(`throughput-${part}`, throughputChart(`Throughput: ${PARTS[part]}`, rs, cat), 'Effective GOPS: 2 x the dense layer\'s MACs / median time, so a sparse kernel that skips work shows above its dense baseline.'));
    if (part !== 'binary') {
      const dl = part === 'zeroSkip' ? 'activation' : 'weight';
      body.push(figure(`speedup-${part}`, speedupChart(`Speedup vs ${dl} density`, rs, dl), `Speedup of each sparse case over the dense int8 baseline of the same workload, build and density; the dashed black line is the ideal 1/density (all skipped work free), grey is break-even.`));
    }
    if (part === 'zeroSkip' && rs.some((r) => r.speedup?.['ort-int8'] !== undefined)) {
      body.push(figure('vs-ort-zeroSkip', vsOrtChart(rs), 'Effective (dense-equivalent) throughput of each macflow case over ORT-web int8 QLinearConv (dense, single thread) on the same layer and activations, timed in the same group; dashed black: the issue-3 targets for zero skipping (>= 1.5x at density 0.5, >= 2.5x at 0.3).'));
    }
    const shared = uniq(rs.filter((r) => r.layers?.length > 1).map((r) => `${r.workload} = ${r.layers.join(', ')}`));
    if (shared.length) body.push(`<p class="notes">Layers of the same shape run once, under the first one's name: ${e(shared.join('; '))}.</p>`);
  }
  if (rep.accelerator) body.push(accelSection(rep.accelerator));
  body.push('<h2>All cases</h2>', table(rep));
  const notes = [
    `Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node} (${m.platform}), flags ${(m.execArgv ?? []).join(' ')}, Liftoff ${m.liftoff ? 'on (cases warmed up until stable)' : 'off'}, threads ${rep.threads}.`,
    `Load average before ${(m.loadBefore ?? []).join(' / ')}, after ${(m.loadAfter ?? []).join(' / ')}. ${rep.date}${rep.commit ? `, commit ${rep.commit}` : ''}, suite ${rep.suite}${rep.quick ? ' (quick)' : ''}.`,
    'Medians of benny (benchmark.js) samples after a warm-up until stable; ±% is the relative margin of error; first run = a fresh process: engine init + data staging + the first call.',
  ];
  return htmlPage('macflow benchmarks', notes, body.join('\n'), 'Generated by macflow bench/run.js; the JSON of the same run holds every number.');
}

// --html of bench/run.js: a self-contained HTML/SVG page of a bench report (inline SVG and CSS,
// no scripts, renders offline): throughput per kernel (bars), speedup vs density with the ideal
// 1/density line, and one table of every case. Built on src/report (the built package in dist/).
import { htmlPage } from '../dist/report/html.js';
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
  return scatterChart({ title, xLabel: `${densityLabel} density (non-zero fraction)`, yLabel: 'speedup vs dense (median ms ratio)', series, lines, frame: { width: 880, margin: { right: 330 } } });
}

/** The table of every case of the report. */
function table(rep) {
  const head = ['suite', 'workload', 'density', 'case', 'build', 'ms (median)', '±%', 'n', 'GOPS', 'best GOPS', 'speedup vs dense', 'ideal 1/density', 'first run ms'];
  const rows = rep.results.map((r) => {
    const suite = r.part ? PARTS[r.part] : r.kind;
    if (r.error) return `<tr><td class="l">${e(suite)}</td><td class="l">${e(r.workload)}</td><td>${r.density ?? '-'}</td><td class="l">${e(r.label)}</td><td colspan="9" class="l">error: ${e(r.error)}</td></tr>`;
    const sp = r.part ? (r.baseline ? 'baseline' : `${num(r.speedupVsDense)}x`) : '-';
    const ideal = r.density !== undefined && r.part && !r.baseline ? num(1 / r.density) : '-';
    const fr = r.firstRun && !r.firstRun.error ? ms(r.firstRun.firstMs) : '-';
    return `<tr><td class="l">${e(suite)}</td><td class="l">${e(r.workload)}</td><td>${r.density ?? '-'}</td><td class="l">${e(r.label)}</td><td>${e(r.isa ?? '-')}</td><td>${ms(r.ms)}</td><td>${num(r.rmePct, 1)}</td><td>${r.samples}</td><td>${num(r.gops, 1)}</td><td>${num(r.bestGops, 1)}</td><td>${sp}</td><td>${ideal}</td><td>${fr}</td></tr>`;
  });
  return `<table><thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
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
  }
  body.push('<h2>All cases</h2>', table(rep));
  const notes = [
    `Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node} (${m.platform}), flags ${(m.execArgv ?? []).join(' ')}, Liftoff ${m.liftoff ? 'on (cases warmed up until stable)' : 'off'}, threads ${rep.threads}.`,
    `Load average before ${(m.loadBefore ?? []).join(' / ')}, after ${(m.loadAfter ?? []).join(' / ')}. ${rep.date}${rep.commit ? `, commit ${rep.commit}` : ''}, suite ${rep.suite}${rep.quick ? ' (quick)' : ''}.`,
    'Medians of benny (benchmark.js) samples after a warm-up until stable; ±% is the relative margin of error; first run = a fresh process: engine init + data staging + the first call.',
  ];
  return htmlPage('macflow benchmarks', notes, body.join('\n'), 'Generated by macflow bench/run.js; the JSON of the same run holds every number.');
}

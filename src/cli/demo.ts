/**
 * `macflow demo`, the main job on a built-in default: real int8 networks end to end, each run on
 * this CPU with the im2col / GEMM kernels, then with the zero-skipping kernel (prepared once per
 * kernel with {@link prepareNetwork}, then timed over the runs), and once more ({@link runNetwork}) with the accelerator models fed by every layer's actual input (ZASCAD
 * dense vs ZASCAS zero-skipping, and Eyeriss row-stationary). Networks: LeNet-5 on a 28 x 28
 * image (the first Fashion-MNIST test image when the Debian dataset package is installed, else a
 * drawn ring) and a small ResNet-style block network on a seeded post-ReLU-like input. Weights are
 * seeded (NOT trained); quantisation is calibrated on the input itself (calibrateGraph). Then one
 * big layer (VGG-16 conv3_1) is timed on its own.
 * @module
 */
import { kernel, kernelName } from '../kernels/registry.js';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { AcceleratorComparisonRow } from '../accel/op-report.js';
import type { NetworkReport } from '../accel/simulate.js';
import { conv2dInfo } from '../descriptors/conv.js';
import { lenet5Graph, resnetBlocksGraph, SOFTMAX_QUANT, type Graph } from '../nets/graph.js';
import { calibrateGraph, prepareNetwork, runNetwork, type NetworkRun } from '../nets/run.js';
import { conv2d, packConvWeights } from '../ops/conv2d.js';
import { quantize } from '../quant/quantize.js';
import type { Engine } from '../runtime/engine.js';
import type { Isa } from '../runtime/detect.js';
import { init } from '../runtime/packaged.js';
import type { Tensor } from '../runtime/tensor.js';
import { barChart, escapeXml } from '../report/svg.js';
import { htmlPage, reportFooter, simulationSections } from '../report/html.js';
import { seededRandom } from './args.js';
import type { Progress } from './progress.js';
import { CLI_SCHEMA_VERSION } from './simulate.js';

/** Where `macflow demo` writes report.html when no --out is given (relative to the working directory). */
export const DEMO_REPORT_DIR = 'macflow-report';

/** Accelerator targets of the demo: runNetwork puts ZASCAD and ZASCAS first, then Eyeriss RS. */
export const DEMO_TARGETS = ['zasca', 'eyeriss-rs'] as const;

/** One target's model of one layer (or of the network). */
export interface DemoTarget {
  /** Dataflow key: `zascad`, `zascas`, `rs`. */
  dataflow: string;
  arch: string;
  cycles: number;
  /** ZASCAD cycles / these cycles. */
  speedup: number;
  /** Overall utilisation, 0..1. */
  utilization: number;
  /** Energy in the table's unit (normalised to one MAC). */
  energy: number;
}

/** One node of a demo network. */
export interface DemoNetLayer {
  name: string;
  op: string;
  /** Output shape. */
  shape: number[];
  /** MACs (conv / dense), else 0. */
  macs: number;
  /** Median CPU time (ms) of the node with the dense kernels (im2col / GEMM) and with the zero-skipping kernel (same as dense for nodes without MACs). */
  denseMs: number;
  zeroSkipMs: number;
  /** Fraction of the node's input equal to its zero point (real 0). */
  inputZeroFraction: number;
  /** Accelerator models of conv / dense layers, in target order; absent for other nodes. */
  accelerator?: DemoTarget[];
}

/** One network of the demo. */
export interface DemoNetwork {
  name: string;
  input: string;
  layers: DemoNetLayer[];
  /** Sums of the per-node medians, ms. */
  denseMs: number;
  zeroSkipMs: number;
  /** True when the dense and zero-skipping runs gave the same output bit for bit. */
  outputsAgree: boolean;
  /** Network totals per target (modelled layers only). */
  accelerator: DemoTarget[];
  /** The output node's values as probabilities (softmax, int8 with scale 1/256). */
  probabilities: number[];
}

/** A single timed layer (the VGG-16 conv3_1 line). */
export interface DemoLayer {
  name: string;
  op: string;
  kernel: string;
  outputShape: number[];
  macs: number;
  /** Median wall time of the timed runs, milliseconds. */
  ms: number;
  /** 2 * MACs / time, 1e9 ops per second. */
  gops: number;
}

/** The JSON output of `macflow demo`. */
export interface DemoResult {
  schemaVersion: number;
  command: 'demo';
  isa: Isa;
  reason: string;
  runtime: string;
  runs: number;
  seed: number;
  networks: DemoNetwork[];
  vgg: DemoLayer;
  totalMs: number;
}

/** {@link runDemo}'s result and the full network reports per network (for the HTML report). */
export interface DemoRun {
  result: DemoResult;
  reports: { network: string; networks: NetworkReport[]; dramInterface?: 'calc' | 'user' }[];
}

const FASHION = '/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz';

/** A 28 x 28 image in [0, 1]: the first Fashion-MNIST test image when the Debian package is there, else a drawn ring. */
function lenetInput(): { pixels: Float32Array; source: string } {
  if (existsSync(FASHION)) {
    const idx = gunzipSync(readFileSync(FASHION));
    return { pixels: Float32Array.from(idx.subarray(16, 16 + 784), (v) => v / 255), source: `Fashion-MNIST test image 0 (${FASHION})` };
  }
  const pixels = new Float32Array(784);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) pixels[y * 28 + x] = Math.max(0, Math.round(255 - 90 * Math.abs(Math.hypot(x - 13.5, y - 13.5) - 8))) / 255;
  }
  return { pixels, source: 'built-in ring pattern (install dataset-fashion-mnist for a real image)' };
}

/** A seeded 16 x 16 x 8 input shaped like a post-ReLU feature map: about half the values exactly 0. */
function resnetInput(seed: number): { pixels: Float32Array; source: string } {
  const r = seededRandom(seed);
  return { pixels: Float32Array.from({ length: 16 * 16 * 8 }, () => Math.max(0, r() * 2 - 1)), source: `seeded post-ReLU-like 16x16x8 input (seed ${seed}, ~50 % zeros)` };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function targets(rows: readonly AcceleratorComparisonRow[]): DemoTarget[] {
  return rows.map((r) => ({ dataflow: r.dataflow, arch: r.arch, cycles: r.cycles, speedup: r.speedupVsDense, utilization: r.utilization, energy: r.energy }));
}

/** Progress steps of the demo: per network calibrate + (runs + 1) per kernel + model; the VGG layer's runs + 1. */
export function demoSteps(runs: number): number {
  return 2 * (2 + 2 * (runs + 1)) + Math.max(1, Math.min(runs, 5)) + 1;
}

/** A step counter over a {@link Progress}: `step(label)` reports one more finished step. */
type Step = (label: string) => void;

function runOne(mf: Engine, name: string, graph: Graph, input: { pixels: Float32Array; source: string }, runs: number, step: Step): { net: DemoNetwork; reports: NetworkReport[]; dramInterface?: 'calc' | 'user' } {
  step(`${name}: calibrating on ${input.source}`);
  const g = calibrateGraph(mf, graph, [input.pixels]);
  const q = g.input.quant!;
  const xt = quantize(mf, { data: input.pixels, shape: g.input.shape }, { dtype: 'int8', scale: q.scale, zeroPoint: q.zeroPoint });
  const x = xt.toArray() as Int8Array;
  xt.dispose();
  // Per node: the median over the runs of each mode (one untimed warm-up run each). Prepared
  // once per mode, as an application would: the times exclude validation and weight packing. The
  // two modes alternate run by run so that neither is timed on colder JIT code or caches.
  type Timed = { times: number[][]; last: NetworkRun };
  const modes = [
    { zeroSkip: false, label: `${name}: ${runs} runs with the dense kernels (im2col / GEMM)` },
    { zeroSkip: true, label: `${name}: ${runs} runs with the zero-skipping kernel` },
  ].map((m) => ({ ...m, net: prepareNetwork(mf, g, { zeroSkip: m.zeroSkip }) }));
  let dense: Timed;
  let skip: Timed;
  try {
    const results: Timed[] = modes.map((m) => {
      const last = m.net.run(x);
      step(m.label);
      return { times: last.layers.map(() => []), last };
    });
    for (let i = 0; i < runs; i++) {
      modes.forEach((m, k) => {
        const r = results[k];
        r.last = m.net.run(x);
        r.last.layers.forEach((l, j) => r.times[j].push(l.cpuMs));
        step(m.label);
      });
    }
    [dense, skip] = results;
  } finally {
    for (const m of modes) m.net.dispose();
  }
  const acc = runNetwork(mf, g, x, { zeroSkip: true, accelerator: [...DEMO_TARGETS] }).accelerator!;
  step(`${name}: modelled every conv / dense layer on ${DEMO_TARGETS.join(', ')} from its actual input`);
  const byName = new Map(acc.layers.map((l) => [l.name, l.report.comparison]));
  const layers: DemoNetLayer[] = dense.last.layers.map((l, j) => {
    const node = g.nodes[j];
    const m = acc.networks[0].layers.find((r) => r.layer.name === l.name);
    const rows = byName.get(l.name);
    return {
      name: l.name,
      op: node.op,
      shape: l.shape,
      macs: m ? m.layer.macs : 0,
      denseMs: median(dense.times[j]),
      zeroSkipMs: median(skip.times[j]),
      inputZeroFraction: l.inputZeroFraction,
      ...(rows ? { accelerator: targets(rows) } : {}),
    };
  });
  const a = dense.last.output.data;
  const b = skip.last.output.data;
  const softmaxOut = dense.last.output.quant.scale === SOFTMAX_QUANT.scale && dense.last.output.quant.zeroPoint === SOFTMAX_QUANT.zeroPoint;
  const net: DemoNetwork = {
    name,
    input: input.source,
    layers,
    denseMs: layers.reduce((s, l) => s + l.denseMs, 0),
    zeroSkipMs: layers.reduce((s, l) => s + l.zeroSkipMs, 0),
    outputsAgree: a.length === b.length && a.every((v, i) => v === b[i]),
    accelerator: targets(acc.comparison),
    probabilities: softmaxOut ? Array.from(a, (v) => (v - SOFTMAX_QUANT.zeroPoint) * SOFTMAX_QUANT.scale) : [],
  };
  return { net, reports: acc.networks, dramInterface: acc.archs[0].dram?.interface };
}

/** VGG-16 conv3_1 (56 x 56 x 128 -> 256, 3 x 3, pad 1) timed alone with the dense kernels. */
function vggLayer(mf: Engine, runs: number, seed: number, step: Step): DemoLayer {
  const r = seededRandom(seed + 7);
  const vx = mf.tensor('uint8', [1, 56, 56, 128], Uint8Array.from({ length: 56 * 56 * 128 }, () => Math.max(0, Math.floor(r() * 256) - 128)));
  const vwShape = [256, 3, 3, 128];
  const vw = packConvWeights(mf, { data: Int8Array.from({ length: 256 * 9 * 128 }, () => Math.floor(r() * 255) - 127), shape: vwShape });
  const params = { pads: [1, 1, 1, 1] as [number, number, number, number], xZeroPoint: 0, requantize: { xScale: 0.02, wScale: 0.01, yScale: 0.5, activation: 'relu' as const } };
  const info = conv2dInfo(vx.shape, vwShape, params);
  const call = (): Tensor => conv2d(mf, vx, vw, params);
  const label = 'VGG-16 conv3_1 (56x56x128 -> 256, 3x3, pad 1)';
  call().dispose();
  step(label);
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const y = call();
    ts.push(performance.now() - t0);
    y.dispose();
    step(label);
  }
  vx.dispose();
  vw.dispose();
  const ms = median(ts);
  return { name: 'vgg16.conv3_1', op: 'conv2d 3x3 pad 1, 128 -> 256', kernel: `u8_im2col + ${kernelName(kernel('u8s8_gemm'), mf.isa)} + q8_requantize`, outputShape: [1, info.E, info.F, info.M], macs: info.macs, ms, gops: (2 * info.macs) / (ms * 1e6) };
}

/**
 * Runs the demo: LeNet-5 and the ResNet-style blocks (dense, zero-skip, modelled), then the VGG-16
 * layer. `progress` gets {@link demoSteps} steps, each labelled with what runs.
 */
export async function runDemo(options: { isa?: Isa; runs: number; seed: number; progress: Progress }): Promise<DemoRun> {
  const t0 = performance.now();
  const mf: Engine = await init({ isa: options.isa });
  const caps = mf.capabilities();
  let done = 0;
  const step: Step = (label) => options.progress.update(++done, label);
  options.progress.start(demoSteps(options.runs), `macflow demo (${caps.isa} build)`);
  const a = runOne(mf, 'lenet5', lenet5Graph({ seed: options.seed }), lenetInput(), options.runs, step);
  const b = runOne(mf, 'resnet-blocks', resnetBlocksGraph({ seed: options.seed }), resnetInput(options.seed), options.runs, step);
  const vruns = Math.max(1, Math.min(options.runs, 5));
  const vgg = vggLayer(mf, vruns, options.seed, step);
  options.progress.stop();
  return {
    result: { schemaVersion: CLI_SCHEMA_VERSION, command: 'demo', isa: caps.isa, reason: caps.reason, runtime: caps.runtime, runs: options.runs, seed: options.seed, networks: [a.net, b.net], vgg, totalMs: performance.now() - t0 },
    reports: [{ network: 'lenet5', networks: a.reports, dramInterface: a.dramInterface }, { network: 'resnet-blocks', networks: b.reports, dramInterface: b.dramInterface }],
  };
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const energy = (v: number) => (v >= 1e5 ? v.toExponential(2) : v.toFixed(0));

/** Width of the text output: every line of {@link formatDemo} fits in it. */
export const DEMO_TEXT_WIDTH = 120;

/** Short column names of the modelled targets in the text tables (the legend under them spells them out). */
const SHORT: Record<string, string> = { zascad: 'D', zascas: 'S', rs: 'RS' };
const short = (d: string): string => SHORT[d] ?? d;

/** Words of `text` wrapped into lines of at most `width` columns. */
function wrap(text: string, width = DEMO_TEXT_WIDTH): string[] {
  const out: string[] = [];
  let line = '';
  for (const w of text.split(' ')) {
    if (line && line.length + 1 + w.length > width) {
      out.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(line);
  return out;
}

/** A text table: left-aligned for the first `left` columns, right-aligned after, two spaces apart. */
function table(head: string[], body: string[][], left: number): string[] {
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (c: string[]) => c.map((v, i) => (i < left ? v.padEnd(w[i]) : v.padStart(w[i]))).join('  ').trimEnd();
  return [line(head), ...body.map(line)];
}

/**
 * The demo as text tables that fit in {@link DEMO_TEXT_WIDTH} columns: per network one table of
 * this CPU (times, input zeros) and one of the modelled targets (cycles, speedup, utilisation,
 * energy; short column names with a legend). `--json` / `--csv` hold every field.
 */
export function formatDemo(r: DemoResult): string {
  const lines = wrap(`macflow demo — ${r.isa} build on ${r.runtime}; int8 networks with seeded weights (not trained), seed ${r.seed}`);
  for (const n of r.networks) {
    const tg = n.accelerator.map((t) => t.dataflow);
    const cpuRow = (name: string, op: string, shape: string, z: string, dm: number, sm: number) => [name, op, shape, z, dm.toFixed(3), sm.toFixed(3), sm > 0 ? `${(dm / sm).toFixed(2)}x` : '-'];
    const cpu = table(
      ['layer', 'op', 'output', 'zeros in', 'dense ms', 'skip ms', 'dense/skip'],
      [...n.layers.map((l) => cpuRow(l.name, l.op, `[${l.shape.join(',')}]`, pct(l.inputZeroFraction), l.denseMs, l.zeroSkipMs)), cpuRow('TOTAL', '', '', '', n.denseMs, n.zeroSkipMs)],
      3,
    );
    const accRow = (name: string, t: DemoTarget[]) => [
      name,
      ...t.map((x) => x.cycles.toLocaleString('en-US')),
      ...t.slice(1).map((x) => `${x.speedup.toFixed(2)}x`),
      ...t.map((x) => pct(x.utilization)),
      ...t.map((x) => energy(x.energy)),
    ];
    const acc = table(
      ['layer', ...tg.map((d) => `cycles ${short(d)}`), ...tg.slice(1).map((d) => `x ${short(d)}`), ...tg.map((d) => `util ${short(d)}`), ...tg.map((d) => `energy ${short(d)}`)],
      [...n.layers.filter((l) => l.accelerator).map((l) => accRow(l.name, l.accelerator!)), accRow('TOTAL', n.accelerator)],
      1,
    );
    lines.push('', ...wrap(`${n.name} — input: ${n.input}`), '', 'On this CPU:', ...cpu, '', 'Modelled accelerators (conv / dense layers):', ...acc);
    lines.push(...wrap(`dense and zero-skipping outputs ${n.outputsAgree ? 'agree bit for bit' : 'DIFFER'}${n.probabilities.length ? `; class probabilities: ${n.probabilities.map((p) => p.toFixed(3)).join(' ')}` : ''}`));
  }
  const v = r.vgg;
  lines.push('', ...wrap(`${v.name}: ${v.op}, ${v.macs.toLocaleString('en-US')} MACs, ${v.ms.toFixed(3)} ms (median of ${Math.min(r.runs, 5)}), ${v.gops.toFixed(1)} GOPS; ${v.kernel}`));
  const tg = r.networks[0]?.accelerator.map((t) => t.dataflow) ?? [];
  const names: Record<string, string> = { zascad: 'zascad (FEIE dense)', zascas: 'zascas (FEIE zero-skipping)', rs: 'rs (Eyeriss row-stationary)' };
  lines.push(
    '',
    ...wrap(`ms = median over ${r.runs} runs of each node's wall time in runNetwork (host copies included); dense = im2col / GEMM kernels, skip = the zero-skipping kernel; zeros in = fraction of the layer's input equal to its zero point.`),
    ...wrap(`Targets: ${tg.map((d) => `${short(d)} = ${names[d] ?? d}`).join(', ')}, each fed with the layer's actual input. cycles, x = speedup vs ${short(tg[0] ?? 'zascad')}, util = utilisation, energy normalised to one MAC. Pooling, add and softmax are not modelled. --json / --csv: every field.`),
    `total wall time ${(r.totalMs / 1000).toFixed(1)} s`,
  );
  return `${lines.join('\n')}\n`;
}

const csvCell = (v: string | number): string => (typeof v === 'number' ? String(v) : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The demo as CSV: one row per network node with every field (per target: cycles, speedup, utilisation, energy). */
export function demoCsv(r: DemoResult): string {
  const tg = r.networks[0]?.accelerator.map((t) => t.dataflow) ?? [];
  const head = ['network', 'layer', 'op', 'shape', 'macs', 'denseMs', 'zeroSkipMs', 'inputZeroFraction', ...tg.flatMap((d) => [`${d}Cycles`, `${d}Speedup`, `${d}Utilization`, `${d}Energy`])];
  const rows = r.networks.flatMap((n) => n.layers.map((l) => {
    const cells: (string | number)[] = [n.name, l.name, l.op, l.shape.join('x'), l.macs, l.denseMs, l.zeroSkipMs, l.inputZeroFraction];
    tg.forEach((_, i) => {
      const t = l.accelerator?.[i];
      cells.push(...(t ? [t.cycles, t.speedup, t.utilization, t.energy] : ['', '', '', '']));
    });
    return cells.map(csvCell).join(',');
  }));
  return `${[head.join(','), ...rows].join('\n')}\n`;
}

/**
 * The demo's HTML report (self-contained, inline SVG): per network a chart of CPU time per layer
 * (dense vs zero-skipping kernel) and of each layer's input zero fraction, then the simulation
 * sections (cycles, utilisation, roofline, energy) of the modelled targets.
 */
export function demoHtml(run: DemoRun): string {
  const r = run.result;
  const e = escapeXml;
  const notes = [
    `${r.isa} build on ${r.runtime}; seeded weights (not trained), seed ${r.seed}; CPU times are medians of ${r.runs} runs per kernel.`,
    `Modelled targets: ${r.networks[0].accelerator.map((t) => `${t.dataflow} (${t.arch})`).join(', ')}; each conv / dense layer is modelled from its actual input in the run.`,
    `${r.vgg.name}: ${r.vgg.op}, ${r.vgg.ms.toFixed(3)} ms, ${r.vgg.gops.toFixed(1)} GOPS (${r.vgg.kernel}).`,
  ];
  const sections = r.networks.map((n, i) => {
    const frame = { width: Math.max(720, 240 + n.layers.length * 36), height: 340 };
    const names = n.layers.map((l) => l.name);
    const cpu = barChart({ title: `CPU time per layer: ${n.name}`, categories: names, series: [{ name: 'dense (im2col / GEMM)', values: n.layers.map((l) => l.denseMs) }, { name: 'zero-skipping kernel', values: n.layers.map((l) => l.zeroSkipMs) }], yLabel: 'ms', frame });
    const zeros = barChart({ title: `Zero fraction of each layer's input: ${n.name}`, categories: names, series: [{ name: 'zeros in input', values: n.layers.map((l) => 100 * l.inputZeroFraction) }], yLabel: 'zeros (%)', yMax: 100, frame });
    const rep = run.reports[i].networks;
    const sim = simulationSections({ title: n.name, notes: [], runs: rep.map((x) => ({ dataflow: x.arch.dataflow, title: x.arch.name, report: x })), dramInterface: run.reports[i].dramInterface }, `${n.name}-`, 3);
    return `<h2 id="${e(n.name)}">${e(n.name)}</h2>
<p class="notes">Input: ${e(n.input)}. Dense and zero-skipping outputs ${n.outputsAgree ? 'agree bit for bit' : 'DIFFER'}. CPU total ${n.denseMs.toFixed(3)} ms dense, ${n.zeroSkipMs.toFixed(3)} ms zero-skipping.</p>
<figure id="${e(n.name)}-cpu">${cpu}<figcaption>CPU wall time per node on this machine (median; host copies included), dense kernels vs the zero-skipping kernel. Lower is better.</figcaption></figure>
<figure id="${e(n.name)}-zeros">${zeros}<figcaption>Fraction of each node's input equal to its zero point (real 0): what zero skipping can skip.</figcaption></figure>
${sim}`;
  });
  return htmlPage(`macflow demo: ${r.networks.map((n) => n.name).join(' and ')}`, notes, sections.join('\n'), reportFooter(run.reports[0].networks[0]));
}

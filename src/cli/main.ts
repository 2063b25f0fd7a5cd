#!/usr/bin/env node
/**
 * The macflow command line. `macflow` (or `npm start`) runs the main job on a built-in default.
 * Results go to stdout (a table, JSON with --json, CSV with --csv); progress and messages go to
 * stderr. Exit codes: 0 success, 1 an internal or runtime error, 2 bad arguments or input files.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bandwidthReportCsv, computeReportCsv } from '../accel/scalesim.js';
import type { LayerReport } from '../accel/simulate.js';
import { TOPOLOGIES } from '../nets/topologies.js';
import { formatSummary } from '../nets/summary.js';
import { ARCH_PRESETS } from '../accel/presets.js';
import { DATAFLOWS } from '../accel/dataflows.js';
import { detectIsas, ISAS, type Isa } from '../runtime/detect.js';
import { MacflowError } from '../errors.js';
import { simulationHtml } from '../report/html.js';
import { CliError, intOption, unknownName } from './args.js';
import { alignOptions } from './help.js';
import { runBench } from './bench.js';
import { runDemo, formatDemo, demoHtml, demoCsv, DEMO_REPORT_DIR } from './demo.js';
import { runInfo, formatInfo } from './info.js';
import { progressBar, silentProgress, type Progress } from './progress.js';
import { CLI_OUTPUT_SCHEMAS } from './schema.js';
import { formatSimulate, runSimulate, simulateCsv, type SimulateResult, type SimulateRun } from './simulate.js';
import { runSummary, type SummaryResult } from './summary.js';
import { formatTrace, runTrace, TRACE_DEFAULT_MAX_CYCLES } from './trace.js';

const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';
const COMMANDS = ['demo', 'info', 'simulate', 'summary', 'trace', 'bench', 'schema'] as const;
type Command = (typeof COMMANDS)[number];

const COMMON = `  --json            print JSON instead of a table (schema: 'macflow schema <command>')
  --out <dir>       also write the results to <dir>
  --quiet           no progress on stderr
  -h, --help        this help`;

const HELP: Record<Command | 'main', string> = {
  main: `macflow: quantised CNN kernels in WebAssembly, with accelerator cost models

Usage: macflow [command] [options]      (macflow <command> --help for its options)

Commands:
  demo      (default) run int8 LeNet-5 and a ResNet-style block network end to end, dense and
            zero-skipping; per layer CPU time, input zeros, cycles / utilisation / energy on
            ZASCAD, ZASCAS and Eyeriss RS; a VGG-16 layer timing; writes ./macflow-report/report.html
  simulate  per-layer and total accelerator reports of a network (dense vs zero-skip, cycles,
            utilisation, energy, roofline); --out DIR writes report.html with the plots
  summary   the seed-style cost table of a network (memory, parameters, MACs per layer)
  trace     the per-cycle FEIE schedule of a small layer (default: the seed tutorial's example)
  bench     the benchmark harness (bench/run.js: kernels, sparse, binary, peers) on this machine;
            source checkout only
  info      the builds this runtime can run, the one selected and why, the kernel registry
  schema    the JSON Schema of a command's --json output

Exit codes: 0 success, 1 runtime error, 2 bad arguments or input files.

Node 20/22 run relaxed SIMD only behind ${RELAXED_FLAG}; demo and info restart themselves with the
flag when it is needed (set MACFLOW_NO_RESPAWN=1 to stop that).`,
  demo: `Usage: macflow [demo] [options]

Runs two int8 networks end to end with seeded (untrained) weights, calibrated on their input:
LeNet-5 on a 28x28 image (the first Fashion-MNIST test image when
/usr/share/datasets/fashion-mnist exists, else a built-in ring pattern) and a ResNet-style block
network on a seeded 16x16x8 input. Each runs with the dense kernels (im2col / GEMM) and with the
zero-skipping kernel (outputs compared bit for bit), then every conv / dense layer is modelled from
its actual input on ZASCAD (dense), ZASCAS (zero-skipping) and Eyeriss row-stationary. Prints per
layer: CPU time of each kernel, zero fraction of the input, cycles, speedup vs ZASCAD,
utilisation and energy; then times VGG-16 conv3_1 alone.

The per-layer text fits in 120 columns: per network a table of this CPU and one of the modelled
accelerators (short column names, legend below); --json and --csv hold every field.

Options:
  --isa <scalar|simd|relaxed>   force a build (default: the best available)
  --runs <n>                    timed runs per network and kernel (default 20; medians reported)
  --seed <n>                    seed of the built-in weights and inputs (default 1)
  --csv                         print CSV: one row per network node, every field
  --no-report                   do not write the HTML report
${COMMON}
The HTML report (CPU time and zero-fraction charts, then cycles, utilisation, roofline and energy
per network; inline SVG, opens offline) is written by default to ./${DEMO_REPORT_DIR}/report.html;
--out DIR writes it to DIR instead, with demo.json, demo.csv and report.schema.json.
A progress bar with ETA goes to stderr (on a terminal; step lines otherwise; none with --quiet).`,
  info: `Usage: macflow info [options]

The builds this runtime can run (scalar / SIMD / relaxed SIMD), the one selected and why, threads,
memory and the kernel registry.

Options:
  --isa <scalar|simd|relaxed>   force a build
${COMMON}`,
  simulate: `Usage: macflow simulate [network | topology.csv | model.onnx] [options]

Models every conv/fc layer of a network on an accelerator and prints per-layer and total cycles,
utilisation and energy for each dataflow side by side.

Arguments:
  network            a built-in network: ${Object.keys(TOPOLOGIES).join(', ')} (default vgg16),
                     or a SCALE-Sim topology .csv (conv or GEMM form), or an ONNX model .onnx
                     (Conv/ConvInteger/QLinearConv, Gemm, MatMul* layers; shapes inferred)
Options:
  --arch <a>         a preset (default zasca), an arch .json file (ARCH_SCHEMA) or a SCALE-Sim
                     .cfg file; presets: ${Object.keys(ARCH_PRESETS).join(', ')}
  --dataflow <list>  comma-separated, from ${Object.keys(DATAFLOWS).join(', ')}; default the arch's
                     own (zasca*: zascad,zascas = dense vs zero-skip)
  --density <D|file>  input activation density (fraction of NON-zeros, 0..1) for every layer, or a
                     per-layer file (.json {"layer": D} or .csv "layer, D"); default: the densities
                     recorded for built-in networks, else dense
  --weight-density <D>  weight density 0..1 (default 1)
  --data <assumed|synthetic>  assumed: densities as statistics (default); synthetic: seeded random
                     inputs at the densities, zero-skip counted exactly on them
  --seed <n>         seed of the synthetic inputs (default 1)
  --batch <n>        images per run (default 1)
  --input-shape <s>  ONNX graph input shape, e.g. 1x3x224x224 (for models with symbolic dims)
  --csv              print CSV: SCALE-Sim COMPUTE_REPORT columns first, then macflow's
${COMMON}
--out DIR writes, as layers finish: layers.jsonl and COMPUTE_REPORT_<dataflow>.csv (SCALE-Sim
format); at the end: simulate.json, report.schema.json, BANDWIDTH_REPORT_<dataflow>.csv and
report.html (plots as inline SVG; opens offline).`,
  summary: `Usage: macflow summary [network] [options]

The seed-style cost table: per layer output shape, activation memory, parameters and MACs, then
totals. network: ${Object.keys(TOPOLOGIES).join(', ')} (default vgg16).

Options:
  --csv             print CSV (name, label, H, W, C, memory, params, MACs)
${COMMON}`,
  trace: `Usage: macflow trace [--seed-example | --input HxW [layer options]] [options]

The per-cycle FEIE schedule of one filter over one input channel, as the seed's slides: one row
per clock cycle, the input pixel broadcast, and the weight each partial sum receives. Dense
(ZASCAD) and zero-skipping (ZASCAS) side by side.

Options:
  --seed-example    the seed tutorial's 2x8 input and 1x3 filter (the default)
  --input <HxW>     a layer of your own: input height x width
  --kernel <RxS|S>  filter size (default 1x3)
  --stride <n>      stride (default 1)
  --values <list>   the input, row-major, comma-separated (default: seeded random digits)
  --density <D>     non-zero fraction of the random input (default 0.5)
  --seed <n>        seed of the random input (default 1)
  --variant <both|dense|zero-skip>   which schedules (default both)
  --max-cycles <n>  refuse layers needing more dense cycles (default ${TRACE_DEFAULT_MAX_CYCLES})
${COMMON}`,
  bench: `Usage: macflow bench [options]

Runs the benchmark harness bench/run.js (benny) on this machine: every macflow build on GEMM and
conv workloads (kernels), dense vs zero-skip across activation densities and dense vs CSR across
weight densities (sparse), binary / ternary vs int8 (binary), onnxruntime-web and
tfjs-backend-wasm (peers), or everything side by side (all), with machine line, build, threads,
first-run time and median / spread per case. The harness
is in the source checkout only (npm run bench there); an installed package says how to get it.

Options:
  --suite <kernels|sparse|binary|peers|all>  which cases (default all)
  --quick           few samples, for smoke tests
  --workload <ids>  comma-separated workload ids of bench/workloads.mjs (default all)
  --network <nets>  sparse suite: the per-network zero-skip sweep over every distinct conv shape of
                    these built-in networks (e.g. vgg16,resnet50,alexnet); long, see BENCHMARKS.md
  --layers <names>  sparse suite: only these conv layers of the sweep (conv3_1 or vgg16/conv3_1)
  --json            print the JSON report on stdout (the harness's tables go to stderr)
  --csv             print the CSV report on stdout
  --out <dir>       write bench.json, bench.csv, bench.md and bench.html to <dir>
  --quiet           with --json / --csv, nothing on stderr
  -h, --help        this help`,
  schema: `Usage: macflow schema [demo|simulate|summary|trace]

Prints the JSON Schema (draft 2020-12) of a command's --json output (default simulate).`,
};

type Spec = NonNullable<Parameters<typeof parseArgs>[0]>['options'];
const COMMON_OPTS = { json: { type: 'boolean' }, out: { type: 'string' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;
const OPTIONS: Record<Command, Spec> = {
  demo: { ...COMMON_OPTS, isa: { type: 'string' }, runs: { type: 'string' }, seed: { type: 'string' }, csv: { type: 'boolean' }, 'no-report': { type: 'boolean' } },
  info: { ...COMMON_OPTS, isa: { type: 'string' } },
  simulate: { ...COMMON_OPTS, arch: { type: 'string' }, 'input-shape': { type: 'string' }, dataflow: { type: 'string' }, density: { type: 'string' }, 'weight-density': { type: 'string' }, data: { type: 'string' }, seed: { type: 'string' }, batch: { type: 'string' }, csv: { type: 'boolean' } },
  summary: { ...COMMON_OPTS, csv: { type: 'boolean' } },
  trace: { ...COMMON_OPTS, 'seed-example': { type: 'boolean' }, input: { type: 'string' }, kernel: { type: 'string' }, stride: { type: 'string' }, values: { type: 'string' }, density: { type: 'string' }, seed: { type: 'string' }, variant: { type: 'string' }, 'max-cycles': { type: 'string' } },
  bench: { ...COMMON_OPTS, suite: { type: 'string' }, quick: { type: 'boolean' }, workload: { type: 'string' }, network: { type: 'string' }, layers: { type: 'string' }, csv: { type: 'boolean' } },
  schema: { help: { type: 'boolean', short: 'h' } },
};

/** Restarts under the relaxed-SIMD flag when this Node lacks it by default. */
function respawnForRelaxed(): never | void {
  if (detectIsas().relaxed || process.env.MACFLOW_NO_RESPAWN || process.execArgv.includes(RELAXED_FLAG)) return;
  const r = spawnSync(process.execPath, [RELAXED_FLAG, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, MACFLOW_NO_RESPAWN: '1' } });
  process.exit(r.status ?? 1);
}

function fail(message: string, code = 2): never {
  process.stderr.write(`macflow: ${message}\n`);
  process.exit(code);
}

const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

function writeOut(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function summaryCsv(r: SummaryResult): string {
  return `name, label, H, W, C, memory, params, MACs,\n${r.rows.map((x) => `${x.name}, ${x.label}, ${x.shape.join(', ')}, ${x.memory}, ${x.params}, ${x.macs},`).join('\n')}\n`;
}

async function main(argv: string[]): Promise<void> {
  const command = (argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : 'demo') as Command;
  const rest = argv[0] === command ? argv.slice(1) : argv;
  if (!COMMANDS.includes(command)) throw unknownName('command', command, COMMANDS, "Run 'macflow --help'.");
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: OPTIONS[command] });
  } catch (e) {
    throw new CliError(`${(e as Error).message}. Run 'macflow ${command === 'demo' && argv[0] !== 'demo' ? '' : `${command} `}--help' for the options.`);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  const pos = parsed.positionals;
  const str = (k: string) => v[k] as string | undefined;
  if (v.help) {
    process.stdout.write(`${alignOptions(HELP[argv[0] === command ? command : 'main'])}\n`);
    return;
  }
  if (command === 'demo' || command === 'info') respawnForRelaxed();
  const maxPos = command === 'simulate' || command === 'summary' || command === 'schema' ? 1 : 0;
  if (pos.length > maxPos) throw new CliError(`unexpected argument '${pos[maxPos]}'. Run 'macflow ${command} --help'.`);
  const out = str('out');
  if (out) mkdirSync(out, { recursive: true });
  const progress = v.quiet ? silentProgress : progressBar();
  const written: string[] = [];

  let result: unknown;
  let text: string;
  let csv: string | undefined;
  switch (command) {
    case 'demo':
    case 'info': {
      const isa = str('isa') as Isa | undefined;
      if (isa !== undefined && !ISAS.includes(isa)) throw new CliError(`--isa ${isa} is not a build; use one of ${ISAS.join(', ')}.`);
      if (command === 'demo') {
        if (v.json && v.csv) throw new CliError('--json and --csv exclude each other: pick one.');
        const runs = intOption('runs', str('runs'), 20, 1);
        const seed = intOption('seed', str('seed'), 1, 0);
        const r = await runDemo({ isa, runs, seed, progress: v.quiet ? silentProgress : stepLines(progress) });
        result = r.result;
        text = formatDemo(r.result);
        csv = demoCsv(r.result);
        if (out) written.push(writeOut(out, 'report.schema.json', json(CLI_OUTPUT_SCHEMAS.demo)));
        if (!v['no-report']) {
          const dir = out ?? DEMO_REPORT_DIR;
          mkdirSync(dir, { recursive: true });
          written.push(writeOut(dir, 'report.html', demoHtml(r)));
        }
      } else {
        const r = await runInfo({ isa });
        result = r;
        text = formatInfo(r);
      }
      break;
    }
    case 'simulate': {
      const data = str('data') ?? 'assumed';
      if (data !== 'assumed' && data !== 'synthetic') throw unknownName('--data mode', data, ['assumed', 'synthetic']);
      const dataflows = str('dataflow')?.split(',').map((s) => s.trim()).filter((s) => s !== '');
      const compute = new Map<string, LayerReport[]>();
      if (out) writeFileSync(join(out, 'layers.jsonl'), '');
      const r: SimulateResult = runSimulate({
        network: pos[0] ?? 'vgg16',
        inputShape: str('input-shape'),
        arch: str('arch') ?? 'zasca',
        dataflows,
        density: str('density'),
        weightDensity: str('weight-density'),
        batch: intOption('batch', str('batch'), 1, 1),
        data,
        seed: intOption('seed', str('seed'), 1, 0),
        progress,
        // Results are written layer by layer as they finish.
        onLayer: out
          ? (run: SimulateRun, layer: LayerReport) => {
              appendFileSync(join(out, 'layers.jsonl'), `${JSON.stringify({ run: run.dataflow, ...layer })}\n`);
              const list = compute.get(run.dataflow) ?? [];
              list.push(layer);
              compute.set(run.dataflow, list);
              writeFileSync(join(out, `COMPUTE_REPORT_${run.dataflow}.csv`), computeReportCsv(list));
            }
          : undefined,
      });
      result = r;
      text = formatSimulate(r);
      csv = simulateCsv(r);
      if (out) {
        written.push(join(out, 'layers.jsonl'), ...r.runs.map((x) => join(out, `COMPUTE_REPORT_${x.dataflow}.csv`)));
        for (const run of r.runs) written.push(writeOut(out, `BANDWIDTH_REPORT_${run.dataflow}.csv`, bandwidthReportCsv(run.report)));
        written.push(writeOut(out, 'report.schema.json', json(CLI_OUTPUT_SCHEMAS.simulate)));
        const notes = [
          `${r.network.description}; ${r.network.layers} conv/fc layers, batch ${r.batch}.`,
          `Architecture: ${r.arch.name}: ${r.arch.array.rows} x ${r.arch.array.cols} PEs, ${r.arch.clockMHz} MHz, ${r.arch.wordBytes}-byte words, SRAM ${r.arch.sramKB.ifmap}/${r.arch.sramKB.filter}/${r.arch.sramKB.ofmap} kB, DRAM ${r.arch.dram.bandwidth} words/cycle.`,
          `Densities: ${r.densities.from === 'default' ? 'recorded per layer where known, else dense' : r.densities.from === 'flag' ? 'from --density' : `from ${r.densities.file}`}; ${r.densities.data === 'synthetic' ? `synthetic seeded inputs (seed ${r.seed}), zero-skip counted exactly` : 'assumed statistically'}.`,
        ];
        written.push(writeOut(out, 'report.html', simulationHtml({ title: `macflow simulate: ${r.network.name} on ${r.arch.name.split(' ')[0]}`, notes, runs: r.runs, dramInterface: r.arch.dram.interface })));
      }
      break;
    }
    case 'summary': {
      const r = runSummary(pos[0] ?? 'vgg16');
      result = r;
      text = formatSummary(r);
      csv = summaryCsv(r);
      break;
    }
    case 'trace': {
      const variant = str('variant') ?? 'both';
      if (variant !== 'both' && variant !== 'dense' && variant !== 'zero-skip') throw unknownName('--variant', variant, ['both', 'dense', 'zero-skip']);
      if (v['seed-example'] && (str('input') !== undefined || str('values') !== undefined)) throw new CliError('--seed-example and --input/--values exclude each other: pick one.');
      const r = runTrace({
        input: str('input'),
        kernel: str('kernel'),
        stride: intOption('stride', str('stride'), 1, 1),
        values: str('values'),
        density: str('density'),
        seed: intOption('seed', str('seed'), 1, 0),
        variant,
        maxCycles: intOption('max-cycles', str('max-cycles'), TRACE_DEFAULT_MAX_CYCLES, 1, 100_000),
      });
      result = r;
      text = formatTrace(r);
      break;
    }
    case 'bench': {
      if (v.json && v.csv) throw new CliError('--json and --csv exclude each other: pick one.');
      const r = runBench({ suite: str('suite') ?? 'all', quick: !!v.quick, workload: str('workload'), network: str('network'), layers: str('layers'), format: v.json ? 'json' : v.csv ? 'csv' : 'text', out, quiet: !!v.quiet });
      process.stdout.write(r.stdout);
      if (out && !v.quiet) process.stderr.write(`wrote ${r.written.join(', ')}\n`);
      return;
    }
    case 'schema': {
      const which = pos[0] ?? 'simulate';
      if (!(which in CLI_OUTPUT_SCHEMAS)) throw unknownName('schema', which, Object.keys(CLI_OUTPUT_SCHEMAS));
      process.stdout.write(json(CLI_OUTPUT_SCHEMAS[which as keyof typeof CLI_OUTPUT_SCHEMAS]));
      return;
    }
  }
  if (v.csv && csv === undefined) throw new CliError(`--csv is not available for ${command}; use --json.`);
  process.stdout.write(v.csv ? csv! : v.json ? json(result) : text);
  if (out) {
    written.push(writeOut(out, `${command}.json`, json(result)));
    if (csv !== undefined) written.push(writeOut(out, `${command}.csv`, csv));
    if (command !== 'demo' && command !== 'info') written.push(writeOut(out, `${command}.txt`, text));
  }
  if (written.length && !v.quiet) process.stderr.write(`wrote ${written.join(', ')}\n`);
}

/**
 * The progress of a long command: the bar (with ETA) as is on a terminal; when stderr is not one
 * (CI logs, pipes) also each new step label as a line, so logs show what ran.
 */
function stepLines(bar: Progress): Progress {
  if (process.stderr.isTTY) return bar;
  let last = '';
  return {
    start: (n, what) => bar.start(n, what),
    update(done, label) {
      if (label !== last) process.stderr.write(`${label}\n`);
      last = label;
      bar.update(done, label);
    },
    stop: () => bar.stop(),
  };
}

main(process.argv.slice(2)).catch((e) => {
  if (e instanceof CliError) fail(e.message, e.code);
  if (e instanceof MacflowError) fail(`${e.name}: ${e.message}`, 1);
  fail((e as Error).stack ?? String(e), 1);
});

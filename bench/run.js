#!/usr/bin/env node
// npm run bench: macflow's int8 GEMM / conv against ORT-web int8 + fp32 and tfjs-wasm fp32, all
// single-threaded, side by side in one benny suite per workload. See BENCHMARKS.md.
//
//   node bench/run.js [--suite kernels|sparse|binary|peers|all] [--quick] [--workload id,id]
//                     [--network vgg16,resnet50,alexnet] [--layers name,name] [--no-peers]
//                     [--isa simd[,relaxed,scalar]] [--json FILE] [--csv FILE] [--md FILE] [--html FILE]
//                     [--no-liftoff] [--no-first-run]
//                     [--wait-idle CORES] [--wait-max-s S] [--retries N]
//   node bench/run.js --from-json FILE [--md FILE] [--csv FILE] [--json FILE]   (re-render a report)
//
// kernels = macflow's three builds (+ kernel-only GEMM and the peak probes); peers = the peers
// only; sparse = dense vs zero-skip across activation densities and dense vs CSR across weight
// densities; binary = binary / ternary vs int8 (sparse and binary on the --isa builds, default
// simd; see bench/sparse.mjs); all (default) = everything, so ratios can be taken. --quick: few
// samples, fewer densities and small default workloads, for CI smoke tests. --html: a
// self-contained HTML/SVG report (no scripts, renders offline).
// --network / --layers (sparse suite): the per-network sweep instead of the representative
// workloads: dense vs zero-skip vs ORT-web int8 on every distinct conv shape of the networks
// (bench/networks.mjs; --layers keeps only the named layers), fewer samples per case (medians
// still), no first-run children; the CSR part is left out. The zero-skip groups time ORT-web int8
// QLinearConv on the same data (--no-peers: not), and every zero-skip workload is also modelled
// on the zasca accelerator preset (bench/accel.mjs) for the HTML report.
// The script re-executes itself under `node --experimental-wasm-relaxed-simd` (Node 20 runs the
// relaxed build only behind it). Liftoff stays ON by default for every case alike (what users
// get; ORT-web's 10 MB module would need ~4 s of TurboFan compile without it): each case is
// warmed up until its timing is stable, i.e. tiered up. --no-liftoff applies to the whole
// process, so to macflow and the peers alike.
import { spawnSync, execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';
const argv = process.argv.slice(2);
const opts = parseArgs(argv);

if (!process.execArgv.includes(RELAXED_FLAG)) {
  const flags = [RELAXED_FLAG, ...(opts['no-liftoff'] ? ['--no-liftoff'] : [])];
  const r = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url), ...argv], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

function parseArgs(args) {
  const o = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const [k, v] = a.slice(2).split('=', 2);
    if (v !== undefined) o[k] = v;
    else if (['suite', 'json', 'csv', 'md', 'html', 'isa', 'part', 'density', 'workload', 'network', 'layers', 'first-run-child', 'from-json', 'wait-idle', 'wait-max-s', 'retries'].includes(k)) o[k] = args[++i];
    else o[k] = true;
  }
  return o;
}

if (opts['from-json']) {
  // Re-render a saved report (derived numbers recomputed) without running anything.
  await writeOutputs(derive(JSON.parse(readFileSync(opts['from-json'], 'utf8'))));
  process.exit(0);
}
const { default: b } = await import('benny');
const { workloads, macs } = await import('./workloads.mjs');
const { MACFLOW_CASES, engineFor, measurePeak } = await import('./macflow.mjs');
const { sparseGroups, findSparseCase, activationsOf, SPARSE_DEFAULTS, SPARSE_QUICK_DEFAULTS } = await import('./sparse.mjs');
const { sweepWorkloads, SWEEP_NETWORKS } = await import('./networks.mjs');

// Peers load onnxruntime-web and tfjs only when asked for.
const loadPeers = () => import('./peers/peers.mjs');

const SUITE = opts.suite ?? 'all';
if (!['kernels', 'sparse', 'binary', 'peers', 'all'].includes(SUITE)) throw new Error(`--suite ${SUITE}: use kernels, sparse, binary, peers or all`);
const QUICK = !!opts.quick;
const byId = (id) => {
  const w = workloads.find((x) => x.id === id);
  if (!w) throw new Error(`--workload ${id}: known are ${workloads.map((x) => x.id).join(', ')}`);
  return w;
};
const ASKED = opts.workload ? opts.workload.split(',').map(byId) : undefined;
// kernels / peers: every workload but the sparse-only ones unless --workload names them.
const WLS = ASKED ?? workloads.filter((w) => !w.sparseOnly);
// The per-network zero-skip sweep (--network and/or --layers).
const SWEEP = opts.network || opts.layers
  ? sweepWorkloads(opts.network ? opts.network.split(',') : SWEEP_NETWORKS, opts.layers ? opts.layers.split(',') : undefined)
  : undefined;
if (SWEEP && opts.workload) throw new Error('--workload and --network/--layers exclude each other: pick one.');
const PEERS_IN_SPARSE = !opts['no-peers'];
const ISAS = (opts.isa ?? 'simd').split(',');
for (const i of ISAS) if (!['scalar', 'simd', 'relaxed'].includes(i)) throw new Error(`--isa ${i}: use scalar, simd or relaxed`);
/** Workloads of a sparse/binary part: --workload (those it applies to) or the part's defaults. */
const partWls = (part) => ASKED ?? (QUICK ? SPARSE_QUICK_DEFAULTS : SPARSE_DEFAULTS)[part].map(byId);
// benchmark.js options per case: full runs take >= 10 samples within ~3 s (more for slow calls).
const CASE_OPTIONS = QUICK ? { minSamples: 3, maxTime: 0.05, initCount: 1, delay: 0 } : { minSamples: 10, maxTime: 3 };
const WARMUP_MS = QUICK ? 30 : 1000;
// The sweep has ~170 groups: >= 5 samples within ~0.5 s per case, a shorter warm-up (the process
// is tiered up after the first groups; each case is still warmed until stable).
const SWEEP_CASE_OPTIONS = QUICK ? CASE_OPTIONS : { minSamples: 5, maxTime: 0.5 };
const SWEEP_WARMUP_MS = QUICK ? WARMUP_MS : 300;
// Shared machines: before each workload wait (at most --wait-max-s) until other processes use
// fewer than --wait-idle cores, and run a workload's suite again (--retries) if they used more
// while it ran, keeping the quietest attempt. Off in --quick.
const WAIT_IDLE = opts['wait-idle'] !== undefined ? Number(opts['wait-idle']) : QUICK ? undefined : 0.5;
const WAIT_MAX_S = Number(opts['wait-max-s'] ?? 60);
const RETRIES = Number(opts.retries ?? (QUICK ? 0 : 1));

const median = (a) => { const s = [...a].sort((x, y) => x - y); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
// Busy CPU time of the whole machine (all cores) in ms, from /proc/stat via os.cpus().
const sysBusyMs = () => os.cpus().reduce((s, c) => s + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0);
const load = () => os.loadavg().map((x) => +x.toFixed(2));

// ------------------------------------------------------------------ first-run child
// A fresh process per (case, workload), so that no compiled module or warm cache is reused:
// runtime init (compile + instantiate) + create (pack weights / build the session, stage input)
// + the first call.
if (opts['first-run-child']) {
  const id = opts['first-run-child'];
  const w = WLS[0];
  const t0 = performance.now();
  let c;
  let initMs, createMs;
  const mc = opts.part ? findSparseCase(opts.part, w, Number(opts.density), id, ISAS) : MACFLOW_CASES.find((x) => x.id === id);
  if (!mc && opts.part) throw new Error(`no case ${id} in part ${opts.part}`);
  if (mc && mc.kind === 'peer') {
    await (await loadPeers()).initOrt();
    initMs = performance.now() - t0;
    c = await mc.create(w);
  } else if (mc) {
    await engineFor(mc.isa);
    initMs = performance.now() - t0;
    c = await mc.create(w);
  } else {
    const { PEERS } = await loadPeers();
    await PEERS[id].init();
    initMs = performance.now() - t0;
    c = await PEERS[id].create(w);
  }
  createMs = performance.now() - t0 - initMs;
  const t1 = performance.now();
  await c.run();
  const firstCallMs = performance.now() - t1;
  process.stdout.write(JSON.stringify({ initMs, createMs, firstCallMs, firstMs: performance.now() - t0 }) + '\n');
  process.exit(0);
}

// ------------------------------------------------------------------ helpers
function uptime() {
  try { return execSync('uptime', { encoding: 'utf8' }).trim(); } catch { return `load average: ${load().join(', ')}`; }
}
function gitCommit() {
  try { return execSync('git rev-parse --short HEAD', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return undefined; }
}

/**
 * Runs `run` until at least WARMUP_MS have passed and two consecutive ~100 ms windows agree
 * within 5 % (V8 tiers wasm up from Liftoff to TurboFan in the background), at most 10 s.
 */
async function warmUp(run, minMs = WARMUP_MS) {
  const t0 = performance.now();
  let prev = Infinity;
  for (;;) {
    let k = 0; const t = performance.now();
    while (k < 2 || performance.now() - t < (QUICK ? 10 : 100)) { await run(); k++; }
    const per = (performance.now() - t) / k;
    const el = performance.now() - t0;
    if ((el >= minMs && Math.abs(per - prev) <= 0.05 * Math.min(per, prev)) || el > (QUICK ? 200 : 10000)) return el;
    prev = per;
  }
}

function firstRun(caseId, w, r0 = {}) {
  const flags = process.execArgv.filter((f) => f === RELAXED_FLAG || f === '--no-liftoff');
  const sp = r0.part ? ['--part', r0.part, '--isa', r0.isa, ...(r0.density !== undefined ? ['--density', String(r0.density)] : [])] : [];
  const r = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url), '--first-run-child', caseId, '--workload', w.id, ...sp], { encoding: 'utf8' });
  if (r.status !== 0) return { error: (r.stderr || '').trim().split('\n').slice(-1)[0] };
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

// ------------------------------------------------------------------ machine + peaks
const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  node: process.version,
  platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  execArgv: process.execArgv,
  liftoff: !process.execArgv.includes('--no-liftoff'),
  threads: 1,
  loadBefore: load(),
  uptimeBefore: uptime(),
  loadAfter: undefined,
  uptimeAfter: undefined,
};
const started = new Date();
console.log(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, flags: ${machine.execArgv.join(' ')}, threads 1`);
console.log(`before: ${machine.uptimeBefore}`);
const useKernels = SUITE === 'kernels' || SUITE === 'all';
const usePeers = SUITE === 'peers' || SUITE === 'all';
const useSparse = SUITE === 'sparse' || SUITE === 'all';
const useBinary = SUITE === 'binary' || SUITE === 'all';
const useMacflow = SUITE !== 'peers';
console.log(`suite ${SUITE}${QUICK ? ' (quick)' : ''}; workloads ${useKernels || usePeers ? WLS.map((w) => w.id).join(', ') : ''}${useSparse || useBinary ? ` sparse/binary on ${ISAS.join(', ')}` : ''}`);
if (SWEEP && useSparse) console.log(`zero-skip sweep: ${SWEEP.length} distinct conv shapes of ${opts.network ?? SWEEP_NETWORKS.join(',')}${opts.layers ? ` (--layers ${opts.layers})` : ''}: ${SWEEP.map((w) => (w.layers.length > 1 ? `${w.id} (= ${w.layers.slice(1).join(', ')})` : w.id)).join('; ')}`);
console.log('');

/** The four peak probes: 'scalar' = the scalar build's i32 loop, 'i16' = the SIMD build's i16 dot,
 * 'relaxedI16' = the relaxed build's i16 dot, 'relaxed' = the relaxed build's i8 x i7 dot. */
async function measurePeaks(po) {
  return {
    scalar: await measurePeak('scalar', 'i16', po),
    i16: await measurePeak('simd', 'i16', po),
    relaxedI16: await measurePeak('relaxed', 'i16', po),
    relaxed: await measurePeak('relaxed', 'relaxed', po),
  };
}

const builds = {};
const peaks = {};
if (useMacflow) {
  for (const isa of ['scalar', 'simd', 'relaxed']) {
    const { engine, initMs } = await engineFor(isa);
    const cap = engine.capabilities();
    builds[isa] = { isa: cap.isa, where: cap.where, threads: cap.threads, initMs };
  }
  const po = QUICK ? { samples: 3, callMs: 5, warmupMs: 20 } : {};
  // 'scalar' = the scalar build's i32 multiply-add loop; 'i16' = the SIMD build's i16 dot;
  // 'relaxed' = the relaxed build's i8 x i7 dot (also its i16 dot, to compare on one build).
  Object.assign(peaks, await measurePeaks(po));
  for (const [k, p] of Object.entries(peaks)) console.log(`peak ${k.padEnd(10)} (${p.isa} build, ${p.probe} probe): ${p.gops.toFixed(1)} GOPS (best ${p.bestGops.toFixed(1)})`);
}

let peerMod;
const peerInit = {};
if (usePeers) {
  peerMod = await loadPeers();
  peerInit.ortInitMs = await peerMod.initOrt();
  peerInit.tfjsInitMs = await peerMod.initTfjs();
  peerInit.ortRunOverheadUs = await peerMod.ortRunOverheadUs(QUICK ? 200 : 5000);
  console.log(`ORT-web init ${peerInit.ortInitMs.toFixed(0)} ms, tfjs-wasm init ${peerInit.tfjsInitMs.toFixed(0)} ms, ORT session.run() fixed cost ${peerInit.ortRunOverheadUs.toFixed(1)} us`);
}
console.log('');

// ------------------------------------------------------------------ the suites
/** All cases of a workload: macflow's (kernels suite) then the peers (peers suite). */
function casesOf(w) {
  const out = [];
  if (useKernels) for (const c of MACFLOW_CASES) if (w.kind === 'gemm' || !c.gemmOnly) out.push({ ...c, kind: 'macflow' });
  if (usePeers) for (const [id, p] of Object.entries(peerMod.PEERS)) out.push({ id, label: p.label, kind: 'peer', peaks: [], create: p.create });
  return out;
}

/**
 * One benny suite for the group `g` ({ w, cases, part?, density?, densityKind? }): creates every
 * case, warms each up until stable, then lets benny time them one after the other. Returns one
 * result per case (or its error); sparse/binary results also carry part, density and baseline.
 */
async function runGroup(g) {
  const { w } = g;
  const out = [];
  const ops = 2 * macs(w);
  const live = [];
  const extra = g.part ? { suite: g.part === 'binary' ? 'binary' : 'sparse', part: g.part, density: g.density, densityKind: g.densityKind, ...(g.sweep ? { sweep: true, network: w.network, layers: w.layers } : {}) } : {};
  for (const c of g.cases) {
    try {
      const inst = await c.create(w);
      await inst.run(); // fails here, not inside benny
      const warmMs = await warmUp(() => inst.run(), g.warmupMs);
      live.push({ c, inst, warmMs });
    } catch (e) {
      out.push({ workload: w.id, case: c.id, label: c.label, ...extra, error: String(e?.message ?? e).split('\n')[0] });
      console.log(`  ${w.id} ${c.id}: ERROR ${String(e?.message ?? e).split('\n')[0]}`);
    }
  }
  const loadStart = load();
  let mark = { cpu: cpuMs(), sys: sysBusyMs(), t: performance.now() };
  let i = 0;
  await b.suite(
    `${w.id}${g.part ? ` ${g.part}${g.density !== undefined ? ` ${g.densityKind} density ${g.density}` : ''}` : ''} (${(macs(w) / 1e6).toFixed(1)} MMAC)`,
    b.configure({ cases: g.caseOptions ?? CASE_OPTIONS }),
    ...live.map(({ c, inst }) => (c.kind === 'peer' && c.id.startsWith('ort')
      ? b.add(c.label, async () => { await inst.run(); })
      : b.add(c.label, () => { inst.run(); }))),
    b.cycle((r) => {
      const now = { cpu: cpuMs(), sys: sysBusyMs(), t: performance.now() };
      const wall = now.t - mark.t;
      const own = now.cpu - mark.cpu;
      const { c, warmMs } = live[i++];
      const ms = r.details.median * 1000;
      // CPU-time estimate: the median wall time scaled by this case's process CPU / wall (capped
      // at 1: V8's background compile threads can push it above). Preemption by neighbours
      // lowers wall GOPS but not this one; sharing a core's caches or SMT sibling still does.
      const cpuPerWall = own / wall;
      const x = {
        workload: w.id, case: c.id, label: c.label, kind: c.kind ?? 'macflow', isa: c.isa, kernelOnly: !!c.kernelOnly, ...extra, baseline: c.baseline || undefined,
        macs: macs(w), ms, gops: ops / ms / 1e6, bestGops: ops / (r.details.min * 1000) / 1e6,
        cpuGops: ops / (ms * Math.min(1, cpuPerWall)) / 1e6,
        meanMs: r.details.mean * 1000, rmePct: r.margin, samples: r.samples, benchOpsPerSec: r.ops,
        warmMs, cpuPerWall, neighbourCores: Math.max(0, (now.sys - mark.sys - own) / wall),
        peaks: c.peaks,
      };
      out.push(x);
      mark = now;
      console.log(`  ${c.label.padEnd(36)} ${x.ms.toFixed(3).padStart(9)} ms ${x.gops.toFixed(1).padStart(7)} GOPS  ±${r.margin.toFixed(1)}%  n=${r.samples}  cpu/wall ${x.cpuPerWall.toFixed(2)}  nbr ${x.neighbourCores.toFixed(2)}`);
      return undefined;
    }),
    b.complete(() => undefined),
  );
  for (const { inst } of live) await inst.dispose();
  for (const r of out) if (!r.error) r.loadDuring = [loadStart[0], load()[0]];
  return out;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Cores kept busy by other processes over `ms` while this process sleeps. */
async function neighbourCores(ms = 1000) {
  const b0 = sysBusyMs(), c0 = cpuMs(), t0 = performance.now();
  await sleep(ms);
  return Math.max(0, (sysBusyMs() - b0 - (cpuMs() - c0)) / (performance.now() - t0));
}
const maxNbr = (rs) => Math.max(0, ...rs.filter((r) => !r.error).map((r) => r.neighbourCores));

const groups = [];
if (useKernels || usePeers) for (const w of WLS) groups.push({ w, cases: casesOf(w) });
if (useSparse && SWEEP) {
  for (const g of sparseGroups('zeroSkip', SWEEP, ISAS, QUICK, PEERS_IN_SPARSE)) groups.push({ ...g, sweep: true, caseOptions: SWEEP_CASE_OPTIONS, warmupMs: SWEEP_WARMUP_MS });
} else if (useSparse) {
  groups.push(...sparseGroups('zeroSkip', partWls('zeroSkip'), ISAS, QUICK, PEERS_IN_SPARSE), ...sparseGroups('csr', partWls('csr'), ISAS, QUICK));
}
if (useBinary) groups.push(...sparseGroups('binary', partWls('binary'), ISAS, QUICK));
const groupKey = (g) => (g.part ? `${g.w.id}/${g.part}${g.density !== undefined ? `@${g.density}` : ''}` : g.w.id);

const results = [];
const attempts = {};
for (const g of groups) {
  let best;
  const key = groupKey(g);
  attempts[key] = [];
  for (let attempt = 0; attempt <= RETRIES; attempt++) {
    if (WAIT_IDLE !== undefined) {
      const t0 = performance.now();
      let nb = await neighbourCores();
      while (nb > WAIT_IDLE && performance.now() - t0 < WAIT_MAX_S * 1000) nb = await neighbourCores();
      console.log(`  (other processes used ${nb.toFixed(2)} cores before this suite; waited ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
    const rs = await runGroup(g);
    const nb = maxNbr(rs);
    attempts[key].push({ maxNeighbourCores: nb, load1: load()[0] });
    if (!best || nb < best.nb) best = { rs, nb };
    if (WAIT_IDLE === undefined || nb <= WAIT_IDLE) break;
    if (attempt < RETRIES) console.log(`  other processes used up to ${nb.toFixed(2)} cores during the suite: running it again`);
  }
  results.push(...best.rs);
}

// ------------------------------------------------------------------ first run, ratios, fractions
if (!opts['no-first-run']) {
  for (const r of results) {
    if (r.error || r.kernelOnly || r.sweep) continue;
    r.firstRun = firstRun(r.case, workloads.find((w) => w.id === r.workload), r);
  }
}
if (useMacflow) {
  // Peaks again at the end; a probe can only be slowed down by neighbours, so the higher median
  // of the two is the machine's and the fractions use it (both are in the JSON).
  const again = await measurePeaks(QUICK ? { samples: 3, callMs: 5, warmupMs: 20 } : {});
  for (const [k, p] of Object.entries(again)) {
    const first = peaks[k];
    peaks[k] = { ...(p.gops > first.gops ? p : first), runs: [first.gops, p.gops] };
  }
}
machine.loadAfter = load();
machine.uptimeAfter = uptime();

// The modelled accelerator on the zero-skip workloads and densities of this run, same data.
let accelerator;
{
  const zs = groups.filter((g) => g.part === 'zeroSkip');
  if (zs.length) {
    const { accelModel } = await import('./accel.mjs');
    const wls = [...new Set(zs.map((g) => g.w))];
    const ds = [...new Set(zs.map((g) => g.density))];
    accelerator = accelModel(wls, ds, activationsOf);
  }
}

const report = {
  schemaVersion: 1,
  tool: 'macflow bench/run.js',
  date: started.toISOString(),
  commit: gitCommit(),
  suite: SUITE,
  quick: QUICK,
  machine,
  builds,
  threads: 1,
  caseOptions: CASE_OPTIONS,
  waitIdle: WAIT_IDLE,
  retries: RETRIES,
  attempts,
  peaks,
  peerInit,
  isas: ISAS,
  workloads: [...new Set(groups.map((g) => g.w))].map((w) => ({ ...w, macs: macs(w) })),
  results,
  accelerator,
  targets: [],
};
derive(report);


// ------------------------------------------------------------------ derived numbers + targets
/**
 * Fills in, from results and peaks: fraction of peak, ratios to each peer (median and best
 * sample: a neighbour only ever slows a sample down, so the best samples compare capabilities
 * when the box is busy), and the issue's targets.
 */
function derive(rep) {
  const rs = rep.results;
  for (const r of rs) {
    if (r.error) continue;
    r.peakFraction = {};
    for (const p of r.peaks ?? []) if (rep.peaks[p]) r.peakFraction[p] = r.gops / rep.peaks[p].gops;
    r.speedup = {}; // peer ms / this ms: > 1 = faster than the peer
    r.speedupBest = {}; // the same on the fastest sample of each
    if (r.part) {
      // sparse / binary: vs the dense int8 baseline of the same group and build, and vs the
      // group's ORT-web int8 (same MACs, same data: its ms / this ms = the ratio of effective
      // dense-equivalent throughputs).
      const base = rs.find((p) => p.baseline && !p.error && p.part === r.part && p.workload === r.workload && p.density === r.density && p.isa === r.isa);
      if (base) { r.speedupVsDense = base.ms / r.ms; r.speedupVsDenseBest = r.bestGops / base.bestGops; }
      const ort = r.kind !== 'peer' && rs.find((p) => p.kind === 'peer' && p.case === 'ort-int8' && !p.error && p.part === r.part && p.workload === r.workload && p.density === r.density);
      if (ort) { r.speedup['ort-int8'] = ort.ms / r.ms; r.speedupBest['ort-int8'] = r.bestGops / ort.bestGops; }
      continue;
    }
    if (r.kind !== 'macflow') continue;
    for (const p of rs) {
      if (p.kind !== 'peer' || p.workload !== r.workload || p.error) continue;
      r.speedup[p.case] = p.ms / r.ms;
      r.speedupBest[p.case] = r.bestGops / p.bestGops;
    }
  }
  const wls = rep.workloads.map((w) => w.id);
  const get = (wl, id) => rs.find((r) => r.workload === wl && r.case === id && !r.error);
  const vsOrt = (wl, id) => { const r = get(wl, id); return r && r.speedup['ort-int8'] !== undefined ? { ratio: r.speedup['ort-int8'], ratioBest: r.speedupBest['ort-int8'] } : undefined; };
  const t = [];
  const rows = wls.map((id) => ({ workload: id, ...vsOrt(id, 'macflow-simd') })).filter((x) => x.ratio !== undefined);
  if (rows.length) t.push({ id: 'simd-vs-ort-int8', goal: 'SIMD build >= 0.95x ORT-web int8 on every workload', threshold: 0.95, per: rows, met: rows.every((x) => x.ratio >= 0.95), metOnBest: rows.every((x) => x.ratioBest >= 0.95) });
  const rel = ['gemm-1024', 'vgg16-conv3_1'].filter((id) => wls.includes(id))
    .map((id) => ({ workload: id, ...vsOrt(id, 'macflow-relaxed'), le127: vsOrt(id, 'macflow-relaxed-le127') }))
    .filter((x) => x.ratio !== undefined);
  if (rel.length) t.push({ id: 'relaxed-vs-ort-int8', goal: 'relaxed build >= 1.5x ORT-web int8 on GEMM 1024^3 and VGG-16 conv3_1', threshold: 1.5, per: rel, met: rel.every((x) => x.ratio >= 1.5), metOnBest: rel.every((x) => x.ratioBest >= 1.5) });
  const op = get('gemm-1024', 'macflow-simd'), kern = get('gemm-1024', 'kernel-simd');
  if (op && rep.peaks.i16) {
    const pk = rep.peaks.i16.gops;
    t.push({ id: 'simd-peak-gemm-1024', goal: 'SIMD >= 85 % of the i16-dot peak on GEMM 1024^3', threshold: 0.85,
      per: [{ workload: 'gemm-1024', op: op.gops / pk, kernel: kern && kern.gops / pk, opBest: op.bestGops / pk, kernelBest: kern && kern.bestGops / pk }],
      met: op.gops / pk >= 0.85, metOnBest: op.bestGops / pk >= 0.85 });
  }
  // Issue 3: zero-skip effective throughput >= 1.5x ORT-web int8 at activation density 0.5 and
  // >= 2.5x at 0.3 (each zero-skip case of each workload, per build).
  for (const [d, thr] of [[0.5, 1.5], [0.3, 2.5]]) {
    const per = rs.filter((r) => r.part === 'zeroSkip' && !r.error && r.kind !== 'peer' && !r.baseline && r.density === d && r.speedup?.['ort-int8'] !== undefined)
      .map((r) => ({ workload: `${r.workload} ${r.label}`, ratio: r.speedup['ort-int8'], ratioBest: r.speedupBest['ort-int8'] }));
    if (per.length) t.push({ id: `zeroskip-vs-ort-int8-${d}`, goal: `zero-skip >= ${thr}x ORT-web int8 (effective dense-equivalent throughput) at activation density ${d}`, threshold: thr, per, met: per.every((x) => x.ratio >= thr), metOnBest: per.every((x) => x.ratioBest >= thr) });
  }
  rep.targets = t;
  return rep;
}

// ------------------------------------------------------------------ output
function f1(x) { return x === undefined || Number.isNaN(x) ? '-' : x.toFixed(1); }
function f2(x) { return x === undefined || Number.isNaN(x) ? '-' : x.toFixed(2); }
function pct(x) { return x === undefined ? '-' : `${(100 * x).toFixed(0)} %`; }
function ms3(x) { return x === undefined ? '-' : x < 1 ? x.toFixed(3) : x < 100 ? x.toFixed(2) : x.toFixed(0); }

function markdown(rep) {
  // Inside the function: --from-json renders before module-level constants below are initialised.
  const PART_TITLES = {
    zeroSkip: 'Dense vs zero-skip across activation densities (clustered ReLU-like zeros)',
    csr: 'Dense vs CSR across weight densities',
    binary: 'Binary and ternary vs int8',
  };
  const L = [];
  const m = rep.machine;
  L.push(`Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node} (${m.platform}), flags \`${m.execArgv.join(' ')}\`, Liftoff ${m.liftoff ? 'on (cases warmed up until stable)' : 'off'}, threads 1.`);
  L.push(`Load average (1/5/15 min) before ${m.loadBefore.join(' / ')}, after ${m.loadAfter.join(' / ')}. ${rep.date}${rep.commit ? `, commit ${rep.commit}` : ''}, suite \`${rep.suite}\`${rep.quick ? ' (quick)' : ''}.`);
  L.push('');
  if (Object.keys(rep.peaks).length) {
    L.push('| peak probe | build | GOPS (higher median of start / end of run) | start / end medians | best single call |', '|---|---|---|---|---|');
    const names = { scalar: 'scalar i32 multiply-add', i16: 'i32x4.dot_i16x8_s (i16 dot)', relaxedI16: 'i16 dot on the relaxed build', relaxed: 'relaxed i8 x i7 dot' };
    for (const [k, p] of Object.entries(rep.peaks)) L.push(`| ${names[k] ?? k} | ${p.isa} | ${f1(p.gops)} | ${(p.runs ?? []).map(f1).join(' / ')} | ${f1(p.bestGops)} |`);
    L.push('');
  }
  for (const w of rep.workloads) {
    const rs = rep.results.filter((r) => r.workload === w.id && !r.part);
    if (!rs.length) continue;
    L.push(`### ${w.title} (${(w.macs / 1e6).toFixed(1)} MMAC)`, '');
    const at = rep.attempts?.[w.id] ?? [];
    if (at.length) L.push(`Suite runs: ${at.length}; other processes used at most ${at.map((a) => f2(a.maxNeighbourCores)).join(' / ')} cores per run; the quietest is shown.`, '');
    L.push('| case | ms (median) | GOPS | best-sample GOPS | GOPS (CPU time) | vs ORT int8 | vs ORT fp32 | vs tfjs fp32 | % of peak | first run ms (init + create + 1st call) | nbr |');
    L.push('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of rs) {
      if (r.error) { L.push(`| ${r.label} | error: ${r.error} | | | | | | | | | |`); continue; }
      const sp = (p) => (r.kind === 'macflow' && r.speedup[p] !== undefined ? `${f2(r.speedup[p])}x (${f2(r.speedupBest[p])}x)` : '-');
      const pk = Object.entries(r.peakFraction ?? {}).map(([k, v]) => `${pct(v)} ${k}`).join(', ') || '-';
      const fr = r.firstRun ? (r.firstRun.error ? 'error' : `${ms3(r.firstRun.firstMs)} (${ms3(r.firstRun.initMs)} + ${ms3(r.firstRun.createMs)} + ${ms3(r.firstRun.firstCallMs)})`) : '-';
      L.push(`| ${r.label} | ${ms3(r.ms)} | ${f1(r.gops)} | ${f1(r.bestGops)} | ${f1(r.cpuGops)} | ${sp('ort-int8')} | ${sp('ort-fp32')} | ${sp('tfjs-fp32')} | ${pk} | ${fr} | ${f2(r.neighbourCores)} |`);
    }
    L.push('');
  }
  for (const part of ['zeroSkip', 'csr', 'binary']) {
    const rs = rep.results.filter((r) => r.part === part);
    if (!rs.length) continue;
    L.push(`### ${PART_TITLES[part]}`, '');
    const shared = [...new Map(rs.filter((r) => r.layers?.length > 1).map((r) => [r.workload, r.layers])).entries()];
    if (shared.length) L.push(`Layers of the same shape run once, under the first one's name: ${shared.map(([id, ls]) => `${id} = ${ls.join(', ')}`).join('; ')}.`, '');
    L.push('| workload | density | case | ms (median) | effective GOPS | speedup vs dense (best) | ideal 1/density | vs ORT int8 (best) | ±% | n | first run ms |', '|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of rs) {
      if (r.error) { L.push(`| ${r.workload} | ${r.density ?? '-'} | ${r.label} | error: ${r.error} | | | | | | | |`); continue; }
      const ideal = r.density !== undefined && !r.baseline && r.kind !== 'peer' ? f2(1 / r.density) : '-';
      const vsDense = r.baseline ? '(baseline)' : r.speedupVsDense === undefined ? '-' : `${f2(r.speedupVsDense)}x (${f2(r.speedupVsDenseBest)}x)`;
      const vsOrt = r.speedup?.['ort-int8'] !== undefined ? `${f2(r.speedup['ort-int8'])}x (${f2(r.speedupBest['ort-int8'])}x)` : '-';
      L.push(`| ${r.workload} | ${r.density ?? '-'} | ${r.label} | ${ms3(r.ms)} | ${f1(r.gops)} | ${vsDense} | ${ideal} | ${vsOrt} | ${f1(r.rmePct)} | ${r.samples} | ${r.firstRun && !r.firstRun.error ? ms3(r.firstRun.firstMs) : '-'} |`);
    }
    L.push('');
  }
  if (rep.targets.length) {
    L.push('| target | measured: median (best sample) | met on medians | met on best samples |', '|---|---|---|---|');
    for (const t of rep.targets) {
      const meas = t.per.map((x) => (x.ratio !== undefined
        ? `${x.workload} ${f2(x.ratio)}x (${f2(x.ratioBest)}x)${x.le127 ? `, x <= 127: ${f2(x.le127.ratio)}x (${f2(x.le127.ratioBest)}x)` : ''}`
        : `${x.workload} op ${pct(x.op)} (${pct(x.opBest)})${x.kernel !== undefined ? `, kernel ${pct(x.kernel)} (${pct(x.kernelBest)})` : ''}`)).join('; ');
      L.push(`| ${t.goal} | ${meas} | ${t.met ? 'met' : 'not met'} | ${t.metOnBest ? 'met' : 'not met'} |`);
    }
    L.push('');
  }
  L.push('vs ORT int8 in the sparse tables = ORT-web int8 QLinearConv\'s median ms on the same layer and data / this median ms = the ratio of effective (dense-equivalent) throughputs.');
  L.push('vs X = X\'s median ms / this median ms (> 1: macflow faster), in brackets the same on the fastest sample of each. % of peak: GOPS / the named probe (scalar = scalar build\'s i32 loop, i16 = SIMD i16 dot, relaxed = relaxed i8 x i7 dot). nbr = cores used by other processes while the case ran (from /proc/stat); GOPS (CPU time) = GOPS with the wall time scaled by this process\'s CPU time / wall time (removes preemption, not cache or SMT sharing).');
  return L.join('\n') + '\n';
}

function csv(rep) {
  const cols = ['workload', 'case', 'label', 'kind', 'isa', 'macs', 'ms', 'gops', 'bestGops', 'cpuGops', 'samples', 'rmePct', 'vsOrtInt8', 'vsOrtFp32', 'vsTfjsFp32', 'peakI16', 'peakRelaxed', 'peakScalar', 'firstMs', 'initMs', 'createMs', 'firstCallMs', 'cpuPerWall', 'neighbourCores', 'error', 'part', 'density', 'densityKind', 'speedupVsDense', 'network', 'sharedLayers'];
  const rows = rep.results.map((r) => [r.workload, r.case, r.label, r.kind, r.isa ?? '', r.macs, r.ms, r.gops, r.bestGops, r.cpuGops, r.samples, r.rmePct,
    r.speedup?.['ort-int8'], r.speedup?.['ort-fp32'], r.speedup?.['tfjs-fp32'], r.peakFraction?.i16, r.peakFraction?.relaxed, r.peakFraction?.scalar,
    r.firstRun?.firstMs, r.firstRun?.initMs, r.firstRun?.createMs, r.firstRun?.firstCallMs, r.cpuPerWall, r.neighbourCores, r.error, r.part, r.density, r.densityKind, r.speedupVsDense, r.network, r.layers?.join(' ')]
    .map((v) => (v === undefined ? '' : typeof v === 'number' ? (Number.isInteger(v) ? v : +v.toPrecision(6)) : `"${String(v).replace(/"/g, '""')}"`)).join(','));
  return [cols.join(','), ...rows].join('\n') + '\n';
}

/** Prints the Markdown tables and writes --json / --csv / --md / --html. */
async function writeOutputs(rep) {
  const md = markdown(rep);
  console.log('\n' + md);
  if (rep.machine.uptimeAfter) console.log(`after: ${rep.machine.uptimeAfter}`);
  if (opts.json) writeFileSync(opts.json, JSON.stringify(rep, null, 2) + '\n');
  if (opts.csv) writeFileSync(opts.csv, csv(rep));
  if (opts.md) writeFileSync(opts.md, md);
  if (opts.html) {
    const { benchHtml } = await import('./html.mjs');
    writeFileSync(opts.html, await benchHtml(rep));
  }
}

await writeOutputs(report);

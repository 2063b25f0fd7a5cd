// End-to-end time of the public conv2d / dense ops on the layers of the perf brief (uint8 in,
// int8 weights prepacked, requantised uint8 out, batch 1), per build.
// Run (after `npm run build`):
//   node --no-liftoff --experimental-wasm-relaxed-simd bench/profile-conv.mjs [builds] [reps] [filter]
// builds: comma list (default simd,relaxed); reps: timed samples (default 9); filter: substring of
// a layer name. Prints one line per (build, layer): median wall time per call (us), GOPS
// (ops = 2 x MACs), median process-CPU time per call, and the load average.
// --no-liftoff: time TurboFan code only (a loaded machine can keep the baseline tier for a run).
import { loadavg } from 'node:os';
import { init, conv2d, packConvWeights, dense, packWeights, conv2dInfo } from '../dist/index.js';

const builds = (process.argv[2] ?? 'simd,relaxed').split(',');
const reps = Number(process.argv[3] ?? 9);
const filter = process.argv[4] ?? '';

let seed = 12345;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);
const u8 = (n, max = 255) => Uint8Array.from({ length: n }, () => rnd() % (max + 1));
const s8 = (n) => Int8Array.from({ length: n }, () => (rnd() & 255) - 128);

/** [name, x NHWC, w OHWI, options] */
const convs = [
  ['vgg16.conv3_1', [1, 56, 56, 128], [256, 3, 3, 128], { pads: 1 }],
  ['resnet50.3x3', [1, 28, 28, 128], [128, 3, 3, 128], { pads: 1 }],
  ['alexnet.conv2', [1, 27, 27, 96], [256, 5, 5, 96], { pads: 2 }],
  ['lenet5.conv1', [1, 28, 28, 1], [20, 5, 5, 1], {}],
  ['lenet5.conv2', [1, 12, 12, 20], [50, 5, 5, 20], {}],
  ['depthwise.112x32', [1, 112, 112, 32], [32, 3, 3, 1], { pads: 1, groups: 32 }],
];
const denses = [
  ['dense.800x500', 800, 500],
  ['dense.4096x4096', 4096, 4096],
];

const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** Median us per call of fn (each sample batches enough calls for >= ~20 ms). */
function time(fn) {
  const w0 = performance.now();
  let calls = 0;
  while (calls < 5 || performance.now() - w0 < 400) {
    fn();
    calls++;
  }
  const per = (performance.now() - w0) / calls;
  const inner = Math.max(1, Math.round(20 / per));
  const wall = [];
  const cpu = [];
  for (let r = 0; r < reps; r++) {
    const c0 = cpuUs();
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) fn();
    wall.push(((performance.now() - t0) * 1000) / inner);
    cpu.push((cpuUs() - c0) / inner);
  }
  return { us: median(wall), cpuUs: median(cpu) };
}

const rq = { xScale: 0.02, wScale: 0.01, yScale: 0.5, yZeroPoint: 3, activation: 'relu' };
console.log(`# load ${loadavg().map((v) => v.toFixed(2)).join(' ')}; ${reps} samples; node ${process.version}`);
for (const build of builds) {
  const mf = await init({ isa: build });
  for (const [name, xs, ws, opts] of convs) {
    if (!name.includes(filter)) continue;
    const x = mf.tensor('uint8', xs, u8(xs.reduce((a, b) => a * b)));
    const pw = packConvWeights(mf, { data: s8(ws.reduce((a, b) => a * b)), shape: ws }, { groups: opts.groups ?? 1 });
    const params = { ...opts, xZeroPoint: 5, requantize: rq };
    const out = conv2d(mf, x, pw, params);
    const info = conv2dInfo(xs, ws, opts);
    const t = time(() => conv2d(mf, x, pw, { ...params, out }));
    console.log(`${build.padEnd(8)}${name.padEnd(18)}${t.us.toFixed(1).padStart(10)} us${((2 * info.macs) / (t.us * 1e3)).toFixed(1).padStart(8)} GOPS   cpu ${t.cpuUs.toFixed(1)} us`);
    out.dispose();
    x.dispose();
    pw.dispose();
  }
  for (const [name, K, N] of denses) {
    if (!name.includes(filter)) continue;
    const x = mf.tensor('uint8', [1, K], u8(K));
    const pw = packWeights(mf, { data: s8(N * K), shape: [N, K] }, { layout: 'nk' });
    const params = { xZeroPoint: 5, requantize: rq };
    const out = dense(mf, x, pw, params);
    const t = time(() => dense(mf, x, pw, { ...params, out }));
    console.log(`${build.padEnd(8)}${name.padEnd(18)}${t.us.toFixed(1).padStart(10)} us${((2 * N * K) / (t.us * 1e3)).toFixed(1).padStart(8)} GOPS   cpu ${t.cpuUs.toFixed(1)} us`);
    out.dispose();
    x.dispose();
    pw.dispose();
  }
}
console.log(`# load ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);

// Zero-skipping conv (conv2dZeroSkip, FEIE / ZASCAS order) vs our dense conv2d, one build.
// Run: npm run build:ts && node --no-liftoff --experimental-wasm-relaxed-simd bench/conv-zeroskip.mjs [reps] [isa]
// --no-liftoff: time TurboFan code only. Activations: uint8, zero point 0, ReLU-like zeros that
// are spatially clustered (a box-blurred noise field per channel, thresholded at the quantile that
// gives the requested density). Weights int8, output requantised to uint8 (ReLU). Prints one JSON
// line per (layer, density): medians of `reps` timed calls (wall and process CPU), speedup of
// zero-skip over dense (packed weights), of zero-skip with weights prepacked (packZeroSkipWeights), the target 0.8 / density, counting overhead, conv2dAuto's
// choice and time (density scan included), FEIE cycles. Dense, zero-skip, zero-skip without counting
// and conv2dAuto are timed round robin (see timeRR).
import { loadavg, uptime } from 'node:os';
import { activationDensity, conv2d, conv2dAuto, conv2dZeroSkip, init, packConvWeights, packZeroSkipWeights } from '../dist/index.js';
import { clusteredActivations, lcg } from './sparse-data.mjs';

const reps = Number(process.argv[2] ?? 7);
const isa = process.argv[3] ?? 'simd';
const layers = [
  { name: 'vgg16_conv3_1', H: 56, W: 56, C: 128, M: 256, R: 3, S: 3, pads: 1 },
  { name: 'resnet50_3x3', H: 28, W: 28, C: 128, M: 128, R: 3, S: 3, pads: 1 },
  { name: 'alexnet_conv2', H: 27, W: 27, C: 96, M: 256, R: 5, S: 5, pads: 2 },
];
const densities = [1.0, 0.7, 0.5, 0.3, 0.1];

const rnd = lcg(12345);
const activations = (H, W, C, density) => clusteredActivations(H, W, C, density, rnd);

const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Round robin: every round calls each function once, the order rotating round by round, so
 * that the machine's load drifts over all of them alike. Warm-up >= 400 ms first. Medians (and
 * the minimum wall time, the least disturbed sample) per function.
 */
function timeRR(fns) {
  const w0 = performance.now();
  for (let i = 0; i < 2 || performance.now() - w0 < 400; i++) for (const f of fns) f();
  const r = fns.map(() => ({ wall: [], cpu: [] }));
  for (let i = 0; i < reps; i++) {
    for (let j = 0; j < fns.length; j++) {
      const k = (i + j) % fns.length;
      const c0 = cpuMs();
      const t0 = performance.now();
      fns[k]();
      r[k].wall.push(performance.now() - t0);
      r[k].cpu.push(cpuMs() - c0);
    }
  }
  return r.map((x) => ({ wall: median(x.wall), cpu: median(x.cpu), minWall: Math.min(...x.wall) }));
}

const mf = await init({ isa });
console.log(JSON.stringify({ isa: mf.isa, reps, node: process.version, uptime_s: Math.round(uptime()), loadavg: loadavg().map((v) => +v.toFixed(2)) }));
for (const L of layers) {
  const wData = new Int8Array(L.M * L.R * L.S * L.C);
  for (let i = 0; i < wData.length; i++) wData[i] = Math.floor(rnd() * 256) - 128;
  const w = { data: wData, shape: [L.M, L.R, L.S, L.C] };
  const pw = packConvWeights(mf, w);
  const zw = mf.isa === 'scalar' ? undefined : packZeroSkipWeights(mf, w);
  const rq = { xScale: 0.02, wScale: 0.005, yScale: 0.4, outputDtype: 'uint8', activation: 'relu' };
  const macs = L.M * L.H * L.W * L.R * L.S * L.C;
  for (const density of densities) {
    const xt = mf.tensor('uint8', [1, L.H, L.W, L.C], activations(L.H, L.W, L.C, density));
    const params = { pads: L.pads, requantize: rq };
    let info;
    let autoRun;
    const [dense, zs, zsNoCount, auto, zsPre] = timeRR([
      () => conv2d(mf, xt, pw, params).dispose(),
      () => {
        const r = conv2dZeroSkip(mf, xt, w, params);
        info = r;
        r.y.dispose();
      },
      () => conv2dZeroSkip(mf, xt, w, { ...params, count: false }).y.dispose(),
      () => {
        autoRun = conv2dAuto(mf, xt, w, { ...params, packed: pw });
        autoRun.y.dispose();
      },
      () => conv2dZeroSkip(mf, xt, zw ?? w, params).y.dispose(),
    ]);
    const [scan] = timeRR([() => activationDensity(xt, 0)]);
    // exactness of the comparison: the outputs are the same
    const a = conv2d(mf, xt, pw, params);
    const b = conv2dZeroSkip(mf, xt, w, params).y;
    const same = a.toArray().every((v, i) => v === b.data[i]);
    a.dispose();
    b.dispose();
    xt.dispose();
    const measured = info.counts.macs.executed / info.counts.macs.dense;
    console.log(JSON.stringify({
      layer: L.name, density, measuredDensityMacs: +measured.toFixed(4), sameOutput: same,
      kernel: info.kernel, cpuMultiplyAddsPerDense: +(info.counts.cpuMultiplyAdds / info.counts.macs.dense).toFixed(4),
      auto: { ran: autoRun.ran, density: +autoRun.density.toFixed(4), crossover: autoRun.crossover, scanMs: +scan.wall.toFixed(3) },
      ms: { densePacked: +dense.wall.toFixed(2), zeroSkip: +zs.wall.toFixed(2), zeroSkipNoCount: +zsNoCount.wall.toFixed(2), auto: +auto.wall.toFixed(2), zeroSkipPrepacked: +zsPre.wall.toFixed(2) },
      minMs: { densePacked: +dense.minWall.toFixed(2), zeroSkip: +zs.minWall.toFixed(2), zeroSkipNoCount: +zsNoCount.minWall.toFixed(2), auto: +auto.minWall.toFixed(2) },
      cpuMs: { densePacked: +dense.cpu.toFixed(2), zeroSkip: +zs.cpu.toFixed(2), zeroSkipNoCount: +zsNoCount.cpu.toFixed(2), auto: +auto.cpu.toFixed(2) },
      denseGops: +((2 * macs) / dense.wall / 1e6).toFixed(1),
      zeroSkipEffGops: +((2 * macs) / zs.wall / 1e6).toFixed(1),
      speedupVsDensePacked: { wall: +(dense.wall / zs.wall).toFixed(2), cpu: +(dense.cpu / zs.cpu).toFixed(2), minWall: +(dense.minWall / zs.minWall).toFixed(2) },
      prepackedSpeedupVsDensePacked: { wall: +(dense.wall / zsPre.wall).toFixed(2), cpu: +(dense.cpu / zsPre.cpu).toFixed(2), minWall: +(dense.minWall / zsPre.minWall).toFixed(2) },
      autoVsDensePacked: { wall: +(dense.wall / auto.wall).toFixed(2), cpu: +(dense.cpu / auto.cpu).toFixed(2) },
      target: +(0.8 / density).toFixed(2),
      countingOverheadPct: { wall: +((zs.wall / zsNoCount.wall - 1) * 100).toFixed(1), cpu: +((zs.cpu / zsNoCount.cpu - 1) * 100).toFixed(1), minWall: +((zs.minWall / zsNoCount.minWall - 1) * 100).toFixed(1) },
      feie: { tiles: info.feie.tiles, P: info.feie.pesPerTile, denseCycles: info.feie.dense.cycles, zeroSkipCycles: info.feie.zeroSkip.cycles, denseUtil: +info.feie.dense.utilisation.toFixed(4), zeroSkipUtil: +info.feie.zeroSkip.utilisation.toFixed(4) },
    }));
  }
  pw.dispose();
  zw?.dispose();
}
console.log(JSON.stringify({ end: true, loadavg: loadavg().map((v) => +v.toFixed(2)) }));

// Phase profile of conv2dZeroSkip's block-sparse path (assembly/feie/zsgemm.ts), kernels called
// directly: count pass, B packing, lowering + pair listing, micro-kernel, requantisation; and the
// dense conv2d (prepacked) of the same layer for scale. Same data as bench/conv-zeroskip.mjs.
// Run (after `npm run build`): node --no-liftoff --experimental-wasm-relaxed-simd bench/profile-zeroskip.mjs [reps] [densities]
// Prints one JSON line per (layer, density): min and median ms per phase over `reps` samples.
import { loadavg } from 'node:os';
import { conv2d, conv2dInfo, init, packConvWeights } from '../dist/index.js';
import { blockSparseTileRows } from '../dist/ops/conv2d-zeroskip.js';
import { clusteredActivations, lcg } from './sparse-data.mjs';

const reps = Number(process.argv[2] ?? 9);
const densities = (process.argv[3] ?? '0.1,0.5,1').split(',').map(Number);
const layers = [
  { name: 'vgg16_conv3_1', H: 56, W: 56, C: 128, M: 256, R: 3, S: 3, pads: 1 },
  { name: 'resnet50_3x3', H: 28, W: 28, C: 128, M: 128, R: 3, S: 3, pads: 1 },
  { name: 'alexnet_conv2', H: 27, W: 27, C: 96, M: 256, R: 5, S: 5, pads: 2 },
];
const rnd = lcg(12345);
const mf = await init({ isa: 'simd' });
const k = mf.kernels;
const heap = mf.heap;
const stats = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return { min: +s[0].toFixed(3), med: +s[s.length >> 1].toFixed(3) };
};
function time(fn) {
  const w0 = performance.now();
  while (performance.now() - w0 < 150) fn();
  const t = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return stats(t);
}
console.log(JSON.stringify({ loadavg: loadavg() }));
for (const L of layers) {
  const wData = new Int8Array(L.M * L.R * L.S * L.C);
  for (let i = 0; i < wData.length; i++) wData[i] = Math.floor(rnd() * 256) - 128;
  const w = { data: wData, shape: [L.M, L.R, L.S, L.C] };
  const pw = packConvWeights(mf, w);
  const info = conv2dInfo([1, L.H, L.W, L.C], w.shape, { pads: L.pads });
  const { H, W, C, M, R, S, E, F } = info;
  const EF = E * F;
  const rows = blockSparseTileRows(info);
  const pbBytes = k.q8_conv_zs_packed_b_bytes(M, R, S, C);
  const [xp, wp, zp, pb, nnz, cnt, acc, work, mul, rs, y] = [H * W * C, M * R * S * C, M * 4, pbBytes, H * C * 4, 24, rows * M * 4, k.q8_conv_zs_work_bytes(rows, R, S, C), M * 4, rows * 4, EF * M].map((b) => heap.alloc('prof', b));
  new Int8Array(heap.memory.buffer, wp, wData.length).set(wData);
  new Int32Array(heap.memory.buffer, zp, M).fill(0);
  new Float32Array(heap.memory.buffer, mul, M).fill(1e-4);
  new Int32Array(heap.memory.buffer, rs, rows).fill(0);
  for (const density of densities) {
    const xd = clusteredActivations(H, W, C, density, rnd);
    new Uint8Array(heap.memory.buffer, xp, xd.length).set(xd);
    const xt = mf.tensor('uint8', [1, H, W, C], xd);
    const params = { pads: L.pads, requantize: { xScale: 0.02, wScale: 0.005, yScale: 0.4, outputDtype: 'uint8', activation: 'relu' } };
    const dense = time(() => conv2d(mf, xt, pw, params).dispose());
    const count = time(() => {
      new Int32Array(heap.memory.buffer, nnz, H * C).fill(0);
      k.q8_conv_zs_count(xp, H, W, C, R, S, 1, 1, 1, 1, L.pads, L.pads, E, F, 0, 0, nnz, cnt);
    });
    const pack = time(() => k.q8_conv_zs_pack_b(wp, 1, zp, M, R, S, C, pb));
    let listed = 0;
    // Mg = 0: no B panel, so only the lowering + pair listing runs
    const gemm = (phases) => () => {
      listed = 0;
      for (let p0 = 0; p0 < EF; p0 += rows) {
        const tr = Math.min(rows, EF - p0);
        listed += k.q8_conv_zs_gemm(xp, H, W, C, R, S, 1, 1, 1, 1, L.pads, L.pads, F, p0, tr, 0, C, 0, 0, 1, pb, phases ? M : 0, acc, M, work);
      }
    };
    const lower = time(gemm(0));
    const full = time(gemm(1));
    const requant = time(() => {
      for (let p0 = 0; p0 < EF; p0 += rows) {
        const tr = Math.min(rows, EF - p0);
        k.q8_requantize(acc, tr, M, M, zp, rs, 0, mul, 0, 0, 255, y + p0 * M, M, 0);
      }
    });
    const kp = Math.floor((R * S) / 2) * C + ((R * S) % 2) * Math.ceil(C / 2);
    const macsDense = EF * M * R * S * C;
    const cpuMA = listed * 2 * M;
    console.log(JSON.stringify({
      layer: L.name, density, rows, denseMs: dense, countMs: count, packBMs: pack, lowerListMs: lower, lowerList_plus_kernelMs: full,
      kernelMs: +(full.min - lower.min).toFixed(3), requantMs: requant,
      cpuMAperDense: +(cpuMA / macsDense).toFixed(4),
      kernelGmacs: +(cpuMA / (full.min - lower.min) / 1e6).toFixed(1), denseGmacs: +(macsDense / dense.min / 1e6).toFixed(1),
      pairsPerPanel: +(listed / 2 / Math.ceil(EF / 2)).toFixed(1), kp,
    }));
    xt.dispose();
  }
  pw.dispose();
}

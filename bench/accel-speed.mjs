// How fast the accelerator models run: a whole ResNet-50 (SCALE-Sim's topology, read in place
// from ../shared/topologies) through the systolic WS, OS and IS dataflows, first run (with JIT)
// apart from the warm median. Compare: SCALE-Sim simulates 10^3-10^4 cycles per second.
// Usage: node bench/accel-speed.mjs [topology.csv] (after npm run build)
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseScaleSimConfig, parseTopology, simulateNetwork } from '../dist/index.js';

const topo = process.argv[2] ?? new URL('../../shared/topologies/Resnet50.csv', import.meta.url).pathname;
const cfg = new URL('../../shared/topologies/configs/scale.cfg', import.meta.url).pathname;
const layers = parseTopology(readFileSync(topo, 'utf8'), { file: topo });
const arch = parseScaleSimConfig(readFileSync(cfg, 'utf8'));
const dataflows = ['ws', 'os', 'is'];
const run = () => {
  const t = performance.now();
  let cycles = 0;
  for (const dataflow of dataflows) cycles += simulateNetwork('net', layers, { ...arch, dataflow }).totals.cycles.total;
  return { ms: performance.now() - t, cycles };
};
const cold = run();
for (let i = 0; i < 30; i++) run();
const warm = Array.from({ length: 101 }, run).map((r) => r.ms).sort((a, b) => a - b);
const median = warm[50];
console.log(`${cpus()[0].model}, ${cpus().length} cores, node ${process.version}, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`${topo}: ${layers.length} layers x {${dataflows}}: first run ${cold.ms.toFixed(1)} ms, warm median ${median.toFixed(3)} ms (min ${warm[0].toFixed(3)}, max ${warm[100].toFixed(2)})`);
console.log(`${cold.cycles.toLocaleString('en-US')} simulated cycles per run -> ${(cold.cycles / (median / 1000)).toExponential(2)} simulated cycles/s`);

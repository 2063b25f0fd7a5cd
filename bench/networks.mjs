// Every conv layer of the built-in topologies (src/nets/topologies.ts, through dist/) as bench
// workloads, identical shapes deduplicated: the per-network sweep of the sparse suite
// (bench/run.js --suite sparse --network vgg16,resnet50,alexnet [--layers ...]).
import { resolveTopology, TOPOLOGIES } from '../dist/index.js';

/** Networks the sweep accepts by default (the issue's three); any key of TOPOLOGIES works. */
export const SWEEP_NETWORKS = ['vgg16', 'resnet50', 'alexnet'];

/** [top, left, bottom, right] of a topology's pads (numbers or a 4-tuple; auto_pad modes refused). */
function padsOf(p, name) {
  if (p === undefined) return [0, 0, 0, 0];
  if (typeof p === 'number') return [p, p, p, p];
  if (Array.isArray(p)) return [...p];
  throw new Error(`${name}: pads ${JSON.stringify(p)} (auto_pad) is not supported by the sweep`);
}

/**
 * The conv layers of network `net` as conv workloads of bench/workloads.mjs (plus `groups`, and
 * `pads` when they are not symmetric), one per distinct shape. Each carries `layers`: every
 * `net/layer` name with that shape (in network order); its id is `net/<first layer>`.
 */
export function networkWorkloads(net) {
  const topo = TOPOLOGIES[net];
  if (!topo) throw new Error(`--network ${net}: known are ${Object.keys(TOPOLOGIES).join(', ')}`);
  const byKey = new Map();
  for (const { layer: l, inputs } of resolveTopology(topo)) {
    if (l.kind !== 'conv') continue;
    const [h, w, cin] = inputs[0];
    const p = padsOf(l.pads, `${net}/${l.name}`);
    const [sh, sw] = l.strides ?? [1, 1];
    if (sh !== sw) throw new Error(`${net}/${l.name}: unequal strides are not supported by the sweep`);
    const groups = l.groups ?? 1;
    const sym = p.every((x) => x === p[0]);
    const key = [h, w, cin, l.filters, l.kernel[0], l.kernel[1], sh, p.join('.'), groups].join('x');
    if (byKey.has(key)) { byKey.get(key).layers.push(`${net}/${l.name}`); continue; }
    const g = groups > 1 ? `, ${groups} groups` : '';
    byKey.set(key, {
      id: `${net}/${l.name}`,
      title: `${net} ${l.name} (${h}x${w}x${cin} -> ${l.filters}, ${l.kernel[0]}x${l.kernel[1]}${sh > 1 ? `/${sh}` : ''}${g})`,
      kind: 'conv', h, w, cin, cout: l.filters, kh: l.kernel[0], kw: l.kernel[1], stride: sh,
      pad: sym ? p[0] : p, groups, network: net, layers: [`${net}/${l.name}`],
    });
  }
  return [...byKey.values()];
}

/**
 * The sweep's workloads: the distinct conv shapes of each network of `nets`, optionally only those
 * whose id, or one of whose shared layer names, is in `layers` (`net/layer` or a bare layer name
 * matching in any of the networks).
 */
export function sweepWorkloads(nets, layers) {
  let out = nets.flatMap(networkWorkloads);
  if (layers && layers.length) {
    const want = (n) => layers.some((x) => x === n || n.endsWith(`/${x}`));
    for (const x of layers) {
      if (!out.some((w) => w.layers.some(want))) throw new Error(`--layers ${x}: no conv layer of ${nets.join(', ')} is called that (names like vgg16/conv3_1 or conv3_1)`);
    }
    out = out.filter((w) => w.layers.some(want));
  }
  return out;
}

// The modelled accelerator side of the sparse suite: every zero-skip workload of a run simulated
// on the zasca preset, dense (ZASCAD) and zero-skipping (ZASCAS), fed with the SAME activations
// the CPU cases ran on (measured densities, exact zero-skip counts). Pure model calls (ms each),
// stored in the report JSON so that --from-json re-renders the charts without the data.
import { ARCH_PRESETS, convLayer, networkTotals, simulate } from '../dist/index.js';

/** The preset the sparse suite models (FEIE: zascad = dense, zascas = zero-skipping). */
export const ACCEL_PRESET = 'zasca';

/**
 * For each density of `densities` and each dataflow (zascad, zascas): a NetworkReport over the
 * conv workloads `wls` (one layer per workload, named by its id) with input `activationsOf(w, d)`.
 * Returns { preset, arch, runs: [{ dataflow, density, report }] }.
 */
export function accelModel(wls, densities, activationsOf) {
  const base = ARCH_PRESETS[ACCEL_PRESET];
  const runs = [];
  for (const d of densities) {
    for (const dataflow of ['zascad', 'zascas']) {
      const arch = { ...base, dataflow };
      const layers = wls.map((w) => {
        const g = w.groups ?? 1;
        const layer = convLayer(w.id, [1, w.h, w.w, w.cin], [w.cout, w.kh, w.kw, w.cin / g], { strides: w.stride, pads: w.pad, groups: g });
        return simulate(layer, arch, { input: activationsOf(w, d), inputZeroPoint: 0 });
      });
      runs.push({ dataflow, density: d, report: networkTotals(`${ACCEL_PRESET} @${d}`, layers, arch) });
    }
  }
  return { preset: ACCEL_PRESET, arch: base.name, dramInterface: base.dram?.interface, runs };
}

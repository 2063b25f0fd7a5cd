/**
 * Architecture presets as DATA. These are SCALE-Sim v2's example configs (`configs/scale.cfg`,
 * `eyeriss.cfg`, `google.cfg`), not measured chips: array size, SRAM sizes, dataflow and
 * bandwidth are SCALE-Sim's; the clock is not in SCALE-Sim's configs and is our stated assumption.
 * Copy one and change it: presets are plain JSON.
 * @module
 */
import type { ArchSpec } from './types.js';

/** SCALE-Sim's presets, resolved (every field present). */
export const ARCH_PRESETS: Readonly<Record<'scale' | 'eyeriss' | 'google', Readonly<ArchSpec>>> = Object.freeze({
  /** SCALE-Sim `scale.cfg`: 32 x 32 output stationary, 64 kB per SRAM, 10 words/cycle. Clock 200 MHz assumed. */
  scale: Object.freeze({
    schemaVersion: 1,
    name: 'scale (SCALE-Sim scale.cfg: 32x32 OS, 64 kB SRAMs; clock assumed 200 MHz)',
    dataflow: 'os',
    array: { rows: 32, cols: 32 },
    sramKB: { ifmap: 64, filter: 64, ofmap: 64 },
    wordBytes: 1,
    clockMHz: 200,
    dram: { bandwidth: 10, interface: 'calc' },
    gating: false,
    params: {},
  }) as ArchSpec,
  /**
   * SCALE-Sim `eyeriss.cfg`: 12 x 14 weight stationary, 36 kB per SRAM. This is SCALE-Sim's systolic
   * approximation of Eyeriss's array size, not Eyeriss's row-stationary dataflow. Clock 200 MHz
   * (Eyeriss's core clock, Chen et al. JSSC 2017).
   */
  eyeriss: Object.freeze({
    schemaVersion: 1,
    name: 'eyeriss (SCALE-Sim eyeriss.cfg: 12x14 WS, 36 kB SRAMs; clock 200 MHz)',
    dataflow: 'ws',
    array: { rows: 12, cols: 14 },
    sramKB: { ifmap: 36, filter: 36, ofmap: 36 },
    wordBytes: 1,
    clockMHz: 200,
    dram: { bandwidth: 10, interface: 'calc' },
    gating: false,
    params: {},
  }) as ArchSpec,
  /** SCALE-Sim `google.cfg` (TPU v1-like): 256 x 256 weight stationary, 6 MB ifmap/filter and 2 MB ofmap SRAM. Clock 700 MHz assumed (TPU v1's, Jouppi et al. ISCA 2017). */
  google: Object.freeze({
    schemaVersion: 1,
    name: 'google (SCALE-Sim google.cfg: 256x256 WS, 6144/6144/2048 kB SRAMs; clock assumed 700 MHz)',
    dataflow: 'ws',
    array: { rows: 256, cols: 256 },
    sramKB: { ifmap: 6144, filter: 6144, ofmap: 2048 },
    wordBytes: 1,
    clockMHz: 700,
    dram: { bandwidth: 10, interface: 'calc' },
    gating: false,
    params: {},
  }) as ArchSpec,
});

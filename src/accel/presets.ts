/**
 * Architecture presets as DATA. `scale`, `eyeriss` and `google` are SCALE-Sim v2's example configs
 * (`configs/scale.cfg`, `eyeriss.cfg`, `google.cfg`), not measured chips: array size, SRAM sizes,
 * dataflow and bandwidth are SCALE-Sim's; the clock is not in SCALE-Sim's configs and is our stated
 * assumption. `eyeriss-rs` is the Eyeriss chip with its row-stationary dataflow (Chen et al.);
 * `zasca` is our configurable FEIE / ZASCA instance (every number our choice, see its comment).
 * Copy one and change it: presets are plain JSON.
 * @module
 */
import type { ArchSpec } from './types.js';

/** SCALE-Sim's presets, resolved (every field present). */
export const ARCH_PRESETS: Readonly<Record<'scale' | 'eyeriss' | 'google' | 'eyeriss-rs' | 'zasca', Readonly<ArchSpec>>> = Object.freeze({
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
  /**
   * Eyeriss with its row-stationary dataflow (Y.-H. Chen et al., ISCA 2016; JSSC 52(1) 2017):
   * 12 x 14 PEs, 16-bit words, 200 MHz core clock, spads filter 224 / ifmap 12 / psum 24 words,
   * 108 kB global buffer = 100 kB ifmap + psum (split 50 / 50 here: Eyeriss allocates it per layer,
   * the split is our choice) + 8 kB filters (as notes/domain.md). 64-bit DRAM bus = 4 words/cycle
   * at the core clock (our simplification: the chip's link runs on its own clock).
   */
  'eyeriss-rs': Object.freeze({
    schemaVersion: 1,
    name: 'eyeriss-rs (Eyeriss, Chen et al. JSSC 2017: 12x14 row stationary, 16-bit, 108 kB GLB split 50/50/8 kB by us, 200 MHz, 64-bit bus)',
    dataflow: 'rs',
    array: { rows: 12, cols: 14 },
    sramKB: { ifmap: 50, filter: 8, ofmap: 50 },
    wordBytes: 2,
    clockMHz: 200,
    dram: { bandwidth: 4, interface: 'calc' },
    gating: false,
    params: { filterSpadWords: 224, ifmapSpadWords: 12, psumSpadWords: 24 },
  }) as ArchSpec,
  /**
   * FEIE / ZASCA (Ardakani, Condo, Gross, IEEE Trans. Computers 2020), zero-skipping variant
   * (`zascas`; set dataflow `zascad` for the dense one). EVERY number is our configurable choice,
   * not the paper's (its tables are not available to us): 16 tiles (FEIE_DEFAULT_TILES) of 6 PEs
   * (two 3-PE logical tiles for 3x3 stride-1 filters, one for 5x5 or 7x7 stride 2), 16-bit words,
   * 200 MHz, a 64-bit off-chip bus (the tutorial's: 4 words/cycle), 64 kB ifmap, 32 kB filter and
   * 32 kB ofmap buffers.
   */
  zasca: Object.freeze({
    schemaVersion: 1,
    name: 'zasca (FEIE/ZASCAS, our configurable choice, not the paper\'s: 16 tiles x 6 PEs, 16-bit, 200 MHz, 64-bit bus, 64/32/32 kB)',
    dataflow: 'zascas',
    array: { rows: 16, cols: 6 },
    sramKB: { ifmap: 64, filter: 32, ofmap: 32 },
    wordBytes: 2,
    clockMHz: 200,
    dram: { bandwidth: 4, interface: 'calc' },
    gating: false,
    params: {},
  }) as ArchSpec,
});

/**
 * Architecture presets as DATA. `scale`, `eyeriss` and `google` are SCALE-Sim v2's example configs
 * (`configs/scale.cfg`, `eyeriss.cfg`, `google.cfg`), not measured chips: array size, SRAM sizes,
 * dataflow and bandwidth are SCALE-Sim's; the clock is not in SCALE-Sim's configs and is our stated
 * assumption. `eyeriss-rs` is the Eyeriss chip with its row-stationary dataflow (Chen et al.);
 * `zasca` is our configurable FEIE / ZASCA instance (every number our choice, see its comment);
 * `seed-fp8-fp16` (and its FP16 mode `seed-fp8-fp16-fp16mode`) is the seed tutorial's
 * precision-scalable FP8/FP16 chip (numbers in `SEED_FP8_FP16_CHIP`, the rest our assumptions).
 * Copy one and change it: presets are plain JSON.
 * @module
 */
import type { ArchSpec } from './types.js';

/**
 * The seed tutorial's precision-scalable FP8/FP16 chip (Gross & Meyer, EPEPS 2019 tutorial,
 * "Specifications" slide next to "Block-size/bit-precision scaling"; /work/shared/seed), as printed,
 * plus what we derive from it (`derived`, with the arithmetic). Nothing here is our assumption.
 */
export const SEED_FP8_FP16_CHIP = Object.freeze({
  source: 'Gross & Meyer, "Tutorial on Optimizing Machine Learning for Hardware", EPEPS 2019, Specifications slide (precision-scalable FP8/FP16 chip)',
  technology: '65nm 1P8M CMOS',
  dieAreaMm2: 16, // 4 mm x 4 mm
  sramKB: 372,
  supplyV: Object.freeze([0.78, 1.1] as const),
  maxClockMHz: 200,
  dataTypes: Object.freeze(['FP8', 'FP16'] as const),
  /** Power at the two operating points, mW. */
  powerMW: Object.freeze({ '0.78V-50MHz': 43.1, '1.1V-200MHz': 367 }),
  /** Power efficiency, TFLOPS/W, dense (the slide's upper values are "effective with 90% input sparsity"). */
  tflopsPerW: Object.freeze({
    '0.78V-50MHz': Object.freeze({ FP16: 1.74, FP8: 3.48 }),
    '1.1V-200MHz': Object.freeze({ FP16: 0.817, FP8: 1.63 }),
  }),
  /** Effective TFLOPS/W with 90% input sparsity (the slide's starred values). */
  tflopsPerWSparse90: Object.freeze({
    '0.78V-50MHz': Object.freeze({ FP16: 15.6, FP8: 25.3 }),
    '1.1V-200MHz': Object.freeze({ FP16: 7.32, FP8: 11.9 }),
  }),
  /**
   * Derived (our arithmetic on the slide's numbers): FLOP/cycle = TFLOPS/W x W / Hz. At 1.1 V,
   * 200 MHz: FP16 0.817 x 0.367 / 2e8 = 1499 FLOP/cycle = ~750 MACs/cycle; FP8 1.63 x 0.367 / 2e8 =
   * 2991 = ~1500 MACs/cycle. The 0.78 V, 50 MHz point gives the same (1500 and 3000 FLOP/cycle), so
   * the chip reads as ~750 FP16 MAC lanes that split into ~1500 FP8 lanes.
   */
  derived: Object.freeze({ fp16MacsPerCycle: 750, fp8MacsPerCycle: 1500 }),
});

/** The seed's FP8/FP16 chip in FP8 mode (see the `seed-fp8-fp16` preset below for the sources). */
const SEED_FP8_MODE = Object.freeze({
  schemaVersion: 1,
  name: 'seed-fp8-fp16 (seed tutorial FP8/FP16 chip in FP8 mode: 372 kB SRAM, 200 MHz, ~1500 FP8 MACs/cycle from its TFLOPS/W table; WS 30x50, 124/124/124 kB, FP16 psums, 64-bit bus assumed by us)',
  dataflow: 'ws',
  array: { rows: 30, cols: 50 },
  sramKB: { ifmap: 124, filter: 124, ofmap: 124 },
  wordBytes: 2,
  precision: { weights: 8, activations: 8, psum: 16 },
  clockMHz: 200,
  dram: { bandwidth: 4, interface: 'calc' },
  gating: false,
  params: {},
}) as ArchSpec;

/** SCALE-Sim's presets, resolved (every field present). */
export const ARCH_PRESETS: Readonly<Record<'scale' | 'eyeriss' | 'google' | 'eyeriss-rs' | 'zasca' | 'seed-fp8-fp16' | 'seed-fp8-fp16-fp16mode', Readonly<ArchSpec>>> = Object.freeze({
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
  /**
   * The seed's precision-scalable chip in FP8 mode (`SEED_FP8_FP16_CHIP`). FROM THE SEED: 372 kB
   * SRAM, 200 MHz (max clock), FP8 operands, ~1500 FP8 MACs/cycle (derived from the power-efficiency
   * table). OUR ASSUMPTIONS (not on the slide): weight-stationary systolic dataflow, a 30 x 50 array
   * for the 1500 lanes, the SRAM split in equal thirds (124 kB each), FP16 partial sums (psum 16),
   * a 16-bit interface word (wordBytes 2) and a 64-bit DRAM bus (4 words/cycle), as our other presets.
   * Energy through the table's precision rule is integer-multiplier scaling (8x8/16x16 = 1/4 of a
   * 16-bit MAC), while the slide's FP8/FP16 efficiency ratio is ~2: read it as our model, not the chip's.
   */
  'seed-fp8-fp16': SEED_FP8_MODE,
  /** The same chip in FP16 mode: ~750 FP16 MACs/cycle (derived), a 30 x 25 array (our shape), FP16 everywhere; other assumptions as `seed-fp8-fp16`. */
  'seed-fp8-fp16-fp16mode': Object.freeze({
    ...SEED_FP8_MODE,
    name: 'seed-fp8-fp16-fp16mode (seed tutorial FP8/FP16 chip in FP16 mode: 372 kB SRAM, 200 MHz, ~750 FP16 MACs/cycle from its TFLOPS/W table; WS 30x25, 124/124/124 kB, 64-bit bus assumed by us)',
    array: { rows: 30, cols: 25 },
    precision: { weights: 16, activations: 16, psum: 16 },
  }) as ArchSpec,
});

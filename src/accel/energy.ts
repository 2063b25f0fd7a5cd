/**
 * Energy-per-action tables (Accelergy's ERT idea): costs kept apart from the action counts, swappable
 * and versioned. Energy = sum over actions of count x cost.
 * @module
 */
import { PRODUCT_PRECISION_SCALING, type PrecisionScaling } from './precision.js';

/** Energy cost per action, in the table's `unit`. One action = one word read or written at a level, or one MAC. */
export interface EnergyCosts {
  /** One executed MAC. */
  mac: number;
  /** One gated MAC (clock-gated because an operand is zero). */
  gatedMac: number;
  /** One register-file (PE scratchpad) word access. */
  registerFile: number;
  /** One word moved one hop between PEs. */
  interPE: number;
  /** One global-buffer (on-chip SRAM) word access. */
  globalBuffer: number;
  /** One DRAM word access. */
  dram: number;
}

/** A versioned energy table with its provenance. */
export interface EnergyTable {
  /** Identifier, e.g. `'eyeriss-isca2016'`. */
  name: string;
  /** Version of the values; bump it when any value changes. */
  version: string;
  /** Unit of the costs, e.g. `'normalised (1 = one 16-bit MAC)'` or `'pJ'`. */
  unit: string;
  /** Where the values come from. */
  source: string;
  /** What the values assume (word size, technology), as sentences. */
  notes: readonly string[];
  costs: EnergyCosts;
  /**
   * How costs scale with operand precision (used only when the arch sets `precision`): a swappable,
   * versioned rule. Absent: archs with `precision` are refused with this table.
   */
  precision?: PrecisionScaling;
}

/**
 * Default table: Eyeriss normalised energy per access relative to one 16-bit MAC, 65 nm:
 * MAC 1, register file (0.5 kB) 1, inter-PE 2, global buffer 6, DRAM 200.
 * Source: Y.-H. Chen, J. Emer, V. Sze, "Eyeriss: A Spatial Architecture for Energy-Efficient
 * Dataflow for Convolutional Neural Networks", ISCA 2016, Table IV.
 */
export const EYERISS_ENERGY_TABLE: EnergyTable = Object.freeze({
  name: 'eyeriss-isca2016',
  version: '1.0.0',
  unit: 'normalised (1 = one 16-bit MAC)',
  source: 'Y.-H. Chen, J. Emer, V. Sze, "Eyeriss: A Spatial Architecture for Energy-Efficient Dataflow for Convolutional Neural Networks", ISCA 2016, Table IV (65 nm).',
  notes: Object.freeze([
    'Costs are per 16-bit word access in 65 nm; macflow applies them per word of the architecture (wordBytes) without rescaling.',
    'gatedMac = 0 is our assumption (a clock-gated MAC spends nothing), not part of Table IV.',
    'With arch.precision set, costs scale by the `precision` rule (PRODUCT_PRECISION_SCALING, our modelling assumption): MAC x (wBits x aBits) / 256, 1x1-bit XNOR-popcount MAC as its own entry, storage x bits / 16.',
  ]),
  costs: Object.freeze({ mac: 1, gatedMac: 0, registerFile: 1, interPE: 2, globalBuffer: 6, dram: 200 }),
  precision: PRODUCT_PRECISION_SCALING,
}) as EnergyTable;

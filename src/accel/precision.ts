/**
 * Operand precision for the accelerator models: bit widths per operand (`ArchSpec.precision`),
 * the bits each access moves, SRAM capacity in operands of that width, and the MAC / storage energy
 * scaling applied through the energy table's `precision` rule.
 *
 * Without `arch.precision` every operand is one word of `arch.wordBytes` and nothing is scaled
 * (the behaviour before precision existed, byte for byte).
 * @module
 */
import { ValueError } from '../errors.js';
import type { EnergyTable } from './energy.js';
import type { ArchSpec, OperandCounts } from './types.js';

/** Bit widths an operand may have. 1 = binary (+-1), 2 = ternary ({-1, 0, +1}) or 2-bit, then 4, 8, 16. */
export const BIT_WIDTHS = Object.freeze([1, 2, 4, 8, 16] as const);

/** One of `BIT_WIDTHS`. */
export type BitWidth = (typeof BIT_WIDTHS)[number];

/**
 * Operand precision of an architecture, in bits. Traffic is counted in bits and reported in bytes
 * packed (ceil(bits / 8) per level and direction).
 */
export interface PrecisionSpec {
  /** Bits per weight (the `filter` operand). */
  weights: BitWidth;
  /** Bits per input activation (the `ifmap` operand). */
  activations: BitWidth;
  /**
   * Bits per output / partial sum (the `ofmap` operand, which includes partial sums at every level).
   * Default: `activations` (outputs re-quantised to the activation width; set it wider, e.g. 16, to
   * model wide partial sums).
   */
  psum?: BitWidth;
}

/**
 * Bits per operand of `arch`: from `arch.precision` when present, else `wordBytes x 8` for all three.
 */
export function operandBits(arch: Pick<ArchSpec, 'wordBytes' | 'precision'>): OperandCounts {
  const p = arch.precision;
  if (p === undefined) {
    const b = arch.wordBytes * 8;
    return { ifmap: b, filter: b, ofmap: b };
  }
  return { ifmap: p.activations, filter: p.weights, ofmap: p.psum ?? p.activations };
}

/**
 * How many operands of `bits` bits fit in `kB` kilobytes (1 kB = 1024 bytes), rounded down.
 * With `bits = 8 x wordBytes` this equals floor(kB x 1024 / wordBytes) exactly (power-of-two scaling).
 */
export function sramOperands(kB: number, bits: number): number {
  return Math.floor((kB * 1024 * 8) / bits);
}

/** Bits moved by `counts` (operands) at the given widths: sum of count x bits. */
export function bitsOf(counts: OperandCounts, bits: OperandCounts): number {
  return counts.ifmap * bits.ifmap + counts.filter * bits.filter + counts.ofmap * bits.ofmap;
}

/**
 * DRAM traffic of `reads` + `writes` in words of the off-chip interface (`arch.wordBytes` each),
 * used for bandwidth stalls (`dram.bandwidth` is in such words per cycle). Without precision this is
 * the plain sum of counts.
 */
export function dramInterfaceWords(arch: Pick<ArchSpec, 'wordBytes' | 'precision'>, reads: OperandCounts, writes: OperandCounts): number {
  const b = operandBits(arch);
  return (bitsOf(reads, b) + bitsOf(writes, b)) / (arch.wordBytes * 8);
}

/**
 * A precision scaling rule, kept in the (versioned) energy table so it can be swapped with it.
 * The costs of the table are for `referenceBits`-bit words and a `referenceBits` x `referenceBits` MAC.
 */
export interface PrecisionScaling {
  /** Identifier of the rule. */
  name: string;
  /** Version of the rule; bump it when a value or formula changes. */
  version: string;
  /** Word width the table's costs are for (16 for Eyeriss Table IV). */
  referenceBits: number;
  /**
   * Cost of one 1-bit x 1-bit MAC (XNOR + its share of the popcount), in the table's unit: a separate
   * entry, since XNOR-popcount is not a scaled-down multiplier.
   */
  xnorMac: number;
  /** The rule, as sentences (our modelling assumption, not measured). */
  notes: readonly string[];
}

/**
 * Default precision rule (our modelling assumption, not a measurement):
 * - a multiplier MAC costs `costs.mac x (wBits x aBits) / (16 x 16)` (array-multiplier energy grows
 *   with the product of the operand widths; the accumulator's share is folded in);
 * - a 1 x 1-bit MAC is XNOR-popcount and costs `xnorMac` = 1/128 (twice what the product rule
 *   would give, for the popcount adder tree);
 * - a storage access (register file, inter-PE hop, global buffer, DRAM) costs `cost x bits / 16`:
 *   energy proportional to the bits moved.
 */
export const PRODUCT_PRECISION_SCALING: PrecisionScaling = Object.freeze({
  name: 'product-of-widths',
  version: '1.0.0',
  referenceBits: 16,
  xnorMac: 1 / 128,
  notes: Object.freeze([
    'Our modelling assumption, not a measurement: energy per multiplier MAC = mac x (weightBits x activationBits) / (16 x 16).',
    'Our assumption: a 1-bit x 1-bit MAC is an XNOR plus its share of a popcount tree, xnorMac = 1/128 of a 16-bit MAC (twice the product rule, for the adder tree).',
    'Our assumption: storage energy per access is proportional to the bits moved: cost x bits / 16 at every level.',
  ]),
}) as PrecisionScaling;

/** Energy of one executed MAC at the given widths, in the table's unit. */
export function macCost(table: EnergyTable, rule: PrecisionScaling, weightBits: number, activationBits: number): number {
  if (weightBits === 1 && activationBits === 1) return rule.xnorMac;
  return (table.costs.mac * weightBits * activationBits) / (rule.referenceBits * rule.referenceBits);
}

/** The precision rule of `table`, or a ValueError naming the fix when the arch needs one and the table has none. */
export function precisionRuleOf(table: EnergyTable, op: string): PrecisionScaling {
  if (table.precision === undefined) {
    throw new ValueError(op, `energy table ${JSON.stringify(table.name)} has no precision rule but the arch sets precision.`, 'add `precision: PRODUCT_PRECISION_SCALING` (or your own rule) to the table, or remove arch.precision.');
  }
  return table.precision;
}

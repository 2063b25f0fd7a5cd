/**
 * The glossary of report fields: unit and formula of every field of `LayerReport` /
 * `NetworkReport.totals`, keyed by dotted path. Ships next to `ARCH_SCHEMA`.
 * @module
 */

/** One glossary entry. */
export interface GlossaryEntry {
  unit: string;
  formula: string;
  description: string;
}

const level = (name: string, what: string): Record<string, GlossaryEntry> => ({
  [`accesses.${name}.reads`]: { unit: 'words', formula: 'sum of byOperand.reads', description: `${what}: word reads${name === 'interPE' ? ' (one per word per hop)' : ''}.` },
  [`accesses.${name}.writes`]: { unit: 'words', formula: 'sum of byOperand.writes', description: `${what}: word writes${name === 'interPE' ? ' (always 0: hops are counted as reads)' : ''}.` },
  [`accesses.${name}.readBytes`]: { unit: 'bytes', formula: 'reads x arch.wordBytes; with arch.precision: ceil(bits.reads / 8) (packed)', description: `${what}: bytes read.` },
  [`accesses.${name}.writeBytes`]: { unit: 'bytes', formula: 'writes x arch.wordBytes; with arch.precision: ceil(bits.writes / 8) (packed)', description: `${what}: bytes written.` },
  [`accesses.${name}.bits`]: { unit: 'bits', formula: 'only with arch.precision: sum over operands of count x bits (ifmap: activations, filter: weights, ofmap: psum)', description: `${what}: bits read and written.` },
  [`accesses.${name}.byOperand`]: { unit: 'words', formula: 'per operand (ifmap, filter, ofmap incl. partial sums)', description: `${what}: the split by operand.` },
});

/** Unit, formula and meaning of every report field (paths relative to a `LayerReport` or `NetworkReport.totals`). */
export const REPORT_GLOSSARY: Readonly<Record<string, GlossaryEntry>> = Object.freeze({
  schemaVersion: { unit: '-', formula: 'REPORT_SCHEMA_VERSION', description: 'Version of the report format.' },
  'layer.macs': { unit: 'MACs', formula: 'N x M x E x F x R x S x C/groups', description: 'Dense multiply-accumulates of the layer.' },
  'arch.peCount': { unit: 'PEs', formula: 'array.rows x array.cols', description: 'MAC units of the array.' },
  densities: { unit: 'fraction', formula: 'non-zero values / values', description: "Input and weight densities; source 'default' (dense assumed), 'assumed' (given) or 'measured' (counted from data)." },
  'cycles.total': { unit: 'cycles', formula: 'compute + stall; systolic compute = folds x cyclesPerFold - 1', description: 'Cycles to run the layer (SCALE-Sim "Total Cycles").' },
  'cycles.stall': { unit: 'cycles', formula: "dram.interface 'user': max(0, ceil(DRAM words / bandwidth) - compute); 'calc': 0", description: 'Cycles waiting for DRAM (SCALE-Sim "Stall Cycles").' },
  'cycles.compute': { unit: 'cycles', formula: 'total - stall', description: 'Cycles the array computes (incl. fill and drain).' },
  latencySeconds: { unit: 's', formula: 'cycles.total / (clockMHz x 1e6)', description: 'Wall time at the clock.' },
  framesPerSecond: { unit: 'frames/s', formula: 'N / latencySeconds', description: 'Images per second (batch N per run).' },
  'utilization.overall': { unit: 'fraction', formula: '(macs.total - macs.skipped) / (cycles.total x peCount)', description: 'SCALE-Sim "Overall Util" (/100): PE-cycles spent on MACs (executed or gated). At most 1.' },
  'utilization.effective': { unit: 'fraction', formula: 'macs.total / (cycles.total x peCount)', description: 'Dense-equivalent utilisation: above 1 when zero skipping (zascas) finishes faster than the dense peak allows; equals overall when nothing is skipped.' },
  'utilization.mappingEfficiency': { unit: 'fraction', formula: 'mean over folds of mapped PEs / peCount = rows x cols / (folds x peCount)', description: 'SCALE-Sim "Mapping Efficiency" (/100). Network: cycle-weighted mean of layers.' },
  'utilization.computeUtilization': { unit: 'fraction', formula: 'mean over folds of used MAC slots / (peCount x D); SCALE-Sim v2: D = cyclesPerFold (OS), cyclesPerFold + C_a - 1 (WS, IS)', description: 'SCALE-Sim "Compute Util" (/100), no stalls, with SCALE-Sim\'s per-fold denominator. Network: cycle-weighted mean.' },
  'utilization.busy': { unit: 'fraction', formula: 'peCycles.busy / (peCount x cycles.total)', description: 'PE-cycles that ran or gated a MAC.' },
  'utilization.lost.edges': { unit: 'fraction', formula: 'peCycles.edges / (peCount x cycles.total)', description: 'Lost because partial folds leave PEs unmapped (layer edges vs array size).' },
  'utilization.lost.folding': { unit: 'fraction', formula: 'peCycles.folding / (peCount x cycles.total)', description: 'Lost to pipeline fill and drain, repeated every fold.' },
  'utilization.lost.idle': { unit: 'fraction', formula: 'peCycles.idle / (peCount x cycles.total)', description: 'Lost to stalls (and idle tiles in tiled dataflows).' },
  'macs.total': { unit: 'MACs', formula: 'executed + gated + skipped = layer.macs', description: 'All MACs of the layer.' },
  'macs.executed': { unit: 'MACs', formula: 'total - gated - skipped', description: 'MACs computed.' },
  'macs.gated': { unit: 'MACs', formula: 'arch.gating: total x (1 - inputDensity x weightDensity)', description: 'MACs clock-gated (zero operand): cycle kept, MAC energy saved.' },
  'macs.skipped': { unit: 'MACs', formula: 'dataflow-specific (0 for systolic and rs; zascas: MACs whose input is zero or padding)', description: 'MACs never scheduled (zero skipping): cycle and energy saved.' },
  ...level('dram', 'Off-chip DRAM'),
  ...level('globalBuffer', 'On-chip global buffer (SRAMs)'),
  ...level('interPE', 'Transfers between neighbouring PEs'),
  ...level('registerFile', 'PE-local registers'),
  'arch.precision': { unit: 'bits', formula: 'arch.precision (only when set)', description: 'Operand bit widths: weights, activations, psum (default activations).' },
  'energy.precisionRule': { unit: '-', formula: 'energy table precision rule name and version (only with arch.precision)', description: 'The precision scaling rule applied (e.g. product-of-widths).' },
  'energy.total': { unit: 'energy table unit', formula: 'sum of energy.breakdown', description: 'Energy = counts x the energy table.' },
  'energy.breakdown.mac': { unit: 'energy table unit', formula: 'macs.executed x costs.mac; with arch.precision: x (weightBits x activationBits) / referenceBits^2, or precision.xnorMac per 1x1-bit MAC', description: 'MAC energy.' },
  'energy.breakdown.gatedMac': { unit: 'energy table unit', formula: 'macs.gated x costs.gatedMac (scaled as the MAC with arch.precision)', description: 'Gated-MAC energy.' },
  'energy.breakdown.registerFile': { unit: 'energy table unit', formula: '(RF reads + writes) x costs.registerFile; with arch.precision: per operand x bits / referenceBits', description: 'Register-file energy.' },
  'energy.breakdown.interPE': { unit: 'energy table unit', formula: '(inter-PE transfers) x costs.interPE; with arch.precision: per operand x bits / referenceBits', description: 'Array interconnect energy.' },
  'energy.breakdown.globalBuffer': { unit: 'energy table unit', formula: '(GB reads + writes) x costs.globalBuffer; with arch.precision: per operand x bits / referenceBits', description: 'Global buffer energy.' },
  'energy.breakdown.dram': { unit: 'energy table unit', formula: '(DRAM reads + writes) x costs.dram; with arch.precision: per operand x bits / referenceBits', description: 'DRAM energy.' },
  'roofline.opsPerMac': { unit: 'ops/MAC', formula: 'OPS_PER_MAC = 2', description: 'One multiply and one add per MAC.' },
  'roofline.peakOpsPerSecond': { unit: 'ops/s', formula: '2 x peCount x clockMHz x 1e6', description: 'Peak throughput (1 MAC = 2 ops).' },
  'roofline.dramBytes': { unit: 'bytes', formula: 'accesses.dram.readBytes + writeBytes', description: 'Off-chip traffic.' },
  'roofline.arithmeticIntensity': { unit: 'ops/byte', formula: '2 x macs.total / dramBytes', description: 'Operations per off-chip byte.' },
  'roofline.bandwidthBytesPerSecond': { unit: 'bytes/s', formula: 'dram.bandwidth x wordBytes x clockMHz x 1e6', description: 'Off-chip bandwidth.' },
  'roofline.attainableOpsPerSecond': { unit: 'ops/s', formula: 'min(peak, arithmeticIntensity x bandwidth)', description: 'Roofline bound at this intensity.' },
  'roofline.achievedOpsPerSecond': { unit: 'ops/s', formula: '2 x macs.total / latencySeconds', description: 'Dense-equivalent throughput the model achieves.' },
  'roofline.bound': { unit: '-', formula: "'memory' if intensity x bandwidth < peak else 'compute'", description: 'Which roof limits.' },
  'peCycles.busy': { unit: 'PE-cycles', formula: 'macs.executed + macs.gated', description: 'PE-cycles spent on MACs.' },
  'peCycles.edges': { unit: 'PE-cycles', formula: 'systolic: groups x (folds_g x peCount - rows x cols) x T; rs: PEs outside the placed sets x cycles + unused PEs of partial strips; FEIE: PEs outside logical tiles x cycles', description: 'Unmapped PEs in partial folds.' },
  'peCycles.folding': { unit: 'PE-cycles', formula: 'peCount x cycles - busy - edges - idle', description: 'Fill and drain of every fold.' },
  'peCycles.idle': { unit: 'PE-cycles', formula: 'stall x peCount', description: 'Stalled PE-cycles.' },
  mapping: { unit: 'various', formula: 'dataflow-specific (systolic: rows, cols, streamed T, rowFolds, colFolds, folds, cyclesPerFold; rs: setRows, setCols, strips, segments, sets, activePEs, filtersPerPE, channelsPerPE, rounds; zascad/zascas: logicalTiles, pesPerFilter, passes, paddedWidth)', description: 'How the layer was mapped.' },
});

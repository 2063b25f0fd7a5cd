// Operand precision in the accelerator models: 1-bit (binary) and 2-bit (ternary) traffic in bits,
// packed bytes, MAC / storage energy through the table's precision rule, schema errors, default
// unchanged, and the seed's FP8/FP16 chip as a preset run on VGG-16.
import { describe, expect, test } from 'vitest';
import {
  ARCH_PRESETS, DATAFLOWS, EYERISS_ENERGY_TABLE, PRODUCT_PRECISION_SCALING, REPORT_GLOSSARY, SEED_FP8_FP16_CHIP, SchemaError, TOPOLOGIES, ValueError,
  convLayer, resolveArch, simulate, simulateNetwork, topologyLayers, type ArchInput, type EnergyTable, type LayerReport, type PrecisionSpec,
} from '../../src/api.js';

const c = EYERISS_ENERGY_TABLE.costs;
// Big buffers: every operand fits at every width, so the action COUNTS are the same at 1, 2 and 16 bits.
const big = { schemaVersion: 1, dataflow: 'ws', array: { rows: 8, cols: 8 }, sramKB: { ifmap: 4096, filter: 4096, ofmap: 4096 }, wordBytes: 2 };
const layer = convLayer('c', [1, 14, 14, 32], [48, 3, 3, 32], { pads: 1 });
const LEVELS = ['dram', 'globalBuffer', 'interPE', 'registerFile'] as const;
const OPS = ['ifmap', 'filter', 'ofmap'] as const;

const withP = (p: PrecisionSpec, extra: Partial<ArchInput> = {}): ArchInput => ({ ...big, ...extra, precision: p }) as ArchInput;
const dramBytes = (r: LayerReport): number => r.accesses.dram.readBytes + r.accesses.dram.writeBytes;

function parts(r: LayerReport): number {
  const b = r.energy.breakdown;
  return b.mac + b.gatedMac + b.registerFile + b.interPE + b.globalBuffer + b.dram;
}

describe('traffic in bits', () => {
  for (const df of Object.keys(DATAFLOWS)) {
    test(`${df}: binary 16x and ternary 8x fewer DRAM bytes than 16-bit for the same counts; bytes = ceil(bits / 8)`, () => {
      const extra = df === 'rs' ? { params: {} } : {};
      const a16 = simulate(layer, withP({ weights: 16, activations: 16 }, { dataflow: df, ...extra }));
      const a1 = simulate(layer, withP({ weights: 1, activations: 1 }, { dataflow: df, ...extra }));
      const a2 = simulate(layer, withP({ weights: 2, activations: 2 }, { dataflow: df, ...extra }));
      for (const lv of LEVELS) {
        expect(a1.accesses[lv].byOperand).toEqual(a16.accesses[lv].byOperand);
        expect(a2.accesses[lv].byOperand).toEqual(a16.accesses[lv].byOperand);
        for (const [r, bits] of [[a1, 1], [a2, 2], [a16, 16]] as const) {
          const L = r.accesses[lv];
          const rb = OPS.reduce((s, k) => s + L.byOperand.reads[k] * bits, 0);
          const wb = OPS.reduce((s, k) => s + L.byOperand.writes[k] * bits, 0);
          expect(L.bits).toEqual({ reads: rb, writes: wb });
          expect(L.readBytes).toBe(Math.ceil(rb / 8));
          expect(L.writeBytes).toBe(Math.ceil(wb / 8));
        }
      }
      const d16 = dramBytes(a16);
      expect(d16).toBeGreaterThan(0);
      // Per direction ceil: within one byte per direction of the exact ratio.
      expect(Math.abs(dramBytes(a1) - d16 / 16)).toBeLessThanOrEqual(2);
      expect(Math.abs(dramBytes(a2) - d16 / 8)).toBeLessThanOrEqual(2);
      expect(a1.accesses.dram.bits!.reads * 16).toBe(a16.accesses.dram.bits!.reads);
      expect(a2.accesses.dram.bits!.writes * 8).toBe(a16.accesses.dram.bits!.writes);
      expect(a1.roofline.dramBytes).toBe(dramBytes(a1));
    });
  }

  test('exact 16x / 8x on DRAM bytes when the counts are multiples of 8 (ws, 32x32x64 GEMM-like conv)', () => {
    const l = convLayer('fc', [1, 8, 8, 64], [64, 1, 1, 64]);
    const b16 = dramBytes(simulate(l, withP({ weights: 16, activations: 16 })));
    expect(dramBytes(simulate(l, withP({ weights: 1, activations: 1 })))).toBe(b16 / 16);
    expect(dramBytes(simulate(l, withP({ weights: 2, activations: 2 })))).toBe(b16 / 8);
  });

  test('packed bytes round up: 3 one-bit weights are 1 byte', () => {
    const l = convLayer('tiny', [1, 1, 1, 3], [1, 1, 1, 3]);
    const r = simulate(l, withP({ weights: 1, activations: 1 }));
    expect(r.accesses.dram.byOperand.reads).toEqual({ ifmap: 3, filter: 3, ofmap: 0 });
    expect(r.accesses.dram.bits!.reads).toBe(6);
    expect(r.accesses.dram.readBytes).toBe(1);
  });

  test('psum width applies to the ofmap operand (default: activations)', () => {
    const a = simulate(layer, withP({ weights: 1, activations: 1 }));
    const b = simulate(layer, withP({ weights: 1, activations: 1, psum: 16 }));
    const of = a.accesses.dram.byOperand.writes.ofmap;
    expect(a.accesses.dram.bits!.writes).toBe(of);
    expect(b.accesses.dram.bits!.writes).toBe(of * 16);
  });

  test('16-bit precision equals the word model with wordBytes 2 (counts, bytes, energy)', () => {
    for (const df of ['ws', 'os', 'is', 'rs', 'zascad', 'zascas']) {
      const small = { ...big, dataflow: df, sramKB: { ifmap: 8, filter: 4, ofmap: 4 }, dram: { bandwidth: 2, interface: 'user' as const } };
      const w = simulate(layer, small as ArchInput);
      const p = simulate(layer, { ...small, precision: { weights: 16, activations: 16 } } as ArchInput);
      expect(p.cycles).toEqual(w.cycles);
      for (const lv of LEVELS) {
        expect(p.accesses[lv].byOperand).toEqual(w.accesses[lv].byOperand);
        expect(p.accesses[lv].readBytes).toBe(w.accesses[lv].readBytes);
        expect(p.accesses[lv].writeBytes).toBe(w.accesses[lv].writeBytes);
      }
      expect(p.energy.breakdown).toEqual(w.energy.breakdown);
    }
  });

  test('narrow operands fit more of them in the SRAMs (fewer refetches) and stall less on a slow bus', () => {
    const tight = { ...big, sramKB: { ifmap: 4, filter: 4, ofmap: 4 }, dram: { bandwidth: 1, interface: 'user' as const } };
    const r16 = simulate(layer, { ...tight, precision: { weights: 16, activations: 16 } } as ArchInput);
    const r1 = simulate(layer, { ...tight, precision: { weights: 1, activations: 1 } } as ArchInput);
    const words = (r: LayerReport): number => r.accesses.dram.reads + r.accesses.dram.writes;
    expect(words(r1)).toBeLessThan(words(r16));
    expect(r1.cycles.stall).toBeLessThan(r16.cycles.stall);
    // Stall = ceil(DRAM bits / (bandwidth x wordBytes x 8)) - compute.
    const bits = r1.accesses.dram.bits!.reads + r1.accesses.dram.bits!.writes;
    expect(r1.cycles.stall).toBe(Math.max(0, Math.ceil(bits / 16 / 1) - r1.cycles.compute));
  });
});

describe('energy scaled by precision (PRODUCT_PRECISION_SCALING)', () => {
  const cases: [PrecisionSpec, number][] = [
    [{ weights: 16, activations: 16 }, 1],
    [{ weights: 8, activations: 8 }, 1 / 4],
    [{ weights: 2, activations: 2 }, 4 / 256],
    [{ weights: 1, activations: 8 }, 8 / 256],
    [{ weights: 1, activations: 1 }, PRODUCT_PRECISION_SCALING.xnorMac],
  ];
  for (const [p, perMac] of cases) {
    test(`w${p.weights} x a${p.activations}: MAC ${perMac} each, storage x bits / 16, total = sum of parts`, () => {
      const r = simulate(layer, withP(p, { gating: true }), { inputDensity: 0.5 });
      const b = r.energy.breakdown;
      expect(b.mac).toBeCloseTo(r.macs.executed * perMac * c.mac, 9);
      expect(b.gatedMac).toBe(0);
      const bits = { ifmap: p.activations, filter: p.weights, ofmap: p.psum ?? p.activations };
      for (const [lv, cost] of [['dram', c.dram], ['globalBuffer', c.globalBuffer], ['interPE', c.interPE], ['registerFile', c.registerFile]] as const) {
        const o = r.accesses[lv].byOperand;
        const want = OPS.reduce((s, k) => s + ((o.reads[k] + o.writes[k]) * cost * bits[k]) / 16, 0);
        expect(b[lv]).toBeCloseTo(want, 6);
      }
      expect(r.energy.total).toBeCloseTo(parts(r), 6);
      expect(r.energy.precisionRule).toEqual({ name: 'product-of-widths', version: '1.0.0' });
    });
  }

  test('binary DRAM energy is 1/16 and ternary 1/8 of 16-bit for the same counts', () => {
    const e = (p: PrecisionSpec): number => simulate(layer, withP(p)).energy.breakdown.dram;
    const e16 = e({ weights: 16, activations: 16 });
    expect(e({ weights: 1, activations: 1 })).toBeCloseTo(e16 / 16, 6);
    expect(e({ weights: 2, activations: 2 })).toBeCloseTo(e16 / 8, 6);
  });

  test('the rule is swappable with the table, and a table without one is refused', () => {
    const custom: EnergyTable = { ...EYERISS_ENERGY_TABLE, name: 'custom', precision: { ...PRODUCT_PRECISION_SCALING, name: 'xnor-cheap', xnorMac: 0 } };
    const r = simulate(layer, withP({ weights: 1, activations: 1 }), undefined, { energy: custom });
    expect(r.energy.breakdown.mac).toBe(0);
    expect(r.energy.precisionRule?.name).toBe('xnor-cheap');
    const bare: EnergyTable = { ...EYERISS_ENERGY_TABLE, name: 'bare', precision: undefined };
    expect(() => simulate(layer, withP({ weights: 1, activations: 1 }), undefined, { energy: bare })).toThrow(ValueError);
    expect(() => simulate(layer, withP({ weights: 1, activations: 1 }), undefined, { energy: bare })).toThrow(/no precision rule/);
    // Without arch.precision the rule is not needed.
    expect(simulate(layer, big as ArchInput, undefined, { energy: bare }).energy.total).toBeGreaterThan(0);
  });

  test('network totals: energy, bits and precision rule summed / carried', () => {
    const l2 = convLayer('d', [1, 7, 7, 16], [16, 3, 3, 16], { pads: 1 });
    const arch = withP({ weights: 2, activations: 8, psum: 16 });
    const n = simulateNetwork('two', [layer, l2], arch);
    const [a, b] = n.layers;
    expect(n.totals.energy.total).toBeCloseTo(a.energy.total + b.energy.total, 6);
    expect(n.totals.energy.total).toBeCloseTo(parts({ ...a, energy: n.totals.energy } as LayerReport), 6);
    expect(n.totals.accesses.dram.bits!.reads).toBe(a.accesses.dram.bits!.reads + b.accesses.dram.bits!.reads);
    expect(n.totals.energy.precisionRule).toEqual(a.energy.precisionRule);
    expect(n.arch.precision).toEqual({ weights: 2, activations: 8, psum: 16 });
  });
});

describe('default and schema', () => {
  test('no precision: resolved arch and reports carry no precision field (reports unchanged)', () => {
    const a = resolveArch(big as ArchInput);
    expect('precision' in a).toBe(false);
    const json = JSON.stringify(simulate(layer, big as ArchInput));
    expect(json).not.toContain('precision');
    expect(json).not.toContain('"bits"');
  });

  test('bits = 3 is refused with the nearest widths suggested', () => {
    let e: unknown;
    try {
      resolveArch(withP({ weights: 3 as never, activations: 8 }));
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(SchemaError);
    const s = e as SchemaError;
    expect(s.path).toBe('arch.precision.weights');
    expect(s.message).toContain('did you mean 2 or 4?');
    expect(s.message).toContain('1, 2, 4, 8, 16');
    expect(s.suggestion).toBe('2');
  });

  test('other precision errors name the field', () => {
    const err = (p: unknown): SchemaError => {
      try {
        resolveArch({ ...big, precision: p } as never);
      } catch (x) {
        return x as SchemaError;
      }
      throw new Error('no error');
    };
    expect(err({ weights: 32, activations: 8 }).message).toContain('did you mean 16?');
    expect(err({ weights: 1.5, activations: 8 }).path).toBe('arch.precision.weights');
    expect(err({ weight: 1, activations: 8 }).message).toContain('did you mean "weights"?');
    expect(err({ weights: 1 }).path).toBe('arch.precision.activations');
    expect(err({ weights: 1, activations: 1, psum: 0 }).path).toBe('arch.precision.psum');
    expect(err({ weights: 1, activations: 1, psum: 0 })).toBeInstanceOf(SchemaError);
  });

  test('the glossary covers the precision report fields', () => {
    const r = simulate(layer, withP({ weights: 1, activations: 1 }));
    const paths: string[] = [];
    const walk = (o: unknown, p: string): void => {
      if (o !== null && typeof o === 'object' && !Array.isArray(o)) for (const [k, v] of Object.entries(o)) walk(v, p ? `${p}.${k}` : k);
      else if (typeof o === 'number') paths.push(p);
    };
    const { layer: _l, mapping: _m, ...rest } = r;
    walk({ ...rest, arch: { precision: r.arch.precision } }, '');
    expect(paths).toContain('accesses.dram.bits.reads');
    for (const p of paths) {
      const ps = p.split('.');
      expect(ps.some((_, i) => REPORT_GLOSSARY[ps.slice(0, ps.length - i).join('.')] !== undefined), p).toBe(true);
    }
  });
});

describe('seed FP8/FP16 chip preset', () => {
  test('the slide numbers give ~750 FP16 and ~1500 FP8 MACs/cycle at both operating points, matching the preset arrays', () => {
    const s = SEED_FP8_FP16_CHIP;
    const macs = (tflopsPerW: number, mW: number, mhz: number): number => (tflopsPerW * 1e12 * mW * 1e-3) / (mhz * 1e6) / 2;
    for (const [pt, mW, mhz] of [['0.78V-50MHz', 43.1, 50], ['1.1V-200MHz', 367, 200]] as const) {
      expect(s.powerMW[pt]).toBe(mW);
      expect(macs(s.tflopsPerW[pt].FP16, mW, mhz) / s.derived.fp16MacsPerCycle).toBeCloseTo(1, 2);
      expect(macs(s.tflopsPerW[pt].FP8, mW, mhz) / s.derived.fp8MacsPerCycle).toBeCloseTo(1, 2);
    }
    const p8 = ARCH_PRESETS['seed-fp8-fp16'];
    const p16 = ARCH_PRESETS['seed-fp8-fp16-fp16mode'];
    expect(p8.array.rows * p8.array.cols).toBe(s.derived.fp8MacsPerCycle);
    expect(p16.array.rows * p16.array.cols).toBe(s.derived.fp16MacsPerCycle);
    for (const p of [p8, p16]) {
      expect(p.sramKB.ifmap + p.sramKB.filter + p.sramKB.ofmap).toBe(s.sramKB);
      expect(p.clockMHz).toBe(s.maxClockMHz);
      expect(resolveArch(p)).toEqual(p);
    }
    expect(p8.precision).toEqual({ weights: 8, activations: 8, psum: 16 });
  });

  test('validates and runs on VGG-16: energy = sum of parts, FP8 operands move fewer DRAM bytes than 16-bit on the same array', () => {
    const layers = topologyLayers(TOPOLOGIES.vgg16);
    const r8 = simulateNetwork('vgg16', layers, ARCH_PRESETS['seed-fp8-fp16']);
    const r16 = simulateNetwork('vgg16', layers, ARCH_PRESETS['seed-fp8-fp16-fp16mode']);
    for (const r of [r8, r16]) {
      expect(r.totals.macs.total).toBe(layers.reduce((s, l) => s + l.macs, 0));
      expect(r.totals.energy.total).toBeCloseTo(parts({ energy: r.totals.energy } as LayerReport), 3);
      for (const l of r.layers) expect(l.energy.total).toBeCloseTo(parts(l), 6);
      expect(r.totals.energy.precisionRule?.name).toBe('product-of-widths');
    }
    // Same array at 16 bits: the FP8 operands halve the ifmap/filter traffic (psums stay 16-bit).
    const same16 = simulateNetwork('vgg16', layers, { ...ARCH_PRESETS['seed-fp8-fp16'], precision: { weights: 16, activations: 16, psum: 16 } });
    expect(r8.totals.roofline.dramBytes).toBeLessThan(same16.totals.roofline.dramBytes);
    expect(r8.totals.cycles.total).toBeLessThan(r16.totals.cycles.total);
    expect(r8.totals.energy.breakdown.mac).toBeCloseTo(r16.totals.energy.breakdown.mac / 4, 3);
  });
});

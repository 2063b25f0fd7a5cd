// Architecture validation: errors name the field path and suggest the nearest valid name.
import { describe, expect, test } from 'vitest';
import { ARCH_PRESETS, ARCH_SCHEMA, DATAFLOWS, REPORT_GLOSSARY, SchemaError, resolveArch, simulate, gemmLayer, ValueError } from '../../src/api.js';
import { editDistance, nearest } from '../../src/accel/schema.js';

const base = { schemaVersion: 1, dataflow: 'ws', array: { rows: 4, cols: 4 }, sramKB: { ifmap: 8, filter: 8, ofmap: 8 } };

function err(arch: unknown): SchemaError {
  try {
    resolveArch(arch as never);
  } catch (e) {
    expect(e).toBeInstanceOf(SchemaError);
    expect(e).toBeInstanceOf(ValueError);
    return e as SchemaError;
  }
  throw new Error('expected a SchemaError');
}

describe('resolveArch', () => {
  test('unknown dataflow: path + did you mean', () => {
    const e = err({ ...base, dataflow: 'wss' });
    expect(e.message).toContain('arch.dataflow = "wss": unknown dataflow; did you mean "ws"?');
    expect(e.path).toBe('arch.dataflow');
    expect(e.suggestion).toBe('ws');
  });
  test('unknown nested field suggests the nearest name', () => {
    const e = err({ ...base, sramKB: { ifmap: 8, filter: 8, ofmapp: 8 } });
    expect(e.path).toBe('arch.sramKB.ofmapp');
    expect(e.message).toContain('did you mean "ofmap"?');
    expect(err({ ...base, clockMhz: 100 }).message).toContain('did you mean "clockMHz"?');
    expect(err({ ...base, dram: { bandwith: 4 } }).path).toBe('arch.dram.bandwith');
  });
  test('missing, mistyped and out-of-range fields', () => {
    expect(err({ ...base, array: { rows: 4 } }).path).toBe('arch.array.cols');
    expect(err({ ...base, array: { rows: 4.5, cols: 4 } }).message).toContain('arch.array.rows = 4.5 must be an integer');
    expect(err({ ...base, array: { rows: 0, cols: 4 } }).message).toContain('must be >= 1');
    expect(err({ ...base, sramKB: { ifmap: -1, filter: 8, ofmap: 8 } }).path).toBe('arch.sramKB.ifmap');
    expect(err({ ...base, dram: { interface: 'usr' } }).message).toContain('did you mean "user"?');
    expect(err({ ...base, gating: 'yes' }).path).toBe('arch.gating');
    expect(err({ ...base, schemaVersion: 2 }).path).toBe('arch.schemaVersion');
    expect(err(null).path).toBe('arch');
    expect(err({ ...base, params: { foo: 1 } }).path).toBe('arch.params.foo');
  });
  test('defaults are filled and the input is not mutated', () => {
    const input = structuredClone(base);
    const r = resolveArch(input);
    expect(input).toEqual(base);
    expect(r).toEqual({ ...base, name: 'custom', wordBytes: 1, clockMHz: 200, dram: { bandwidth: 10, interface: 'calc' }, gating: false, params: {} });
  });
  test('presets are valid, resolved and documented as SCALE-Sim presets', () => {
    for (const [k, p] of Object.entries(ARCH_PRESETS)) {
      expect(resolveArch(p)).toEqual(p);
      if (['scale', 'eyeriss', 'google'].includes(k)) expect(p.name).toContain('SCALE-Sim');
      expect(p.name.startsWith(k)).toBe(true);
    }
    expect(ARCH_PRESETS.scale).toMatchObject({ dataflow: 'os', array: { rows: 32, cols: 32 }, sramKB: { ifmap: 64, filter: 64, ofmap: 64 } });
    expect(ARCH_PRESETS.eyeriss).toMatchObject({ dataflow: 'ws', array: { rows: 12, cols: 14 }, sramKB: { ifmap: 36, filter: 36, ofmap: 36 } });
    expect(ARCH_PRESETS.google).toMatchObject({ dataflow: 'ws', array: { rows: 256, cols: 256 } });
  });
  test('the schema lists every dataflow and simulate validates through it', () => {
    expect(ARCH_SCHEMA.properties?.dataflow.enum).toEqual(Object.keys(DATAFLOWS));
    expect(() => simulate(gemmLayer('g', 2, 2, 2), { ...base, dataflow: 'OS ' })).toThrow(SchemaError);
  });
  test('densities are validated with their path', () => {
    expect(() => simulate(gemmLayer('g', 2, 2, 2), base, { inputDensity: 1.5 })).toThrow(/data.inputDensity = 1.5/);
    expect(() => simulate(gemmLayer('g', 2, 2, 2), base, { input: [1, 2, 3] })).toThrow(/data.input has 3 values .* needs N\*H\*W\*C = 4/);
  });
});

test('edit distance and nearest', () => {
  expect(editDistance('wss', 'ws')).toBe(1);
  expect(editDistance('kitten', 'sitting')).toBe(3);
  expect(nearest('WS', ['ws', 'os', 'is'])).toBe('ws');
  expect(nearest('completelydifferent', ['ws', 'os'])).toBeUndefined();
});

test('the glossary gives a unit and a formula for every numeric report field', () => {
  const r = simulate(gemmLayer('g', 4, 3, 2), base);
  const paths: string[] = [];
  const walk = (o: unknown, p: string): void => {
    if (o !== null && typeof o === 'object' && !Array.isArray(o)) for (const [k, v] of Object.entries(o)) walk(v, p ? `${p}.${k}` : k);
    else if (typeof o === 'number') paths.push(p);
  };
  const { layer: _l, arch: _a, mapping: _m, ...rest } = r;
  walk(rest, '');
  for (const p of paths) {
    // Covered by an entry for the path or one of its parents (byOperand splits, densities, mapping).
    const parts = p.split('.');
    const hit = parts.some((_, i) => REPORT_GLOSSARY[parts.slice(0, parts.length - i).join('.')] !== undefined);
    expect(hit, p).toBe(true);
  }
  for (const e of Object.values(REPORT_GLOSSARY)) {
    expect(e.unit.length).toBeGreaterThan(0);
    expect(e.formula.length).toBeGreaterThan(0);
  }
});

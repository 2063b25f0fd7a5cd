/**
 * The architecture schema (JSON-schema-like, `schemaVersion` 1), its validator and resolver.
 * Errors point at the bad field path and suggest the nearest valid name by edit distance, e.g.
 * `arch.dataflow = "wss": unknown dataflow; did you mean "ws"?`.
 * @module
 */
import { ValueError, fmt } from '../errors.js';
import { DATAFLOWS } from './dataflows.js';
import { BIT_WIDTHS } from './precision.js';
import type { ArchInput, ArchSpec, SchemaNode } from './types.js';

/** Current architecture schema version. */
export const ARCH_SCHEMA_VERSION = 1;

/** An invalid architecture (or other model input): `path` names the field, e.g. `arch.sramKB.ifmap`. */
export class SchemaError extends ValueError {
  /** Dotted path of the offending field. */
  readonly path: string;
  /** The nearest valid name, when one is close enough. */
  readonly suggestion: string | undefined;
  constructor(op: string, path: string, problem: string, fix: string, suggestion?: string) {
    super(op, problem, fix);
    this.path = path;
    this.suggestion = suggestion;
  }
}

/** Levenshtein edit distance (insertions, deletions, substitutions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** The candidate nearest to `word`, if within max(2, length/2) edits; else undefined. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 2)) ? best : undefined;
}

const positive = (description: string, unit?: string, dflt?: number): SchemaNode => ({ type: 'number', exclusiveMinimum: 0, description, unit, default: dflt });
const bits = (description: string): SchemaNode => ({ type: 'integer', values: BIT_WIDTHS, description, unit: 'bits' });
const count = (description: string): SchemaNode => ({ type: 'integer', minimum: 1, description });

/**
 * The architecture schema. `dataflow`'s enum is the list of keys of `DATAFLOWS`; `params` is
 * checked against the chosen dataflow's `paramsSchema`.
 */
export const ARCH_SCHEMA: SchemaNode = {
  type: 'object',
  description: 'An accelerator architecture (macflow arch schema). Sizes in kB are 1024 bytes.',
  required: ['schemaVersion', 'dataflow', 'array', 'sramKB'],
  additionalProperties: false,
  properties: {
    schemaVersion: { type: 'integer', const: ARCH_SCHEMA_VERSION, description: 'Version of this schema.' },
    name: { type: 'string', description: 'Free-form name, echoed in reports.', default: 'custom' },
    dataflow: { type: 'string', enum: Object.keys(DATAFLOWS), description: 'Dataflow model (key of DATAFLOWS).' },
    array: {
      type: 'object',
      description: 'PE array.',
      required: ['rows', 'cols'],
      additionalProperties: false,
      properties: { rows: count('PE rows (SCALE-Sim ArrayHeight).'), cols: count('PE columns (SCALE-Sim ArrayWidth).') },
    },
    sramKB: {
      type: 'object',
      description: 'On-chip buffer (SRAM) per operand, double-buffered: half of each holds the working set.',
      required: ['ifmap', 'filter', 'ofmap'],
      additionalProperties: false,
      properties: {
        ifmap: positive('Input feature map SRAM (SCALE-Sim IfmapSramSzkB).', 'kB'),
        filter: positive('Filter SRAM (FilterSramSzkB).', 'kB'),
        ofmap: positive('Output / partial-sum SRAM (OfmapSramSzkB).', 'kB'),
      },
    },
    wordBytes: { type: 'integer', minimum: 1, maximum: 8, description: 'Bytes per word (operand precision).', unit: 'bytes', default: 1 },
    precision: {
      type: 'object',
      description: 'Operand precision in bits (optional; absent = every operand one word of wordBytes). Traffic counted in bits, reported in packed bytes.',
      required: ['weights', 'activations'],
      additionalProperties: false,
      properties: {
        weights: bits('Bits per weight (filter operand).'),
        activations: bits('Bits per input activation (ifmap operand).'),
        psum: bits('Bits per output / partial sum (ofmap operand). Default: activations.'),
      },
    },
    clockMHz: positive('Clock frequency.', 'MHz', 200),
    dram: {
      type: 'object',
      description: 'Off-chip interface.',
      additionalProperties: false,
      default: {},
      properties: {
        bandwidth: positive('DRAM bandwidth (SCALE-Sim Bandwidth).', 'words/cycle', 10),
        interface: { type: 'string', enum: ['calc', 'user'], default: 'calc', description: "'calc': no stalls (SCALE-Sim CALC); 'user': the bandwidth limits, stalls when DRAM needs more cycles than compute." },
      },
    },
    gating: { type: 'boolean', default: false, description: 'Clock-gate MACs with a zero operand (energy saved, cycle kept).' },
    params: { type: 'object', default: {}, description: 'Dataflow-specific parameters (see the dataflow\'s paramsSchema).' },
  },
};

const OP = 'simulate';

function typeOk(node: SchemaNode, v: unknown): boolean {
  switch (node.type) {
    case 'object':
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
  }
}

/**
 * Validates `value` against a schema node and returns a resolved deep copy with defaults filled
 * in. Throws a {@link SchemaError} naming the path (e.g. `arch.array.rows`) on the first problem.
 */
export function validate(node: SchemaNode, value: unknown, path: string, op = OP): unknown {
  if (!typeOk(node, value)) {
    throw new SchemaError(op, path, `${path} = ${show(value)} must be ${node.type === 'integer' ? 'an integer' : `a${node.type === 'object' ? 'n' : ''} ${node.type}`}.`, node.description ?? '');
  }
  if (node.const !== undefined && value !== node.const) {
    throw new SchemaError(op, path, `${path} = ${show(value)} is not supported; expected ${show(node.const)}.`, `set ${path} to ${show(node.const)}.`);
  }
  if (node.enum && !node.enum.includes(value as string)) {
    const near = nearest(value as string, node.enum);
    const what = path.split('.').pop();
    throw new SchemaError(op, path, `${path} = ${show(value)}: unknown ${what}${near ? `; did you mean ${show(near)}?` : '.'}`, `use one of ${node.enum.map(show).join(', ')}.`, near);
  }
  if (node.values && !node.values.includes(value as number)) {
    const v = value as number;
    const d = Math.min(...node.values.map((x) => Math.abs(x - v)));
    const near = node.values.filter((x) => Math.abs(x - v) === d);
    const what = path.split('.').pop();
    throw new SchemaError(op, path, `${path} = ${show(value)}: unsupported ${what} width; did you mean ${near.map(show).join(' or ')}?`, `use one of ${node.values.map(show).join(', ')}${node.unit ? ` (${node.unit})` : ''}.`, show(near[0]));
  }
  if (typeof value === 'number') {
    if (node.minimum !== undefined && value < node.minimum) throw new SchemaError(op, path, `${path} = ${show(value)} must be >= ${node.minimum}.`, node.description ?? '');
    if (node.exclusiveMinimum !== undefined && value <= node.exclusiveMinimum) throw new SchemaError(op, path, `${path} = ${show(value)} must be > ${node.exclusiveMinimum}.`, node.description ?? '');
    if (node.maximum !== undefined && value > node.maximum) throw new SchemaError(op, path, `${path} = ${show(value)} must be <= ${node.maximum}.`, node.description ?? '');
  }
  if (node.type !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const props = node.properties;
  if (!props) return structuredClone(obj);
  const names = Object.keys(props);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) {
    if (!(key in props)) {
      if (node.additionalProperties === false) {
        const near = nearest(key, names);
        throw new SchemaError(op, `${path}.${key}`, `${path}.${key}: unknown field${near ? `; did you mean ${show(near)}?` : '.'}`, `known fields of ${path}: ${names.join(', ')}.`, near);
      }
      out[key] = structuredClone(obj[key]);
    }
  }
  for (const key of names) {
    const child = props[key];
    if (obj[key] === undefined) {
      if (node.required?.includes(key)) throw new SchemaError(op, `${path}.${key}`, `${path}.${key} is missing.`, `add ${key}: ${child.description ?? child.type}`);
      if (child.default === undefined) continue;
      out[key] = validate(child, structuredClone(child.default), `${path}.${key}`, op);
    } else {
      out[key] = validate(child, obj[key], `${path}.${key}`, op);
    }
  }
  return out;
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v !== null && typeof v === 'object') {
    try {
      return JSON.stringify(v);
    } catch {
      return String(v);
    }
  }
  return fmt(v);
}

/**
 * Validates an architecture (plain JSON) and returns a resolved copy: defaults filled in, `params`
 * checked against the dataflow's `paramsSchema`. Never mutates `arch`. Throws {@link SchemaError}.
 *
 * @example
 * ```ts
 * resolveArch({ schemaVersion: 1, dataflow: 'wss', array: { rows: 8, cols: 8 }, sramKB: { ifmap: 8, filter: 8, ofmap: 8 } });
 * // SchemaError: simulate: arch.dataflow = "wss": unknown dataflow; did you mean "ws"? ...
 * ```
 */
export function resolveArch(arch: ArchInput | ArchSpec, op = OP): ArchSpec {
  if (arch !== null && typeof arch === 'object' && (arch as { schemaVersion?: unknown }).schemaVersion !== undefined && (arch as { schemaVersion?: unknown }).schemaVersion !== ARCH_SCHEMA_VERSION) {
    const v = (arch as { schemaVersion?: unknown }).schemaVersion;
    throw new SchemaError(op, 'arch.schemaVersion', `arch.schemaVersion = ${show(v)} is not supported by this version of macflow (it reads ${ARCH_SCHEMA_VERSION}).`, `set schemaVersion: ${ARCH_SCHEMA_VERSION} and check the fields against ARCH_SCHEMA.`);
  }
  const out = validate(ARCH_SCHEMA, arch, 'arch', op) as ArchSpec;
  const df = DATAFLOWS[out.dataflow];
  out.params = validate(df.paramsSchema, out.params, 'arch.params', op) as Record<string, unknown>;
  return out;
}

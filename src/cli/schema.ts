/**
 * JSON Schemas (draft 2020-12) of the CLI's JSON output: `macflow demo --json`, `simulate
 * --json`, `summary --json` and `trace --json`. Each output carries `schemaVersion` (= {@link CLI_SCHEMA_VERSION})
 * and `command`. The simulate schema describes the accelerator report fields (units and formulas
 * in `REPORT_GLOSSARY`). Non-finite numbers (an arithmetic intensity with no DRAM traffic) are
 * written as JSON `null`. `macflow schema [command]` prints them; `--out` writes the one in use.
 * @module
 */
import type { JsonSchema } from '../report/json-schema.js';
import { CLI_SCHEMA_VERSION } from './simulate.js';

const num: JsonSchema = { type: 'number' };
const nonNeg: JsonSchema = { type: 'number', minimum: 0 };
const count: JsonSchema = { type: 'integer', minimum: 0 };
const frac: JsonSchema = { type: 'number', minimum: 0, maximum: 1 };
const maybeInf: JsonSchema = { type: ['number', 'null'], description: 'null when infinite' };
const str: JsonSchema = { type: 'string' };
const obj = (properties: Record<string, JsonSchema>, required = Object.keys(properties), extra = false): JsonSchema => ({ type: 'object', properties, required, additionalProperties: extra });
const arr = (items: JsonSchema): JsonSchema => ({ type: 'array', items });
const operands = obj({ ifmap: nonNeg, filter: nonNeg, ofmap: nonNeg });
// `bits` (and arch `precision`, energy `precisionRule`) appear only when the arch sets `precision`.
const level = obj({ reads: nonNeg, writes: nonNeg, readBytes: nonNeg, writeBytes: nonNeg, byOperand: obj({ reads: operands, writes: operands }), bits: obj({ reads: nonNeg, writes: nonNeg }) }, ['reads', 'writes', 'readBytes', 'writeBytes', 'byOperand']);
const bitWidth: JsonSchema = { type: 'integer', enum: [1, 2, 4, 8, 16] };
const header = (command: string): Record<string, JsonSchema> => ({
  schemaVersion: { type: 'integer', const: CLI_SCHEMA_VERSION, description: 'Version of the CLI output format.' },
  command: { type: 'string', const: command },
});

/** Report fields shared by a layer report and the network totals. */
const reportBody: Record<string, JsonSchema> = {
  cycles: obj({ total: count, stall: count, compute: count }),
  latencySeconds: nonNeg,
  framesPerSecond: maybeInf,
  utilization: obj({
    overall: frac,
    effective: nonNeg,
    mappingEfficiency: frac,
    computeUtilization: nonNeg,
    lost: obj({ edges: nonNeg, folding: num, idle: nonNeg }),
    busy: nonNeg,
  }),
  macs: obj({ total: count, executed: count, gated: count, skipped: count }),
  accesses: obj({ dram: level, globalBuffer: level, interPE: level, registerFile: level }),
  energy: obj(
    {
      table: obj({ name: str, version: str, unit: str }),
      precisionRule: obj({ name: str, version: str }),
      total: nonNeg,
      breakdown: obj({ mac: nonNeg, gatedMac: nonNeg, registerFile: nonNeg, interPE: nonNeg, globalBuffer: nonNeg, dram: nonNeg }),
    },
    ['table', 'total', 'breakdown'],
  ),
  roofline: obj({
    opsPerMac: { type: 'integer', const: 2 },
    peakOpsPerSecond: nonNeg,
    dramBytes: nonNeg,
    arithmeticIntensity: maybeInf,
    bandwidthBytesPerSecond: nonNeg,
    attainableOpsPerSecond: maybeInf,
    achievedOpsPerSecond: nonNeg,
    bound: { type: 'string', enum: ['compute', 'memory'] },
  }),
  peCycles: obj({ busy: nonNeg, edges: nonNeg, folding: num, idle: nonNeg }),
};

const archSummary = obj(
  { name: str, dataflow: str, rows: count, cols: count, peCount: count, clockMHz: nonNeg, wordBytes: count, precision: obj({ weights: bitWidth, activations: bitWidth, psum: bitWidth }, ['weights', 'activations']) },
  ['name', 'dataflow', 'rows', 'cols', 'peCount', 'clockMHz', 'wordBytes'],
);
const dataflowInfo = obj({ name: str, title: str, assumptions: arr(str) });

/** Schema of `macflow simulate --json`. */
export const SIMULATE_OUTPUT_SCHEMA: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://macflow.dev/schema/cli-simulate-v1.json',
  title: 'macflow simulate output',
  description: 'Per-layer and total accelerator reports of one network on one architecture, one run per dataflow. Field units and formulas: REPORT_GLOSSARY.',
  $defs: {
    layerReport: obj({
      schemaVersion: { type: 'integer', minimum: 1 },
      layer: obj({ name: str, N: count, H: count, W: count, C: count, M: count, R: count, S: count, E: count, F: count, strides: arr(count), groups: count, macs: count }),
      arch: archSummary,
      dataflow: dataflowInfo,
      densities: obj({ input: frac, weight: frac, source: { type: 'string', enum: ['default', 'assumed', 'measured'] } }),
      ...reportBody,
      mapping: { type: 'object', additionalProperties: num },
    }),
  },
  ...obj({
    ...header('simulate'),
    reportSchemaVersion: { type: 'integer', minimum: 1 },
    network: obj({ name: str, source: { type: 'string', enum: ['built-in', 'topology-csv', 'onnx'] }, description: str, layers: count }),
    batch: { type: 'integer', minimum: 1 },
    seed: count,
    densities: obj({ from: { type: 'string', enum: ['default', 'flag', 'file'] }, data: { type: 'string', enum: ['assumed', 'synthetic'] }, file: str }, ['from', 'data']),
    arch: { type: 'object', required: ['schemaVersion', 'name', 'dataflow', 'array', 'sramKB', 'wordBytes', 'clockMHz', 'dram', 'gating', 'params'], description: 'The resolved architecture (ARCH_SCHEMA).' },
    runs: arr(obj({
      dataflow: str,
      title: str,
      speedup: nonNeg,
      report: obj({
        schemaVersion: { type: 'integer', minimum: 1 },
        name: str,
        arch: archSummary,
        dataflow: dataflowInfo,
        layers: arr({ $ref: '#/$defs/layerReport' }),
        totals: obj(reportBody),
      }),
    })),
  }),
};

/** Schema of `macflow summary --json`. */
export const SUMMARY_OUTPUT_SCHEMA: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://macflow.dev/schema/cli-summary-v1.json',
  title: 'macflow summary output',
  description: 'Per-layer output shape, activation memory (values), weights and MACs of a network for one image (networkSummary).',
  ...obj({
    ...header('summary'),
    name: str,
    source: str,
    rows: arr(obj({
      name: str,
      kind: { type: 'string', enum: ['input', 'conv', 'fc', 'maxpool', 'avgpool', 'add'] },
      label: str,
      shape: arr(count),
      memory: count,
      memoryExpr: str,
      params: count,
      paramsExpr: str,
      macs: count,
    })),
    totals: obj({ memory: count, memoryBytes: count, params: count, macs: count }),
  }),
};

const scheduleCycle = obj({
  cycle: { type: 'integer', minimum: 1 },
  input: obj({ index: { type: 'integer', minimum: 1 }, row: count, col: count, value: num }),
  macs: arr(obj({ psum: { type: 'integer', minimum: 1 }, weight: { type: 'integer', minimum: 1 }, pe: { type: 'integer', minimum: 1 } })),
  ready: arr({ type: 'integer', minimum: 1 }),
});

/** Schema of `macflow trace --json`. */
export const TRACE_OUTPUT_SCHEMA: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://macflow.dev/schema/cli-trace-v1.json',
  title: 'macflow trace output',
  description: 'Per-cycle FEIE schedules (feieSchedule) of one filter over one input channel.',
  ...obj({
    ...header('trace'),
    example: { type: 'string', enum: ['seed-example', 'layer'] },
    layer: obj({ H: count, W: count, R: count, S: count, stride: count }),
    input: arr(arr(num)),
    schedules: arr(obj({
      variant: { type: 'string', enum: ['dense', 'zero-skip'] },
      pes: count,
      E: count,
      F: count,
      cycles: count,
      schedule: obj({
        pes: count,
        E: count,
        F: count,
        cycles: arr(scheduleCycle),
        psums: arr(obj({ psum: { type: 'integer', minimum: 1 }, row: count, col: count, readyAt: { type: ['integer', 'null'] } })),
      }),
    })),
  }),
};

const demoTarget = obj({ dataflow: str, arch: str, cycles: count, speedup: maybeInf, utilization: frac, energy: nonNeg });

/** Schema of `macflow demo --json`. */
export const DEMO_OUTPUT_SCHEMA: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://macflow.dev/schema/cli-demo-v1.json',
  title: 'macflow demo output',
  description: 'Built-in int8 networks run end to end with the dense and the zero-skipping kernels (CPU ms = medians), each conv / dense layer modelled from its actual input on ZASCAD, ZASCAS and Eyeriss RS (speedup vs ZASCAD; energy normalised to one MAC); then one VGG-16 layer timed alone.',
  ...obj({
    ...header('demo'),
    isa: { type: 'string', enum: ['scalar', 'simd', 'relaxed'] },
    reason: str,
    runtime: str,
    runs: { type: 'integer', minimum: 1 },
    seed: count,
    networks: arr(obj({
      name: str,
      input: str,
      layers: arr(obj({ name: str, op: str, shape: arr(count), macs: count, denseMs: nonNeg, zeroSkipMs: nonNeg, inputZeroFraction: frac, accelerator: arr(demoTarget) }, ['name', 'op', 'shape', 'macs', 'denseMs', 'zeroSkipMs', 'inputZeroFraction'])),
      denseMs: nonNeg,
      zeroSkipMs: nonNeg,
      outputsAgree: { type: 'boolean' },
      accelerator: arr(demoTarget),
      probabilities: arr(frac),
    })),
    vgg: obj({ name: str, op: str, kernel: str, outputShape: arr(count), macs: count, ms: nonNeg, gops: nonNeg }),
    totalMs: nonNeg,
  }),
};

/** The output schema of every command with JSON output. */
export const CLI_OUTPUT_SCHEMAS: Readonly<Record<'demo' | 'simulate' | 'summary' | 'trace', JsonSchema>> = Object.freeze({
  demo: DEMO_OUTPUT_SCHEMA,
  simulate: SIMULATE_OUTPUT_SCHEMA,
  summary: SUMMARY_OUTPUT_SCHEMA,
  trace: TRACE_OUTPUT_SCHEMA,
});

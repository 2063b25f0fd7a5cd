#!/usr/bin/env node
/**
 * The macflow command line. `macflow` (or `npm start`) runs the main job on a built-in default.
 * Results go to stdout (a table, or JSON with --json); progress goes to stderr.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { detectIsas, ISAS, type Isa } from '../runtime/detect.js';
import { MacflowError } from '../errors.js';
import { runDemo, formatDemo } from './demo.js';
import { runInfo, formatInfo } from './info.js';

const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';

const HELP = `macflow: quantised CNN kernels in WebAssembly, with accelerator cost models

Usage: macflow [command] [options]

Commands:
  demo    (default) run a built-in int8 LeNet-5 end to end and a VGG-16 layer; print per-layer
          kernels, MACs, time and GOPS
  info    the builds this runtime can run, the one selected and why, the kernel registry

Options:
  --isa <scalar|simd|relaxed>   force a build (default: the best available)
  --runs <n>                    timed runs per layer (default 20; the median is reported)
  --seed <n>                    seed of the built-in weights (default 1)
  --json                        print JSON instead of a table
  --out <dir>                   also write the result as JSON to <dir>/<command>.json
  -h, --help                    this help

Node 20/22 run relaxed SIMD only behind ${RELAXED_FLAG}; macflow restarts itself with the flag
when it is needed (set MACFLOW_NO_RESPAWN=1 to stop that).`;

/** Restarts under the relaxed-SIMD flag when this Node lacks it by default. */
function respawnForRelaxed(): never | void {
  if (detectIsas().relaxed || process.env.MACFLOW_NO_RESPAWN || process.execArgv.includes(RELAXED_FLAG)) return;
  const r = spawnSync(process.execPath, [RELAXED_FLAG, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, MACFLOW_NO_RESPAWN: '1' } });
  process.exit(r.status ?? 1);
}

function fail(message: string, code = 2): never {
  process.stderr.write(`macflow: ${message}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        isa: { type: 'string' },
        runs: { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    fail(`${(e as Error).message}. Run 'macflow --help' for the options.`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const command = positionals[0] ?? 'demo';
  if (positionals.length > 1) fail(`unexpected argument '${positionals[1]}'. Run 'macflow --help'.`);
  const isa = values.isa as Isa | undefined;
  if (isa !== undefined && !ISAS.includes(isa)) fail(`--isa ${isa} is not a build; use one of ${ISAS.join(', ')}.`);
  const int = (name: string, v: string | undefined, dflt: number, min: number) => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) fail(`--${name} ${v} must be a whole number >= ${min}.`);
    return n;
  };
  const runs = int('runs', values.runs, 20, 1);
  const seed = int('seed', values.seed, 1, 0);

  let result: unknown;
  let text: string;
  switch (command) {
    case 'demo': {
      const r = await runDemo({ isa, runs, seed, progress: (m) => process.stderr.write(`${m}\n`) });
      result = r;
      text = formatDemo(r);
      break;
    }
    case 'info': {
      const r = await runInfo({ isa });
      result = r;
      text = formatInfo(r);
      break;
    }
    default:
      fail(`unknown command '${command}'. Commands: demo, info. Run 'macflow --help'.`);
  }
  process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : text);
  if (values.out) {
    mkdirSync(values.out, { recursive: true });
    const file = join(values.out, `${command}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    process.stderr.write(`wrote ${file}\n`);
  }
}

respawnForRelaxed();
main(process.argv.slice(2)).catch((e) => {
  if (e instanceof MacflowError) fail(`${e.name}: ${e.message}`, 1);
  fail((e as Error).stack ?? String(e), 1);
});

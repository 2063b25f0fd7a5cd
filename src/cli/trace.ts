/**
 * `macflow trace`: the per-cycle FEIE schedule of a small layer (one filter over one input
 * channel) as a text table like the seed tutorial's slides: one row per clock cycle, the input
 * pixel broadcast in it, and for every partial sum the weight it receives. By default the seed's
 * own example (a 2 x 8 input, a 1 x 3 filter): 16 cycles dense, 10 with X6..X11 = 0 skipped.
 * @module
 */
import { feieSchedule, FEIE_SCHEDULE_MAX_CYCLES, type FeieSchedule } from '../accel/feie.js';
import { CliError, densityValue, seededRandom } from './args.js';

/** Default cap on the cycles a trace prints (a table for reading, not a simulator). */
export const TRACE_DEFAULT_MAX_CYCLES = 400;

/** Options of {@link runTrace}. */
export interface TraceCommandOptions {
  /** Input size `HxW` (e.g. `4x8`); absent with `values` absent = the seed's example. */
  input?: string;
  /** Filter `RxS` or `S` (R = 1). Default `1x3`. */
  kernel?: string;
  stride: number;
  /** Row-major input values, comma-separated (H*W of them). */
  values?: string;
  /** Non-zero fraction of a random input (default 0.5). */
  density?: string;
  seed: number;
  /** `'both'` (default), `'dense'` (ZASCAD) or `'zero-skip'` (ZASCAS). */
  variant: 'both' | 'dense' | 'zero-skip';
  maxCycles: number;
}

/** The JSON output of `macflow trace` (schema: `CLI_OUTPUT_SCHEMAS.trace`). */
export interface TraceResult {
  schemaVersion: number;
  command: 'trace';
  /** `'seed-example'` or `'layer'`. */
  example: 'seed-example' | 'layer';
  layer: { H: number; W: number; R: number; S: number; stride: number };
  input: number[][];
  schedules: { variant: 'dense' | 'zero-skip'; pes: number; E: number; F: number; cycles: number; schedule: FeieSchedule }[];
}

const SEED_DENSE = [[1, 2, 3, 4, 5, 6, 7, 8], [9, 10, 11, 12, 13, 14, 15, 16]];

function dims(flag: string, v: string, single: boolean): [number, number] {
  const m = single ? /^(\d+)(?:x(\d+))?$/i.exec(v.trim()) : /^(\d+)x(\d+)$/i.exec(v.trim());
  if (!m) throw new CliError(`${flag} ${v} must be ${single ? 'RxS (e.g. 1x3) or S' : 'HxW (e.g. 2x8)'}.`);
  const a = Number(m[1]);
  const b = m[2] === undefined ? undefined : Number(m[2]);
  const out: [number, number] = b === undefined ? [1, a] : [a, b];
  if (out[0] < 1 || out[1] < 1) throw new CliError(`${flag} ${v}: sizes must be >= 1.`);
  return out;
}

/** Builds the schedules (dense and/or zero-skip) of the seed example or a given small layer. */
export function runTrace(o: TraceCommandOptions): TraceResult {
  const [R, S] = dims('--kernel', o.kernel ?? '1x3', true);
  const U = o.stride;
  let input: number[][];
  let example: TraceResult['example'] = 'layer';
  let seedExample = false;
  if (o.input === undefined && o.values === undefined) {
    if (o.kernel !== undefined || o.density !== undefined || U !== 1) throw new CliError('a layer trace needs --input HxW (and optionally --values); without it, trace shows the seed example (a 2x8 input, a 1x3 filter).');
    example = 'seed-example';
    seedExample = true;
    input = SEED_DENSE.map((r) => [...r]);
  } else {
    const [H, W] = o.input === undefined ? [1, o.values!.split(',').length] : dims('--input', o.input, false);
    if (R > H || S > W) throw new CliError(`the ${R}x${S} filter is larger than the ${H}x${W} input; use a smaller --kernel or a larger --input.`);
    if (o.values !== undefined) {
      const vals = o.values.split(',').map((s) => s.trim());
      if (vals.length !== H * W) throw new CliError(`--values has ${vals.length} numbers but --input ${H}x${W} needs ${H * W} (row-major).`);
      const nums = vals.map((s, i) => {
        const n = Number(s);
        if (s === '' || !Number.isFinite(n)) throw new CliError(`--values: value ${i + 1} (${JSON.stringify(s)}) is not a number.`);
        return n;
      });
      input = Array.from({ length: H }, (_, r) => nums.slice(r * W, (r + 1) * W));
    } else {
      const d = o.density === undefined ? 0.5 : densityValue('--density', o.density);
      const rnd = seededRandom(o.seed);
      input = Array.from({ length: H }, () => Array.from({ length: W }, () => (rnd() < d ? 1 + Math.floor(rnd() * 9) : 0)));
    }
  }
  const H = input.length;
  const W = input[0].length;
  const E = Math.floor((H - R) / U) + 1;
  const denseCycles = E * R * W;
  if (denseCycles > o.maxCycles) {
    throw new CliError(`this layer needs ${denseCycles.toLocaleString('en-US')} dense cycles (E ${E} x R ${R} x W ${W}); trace prints at most ${o.maxCycles} (--max-cycles, up to ${FEIE_SCHEDULE_MAX_CYCLES.toLocaleString('en-US')}). Use a smaller --input, or 'macflow simulate' for the cycle counts of large layers.`);
  }
  const schedules: TraceResult['schedules'] = [];
  const variants = o.variant === 'both' ? (['dense', 'zero-skip'] as const) : ([o.variant] as const);
  for (const v of variants) {
    // The seed's zero-skipping slide sets X6..X11 to zero.
    const x = seedExample && v === 'zero-skip' ? input.map((row, r) => row.map((val, c) => (r * W + c + 1 >= 6 && r * W + c + 1 <= 11 ? 0 : val))) : input;
    const s = feieSchedule(x, { S, R, stride: U, skipZeros: v === 'zero-skip' });
    schedules.push({ variant: v, pes: s.pes, E: s.E, F: s.F, cycles: s.cycles.length, schedule: s });
  }
  return { schemaVersion: 1, command: 'trace', example, layer: { H, W, R, S, stride: U }, input, schedules };
}

/** The schedules as text tables in the seed's layout (`CC #n | Xi | W per psum`). */
export function formatTrace(r: TraceResult): string {
  const { H, W, R, S, stride } = r.layer;
  const out: string[] = [];
  out.push(`FEIE schedule of one ${R}x${S} filter (stride ${stride}) over a ${H}x${W} input${r.example === 'seed-example' ? ' (the seed tutorial\'s example)' : ''}`);
  out.push('input (X index = value):');
  for (let i = 0; i < H; i++) out.push(`  ${r.input[i].map((v, j) => `X${i * W + j + 1}=${v}`).join(' ')}`);
  for (const s of r.schedules) {
    const sc = s.schedule;
    const n = s.E * s.F;
    const x = r.example === 'seed-example' && s.variant === 'zero-skip' ? ' (X6..X11 set to 0, as the seed\'s slide)' : '';
    out.push('', `${s.variant === 'dense' ? 'ZASCAD (dense)' : 'ZASCAS (zero-skipping)'}${x}: ${s.pes} PEs, ${s.cycles} cycles, ${n} partial sums (E ${s.E} x F ${s.F})`);
    const cols = ['Clock cycle', 'Input', 'value', ...Array.from({ length: n }, (_, i) => `#${i + 1}`), 'done'];
    const rows = sc.cycles.map((c) => {
      const cells = new Array<string>(n).fill('');
      for (const m of c.macs) cells[m.psum - 1] = `W${m.weight}`;
      return [`CC #${c.cycle}`, `X${c.input.index}`, String(c.input.value), ...cells, c.ready.map((p) => `#${p}`).join(' ')];
    });
    const widths = cols.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j].length)));
    // A header line naming the output row each block of psum columns belongs to (the seed's "1st Row of Output Map").
    const groups: string[] = [];
    for (let e = 0; e < s.E; e++) {
      const w = widths.slice(3 + e * s.F, 3 + (e + 1) * s.F).reduce((a, b) => a + b + 2, -2);
      groups.push(`output row ${e + 1}`.slice(0, Math.max(w, 3)).padEnd(w));
    }
    out.push(`${' '.repeat(widths[0] + widths[1] + widths[2] + 6)}${groups.join('  ')}`.trimEnd());
    const line = (cells: string[]) => cells.map((c, j) => c.padEnd(widths[j])).join('  ').trimEnd();
    out.push(line(cols), ...rows.map(line));
    const never = sc.psums.filter((p) => p.readyAt === null).map((p) => `#${p.psum}`);
    if (never.length) out.push(`never computed (every input they meet is zero, they stay 0): ${never.join(' ')}`);
  }
  if (r.schedules.length === 2) {
    const [d, z] = r.schedules;
    out.push('', `zero skipping: ${d.cycles} -> ${z.cycles} cycles (${z.cycles > 0 ? (d.cycles / z.cycles).toFixed(2) : '-'}x)`);
  }
  out.push('Each cycle one input pixel is broadcast to every PE; Wk = the weight a partial sum receives (shift-register ring); done = psums complete after that cycle.');
  return `${out.join('\n')}\n`;
}

/**
 * Renderings of a per-cycle FEIE schedule ({@link feieSchedule}, the opt-in trace view for small
 * layers): the seed's table as data, as aligned text, and as SVG. Rows are clock cycles, columns
 * are partial sums (grouped by output row), cells are the weight each partial sum receives.
 * @module
 */
import { ValueError, fmt } from '../errors.js';
import type { FeieSchedule } from './feie.js';

/** Options of the schedule renderings. */
export interface ScheduleViewOptions {
  /**
   * Which partial-sum columns to show: `'used'` (default: those that receive at least one
   * weight, as the seed's zero-skip slide drops psums 6 and 7) or `'all'`.
   */
  columns?: 'used' | 'all';
  /** Add a final column listing the partial sums completed in each cycle. Default false. */
  ready?: boolean;
}

/** The seed's schedule table as data. */
export interface ScheduleTable {
  /** Partial sums (1-based) of the psum columns, in order. */
  psums: number[];
  /** Output row (1-based) of each psum column. */
  outputRows: number[];
  /** Header: `'Clock cycle'`, `'Input'`, `'#1'`, ... (and `'Ready'`). */
  header: string[];
  /** One row per cycle: `'CC #n'`, `'Xi'`, then `'Wk'` or `''` per psum column (and the ready psums). */
  rows: string[][];
}

function checkSchedule(op: string, s: FeieSchedule): void {
  if (typeof s !== 'object' || s === null || !Array.isArray(s.cycles) || !Array.isArray(s.psums)) {
    throw new ValueError(op, `schedule = ${fmt(s)} is not a FeieSchedule.`, 'pass the result of feieSchedule(input, { S, ... }).');
  }
}

/** The schedule as the seed's table: rows = clock cycles, columns = partial sums, cells = weights. */
export function scheduleTable(s: FeieSchedule, options: ScheduleViewOptions = {}): ScheduleTable {
  const op = 'scheduleTable';
  checkSchedule(op, s);
  const cols = options.columns ?? 'used';
  if (cols !== 'used' && cols !== 'all') throw new ValueError(op, `columns = ${fmt(cols)}.`, "use 'used' or 'all'.");
  const used = new Set<number>();
  for (const c of s.cycles) for (const m of c.macs) used.add(m.psum);
  const psums = s.psums.map((p) => p.psum).filter((p) => cols === 'all' || used.has(p));
  const outputRows = psums.map((p) => s.psums[p - 1].row + 1);
  const header = ['Clock cycle', 'Input', ...psums.map((p) => `#${p}`), ...(options.ready ? ['Ready'] : [])];
  const rows = s.cycles.map((c) => {
    const byPsum = new Map(c.macs.map((m) => [m.psum, m.weight]));
    const cells = psums.map((p) => (byPsum.has(p) ? `W${byPsum.get(p)}` : ''));
    return [`CC #${c.cycle}`, `X${c.input.index}`, ...cells, ...(options.ready ? [c.ready.map((p) => `#${p}`).join(' ')] : [])];
  });
  return { psums, outputRows, header, rows };
}

/**
 * The schedule as aligned plain text (the seed's table): a first line naming the output row over
 * its psum columns, the header, one line per clock cycle, and a summary line (cycles, PEs).
 *
 * @example
 * ```ts
 * console.log(formatFeieSchedule(feieSchedule([[1, 2, 3, 4, 5, 6, 7, 8], [9, 10, 11, 12, 13, 14, 15, 16]], { S: 3 })));
 * ```
 */
export function formatFeieSchedule(s: FeieSchedule, options: ScheduleViewOptions = {}): string {
  const t = scheduleTable(s, options);
  const all = [t.header, ...t.rows];
  const w = t.header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((v, i) => v.padEnd(w[i])).join(' | ').trimEnd();
  // group line: "output row k" over the first psum column of each output row
  const group = t.header.map((_, i) => {
    const k = i - 2;
    if (k < 0 || k >= t.psums.length) return '';
    return k === 0 || t.outputRows[k] !== t.outputRows[k - 1] ? `row ${t.outputRows[k]}` : '';
  });
  const groupLine = group.map((v, i) => (v.length > w[i] ? v : v.padEnd(w[i]))).join('   ').trimEnd();
  const sep = w.map((n) => '-'.repeat(n)).join('-+-');
  return [groupLine, line(t.header), sep, ...t.rows.map(line), `${s.cycles.length} clock cycles on ${s.pes} PEs`].join('\n');
}

const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** PE colours of the SVG (cycled). */
const PE_COLORS = ['#cfe2ff', '#d1f0d9', '#ffe5c2', '#f3d1f4', '#fff3b0', '#d5f1f5'];

/**
 * The schedule as a standalone SVG: a grid with one row per clock cycle and one column per
 * partial sum (output rows labelled above), each cell the weight it receives, coloured by the PE
 * that holds the partial sum; completed partial sums are outlined.
 *
 * @param options.title heading. Default `'FEIE schedule: N clock cycles, P PEs'`.
 */
export function feieScheduleSvg(s: FeieSchedule, options: ScheduleViewOptions & { title?: string } = {}): string {
  const t = scheduleTable(s, { ...options, ready: false });
  const cw = 36;
  const ch = 20;
  const left = 110;
  const top = 64;
  const width = left + t.psums.length * cw + 10;
  const height = top + t.rows.length * ch + 30;
  const title = options.title ?? `FEIE schedule: ${s.cycles.length} clock cycles, ${s.pes} PEs`;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<title>${esc(title)}</title>`);
  out.push(`<text x="4" y="14" font-size="13" font-weight="bold">${esc(title)}</text>`);
  // output-row labels and psum numbers
  t.psums.forEach((p, k) => {
    const x = left + k * cw;
    if (k === 0 || t.outputRows[k] !== t.outputRows[k - 1]) out.push(`<text x="${x}" y="34" font-weight="bold">${esc(`output row ${t.outputRows[k]}`)}</text>`);
    out.push(`<text x="${x + cw / 2}" y="54" text-anchor="middle">#${p}</text>`);
  });
  out.push(`<text x="4" y="54" font-weight="bold">cycle</text><text x="58" y="54" font-weight="bold">input</text>`);
  const peOf = new Map<string, number>();
  const readyAt = new Map<number, number>();
  for (const c of s.cycles) {
    for (const m of c.macs) peOf.set(`${c.cycle}:${m.psum}`, m.pe);
    for (const p of c.ready) readyAt.set(p, c.cycle);
  }
  t.rows.forEach((r, i) => {
    const y = top + i * ch;
    const cyc = s.cycles[i].cycle;
    out.push(`<text x="4" y="${y + 14}">${esc(r[0])}</text><text x="58" y="${y + 14}">${esc(r[1])}</text>`);
    t.psums.forEach((p, k) => {
      const x = left + k * cw;
      const cell = r[k + 2];
      const pe = peOf.get(`${cyc}:${p}`);
      const fill = pe === undefined ? '#ffffff' : PE_COLORS[(pe - 1) % PE_COLORS.length];
      const done = readyAt.get(p) === cyc;
      out.push(`<rect x="${x}" y="${y}" width="${cw}" height="${ch}" fill="${fill}" stroke="${done ? '#000000' : '#bbbbbb'}" stroke-width="${done ? 2 : 1}"/>`);
      if (cell) out.push(`<text x="${x + cw / 2}" y="${y + 14}" text-anchor="middle">${esc(cell)}</text>`);
    });
  });
  const legendY = top + t.rows.length * ch + 20;
  for (let pe = 1; pe <= s.pes; pe++) {
    const x = 4 + (pe - 1) * 60;
    out.push(`<rect x="${x}" y="${legendY - 10}" width="12" height="12" fill="${PE_COLORS[(pe - 1) % PE_COLORS.length]}" stroke="#bbbbbb"/><text x="${x + 16}" y="${legendY}">PE ${pe}</text>`);
  }
  out.push('</svg>');
  return out.join('\n');
}

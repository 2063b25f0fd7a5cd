import { describe, expect, it } from 'vitest';
import { ValueError, feieSchedule, feieScheduleSvg, formatFeieSchedule, scheduleTable } from '../../src/index.js';

const X = [[1, 2, 3, 4, 5, 6, 7, 8], [9, 10, 11, 12, 13, 14, 15, 16]];
const XZ = [[1, 2, 3, 4, 5, 0, 0, 0], [0, 0, 0, 12, 13, 14, 15, 16]]; // X6..X11 = 0

// The seed's two tables (the same transcription as test/accel/feie.test.ts), as rows of cells.
const DENSE_ROWS = [
  'CC #1|X1|W1|||||||||||', 'CC #2|X2|W2|W1||||||||||', 'CC #3|X3|W3|W2|W1|||||||||', 'CC #4|X4||W3|W2|W1||||||||',
  'CC #5|X5|||W3|W2|W1|||||||', 'CC #6|X6||||W3|W2|W1||||||', 'CC #7|X7|||||W3|W2||||||', 'CC #8|X8||||||W3||||||',
  'CC #9|X9|||||||W1|||||', 'CC #10|X10|||||||W2|W1||||', 'CC #11|X11|||||||W3|W2|W1|||', 'CC #12|X12||||||||W3|W2|W1||',
  'CC #13|X13|||||||||W3|W2|W1|', 'CC #14|X14||||||||||W3|W2|W1', 'CC #15|X15|||||||||||W3|W2', 'CC #16|X16||||||||||||W3',
];
const SKIP_ROWS = [
  'CC #1|X1|W1|||||||||', 'CC #2|X2|W2|W1||||||||', 'CC #3|X3|W3|W2|W1|||||||', 'CC #4|X4||W3|W2|W1||||||',
  'CC #5|X5|||W3|W2|W1|||||', 'CC #6|X12||||||W3|W2|W1||', 'CC #7|X13|||||||W3|W2|W1|', 'CC #8|X14||||||||W3|W2|W1',
  'CC #9|X15|||||||||W3|W2', 'CC #10|X16||||||||||W3',
];

describe('FEIE schedule views on the seed example', () => {
  it('table data: dense, 16 cycles, psums #1..#12, the seed cell by cell', () => {
    const t = scheduleTable(feieSchedule(X, { S: 3 }));
    expect(t.header).toEqual(['Clock cycle', 'Input', ...Array.from({ length: 12 }, (_, i) => `#${i + 1}`)]);
    expect(t.outputRows).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
    expect(t.rows.map((r) => r.join('|'))).toEqual(DENSE_ROWS);
  });

  it('table data: zero skip, 10 cycles, the unused psums 6 and 7 dropped as on the slide', () => {
    const s = feieSchedule(XZ, { S: 3, skipZeros: true });
    const t = scheduleTable(s);
    expect(t.psums).toEqual([1, 2, 3, 4, 5, 8, 9, 10, 11, 12]);
    expect(t.rows.map((r) => r.join('|'))).toEqual(SKIP_ROWS);
    expect(scheduleTable(s, { columns: 'all' }).psums.length).toBe(12);
    expect(scheduleTable(s, { ready: true }).rows[4].at(-1)).toBe('#3 #4 #5');
  });

  it('text: one line per cycle under a header, aligned, with a summary', () => {
    const dense = formatFeieSchedule(feieSchedule(X, { S: 3 }));
    const lines = dense.split('\n');
    expect(lines[0]).toMatch(/^\s+row 1\s+row 2$/);
    expect(lines[1]).toMatch(/^Clock cycle \| Input \| #1 \| #2 .* \| #12$/);
    expect(lines.length).toBe(3 + 16 + 1);
    expect(lines[3].split('|').map((c) => c.trim())).toEqual(DENSE_ROWS[0].split('|'));
    expect(lines[18].split('|').map((c) => c.trim())).toEqual(DENSE_ROWS[15].split('|'));
    expect(lines.at(-1)).toBe('16 clock cycles on 3 PEs');
    // every cycle line has the same column positions
    const bars = (l: string) => [...l].map((c, i) => (c === '|' ? i : -1)).filter((i) => i >= 0);
    for (const l of lines.slice(3, 19)) expect(bars(l)).toEqual(bars(lines[1]).slice(0, bars(l).length));
    const skip = formatFeieSchedule(feieSchedule(XZ, { S: 3, skipZeros: true })).split('\n');
    expect(skip.length).toBe(3 + 10 + 1);
    expect(skip.at(-1)).toBe('10 clock cycles on 3 PEs');
    expect(skip[8].split('|').map((c) => c.trim())).toEqual(SKIP_ROWS[5].split('|'));
  });

  it('SVG: a well-formed grid, one row per cycle, one cell per psum, weights as in the table', () => {
    for (const [s, rows, cols] of [[feieSchedule(X, { S: 3 }), DENSE_ROWS, 12], [feieSchedule(XZ, { S: 3, skipZeros: true }), SKIP_ROWS, 10]] as const) {
      const svg = feieScheduleSvg(s);
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.endsWith('</svg>')).toBe(true);
      expect((svg.match(/<text/g) ?? []).length).toBe((svg.match(/<\/text>/g) ?? []).length);
      // grid cells: cycles x columns, plus one legend swatch per PE
      expect((svg.match(/<rect /g) ?? []).length).toBe(rows.length * cols + s.pes);
      const weights = rows.flatMap((r) => r.split('|').slice(2).filter((c) => c !== ''));
      const drawn = [...svg.matchAll(/text-anchor="middle">(W\d+)<\/text>/g)].map((m) => m[1]);
      expect(drawn).toEqual(weights);
      expect(svg).toContain(`${rows.length} clock cycles, 3 PEs`);
      // completed psums are outlined: one thick border per psum that completes
      expect((svg.match(/stroke-width="2"/g) ?? []).length).toBe(s.psums.filter((p) => p.readyAt !== null).length);
    }
    expect(feieScheduleSvg(feieSchedule(X, { S: 3 }), { title: 'a < b' })).toContain('a &lt; b');
  });

  it('refuses what is not a schedule', () => {
    expect(() => scheduleTable({} as never)).toThrow(ValueError);
    expect(() => formatFeieSchedule(feieSchedule(X, { S: 3 }), { columns: 'some' as never })).toThrow(ValueError);
  });
});

import { describe, expect, it } from 'vitest';
import { alignOptions, HELP_WIDTH } from '../../src/cli/help.js';

describe('alignOptions', () => {
  it('puts every description in one column, re-wraps continuation lines, leaves other text alone', () => {
    const help = [
      'Usage: x [options]',
      '',
      'Options:',
      '  --a <n>   first option',
      '  --longer-flag <value>  second option whose description is long enough that it has to be wrapped because it goes past the width',
      '                 and it continues here',
      '  -h, --help        this help',
      'Trailing text stays as it is, however it is indented.',
      '     like this line.',
    ].join('\n');
    const lines = alignOptions(help).split('\n');
    expect(lines.slice(0, 3)).toEqual(['Usage: x [options]', '', 'Options:']);
    const column = '  --longer-flag <value>  '.length;
    expect(lines[3]).toBe(`  --a <n>${' '.repeat(column - 9)}first option`);
    expect(lines[4].indexOf('second')).toBe(column);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(HELP_WIDTH);
    const cont = lines.slice(5, lines.indexOf('  -h, --help' + ' '.repeat(column - 12) + 'this help'));
    expect(cont.length).toBeGreaterThan(0);
    for (const l of cont) expect(l.startsWith(' '.repeat(column)) && l[column] !== ' ').toBe(true);
    expect(cont.join(' ')).toContain('and it continues here');
    expect(lines.slice(-2)).toEqual(['Trailing text stays as it is, however it is indented.', '     like this line.']);
  });

  it('caps the column: a very wide flag keeps two spaces before its text', () => {
    const out = alignOptions('  --a  x\n  --a-flag-wider-than-the-thirty-two-column-cap <v>  y').split('\n');
    expect(out[1]).toBe('  --a-flag-wider-than-the-thirty-two-column-cap <v>  y');
    expect(out[0]).toBe(`  --a${' '.repeat(32 - 5)}x`);
  });
});

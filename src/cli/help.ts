/**
 * Formatting of the CLI's help texts.
 * @module
 */

/**
 * Lines the option descriptions of a help text up in one column and re-wraps them to
 * {@link HELP_WIDTH}: the help texts are written by hand per command (plus the shared COMMON
 * lines), so their columns drifted apart. An option line is "  -x ..." or "  --flag ..." with its
 * description after two or more spaces; an indented line below one continues its description.
 * Flags wider than the column keep two spaces before their text.
 */
export function alignOptions(help: string): string {
  const MAX_COLUMN = 32;
  const option = /^ {2}(-\S.*?) {2,}(\S.*)$/;
  const lines = help.split('\n');
  const column = Math.min(MAX_COLUMN, Math.max(0, ...lines.map((l) => (option.exec(l)?.[1].length ?? -4) + 4)));
  const out: string[] = [];
  let entry: { flag: string; words: string[] } | undefined;
  const flush = (): void => {
    if (!entry) return;
    let line = `  ${entry.flag}${' '.repeat(Math.max(2, column - 2 - entry.flag.length))}`;
    let fresh = true;
    for (const word of entry.words) {
      if (!fresh && line.length + 1 + word.length > HELP_WIDTH) {
        out.push(line);
        line = ' '.repeat(column);
        fresh = true;
      }
      line += (fresh ? '' : ' ') + word;
      fresh = false;
    }
    out.push(line);
    entry = undefined;
  };
  for (const l of lines) {
    const m = option.exec(l);
    if (m) {
      flush();
      entry = { flag: m[1], words: m[2].split(/\s+/) };
    } else if (entry && /^ {5,}\S/.test(l)) {
      entry.words.push(...l.trim().split(/\s+/));
    } else {
      flush();
      out.push(l);
    }
  }
  flush();
  return out.join('\n');
}

/** Help text width (columns) that {@link alignOptions} wraps option descriptions to. */
export const HELP_WIDTH = 100;

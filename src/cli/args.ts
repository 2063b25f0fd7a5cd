/**
 * Shared argument handling of the CLI: the error type (exit code 2 = the user's arguments or
 * input files), name lookups with "did you mean", numbers, files and the seeded generator.
 * @module
 */
import { seededRandom } from '../util/random.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { nearest } from '../accel/schema.js';

/** A problem with the command line or an input file; `main` prints it and exits with `code`. */
export class CliError extends Error {
  /** Process exit code: 2 for bad arguments or input files. */
  readonly code: number;
  constructor(message: string, code = 2) {
    super(message);
    this.name = 'CliError';
    this.code = code;
  }
}

/** `'x' is not a <what>; did you mean 'y'? <what>s: a, b, c.` as a CliError. */
export function unknownName(what: string, value: string, known: readonly string[], extra = ''): CliError {
  const near = nearest(value, known);
  return new CliError(`unknown ${what} '${value}'${near ? `; did you mean '${near}'?` : '.'} Known ${what}s: ${known.join(', ')}.${extra ? ` ${extra}` : ''}`);
}

/** A whole number >= min from an option value (or the default when absent). */
export function intOption(name: string, v: string | undefined, dflt: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!/^\s*\d+\s*$/.test(v) || !Number.isInteger(n) || n < min || n > max) throw new CliError(`--${name} ${v} must be a whole number ${max < Number.MAX_SAFE_INTEGER ? `from ${min} to ${max}` : `>= ${min}`}.`);
  return n;
}

/** A density (fraction of non-zero values) in [0, 1], named by `where` in the error. */
export function densityValue(where: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new CliError(`${where} ${JSON.stringify(v)} is not a number: give the fraction of NON-zero values, 0 <= D <= 1 (e.g. 0.4 for 60 % zeros).`);
  if (n < 0 || n > 1) throw new CliError(`${where} ${v} is out of range: a density is the fraction of NON-zero values, 0 <= D <= 1 (e.g. 0.4 for 60 % zeros).`);
  return n;
}

/** True when `s` looks like a number (so `--density 0.5` is a value, not a file). */
export const isNumeric = (s: string): boolean => s.trim() !== '' && Number.isFinite(Number(s));

/** Reads a text file, or throws a CliError saying it is missing / not a file. */
export function readTextFile(path: string, what: string): string {
  if (!existsSync(path)) throw new CliError(`${what} file '${path}' not found. Check the path (relative paths start from ${process.cwd()}).`);
  if (!statSync(path).isFile()) throw new CliError(`${what} '${path}' is a directory, not a file.`);
  return readFileSync(path, 'utf8');
}

/** Reads a binary file (existence and file-ness checked, as readTextFile). */
export function readBinaryFile(path: string, what: string): Uint8Array {
  if (!existsSync(path)) throw new CliError(`${what} file '${path}' not found. Check the path (relative paths start from ${process.cwd()}).`);
  if (!statSync(path).isFile()) throw new CliError(`${what} '${path}' is a directory, not a file.`);
  return new Uint8Array(readFileSync(path));
}

/** Parses JSON text, turning a syntax error into a CliError naming the file, line and column. */
export function parseJsonFile(text: string, path: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    // Node 20 names the position only for some errors; else find the context V8 quotes ("...x": ws\n}").
    let pos = Number(/position (\d+)/.exec(msg)?.[1] ?? NaN);
    const ctx = /Unexpected token '([\s\S])', (\.\.\.)?"([\s\S]*?)"(?:\.\.\.)? is not valid JSON/.exec(msg);
    if (Number.isNaN(pos) && ctx && text.indexOf(ctx[3]) >= 0) pos = text.indexOf(ctx[3]) + ctx[3].indexOf(ctx[1], ctx[2] ? Math.min(10, ctx[3].length - 1) : 0);
    let where = '';
    if (!Number.isNaN(pos)) {
      const m = [, String(pos)];
      const before = text.slice(0, Number(m[1]));
      const line = before.split('\n').length;
      where = ` at line ${line}, column ${Number(m[1]) - before.lastIndexOf('\n')}`;
    }
    throw new CliError(`${what} file '${path}' is not valid JSON${where}: ${msg}`);
  }
}

export { seededRandom };

/**
 * Progress with ETA on stderr (cli-progress), shown only for work that lasts over a second: the
 * bar starts lazily on the first update after `delayMs`. On a terminal it redraws in place; when
 * stderr is not a terminal (CI logs, tests) it prints a progress line every two seconds instead.
 * @module
 */
import cliProgress from 'cli-progress';

/** What long-running commands report to; tests and `--quiet` use {@link silentProgress}. */
export interface Progress {
  /** Starts a task of `total` units (any unit: layers, MACs); `what` names it. */
  start(total: number, what: string): void;
  /** `done` units finished so far; `label` says what runs now. */
  update(done: number, label: string): void;
  /** Ends the task (completes the bar if it was shown). */
  stop(): void;
}

/** A progress sink that shows nothing. */
export const silentProgress: Progress = { start() {}, update() {}, stop() {} };

/** Options of {@link progressBar}. */
export interface ProgressBarOptions {
  /** Only show the bar once the task has run this long, ms. Default 1000. */
  delayMs?: number;
  stream?: NodeJS.WriteStream;
}

/** A cli-progress bar with ETA on stderr, shown once a task runs longer than `delayMs`. */
export function progressBar(options: ProgressBarOptions = {}): Progress {
  const delay = options.delayMs ?? 1000;
  const stream = options.stream ?? process.stderr;
  let bar: cliProgress.SingleBar | undefined;
  let t0 = 0;
  let total = 0;
  let what = '';
  // Our own ETA from the average rate since the start (cli-progress's needs several updates first).
  const eta = (done: number): string => {
    if (done <= 0) return '...';
    const s = ((performance.now() - t0) / 1000) * ((total - done) / done);
    return s >= 60 ? `${Math.floor(s / 60)}m${Math.round(s % 60)}s` : `${s.toFixed(1)}s`;
  };
  return {
    start(n, name) {
      t0 = performance.now();
      total = n;
      what = name;
      bar = undefined;
    },
    update(done, label) {
      if (!bar && performance.now() - t0 >= delay) {
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `${what} |{bar}| {percentage}% | ETA {etaText} | {label}`,
            hideCursor: false,
            noTTYOutput: !stream.isTTY,
            notTTYSchedule: 2000,
            etaBuffer: 20,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done, { label, etaText: eta(done) });
      }
      bar?.update(done, { label, etaText: eta(done) });
    },
    stop() {
      if (bar) {
        bar.update(total, { label: `done in ${((performance.now() - t0) / 1000).toFixed(1)} s`, etaText: '0s' });
        bar.stop();
      }
      bar = undefined;
    },
  };
}

/** The progress bar of long commands: cli-progress with our ETA, on the given stream only. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressBar } from '../../src/cli/progress.js';

/** A fake terminal stream that keeps what is written. */
function fakeTty(): { stream: NodeJS.WriteStream; text: () => string } {
  let out = '';
  const w = new Writable({ write(chunk, _enc, cb) { out += String(chunk); cb(); } });
  Object.assign(w, { isTTY: true, columns: 120, rows: 40, cursorTo: (_x: number, _y?: number, cb?: () => void) => { cb?.(); return true; }, clearLine: (_d: number, cb?: () => void) => { cb?.(); return true; }, moveCursor: (_x: number, _y: number, cb?: () => void) => { cb?.(); return true; } });
  return { stream: w as unknown as NodeJS.WriteStream, text: () => out };
}

describe('progressBar', () => {
  it('draws the bar with an ETA and the step label on its stream, and completes it on stop', () => {
    const t = fakeTty();
    const p = progressBar({ delayMs: 0, stream: t.stream });
    p.start(10, 'demo');
    p.update(5, 'half way');
    p.stop();
    expect(t.text()).toMatch(/demo \|.*\| 50% \| ETA \d+(\.\d)?s \| half way/);
    expect(t.text()).toMatch(/100% \| ETA 0s \| done in \d+\.\d s/);
  });

  it('shows nothing for a task shorter than its delay', () => {
    const t = fakeTty();
    const p = progressBar({ delayMs: 60_000, stream: t.stream });
    p.start(3, 'quick');
    p.update(1, 'one');
    p.stop();
    expect(t.text()).toBe('');
  });
});

/**
 * A small SVG plotting module for reports that render OFFLINE: plain SVG strings, no scripts, no
 * fonts or stylesheets to fetch. Scales (linear, log10) with "nice" ticks, axes with grid lines,
 * grouped and stacked bar charts, log-log scatter charts with lines (rooflines) and legends.
 * Every number placed in the SVG is rounded to 0.01 px so the output is deterministic.
 * @module
 */

/** Okabe-Ito colour-blind-safe palette (series colours in order). */
export const PALETTE: readonly string[] = Object.freeze(['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000']);

/** Escapes text for XML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

/** A pixel coordinate rounded to 0.01 (deterministic, short output). */
export const px = (v: number): string => String(Math.round(v * 100) / 100);

/** A scale from data to pixels. */
export interface Scale {
  (v: number): number;
  readonly kind: 'linear' | 'log';
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  /** Tick values inside the domain. */
  ticks(count?: number): number[];
}

/** "Nice" linear ticks (steps of 1, 2 or 5 x 10^k) covering [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** The upper end of `niceTicks(0, max)`: a round number >= max (1 for max <= 0). */
export function niceMax(max: number, count = 5): number {
  if (!(max > 0)) return 1;
  const t = niceTicks(0, max, count);
  const step = t.length > 1 ? t[1] - t[0] : max;
  return t[t.length - 1] >= max ? t[t.length - 1] : t[t.length - 1] + step;
}

/** A linear scale mapping `domain` onto `range` (pixels; range may be reversed for y axes). */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const f = ((v: number) => (d1 === d0 ? (r0 + r1) / 2 : r0 + ((v - d0) / (d1 - d0)) * (r1 - r0))) as Scale;
  return Object.assign(f, { kind: 'linear' as const, domain: [d0, d1] as const, range: [r0, r1] as const, ticks: (count = 5) => niceTicks(d0, d1, count) });
}

/** A log10 scale; the domain must be positive. Ticks are the powers of ten inside the domain. */
export function logScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  if (!(d0 > 0 && d1 > 0)) throw new RangeError(`logScale: domain [${d0}, ${d1}] must be positive.`);
  const l0 = Math.log10(d0);
  const l1 = Math.log10(d1);
  const [r0, r1] = range;
  const f = ((v: number) => (l1 === l0 ? (r0 + r1) / 2 : r0 + ((Math.log10(v) - l0) / (l1 - l0)) * (r1 - r0))) as Scale;
  const ticks = (): number[] => {
    const out: number[] = [];
    for (let k = Math.ceil(l0 - 1e-9); k <= Math.floor(l1 + 1e-9); k++) out.push(10 ** k);
    return out;
  };
  return Object.assign(f, { kind: 'log' as const, domain: [d0, d1] as const, range: [r0, r1] as const, ticks });
}

/** Decade bounds [10^floor(log10 min), 10^ceil(log10 max)] around positive values. */
export function decades(values: readonly number[]): [number, number] {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  if (pos.length === 0) return [1, 10];
  const lo = 10 ** Math.floor(Math.log10(Math.min(...pos)));
  let hi = 10 ** Math.ceil(Math.log10(Math.max(...pos)));
  if (hi <= lo) hi = lo * 10;
  return [lo, hi];
}

/** A tick label: 0.25, 40, 1.5K, 3M, 2G, 1T; powers of ten on log axes as 1e9 style when large. */
export function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  for (const [div, suf] of [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'K']] as const) {
    if (a >= div) return `${Number((v / div).toPrecision(3))}${suf}`;
  }
  return String(Number(v.toPrecision(3)));
}

/** Chart geometry: outer size and the plot area inside the margins. */
export interface Frame {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

const DEFAULT_FRAME: Frame = { width: 720, height: 340, margin: { top: 40, right: 170, bottom: 70, left: 70 } };

function frameOf(partial?: Partial<Frame>): Frame {
  return { ...DEFAULT_FRAME, ...partial, margin: { ...DEFAULT_FRAME.margin, ...partial?.margin } };
}

const inner = (f: Frame) => ({ x0: f.margin.left, x1: f.width - f.margin.right, y0: f.margin.top, y1: f.height - f.margin.bottom });

const text = (x: number, y: number, s: string, attrs = ''): string => `<text x="${px(x)}" y="${px(y)}"${attrs ? ` ${attrs}` : ''}>${escapeXml(s)}</text>`;

/** The y axis (ticks, labels, grid lines) of a plot area. */
function yAxis(scale: Scale, f: Frame, label: string, ticks = scale.ticks()): string {
  const { x0, x1, y0, y1 } = inner(f);
  const parts = [`<g class="axis y-axis">`, `<line x1="${px(x0)}" y1="${px(y0)}" x2="${px(x0)}" y2="${px(y1)}" stroke="#333"/>`];
  for (const t of ticks) {
    const y = scale(t);
    parts.push(`<g class="tick" data-value="${t}"><line x1="${px(x0)}" y1="${px(y)}" x2="${px(x1)}" y2="${px(y)}" stroke="#ddd"/><line x1="${px(x0 - 4)}" y1="${px(y)}" x2="${px(x0)}" y2="${px(y)}" stroke="#333"/>${text(x0 - 6, y + 4, formatTick(t), 'text-anchor="end"')}</g>`);
  }
  const cy = (y0 + y1) / 2;
  parts.push(text(16, cy, label, `text-anchor="middle" transform="rotate(-90 16 ${px(cy)})" class="axis-label"`), '</g>');
  return parts.join('');
}

/** A continuous x axis (log or linear). */
function xAxis(scale: Scale, f: Frame, label: string): string {
  const { x0, x1, y0, y1 } = inner(f);
  const parts = [`<g class="axis x-axis">`, `<line x1="${px(x0)}" y1="${px(y1)}" x2="${px(x1)}" y2="${px(y1)}" stroke="#333"/>`];
  for (const t of scale.ticks()) {
    const x = scale(t);
    parts.push(`<g class="tick" data-value="${t}"><line x1="${px(x)}" y1="${px(y0)}" x2="${px(x)}" y2="${px(y1)}" stroke="#eee"/><line x1="${px(x)}" y1="${px(y1)}" x2="${px(x)}" y2="${px(y1 + 4)}" stroke="#333"/>${text(x, y1 + 16, formatTick(t), 'text-anchor="middle"')}</g>`);
  }
  parts.push(text((x0 + x1) / 2, f.height - 12, label, 'text-anchor="middle" class="axis-label"'), '</g>');
  return parts.join('');
}

/** A legend: one coloured square and name per entry, stacked vertically from (x, y). */
export function legend(items: readonly { name: string; color: string; shape?: 'rect' | 'circle' | 'line' }[], x: number, y: number): string {
  const parts = ['<g class="legend">'];
  items.forEach((it, i) => {
    const yy = y + i * 18;
    const mark =
      it.shape === 'circle' ? `<circle cx="${px(x + 5)}" cy="${px(yy - 4)}" r="4" fill="${it.color}"/>`
      : it.shape === 'line' ? `<line x1="${px(x)}" y1="${px(yy - 4)}" x2="${px(x + 12)}" y2="${px(yy - 4)}" stroke="${it.color}" stroke-width="2"/>`
      : `<rect x="${px(x)}" y="${px(yy - 9)}" width="10" height="10" fill="${it.color}"/>`;
    parts.push(`<g class="legend-item">${mark}${text(x + 16, yy, it.name)}</g>`);
  });
  parts.push('</g>');
  return parts.join('');
}

function open(f: Frame, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${f.width}" height="${f.height}" viewBox="0 0 ${f.width} ${f.height}" font-family="sans-serif" font-size="11" role="img"><title>${escapeXml(title)}</title><rect width="${f.width}" height="${f.height}" fill="#fff"/>${text(f.margin.left, 20, title, 'font-size="14" font-weight="bold" class="chart-title"')}`;
}

/** One series of a bar chart: a value per category. */
export interface BarSeries {
  name: string;
  values: readonly number[];
  color?: string;
}

/** Options of {@link barChart}. */
export interface BarChartOptions {
  title: string;
  /** Category labels along x (e.g. layer names). */
  categories: readonly string[];
  series: readonly BarSeries[];
  /** Label of the y axis (with unit). */
  yLabel: string;
  /** `'grouped'` (default): series side by side; `'stacked'`: series on top of each other. */
  mode?: 'grouped' | 'stacked';
  /** Fixed upper end of the y axis (default: a round number above the largest bar). */
  yMax?: number;
  /** Log10 y axis (grouped mode only; zero/negative bars are not drawn). */
  yLog?: boolean;
  frame?: Partial<Frame>;
}

/**
 * A bar chart as an SVG string: grouped (series side by side per category) or stacked. Each bar is
 * a `<rect class="bar" data-series=".." data-category=".." data-value="..">` whose top edge is at
 * the y scale of its value (stack: cumulative), so tests can check the numbers are placed right.
 */
export function barChart(o: BarChartOptions): string {
  const f = frameOf(o.frame);
  const { x0, x1, y0, y1 } = inner(f);
  const mode = o.mode ?? 'grouped';
  const n = o.categories.length;
  const colors = o.series.map((s, i) => s.color ?? PALETTE[i % PALETTE.length]);
  const tops = o.categories.map((_, c) => (mode === 'stacked' ? o.series.reduce((s, se) => s + Math.max(0, se.values[c] ?? 0), 0) : Math.max(0, ...o.series.map((se) => se.values[c] ?? 0))));
  const log = o.yLog === true && mode === 'grouped';
  const y = log ? logScale(decades(o.series.flatMap((s) => [...s.values])), [y1, y0]) : linearScale([0, o.yMax ?? niceMax(Math.max(0, ...tops))], [y1, y0]);
  const band = (x1 - x0) / Math.max(1, n);
  const pad = band * 0.15;
  const parts = [open(f, o.title), yAxis(y, f, o.yLabel), `<line x1="${px(x0)}" y1="${px(y1)}" x2="${px(x1)}" y2="${px(y1)}" stroke="#333"/>`, '<g class="bars">'];
  const base = log ? y1 : y(0);
  for (let c = 0; c < n; c++) {
    const bx = x0 + c * band + pad;
    const bw = band - 2 * pad;
    let acc = 0;
    o.series.forEach((s, i) => {
      const v = s.values[c] ?? 0;
      let rx: number;
      let rw: number;
      let top: number;
      let bottom: number;
      if (mode === 'stacked') {
        rx = bx;
        rw = bw;
        bottom = y(acc);
        acc += Math.max(0, v);
        top = y(acc);
      } else {
        rw = bw / o.series.length;
        rx = bx + i * rw;
        if (log && !(v > 0)) return;
        top = y(v);
        bottom = base;
      }
      parts.push(`<rect class="bar" data-series="${escapeXml(s.name)}" data-category="${escapeXml(o.categories[c])}" data-value="${v}" x="${px(rx)}" y="${px(Math.min(top, bottom))}" width="${px(Math.max(0, rw))}" height="${px(Math.abs(bottom - top))}" fill="${colors[i]}"><title>${escapeXml(`${o.categories[c]} · ${s.name}: ${formatTick(v)}`)}</title></rect>`);
    });
  }
  parts.push('</g><g class="x-labels">');
  // Rotate category labels when they would collide.
  const rotate = n > 6 || o.categories.some((c) => c.length * 6 > band);
  o.categories.forEach((c, i) => {
    const cx = x0 + (i + 0.5) * band;
    parts.push(rotate ? text(cx, y1 + 10, c, `text-anchor="end" transform="rotate(-45 ${px(cx)} ${px(y1 + 10)})"`) : text(cx, y1 + 16, c, 'text-anchor="middle"'));
  });
  parts.push('</g>', legend(o.series.map((s, i) => ({ name: s.name, color: colors[i] })), x1 + 16, y0 + 10), '</svg>');
  return parts.join('');
}

/** A point of a {@link scatterChart}. */
export interface ScatterPoint {
  x: number;
  y: number;
  label?: string;
}

/** Options of {@link scatterChart}. */
export interface ScatterChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Point series (circles), one colour each. */
  series: readonly { name: string; points: readonly ScatterPoint[]; color?: string }[];
  /** Polylines (e.g. roofs), drawn under the points. */
  lines?: readonly { name: string; points: readonly ScatterPoint[]; color?: string; dashed?: boolean }[];
  /** Log10 axes (default true for both). */
  xLog?: boolean;
  yLog?: boolean;
  /** Fixed domains (default: decades around every point and line). */
  xDomain?: readonly [number, number];
  yDomain?: readonly [number, number];
  frame?: Partial<Frame>;
}

/**
 * A scatter chart with optional lines, log-log by default (a roofline: the roof as a line, each
 * layer as a point). Points are `<circle class="point" data-x=".." data-y="..">`; lines are
 * `<polyline class="line">`. Non-finite or (on log axes) non-positive values are left out.
 */
export function scatterChart(o: ScatterChartOptions): string {
  const f = frameOf(o.frame);
  const { x0, x1, y0, y1 } = inner(f);
  const xLog = o.xLog ?? true;
  const yLog = o.yLog ?? true;
  const ok = (v: number, log: boolean) => Number.isFinite(v) && (!log || v > 0);
  const all = [...o.series.flatMap((s) => s.points), ...(o.lines ?? []).flatMap((l) => l.points)].filter((p) => ok(p.x, xLog) && ok(p.y, yLog));
  const xd = o.xDomain ?? (xLog ? decades(all.map((p) => p.x)) : ([0, niceMax(Math.max(0, ...all.map((p) => p.x)))] as [number, number]));
  const yd = o.yDomain ?? (yLog ? decades(all.map((p) => p.y)) : ([0, niceMax(Math.max(0, ...all.map((p) => p.y)))] as [number, number]));
  const xs = xLog ? logScale(xd, [x0, x1]) : linearScale(xd, [x0, x1]);
  const ys = yLog ? logScale(yd, [y1, y0]) : linearScale(yd, [y1, y0]);
  const parts = [open(f, o.title), yAxis(ys, f, o.yLabel), xAxis(xs, f, o.xLabel)];
  const legendItems: { name: string; color: string; shape: 'circle' | 'line' }[] = [];
  (o.lines ?? []).forEach((l) => {
    const color = l.color ?? '#555';
    const pts = l.points.filter((p) => ok(p.x, xLog) && ok(p.y, yLog)).map((p) => `${px(xs(p.x))},${px(ys(p.y))}`).join(' ');
    parts.push(`<polyline class="line" data-name="${escapeXml(l.name)}" points="${pts}" fill="none" stroke="${color}" stroke-width="2"${l.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    legendItems.push({ name: l.name, color, shape: 'line' });
  });
  o.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    for (const p of s.points) {
      if (!ok(p.x, xLog) || !ok(p.y, yLog)) continue;
      parts.push(`<circle class="point" data-series="${escapeXml(s.name)}" data-x="${p.x}" data-y="${p.y}" cx="${px(xs(p.x))}" cy="${px(ys(p.y))}" r="4" fill="${color}" fill-opacity="0.8" stroke="#fff" stroke-width="0.5"><title>${escapeXml(`${p.label ?? ''} ${s.name}: x ${formatTick(p.x)}, y ${formatTick(p.y)}`.trim())}</title></circle>`);
    }
    legendItems.push({ name: s.name, color, shape: 'circle' });
  });
  parts.push(legend(legendItems, x1 + 16, y0 + 10), '</svg>');
  return parts.join('');
}

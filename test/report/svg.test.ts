/** The SVG plotting module: scales, ticks, well-formed output, numbers placed where they belong. */
import { describe, expect, it } from 'vitest';
import { barChart, decades, escapeXml, formatTick, linearScale, logScale, niceMax, niceTicks, scatterChart } from '../../src/report/svg.js';
import { roofPoints, simulationHtml } from '../../src/report/html.js';
import { ARCH_PRESETS, simulateNetwork } from '../../src/accel/index.js';
import { TOPOLOGIES, topologyData, topologyLayers } from '../../src/nets/index.js';
import { findAll, parseXml, textOf } from '../helpers/xml.js';

const num = (s: string | undefined) => Number(s);

describe('scales and ticks', () => {
  it('linear scale maps the domain onto the (reversed) range', () => {
    const y = linearScale([0, 200], [300, 100]);
    expect(y(0)).toBe(300);
    expect(y(200)).toBe(100);
    expect(y(50)).toBe(250);
  });
  it('log scale puts each decade at equal distance and ticks at powers of ten', () => {
    const x = logScale([0.1, 1000], [0, 400]);
    expect(x(0.1)).toBeCloseTo(0);
    expect(x(1)).toBeCloseTo(100);
    expect(x(1000)).toBeCloseTo(400);
    expect(x.ticks()).toEqual([0.1, 1, 10, 100, 1000]);
    expect(() => logScale([0, 10], [0, 1])).toThrow(/positive/);
  });
  it('nice ticks are steps of 1, 2 or 5 x 10^k without float noise', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 23, 5)).toEqual([0, 5, 10, 15, 20]);
    expect(niceTicks(0, 0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceMax(23)).toBe(25);
    expect(niceMax(0)).toBe(1);
    expect(decades([0.3, 45, 0, -1, Infinity])).toEqual([0.1, 100]);
  });
  it('tick labels use K/M/G/T suffixes', () => {
    expect([0, 0.25, 40, 1500, 3e6, 2e9, 1e12].map(formatTick)).toEqual(['0', '0.25', '40', '1.5K', '3M', '2G', '1T']);
  });
  it('escapes XML', () => {
    expect(escapeXml(`a<b & "c" 'd'>`)).toBe('a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;');
  });
});

describe('barChart', () => {
  const frame = { width: 600, height: 300, margin: { top: 40, right: 100, bottom: 60, left: 60 } };
  // Plot area: x 60..500, y 40..240.
  it('grouped bars: one rect per category x series, tops at the value on the y scale', () => {
    const svg = barChart({ title: 'Cycles <per> layer & more', categories: ['conv1', 'conv2', 'fc'], series: [{ name: 'dense', values: [100, 50, 10] }, { name: 'skip', values: [60, 20, 10] }], yLabel: 'cycles', yMax: 100, frame });
    const doc = parseXml(svg);
    expect(doc.name).toBe('svg');
    expect(doc.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(textOf(findAll(doc, 'title')[0])).toBe('Cycles <per> layer & more');
    const bars = findAll(doc, 'rect', 'bar');
    expect(bars).toHaveLength(6);
    for (const b of bars) {
      const v = num(b.attrs['data-value']);
      expect(num(b.attrs.y)).toBeCloseTo(240 - (v / 100) * 200, 1);
      expect(num(b.attrs.y) + num(b.attrs.height)).toBeCloseTo(240, 1);
    }
    // Category order along x, series side by side inside a category.
    const x = (c: string, s: string) => num(bars.find((b) => b.attrs['data-category'] === c && b.attrs['data-series'] === s)!.attrs.x);
    expect(x('conv1', 'dense')).toBeLessThan(x('conv1', 'skip'));
    expect(x('conv1', 'skip')).toBeLessThan(x('conv2', 'dense'));
    expect(x('conv2', 'skip')).toBeLessThan(x('fc', 'dense'));
    // Axis ticks 0..100 and a legend entry per series.
    expect(findAll(doc, 'g', 'tick').map((t) => num(t.attrs['data-value']))).toEqual([0, 20, 40, 60, 80, 100]);
    expect(findAll(doc, 'g', 'legend-item').map(textOf)).toEqual(['dense', 'skip']);
  });
  it('stacked bars sit on top of each other; default y max is a round number above the tallest stack', () => {
    const svg = barChart({ title: 'Energy', categories: ['a', 'b'], series: [{ name: 'MAC', values: [10, 5] }, { name: 'DRAM', values: [30, 40] }], yLabel: 'energy', mode: 'stacked', frame });
    const doc = parseXml(svg);
    const ticks = findAll(doc, 'g', 'tick').map((t) => num(t.attrs['data-value']));
    const yMax = ticks[ticks.length - 1];
    expect(yMax).toBe(50);
    const bars = findAll(doc, 'rect', 'bar');
    const get = (c: string, s: string) => bars.find((b) => b.attrs['data-category'] === c && b.attrs['data-series'] === s)!;
    const mac = get('b', 'MAC');
    const dram = get('b', 'DRAM');
    expect(num(mac.attrs.y) + num(mac.attrs.height)).toBeCloseTo(240, 1);
    expect(num(dram.attrs.y) + num(dram.attrs.height)).toBeCloseTo(num(mac.attrs.y), 1); // DRAM starts where MAC ends
    expect(num(dram.attrs.y)).toBeCloseTo(240 - (45 / 50) * 200, 1);
    expect(mac.attrs.x).toBe(dram.attrs.x);
  });
});

describe('scatterChart (roofline)', () => {
  it('places points and the roof on log-log axes', () => {
    const frame = { width: 600, height: 300, margin: { top: 40, right: 100, bottom: 60, left: 60 } };
    const roof = roofPoints(1e3, 10, 1, 1000);
    expect(roof).toEqual([{ x: 1, y: 10 }, { x: 100, y: 1000 }, { x: 1000, y: 1000 }]);
    const svg = scatterChart({ title: 'Roofline', xLabel: 'ops/byte', yLabel: 'ops/s', series: [{ name: 'layers', points: [{ x: 10, y: 100, label: 'conv1' }, { x: Infinity, y: 5 }] }], lines: [{ name: 'roof', points: roof }], xDomain: [1, 1000], yDomain: [10, 1000], frame });
    const doc = parseXml(svg);
    const pts = findAll(doc, 'circle', 'point');
    expect(pts).toHaveLength(1); // the infinite one is left out
    // x: 3 decades over 440 px -> 10 at 60 + 440/3; y: 2 decades over 200 px -> 100 at 140.
    expect(num(pts[0].attrs.cx)).toBeCloseTo(60 + 440 / 3, 1);
    expect(num(pts[0].attrs.cy)).toBeCloseTo(140, 1);
    const line = findAll(doc, 'polyline', 'line')[0];
    const coords = line.attrs.points.split(' ').map((p) => p.split(',').map(Number));
    expect(coords).toHaveLength(3);
    expect(coords[0][0]).toBeCloseTo(60, 1);
    expect(coords[0][1]).toBeCloseTo(240, 1);
    expect(coords[1][0]).toBeCloseTo(60 + (2 * 440) / 3, 1); // the knee at 100 ops/byte
    expect(coords[1][1]).toBeCloseTo(40, 1);
    expect(findAll(doc, 'g', 'x-axis')[0].children.filter((c) => c.attrs.class === 'tick').map((t) => num(t.attrs['data-value']))).toEqual([1, 10, 100, 1000]);
  });
});

describe('simulationHtml', () => {
  it('is one well-formed, script-free page with every chart', () => {
    const t = TOPOLOGIES.alexnet;
    const runs = (['zascad', 'zascas'] as const).map((d) => ({ dataflow: d, title: d, report: simulateNetwork('alexnet', topologyLayers(t), { ...ARCH_PRESETS.zasca, dataflow: d }, topologyData(t)) }));
    const html = simulationHtml({ title: 'alexnet <on> zasca', notes: ['a & b'], runs });
    const doc = parseXml(html);
    expect(doc.name).toBe('html');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    const figs = findAll(doc, 'figure');
    expect(figs.map((f) => f.attrs.id)).toEqual(['cycles', 'utilization', 'roofline', 'energy-totals', 'energy-zascad', 'energy-zascas']);
    const cycles = findAll(figs[0], 'rect', 'bar');
    expect(cycles).toHaveLength(2 * runs[0].report.layers.length);
    expect(num(cycles[0].attrs['data-value'])).toBe(runs[0].report.layers[0].cycles.total);
    expect(findAll(figs[2], 'circle', 'point')).toHaveLength(2 * runs[0].report.layers.length);
  });
});

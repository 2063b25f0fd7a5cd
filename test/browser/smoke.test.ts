/**
 * Browser smoke test: the BUILT package (dist/index.js + wasm/) loaded by a plain ES-module page,
 * no bundler, in headless Debian Chromium through playwright-core. It checks build selection
 * (Chromium ships relaxed SIMD, so 'relaxed' must be chosen), all three builds bit-exact against
 * the reference, a wasm served with the wrong MIME type, the error for an HTML 404 page, and the
 * sparse / binary / network surface (prepared network, automatic kernel choice, CSR, XNOR GEMM)
 * giving the same bits in the page as in Node.
 */
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reluRef } from '../../src/reference/index.js';
import { expectAllAgree, fillInts, rng } from '../helpers/engines.js';
import * as macflow from '../../src/index.js';

const CHROMIUM = '/usr/bin/chromium';
const root = fileURLToPath(new URL('../../', import.meta.url));

const MIME: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};
const NOT_FOUND = '<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>';

// Only what a page using the package needs is served: the built package and its one dependency.
const STATIC_PREFIXES = ['/dist/', '/wasm/', '/node_modules/@assemblyscript/loader/'];

const N = 45;
const ZERO_POINT = -3;
const input = fillInts(new Int8Array(N), -128, 127, rng(2026));

// The page: an import map for the bare specifiers, then plain module code. It runs relu on every
// build and leaves the results in window.smoke for the test to read.
const PAGE = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>macflow smoke</title>
<script type="importmap">
{ "imports": { "macflow": "/dist/index.js", "@assemblyscript/loader": "/node_modules/@assemblyscript/loader/index.js" } }
</script>
<script type="module">
import * as mf from 'macflow';
window.mf = mf;
const data = new Int8Array(${JSON.stringify(Array.from(input))});
const run = (e) => {
  const y = mf.relu(e, { data, shape: [${N}] }, { zeroPoint: ${ZERO_POINT} });
  const out = Array.from(y.toArray());
  y.dispose();
  return { isa: e.isa, buildIsa: e.kernels.buildIsa(), caps: e.capabilities(), relu: out };
};
try {
  const best = await mf.init();
  const simd = await mf.init({ isa: 'simd' });
  const scalar = await mf.init({ isa: 'scalar' });
  window.smoke = { detect: mf.detectIsas(), best: run(best), simd: run(simd), scalar: run(scalar) };
} catch (e) {
  window.smoke = { error: String(e && e.stack || e) };
}
</script></head><body>macflow smoke</body></html>`;

let server: Server;
let base: string;
let context: BrowserContext | undefined;
let page: Page;
let profile: string | undefined;
const requests: { path: string; status: number; type: string }[] = [];
const pageErrors: string[] = [];

function send(res: import('node:http').ServerResponse, path: string, status: number, type: string, body: string | Buffer): void {
  requests.push({ path, status, type });
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function startServer(): Promise<Server> {
  const realRoot = realpathSync(root);
  const s = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/' || path === '/index.html') return send(res, path, 200, MIME['.html'], PAGE);
    const wrong = /^\/wrong-mime\/(macflow-(?:scalar|simd|relaxed)\.wasm)$/.exec(path);
    if (wrong) return send(res, path, 200, 'application/octet-stream', readFileSync(join(root, 'wasm', wrong[1])));
    if (STATIC_PREFIXES.some((p) => path.startsWith(p))) {
      const file = normalize(join(realRoot, path));
      if (file.startsWith(realRoot + sep) && existsSync(file)) {
        return send(res, path, 200, MIME[extname(file)] ?? 'application/octet-stream', readFileSync(file));
      }
    }
    // Anything else, including /404-route: an HTML 404 page, as most servers and dev servers send.
    return send(res, path, 404, MIME['.html'], NOT_FOUND);
  });
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}

interface Run {
  isa: string;
  buildIsa: number;
  caps: { isa: string; forced: boolean; origin: string; where: string; available: Record<string, boolean>; runtime: string };
  relu: number[];
}
interface Smoke {
  error?: string;
  detect: Record<string, boolean>;
  best: Run;
  simd: Run;
  scalar: Run;
}
let smoke: Smoke;
let setupError: unknown;

/** Every test starts here: a setup failure (no Chromium, no build) fails each test, never skips it. */
function ready(): void {
  if (setupError !== undefined) throw setupError;
}

async function setup(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: the browser smoke test needs Debian's chromium. Install it with \`apt-get install -y chromium\` (.ci/run does this).`);
  }
  for (const f of ['dist/index.js', 'wasm/macflow-relaxed.wasm']) {
    if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run \`npm run build\` (the vitest globalSetup should have).`);
  }
  server = await startServer();
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  profile = mkdtempSync(join(tmpdir(), 'macflow-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${base}/`);
  await page.waitForFunction(() => (window as unknown as { smoke?: unknown }).smoke !== undefined, undefined, { timeout: 15_000 });
  smoke = (await page.evaluate(() => (window as unknown as { smoke: unknown }).smoke)) as Smoke;
}

beforeAll(async () => {
  // A throwing beforeAll would make vitest report the tests as skipped; keep the error for them.
  try {
    await setup();
  } catch (e) {
    setupError = e;
  }
}, 30_000);

afterAll(async () => {
  await context?.close();
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/**
 * One scenario run both in the page and in Node (source passed as text: no closures, plain JS):
 * LeNet-5 prepared and run dense and zero-skipping, conv2dAuto on pruned weights through
 * AutoWeights (CSR chosen) and on sparse activations (zero-skip chosen), an XNOR GEMM.
 */
async function sparseScenario(mf: any, e: any): Promise<any> {
  let seed = 7;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / 16777216;
  const pixels = Float32Array.from({ length: 784 }, (_, i) => ((i * 37) % 255) / 255);
  const g = mf.calibrateGraph(e, mf.lenet5Graph({ seed: 3 }), [pixels]);
  const q = g.input.quant;
  const xt = mf.quantize(e, { data: pixels, shape: g.input.shape }, { dtype: 'int8', scale: q.scale, zeroPoint: q.zeroPoint });
  const x = xt.toArray();
  xt.dispose();
  const net: Record<string, number[]> = {};
  for (const zeroSkip of [false, true]) {
    const p = mf.prepareNetwork(e, g, { zeroSkip });
    net[String(zeroSkip)] = Array.from(p.run(x).output.data);
    p.dispose();
  }
  const H = 10, C = 24, M = 32;
  const xs = Uint8Array.from({ length: H * H * C }, () => (rnd() < 0.7 ? 0 : 1 + Math.floor(rnd() * 255)));
  const ws = Int8Array.from({ length: M * 9 * C }, () => (rnd() < 0.9 ? 0 : Math.floor(rnd() * 255) - 127));
  const rq = { xScale: 0.02, wScale: 0.01, yScale: 0.2, activation: 'relu' };
  const aw = mf.packAutoWeights(e, { data: ws, shape: [M, 3, 3, C] });
  const a = mf.conv2dAuto(e, { data: xs, shape: [1, H, H, C] }, aw, { pads: 1, requantize: rq });
  const wd = Int8Array.from({ length: M * 9 * C }, () => Math.floor(rnd() * 255) - 127);
  const b = mf.conv2dAuto(e, { data: xs, shape: [1, H, H, C] }, { data: wd, shape: [M, 3, 3, C] }, { pads: 1, requantize: rq });
  const auto = { csrRan: a.ran, csr: Array.from(a.y.toArray()), zsRan: b.ran, zs: Array.from(b.y.toArray()) };
  a.y.dispose();
  b.y.dispose();
  aw.dispose();
  const signs = (n: number) => Float32Array.from({ length: n }, () => (rnd() < 0.5 ? -1 : 1));
  const pa = mf.packBits(e, { data: signs(5 * 130), shape: [5, 130] });
  const pb = mf.packBits(e, { data: signs(7 * 130), shape: [7, 130] });
  const xg = mf.binaryGemm(e, pa, pb);
  const xnor = Array.from(xg.toArray());
  xg.dispose();
  pa.dispose();
  pb.dispose();
  return { isa: e.isa, net, auto, xnor, live: e.heap.liveCount };
}

describe('browser (plain ESM page, headless Chromium)', () => {
  it('loads the built package and picks the relaxed build', () => {
    ready();
    expect(smoke.error, 'page error').toBeUndefined();
    expect(pageErrors).toEqual([]);
    expect(smoke.detect).toEqual({ scalar: true, simd: true, relaxed: true });
    expect(smoke.best.caps).toMatchObject({ isa: 'relaxed', forced: false, origin: 'packaged', where: `${base}/wasm/macflow-relaxed.wasm` });
    expect(smoke.best.caps.runtime).toMatch(/Chrome/);
    expect(requests).toContainEqual({ path: '/wasm/macflow-relaxed.wasm', status: 200, type: 'application/wasm' });
  });

  it('runs relu bit-exact on every build', () => {
    ready();
    expect([smoke.best, smoke.simd, smoke.scalar].map((r) => [r.isa, r.buildIsa, r.caps.forced])).toEqual([
      ['relaxed', 2, false],
      ['simd', 1, true],
      ['scalar', 0, true],
    ]);
    expectAllAgree('relu in Chromium', reluRef(input, ZERO_POINT), { relaxed: smoke.best.relu, simd: smoke.simd.relu, scalar: smoke.scalar.relu });
  });

  it('loads a wasm served with the wrong MIME type', async () => {
    ready();
    const r = await page.evaluate(async () => {
      const mf = (window as unknown as { mf: typeof import('../../src/index.js') }).mf;
      const e = await mf.init({ wasm: '/wrong-mime/macflow-simd.wasm' });
      const y = mf.relu(e, { data: new Int8Array([-7, 0, 9]), shape: [3] });
      return { caps: e.capabilities(), y: Array.from(y.toArray()) };
    });
    expect(r.caps).toMatchObject({ isa: 'simd', origin: 'url', where: `${base}/wrong-mime/macflow-simd.wasm` });
    expect(r.y).toEqual([0, 0, 9]);
    expect(requests).toContainEqual({ path: '/wrong-mime/macflow-simd.wasm', status: 200, type: 'application/octet-stream' });
  });

  it('prepared network, automatic kernel choice, CSR and XNOR GEMM give the same bits as in Node', async () => {
    ready();
    const inPage = await page.evaluate(async (src) => {
      const mf = (window as unknown as { mf: any }).mf;
      const e = await mf.init();
      const before = e.heap.liveCount;
      const r = await new Function(`return (${src})`)()(mf, e);
      return { ...r, leaked: r.live - before };
    }, sparseScenario.toString());
    const e = await macflow.init({ isa: 'relaxed' });
    const inNode = await sparseScenario(macflow, e);
    expect(inPage.isa).toBe('relaxed');
    expect(inPage.leaked).toBe(0);
    expect(inPage.auto.csrRan).toBe('csr');
    expect(inPage.auto.zsRan).toBe('zeroskip');
    expect(inPage.net.true).toEqual(inPage.net.false);
    expect({ net: inPage.net, auto: inPage.auto, xnor: inPage.xnor }).toEqual({ net: inNode.net, auto: inNode.auto, xnor: inNode.xnor });
    expect(pageErrors).toEqual([]);
  });

  it('explains an HTML 404 page served instead of the wasm', async () => {
    ready();
    const r = await page.evaluate(async () => {
      const mf = (window as unknown as { mf: typeof import('../../src/index.js') }).mf;
      try {
        await mf.init({ wasm: '/404-route' });
        return { resolved: true, name: '', message: '', isWasmLoadError: false };
      } catch (e) {
        const err = e as Error;
        return { resolved: false, name: err.name, message: err.message, isWasmLoadError: err instanceof mf.WasmLoadError };
      }
    });
    expect(r.resolved, 'init must reject').toBe(false);
    expect(r).toMatchObject({ name: 'WasmLoadError', isWasmLoadError: true });
    expect(r.message).toMatch(/404-route \(HTTP 404\) returned an HTML page \(first bytes 3c 21 44 4f/);
    expect(r.message).toMatch(/most likely a 404 page/);
    expect(r.message).toMatch(/init\(\{ wasm:/);
  });
});

/**
 * Loading the right .wasm without user configuration: Node reads it from disk, browsers fetch it
 * (streaming compile, falling back to bytes when the server sends the wrong MIME type). Users can
 * hand over a URL, the bytes or a compiled `WebAssembly.Module` instead.
 * @module
 */
import { WasmLoadError } from '../errors.js';
import { isNode, type Isa } from './detect.js';

/** Where a build's binary comes from: a URL (or URL string), the bytes, or a compiled module. */
export type WasmSource = string | URL | ArrayBuffer | ArrayBufferView | WebAssembly.Module;

/** How a module was obtained, for {@link Capabilities}. */
export type WasmOrigin = 'packaged' | 'url' | 'bytes' | 'module';

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
const hex = (b: Uint8Array) => Array.from(b.subarray(0, 4), (x) => x.toString(16).padStart(2, '0')).join(' ');

/** Refuses bytes that are not WebAssembly, saying what they look like and how to fix it. */
export function checkWasmBytes(bytes: Uint8Array, where: string): void {
  if (bytes.length >= 4 && MAGIC.every((m, i) => bytes[i] === m)) return;
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
  const fix =
    'serve the package\'s wasm/ folder (node_modules/macflow/wasm/) at that address, or pass the binary explicitly: init({ wasm: new URL(...) | bytes | WebAssembly.Module }), or import the inlined build.';
  if (bytes.length === 0) throw new WasmLoadError('init', `${where} returned an empty body instead of WebAssembly.`, fix);
  if (head.startsWith('<')) {
    throw new WasmLoadError(
      'init',
      `${where} returned an HTML page (first bytes ${hex(bytes)}, "${head.slice(0, 15)}...") instead of WebAssembly (00 61 73 6d): most likely a 404 page or a dev server's index.html fallback.`,
      fix,
    );
  }
  throw new WasmLoadError('init', `${where} is not WebAssembly: expected magic bytes 00 61 73 6d, found ${hex(bytes)}.`, fix);
}

async function compileBytes(bytes: Uint8Array, where: string): Promise<WebAssembly.Module> {
  checkWasmBytes(bytes, where);
  try {
    return await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    throw new WasmLoadError(
      'init',
      `${where} could not be compiled (${(e as Error).message}).`,
      'the file may be truncated or built for features this runtime lacks; force another build with init({ isa: "scalar" }).',
    );
  }
}

async function readUrl(url: URL): Promise<WebAssembly.Module> {
  const where = url.protocol === 'data:' ? `a data: URL (${url.href.length} characters)` : url.href;
  if (url.protocol === 'file:' && isNode()) {
    // process.getBuiltinModule keeps `node:fs` out of the static graph that browser bundlers see.
    const proc = (globalThis as unknown as { process: { getBuiltinModule?: (id: string) => unknown } }).process;
    const fs = proc.getBuiltinModule?.('node:fs/promises') as
      | { readFile(u: URL): Promise<Uint8Array> }
      | undefined;
    if (!fs) {
      throw new WasmLoadError('init', `cannot read ${where}: this Node.js lacks process.getBuiltinModule.`, 'use Node.js >= 20.16, or pass the bytes: init({ wasm: fs.readFileSync(path) }).');
    }
    let bytes: Uint8Array;
    try {
      bytes = await fs.readFile(url);
    } catch (e) {
      throw new WasmLoadError('init', `cannot read ${where} (${(e as Error).message}).`, 'run `npm run build:wasm` in a source checkout, or reinstall the package so that its wasm/ folder exists.');
    }
    return compileBytes(bytes, where);
  }
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new WasmLoadError('init', `fetching ${where} failed (${(e as Error).message}).`, 'check the address, or pass the binary: init({ wasm: bytes | WebAssembly.Module }).');
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (!response.ok && !(bytes.length >= 4 && bytes[0] === 0)) {
    checkWasmBytes(bytes, `${where} (HTTP ${response.status})`);
    throw new WasmLoadError('init', `${where} answered HTTP ${response.status}.`, 'serve the package\'s wasm/ folder at that address or pass init({ wasm }).');
  }
  // Bytes rather than compileStreaming: it works whatever MIME type the server sends.
  return compileBytes(bytes, where);
}

/** Resolves a source (or, without one, the packaged binary of `isa`) to a compiled module. */
export async function loadModule(isa: Isa, source: WasmSource | undefined, packaged: ((isa: Isa) => URL) | undefined): Promise<{ module: WebAssembly.Module; origin: WasmOrigin; where: string }> {
  if (source === undefined) {
    if (!packaged) throw new WasmLoadError('init', `no binary was given for the ${isa} build.`, 'pass init({ wasm: url | bytes | WebAssembly.Module }), or import init from the main entry, which knows where the packaged binaries are.');
    const url = packaged(isa);
    return { module: await readUrl(url), origin: 'packaged', where: url.href };
  }
  if (source instanceof WebAssembly.Module) return { module: source, origin: 'module', where: 'WebAssembly.Module' };
  if (typeof source === 'string' || source instanceof URL) {
    let url: URL;
    try {
      url = new URL(source, (globalThis as { location?: { href: string } }).location?.href);
    } catch {
      throw new WasmLoadError('init', `${JSON.stringify(String(source))} is not a valid URL.`, 'pass an absolute URL (file:, http:, https:) or a URL object.');
    }
    return { module: await readUrl(url), origin: 'url', where: url.protocol === 'data:' ? 'data: URL' : url.href };
  }
  if (source instanceof ArrayBuffer) return { module: await compileBytes(new Uint8Array(source), 'the given bytes'), origin: 'bytes', where: 'bytes' };
  if (ArrayBuffer.isView(source)) {
    const bytes = new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
    return { module: await compileBytes(bytes, 'the given bytes'), origin: 'bytes', where: 'bytes' };
  }
  throw new WasmLoadError('init', `wasm source of type ${typeof source} is not supported.`, 'pass a URL, a URL string, an ArrayBuffer / Uint8Array, or a WebAssembly.Module.');
}

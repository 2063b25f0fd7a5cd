import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { init, UnsupportedError, ValueError, WasmLoadError } from '../../src/index.js';

describe('init', () => {
  it('picks the best build and says why', async () => {
    const e = await init();
    const caps = e.capabilities();
    expect(caps.isa).toBe('relaxed');
    expect(caps.available).toEqual({ scalar: true, simd: true, relaxed: true });
    expect(caps.forced).toBe(false);
    expect(caps.reason).toMatch(/best build/);
    expect(caps.origin).toBe('packaged');
    expect(caps.threads).toBe(1);
  });

  it('can be forced', async () => {
    for (const isa of ['scalar', 'simd', 'relaxed'] as const) {
      const e = await init({ isa });
      expect(e.capabilities()).toMatchObject({ isa, forced: true });
      expect(e.kernels.buildIsa()).toBe({ scalar: 0, simd: 1, relaxed: 2 }[isa]);
    }
  });

  it('accepts bytes, URLs and compiled modules', async () => {
    const url = new URL('../../wasm/macflow-simd.wasm', import.meta.url);
    const bytes = readFileSync(url);
    expect((await init({ wasm: bytes })).capabilities()).toMatchObject({ isa: 'simd', origin: 'bytes' });
    expect((await init({ wasm: url })).capabilities()).toMatchObject({ isa: 'simd', origin: 'url' });
    const module = await WebAssembly.compile(bytes);
    expect((await init({ wasm: module })).capabilities()).toMatchObject({ isa: 'simd', origin: 'module' });
    expect((await init({ wasm: { scalar: new URL('../../wasm/macflow-scalar.wasm', import.meta.url) } })).isa).toBe('scalar');
  });

  it('explains an HTML page served instead of the wasm', async () => {
    const html = new TextEncoder().encode('<!DOCTYPE html><html><body>404 Not Found</body></html>');
    await expect(init({ wasm: html })).rejects.toThrow(WasmLoadError);
    await expect(init({ wasm: html })).rejects.toThrow(/HTML page .*3c 21 44 4f.*404/);
    await expect(init({ wasm: new Uint8Array([1, 2, 3, 4]) })).rejects.toThrow(/expected magic bytes 00 61 73 6d, found 01 02 03 04/);
    await expect(init({ wasm: new URL('file:///nonexistent/macflow.wasm') })).rejects.toThrow(/cannot read file:\/\/\/nonexistent/);
  });

  it('refuses a wrong build or option with a typed error', async () => {
    const scalarBytes = readFileSync(new URL('../../wasm/macflow-scalar.wasm', import.meta.url));
    await expect(init({ isa: 'simd', wasm: scalarBytes })).rejects.toThrow(/is the scalar build, not simd/);
    await expect(init({ isa: 'avx' as never })).rejects.toThrow(ValueError);
    await expect(init({ maxMemoryBytes: 10 })).rejects.toThrow(/maxMemoryBytes/);
    expect(UnsupportedError).toBeDefined();
  });
});

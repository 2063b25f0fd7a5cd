import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Rebuilds wasm/ and dist/ first if they are missing or older than the sources.
    globalSetup: ['test/setup/build.ts'],
    pool: 'forks',
    // Node 20 runs relaxed SIMD only behind this flag; with it every test covers all three builds.
    execArgv: ['--experimental-wasm-relaxed-simd'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

/** The README's usage example must run as written (with the package name mapped to the sources). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('README', () => {
  it('the first TypeScript example runs and prints what it says', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme);
    expect(block, 'README has a ```ts example').not.toBeNull();
    const src = new URL('../../src/index.ts', import.meta.url).href;
    const code = block![1].replace(/from 'macflow'/g, `from '${src}'`);
    const logs: unknown[][] = [];
    const log = (...args: unknown[]) => logs.push(args);
    // Run the example as an async module body with console.log captured.
    const imports = [...code.matchAll(/^import \{([^}]*)\} from '([^']+)';$/gm)];
    const body = code.replace(/^import .*$/gm, '');
    const mod = await import(imports[0][2]);
    const names = imports[0][1].split(',').map((n) => n.trim());
    const fn = new Function(...names, 'console', `return (async () => {${body}})();`);
    await fn(...names.map((n) => mod[n]), { log });
    expect(logs).toHaveLength(2);
    expect(logs[1][0]).toEqual([1, 24, 24, 20]);
    // 25 taps x 200 x 3 = 15000; real 15000 / 255 * 0.02 = 1.176; / (6 / 255) = 50.
    expect(logs[1][1]).toBe(50);
  });
});

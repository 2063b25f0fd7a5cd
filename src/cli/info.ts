/**
 * `macflow info`: builds, the selected one and why, runtime, the kernel registry.
 * @module
 */
import { KERNELS } from '../kernels/registry.js';
import type { Capabilities } from '../runtime/engine.js';
import type { Isa } from '../runtime/detect.js';
import { init } from '../runtime/packaged.js';

export interface InfoResult {
  capabilities: Capabilities;
  kernels: { name: string; family: string; summary: string; vectorised: readonly string[] }[];
}

export async function runInfo(options: { isa?: Isa }): Promise<InfoResult> {
  const engine = await init({ isa: options.isa });
  return {
    capabilities: engine.capabilities(),
    kernels: KERNELS.map((k) => ({ name: k.name, family: k.family, summary: k.summary, vectorised: k.vectorised })),
  };
}

export function formatInfo(r: InfoResult): string {
  const c = r.capabilities;
  const lines = [
    `runtime    ${c.runtime}`,
    `build      ${c.isa} (${c.reason})`,
    `available  ${Object.entries(c.available).map(([k, v]) => `${k} ${v ? 'yes' : 'no'}`).join(', ')}`,
    `binary     ${c.origin}: ${c.where}`,
    `threads    ${c.threads}`,
    `memory     ${c.memoryBytes} bytes now, at most ${c.maxMemoryBytes}`,
    '',
    `kernels (${r.kernels.length}):`,
    ...r.kernels.map((k) => `  ${k.name.padEnd(22)} ${k.family.padEnd(7)} ${k.vectorised.length ? 'vectorised' : 'scalar    '}  ${k.summary}`),
  ];
  return `${lines.join('\n')}\n`;
}

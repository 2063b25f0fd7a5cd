import { beforeAll, describe, expect, it } from 'vitest';
import { KERNELS, kernelName, type Engine } from '../../src/index.js';
import { allEngines } from '../helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await allEngines();
});

describe('kernel registry', () => {
  it('every registered kernel is a function export of every build, names are unique', () => {
    expect(new Set(KERNELS.map((k) => k.name)).size).toBe(KERNELS.length);
    for (const e of engines) {
      for (const k of KERNELS) {
        expect(typeof (e.kernels as unknown as Record<string, unknown>)[k.export], `${kernelName(k, e.isa)} -> ${k.export}`).toBe('function');
      }
    }
  });
});

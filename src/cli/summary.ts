/**
 * `macflow summary <network>`: the seed-style cost table (memory, parameters, MACs per layer).
 * @module
 */
import { networkSummary, type NetworkSummary } from '../nets/summary.js';
import { TOPOLOGIES } from '../nets/topologies.js';
import { unknownName } from './args.js';

/** The JSON output of `macflow summary` (schema: `CLI_OUTPUT_SCHEMAS.summary`). */
export interface SummaryResult extends NetworkSummary {
  schemaVersion: number;
  command: 'summary';
  source: string;
}

/** The summary of a built-in network (did-you-mean on unknown names). */
export function runSummary(network: string): SummaryResult {
  if (!(network in TOPOLOGIES)) throw unknownName('network', network, Object.keys(TOPOLOGIES));
  const topo = TOPOLOGIES[network as keyof typeof TOPOLOGIES];
  return { schemaVersion: 1, command: 'summary', source: topo.source, ...networkSummary(topo) };
}

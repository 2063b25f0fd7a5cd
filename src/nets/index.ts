/**
 * Networks: built-in topologies (as data) and the network summary.
 * @module
 */
export {
  TOPOLOGIES, resolveTopology, topologyLayers, topologyData, topologyCsv,
  type Topology, type TopologyLayer, type TopologyConv, type TopologyFc, type TopologyPool, type TopologyAdd, type TopologyPads, type ResolvedTopologyLayer,
} from './topologies.js';
export { networkSummary, formatSummary, shortCount, groupedCount, SUMMARY_BYTES_PER_VALUE, type NetworkSummary, type SummaryRow } from './summary.js';

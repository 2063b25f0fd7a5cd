/**
 * Networks: built-in topologies (as data) and the network summary.
 * @module
 */
export {
  TOPOLOGIES, resolveTopology, topologyLayers, topologyData, topologyCsv,
  type Topology, type TopologyLayer, type TopologyConv, type TopologyFc, type TopologyPool, type TopologyAdd, type TopologyPads, type ResolvedTopologyLayer,
} from './topologies.js';
export { networkSummary, formatSummary, shortCount, groupedCount, SUMMARY_BYTES_PER_VALUE, type NetworkSummary, type SummaryRow } from './summary.js';
export {
  inferGraph, graphFromTopology, lenet5Graph, resnetBlocksGraph, seededRandom, nodeOp, GRAPH_OPS, SOFTMAX_QUANT, RESNET_BLOCKS_TOPOLOGY,
  type Graph, type GraphNode, type GraphNodeBase, type GraphQuant, type GraphActivation, type ConvNode, type DenseNode, type PoolNode, type GlobalAvgPoolNode,
  type ReluNode, type ClampNode, type AddNode, type FlattenNode, type SoftmaxNode, type NodeInfo, type GraphInfo, type GraphFromTopologyOptions,
} from './graph.js';
export {
  runNetwork, calibrateGraph, prepareNetwork, PreparedNetwork,
  type RunNetworkOptions, type NetworkRun, type LayerRun, type NetworkAcceleratorReport, type CalibrateGraphOptions,
  type PrepareNetworkOptions, type PreparedRunOptions, type PreparedLayerWeights,
} from './run.js';
export { parseOnnxModel, ONNX_SUPPORTED_OPS, ONNX_MAX_DIM, type ParseOnnxOptions, type OnnxModel } from './onnx.js';
export { protoFields, protoVarint, protoInt64, protoPackedInt64s, type ProtoField } from './protobuf.js';

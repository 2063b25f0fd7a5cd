/**
 * Quantisation helpers: parameters (N-bit, symmetric/asymmetric, narrow range), quantize /
 * dequantize on an engine (Wasm), calibration from samples, offline weight and bias quantisation.
 * Convention (gemmlowp): real = scale * (q - zeroPoint); rounding: half to even; saturate.
 * @module
 */
export {
  quantParams,
  nbitRange,
  symmetricZeroPoint,
  resolveScheme,
  MIN_SCALE,
  type QDType,
  type QuantScheme,
  type TensorQuant,
  type ChannelQuant,
  type QuantParamsOptions,
  type ResolvedScheme,
} from './params.js';
export { quantize, dequantize } from './quantize.js';
export { calibrate, percentileRank, type CalibrateOptions } from './calibrate.js';
export { quantizeWeights, quantizeBias, type QuantizeWeightsOptions, type QuantizedWeights } from './weights.js';
export { binarize, ternarize, type BinaryQuantOptions, type TernaryQuantOptions, type BinaryWeights } from './binary.js';

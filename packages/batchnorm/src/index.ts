import type { LayerFactory } from '@gradwell/core';
import { BatchNorm } from './batch-norm-layer';
import { BatchRenorm } from './batch-renorm';
import { GroupNorm } from './group-norm';
import { LayerNorm } from './layer-norm';
import { MeanOnlyBatchNorm } from './mean-only-batch-norm';
import { WeightNormConv2d, WeightNormDense } from './weight-norm';

export {
  batchNorm,
  normalizeBatchInTraining,
  type BatchNormParameters,
  type BatchStatistics,
  type NormalizeOptions,
} from './batch-norm';
export { BatchNorm, batchNormalization, type BatchNormArgs } from './batch-norm-layer';
export { LayerNorm, layerNormalization, type LayerNormArgs } from './layer-norm';
export { GroupNorm, groupNormalization, type GroupNormArgs } from './group-norm';
export { BatchRenorm, batchRenormalization, type BatchRenormArgs } from './batch-renorm';
export {
  MeanOnlyBatchNorm,
  meanOnlyBatchNormalization,
  type MeanOnlyBatchNormArgs,
} from './mean-only-batch-norm';
export {
  WeightNormConv2d,
  WeightNormDense,
  isWeightNormalized,
  kernelNorms,
  weightNormConv2d,
  weightNormDense,
  weightNormKernel,
} from './weight-norm';
export { initializeWeightNorm, type WeightNormInitReport } from './weight-norm-init';
export { distributionSnapshot, quantile, type FeatureDistribution } from './distribution-snapshot';
export { stopGradient } from './stop-gradient';

/** The normalisation layers, for the trainer's layer registry. */
export const NORMALIZATION_LAYER_FACTORIES: ReadonlyArray<readonly [string, LayerFactory]> = [
  ['BatchNorm', (config) => BatchNorm.fromConfig(config)],
  ['LayerNorm', (config) => LayerNorm.fromConfig(config)],
  ['GroupNorm', (config) => GroupNorm.fromConfig(config)],
  ['BatchRenorm', (config) => BatchRenorm.fromConfig(config)],
  ['MeanOnlyBatchNorm', (config) => MeanOnlyBatchNorm.fromConfig(config)],
  ['WeightNormDense', (config, resolvers) => WeightNormDense.fromConfig(config, resolvers)],
  ['WeightNormConv2d', (config, resolvers) => WeightNormConv2d.fromConfig(config, resolvers)],
];

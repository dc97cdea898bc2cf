export { type GradwellInitializer, type RandomArgument } from './initializer';
export { constant, normal, ones, truncatedNormal, uniform, zeros } from './basic';
export {
  fanIn,
  glorotNormal,
  glorotSigmoidUniform,
  glorotStandard,
  glorotUniform,
  heNormal,
  heUniform,
  lecunNormal,
  lecunUniform,
  targetVariance,
  varianceScaling,
  type Distribution,
  type FanMode,
  type GlorotOptions,
  type HeOptions,
  type VarianceScalingOptions,
} from './variance-scaling';
export { identity, orthogonal, orthonormalColumns } from './orthogonal';
export { getInitializer, initializerFromConfig, listInitializerAliases, listInitializers } from './registry';
export { initializerFor } from './gain';
export { lsuv, type LsuvLayerReport, type LsuvOptions } from './lsuv';
export {
  copyWeights,
  freezeLayers,
  getWeightMap,
  reinitializeHead,
  reinitializeLayers,
  unfreezeLayers,
  type CopyWeightsOptions,
  type CopyWeightsReport,
} from './transfer';
export { activationStatistics, histogram, type Histogram, type LayerStatistics } from './statistics';
export { computeFans } from '@gradwell/core';

import type { LayerFactory } from '@gradwell/core';
import { DropConnectDense } from './drop-connect';
import { DropoutLayer } from './dropout-layers';

export { l1, l1l2, l2, type WeightPenalty } from './penalties';
export {
  DecoupledWeightDecay,
  withDecoupledWeightDecay,
  type DecoupledWeightDecayOptions,
} from './weight-decay';
export {
  applyConstraint,
  clipWeights,
  maxNorm,
  nonNeg,
  unitNorm,
  type WeightConstraint,
} from './constraints';
export { alphaDropout, dropout, gaussianDropout, keepMask } from './dropout';
export {
  alphaDropoutLayer,
  DropoutLayer,
  dropoutLayer,
  gaussianDropoutLayer,
  spatialDropout,
  type DropoutArgs,
  type DropoutKind,
} from './dropout-layers';
export { DropConnectDense, type DropConnectArgs } from './drop-connect';
export { smoothLabels, softmaxCrossEntropy, type CrossEntropyOptions } from './label-smoothing';
export { confidencePenalty, softmaxEntropy, type ConfidencePenaltyOptions } from './confidence-penalty';
export {
  combineAuxiliaryLosses,
  withAuxiliaryHeads,
  WithAuxiliaryHeads,
  type AuxiliaryHead,
  type AuxiliaryOutputs,
} from './auxiliary-classifiers';
export { earlyStopping, EarlyStopping, monitorMode, type EarlyStoppingOptions } from './early-stopping';

/** The regularisation layers, for the trainer's layer registry . */
export const REGULARIZATION_LAYER_FACTORIES: ReadonlyArray<readonly [string, LayerFactory]> = [
  ['Dropout', (config) => DropoutLayer.fromConfig('dropout', config)],
  ['SpatialDropout', (config) => DropoutLayer.fromConfig('spatial', config)],
  ['GaussianDropout', (config) => DropoutLayer.fromConfig('gaussian', config)],
  ['AlphaDropout', (config) => DropoutLayer.fromConfig('alpha', config)],
  ['DropConnectDense', (config, resolvers) => DropConnectDense.fromConfig(config, resolvers)],
];

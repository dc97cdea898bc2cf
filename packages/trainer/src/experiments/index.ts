export type { CurvePoint, ExperimentData } from './common';
export {
  depthExperiment,
  type DepthExperimentOptions,
  type DepthExperimentResult,
  type DepthRun,
} from './depth';
export {
  dropoutExperiment,
  type DropoutExperimentOptions,
  type DropoutExperimentResult,
  type RegularisationRun,
} from './dropout';
export {
  labelSmoothingExperiment,
  type LabelSmoothingOptions,
  type LabelSmoothingResult,
  type SmoothingRun,
} from './label-smoothing';
export {
  earlyStoppingExperiment,
  type EarlyStoppingExperimentOptions,
  type EarlyStoppingResult,
} from './early-stopping';
export { expectedCalibrationError } from './calibration';
export {
  initExperiment,
  INIT_SCHEMES,
  type InitExperimentOptions,
  type InitRun,
  type KernelGradientStatistics,
  type InitScheme,
} from './init';
export { heProofExperiment, type HeProofLayer, type HeProofOptions } from './he-proof';
export {
  activationsExperiment,
  DEFAULT_COMPARED_ACTIVATIONS,
  type ActivationRun,
  type ActivationsExperimentOptions,
} from './activations';
export { dyingReluExperiment, inactiveShare, type DyingReluOptions, type DyingReluRun } from './dying-relu';
export {
  inputScaleExperiment,
  type InputScaleOptions,
  type InputScaleResult,
  type InputScaleRow,
} from './input-scale';
export {
  batchNormExperiment,
  type BatchNormCurvePoint,
  type BatchNormExperimentOptions,
  type BatchNormExperimentResult,
  type BatchNormRun,
} from './batch-norm';

export {
  model,
  Model,
  modelFromConfig,
  layerRegistry,
  type ModelArgs,
  type ModelSummary,
  type SummaryRow,
} from './model';
export {
  activation,
  conv2d,
  dense,
  dropConnect,
  initializerChoiceOf,
  maxout,
  type Conv2dSpec,
  type DenseSpec,
  type DropConnectSpec,
  type MaxoutSpec,
} from './layers';
export {
  chooseKernelInitializer,
  resolveActivation,
  resolveInitializer,
  TRAINER_RESOLVERS,
  type ActivationSpec,
  type InitializerChoice,
  type InitializerSpec,
} from './resolve';
export {
  binaryCrossEntropy,
  getLoss,
  huber,
  listLosses,
  meanAbsoluteError,
  meanSquaredError,
  softmaxCrossEntropy,
  type HuberOptions,
  type Loss,
  type SoftmaxCrossEntropyOptions,
} from './losses';
export { argMaxAccuracy, binaryAccuracy, type LossAccuracy } from './accuracy';
export {
  createOptimizer,
  defaultLearningRate,
  disposeOptimizer,
  getLearningRate,
  OPTIMIZER_NAMES,
  resolveOptimizer,
  setLearningRate,
  type OptimizerName,
  type OptimizerSpec,
} from './optimizers';
export { FusedAdamOptimizer, FusedMomentumOptimizer, FusedSgdOptimizer } from './fused-optimizers';
export { FusedAdagradOptimizer, FusedRMSPropOptimizer } from './fused-adaptive-optimizers';
export { LambOptimizer } from './lamb-optimizer';
export { LarsOptimizer } from './lars-optimizer';
export { clipByGlobalNorm, globalNormOf } from './gradient-clipping';
export {
  cosineDecay,
  exponentialDecay,
  linearWarmup,
  oneCycle,
  stepDecay,
  type LearningRateSchedule,
} from './schedules';
export {
  reduceLearningRateOnPlateau,
  ReduceLearningRateOnPlateau,
  type LearningRateReduction,
  type ReduceLearningRateOnPlateauOptions,
} from './plateau';
export {
  disposeOptimizerState,
  getOptimizerState,
  setOptimizerState,
  type OptimizerState,
} from './optimizer-state';
export { fit } from './training/fit';
export type {
  Augmenter,
  DiagnosticsOptions,
  EpochPosition,
  EpochProgress,
  FitOptions,
  ResumeFrom,
  Trainable,
  TrainerCallbackContext,
  TrainingRun,
  TrainingState,
} from './training/fit-types';
export {
  createWeightAverager,
  type AveragingState,
  type WeightAverager,
  type WeightAveragingOptions,
} from './training/weight-averaging';
export { createGradientAccumulator, type GradientAccumulator } from './training/gradient-accumulation';
export { evaluate, predict, type EvaluateOptions } from './evaluate';
export {
  estimateBatchNormStatistics,
  type BatchNormEstimate,
  type BatchNormEstimateOptions,
} from './batch-norm-statistics';
export {
  classificationReport,
  confidentMistakes,
  confusionMatrix,
  endsInSoftmax,
  mostConfused,
  type Confusion,
  type ClassFigures,
  type ClassificationReport,
  type Mistake,
} from './confusion';
export {
  calibration,
  calibrationReport,
  type CalibrationOptions,
  type CalibrationReport,
  type ReliabilityBin,
} from './calibration';
export { fitTemperature, probabilitiesAt, temperatureForLogits, type TemperatureFit } from './temperature';
export {
  activationDiagnostics,
  completeDiagnostics,
  DIAGNOSTICS_COLUMNS,
  diagnosticsRows,
  flagChanges,
  layerGradientNorms,
  layerUpdateRatios,
  type DiagnosticFlag,
  type DiagnosticsColumn,
  type DiagnosticsReport,
  type DiagnosticThresholds,
  type LayerDiagnostics,
  type LayerFlagChanges,
} from './diagnostics';
export { diagnoseModel, type DiagnoseOptions } from './training/diagnose';
export { stallDetector, type StallDetector, type StallDetectorOptions } from './stall-detector';
export type { StallCause, StallCauseReport, StallReport } from './stall-causes';
export {
  learningRateRangeTest,
  rangeTestRate,
  steepestDescent,
  type LearningRatePoint,
  type LearningRateRangeOptions,
  type LearningRateRangeResult,
} from './lr-range-test';
export { locateNonFinite, TrainingDivergedError, type NonFiniteReport } from './nan-guard';
export {
  CHECKPOINT_FORMAT_VERSION,
  CheckpointError,
  checkpointLabel,
  decodeModel,
  disposeCheckpoint,
  encodeCheckpoint,
  encodeModel,
  loadCheckpoint,
  saveCheckpoint,
  type CheckpointContent,
  type CheckpointFiles,
  type CheckpointStore,
  type LoadedCheckpoint,
} from './checkpoint';
export { loadModel, saveModel, type ModelLocation } from './interop/model-io';
export { readLayersModel, writeLayersModel, type WriteOptions } from './interop/layers-model';
export { ModelFileError, type ModelFileProblem } from './interop/model-file-error';
export { KerasExportError } from './interop/keras-export';
export {
  GRADWELL_LAYER_CLASSES,
  registerLayersInterop,
  type TfjsLayersModule,
} from './interop/layers-interop';
export { downloadCheckpoint, indexedDbStore } from './browser-stores';
export { memoryStore } from './memory-store';
export {
  callback,
  checkpointCallback,
  formatEpochLogs,
  progressLogger,
  type CheckpointCallbackOptions,
} from './callbacks';
export { earlyStopping, EarlyStopping, type EarlyStoppingOptions } from '@gradwell/regularizers';
export {
  arrayDataset,
  batchStream,
  hostDataset,
  tensorDataset,
  type Batch,
  type BatchStream,
  type Dataset,
  type TensorDataset,
  type TensorDatasetOptions,
} from './data/dataset';
export { splitDataset, subset } from './data/subsets';
export { blobs, spirals, type BlobsOptions, type SpiralsOptions } from './data/synthetic';
export {
  datasetFromIdx,
  datasetFromPixels,
  FASHION_MNIST_LABELS,
  MNIST_CLASSES,
  type ImageSetOptions,
} from './data/digits';
export { decodeIdx, parseIdxHeader, type IdxHeader } from './data/idx';
export { cnnPreset, mlpPreset, type RecipeOptions } from './presets';
export * from './experiments';

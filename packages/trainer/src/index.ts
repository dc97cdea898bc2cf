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
  listLosses,
  meanSquaredError,
  softmaxCrossEntropy,
  type Loss,
  type SoftmaxCrossEntropyOptions,
} from './losses';
export {
  clipByGlobalNorm,
  cosineDecay,
  createOptimizer,
  disposeOptimizer,
  disposeOptimizerState,
  exponentialDecay,
  getLearningRate,
  getOptimizerState,
  globalNormOf,
  linearWarmup,
  OPTIMIZER_NAMES,
  setLearningRate,
  setOptimizerState,
  stepDecay,
  type LearningRateSchedule,
  type OptimizerName,
  type OptimizerSpec,
  type OptimizerState,
} from './optimizers';
export {
  evaluate,
  fit,
  predict,
  type Augmenter,
  type DiagnosticsOptions,
  type EvaluateOptions,
  type FitOptions,
  type ResumeFrom,
  type Trainable,
  type TrainerCallbackContext,
  type TrainingRun,
  type TrainingState,
} from './fit';
export {
  activationDiagnostics,
  completeDiagnostics,
  layerGradientNorms,
  layerUpdateRatios,
  locateNonFinite,
  TrainingDivergedError,
  type DiagnosticFlag,
  type DiagnosticsReport,
  type DiagnosticThresholds,
  type LayerDiagnostics,
  type NonFiniteReport,
} from './diagnostics';
export {
  assignWeights,
  CHECKPOINT_FORMAT_VERSION,
  decodeModel,
  disposeCheckpoint,
  encodeCheckpoint,
  encodeModel,
  loadCheckpoint,
  loadModel,
  saveCheckpoint,
  saveModel,
  type CheckpointContent,
  type CheckpointFiles,
  type CheckpointStore,
  type LoadedCheckpoint,
} from './checkpoint';
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
  splitDataset,
  subset,
  tensorDataset,
  type Batch,
  type BatchStream,
  type Dataset,
  type TensorDataset,
  type TensorDatasetOptions,
} from './data/dataset';
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

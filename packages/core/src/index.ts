export {
  setupBackend,
  type BackendName,
  type BackendReport,
  type SetupBackendOptions,
} from './backend/setup-backend';
export { registerGradients, listGradientConfigs } from './gradients/register-gradients';
export {
  installTrainingKernels,
  uninstallTrainingKernels,
  trainingKernelsInstalled,
  listTrainingKernels,
} from './kernels/install-training-kernels';
export {
  setSimdKernels,
  simdKernelsAvailable,
  simdKernelsFlavour,
  type SimdFlavour,
} from './kernels/simd/simd-kernels';
export {
  fusedAdagradUpdate,
  fusedAdamUpdate,
  fusedMomentumUpdate,
  fusedRmspropUpdate,
  fusedSgdUpdate,
  type AdagradStepCoefficients,
  type AdamStepCoefficients,
  type MomentumStepCoefficients,
  type RmspropStepCoefficients,
  type SgdStepCoefficients,
} from './kernels/fused-updates';
export { biasRelu } from './gradients/bias-relu';
export { softmaxCrossEntropyWithLogits } from './gradients/softmax-cross-entropy';
export {
  hasInitializationHint,
  serializeActivation,
  serializeInitializer,
  type ActivationFunction,
  type InitializationHint,
  type RecommendedInit,
  type FusableActivation,
  type Initializer,
  type ObjectResolvers,
  type SerializedObject,
} from './contracts';
export {
  checkCallback,
  checkCallbacks,
  createCallbackContext,
  runCallbacks,
  type CallbackContext,
  type TrainingCallback,
  type TrainingLogs,
  type TrainingParams,
} from './callbacks';
export {
  assertKnownOptions,
  assertRequiredOptions,
  createRegistry,
  UnknownNameError,
  editDistance,
  findNearestName,
  optionKeys,
  type Registry,
  type RegisterOptions,
} from './registry';
export {
  assertRandomSource,
  createRandom,
  getGlobalRandom,
  setGlobalSeed,
  type RandomSource,
  type RandomState,
} from './random';
export * from './validation';
export {
  BaseLayer,
  hasPreActivation,
  serializeLayer,
  type ApplyContext,
  type HasPreActivation,
  type Layer,
  type LayerWeight,
} from './layers/layer';
export {
  computeFans,
  constantInitializer,
  glorotUniformInitializer,
  uniformInitializer,
  zerosInitializer,
} from './layers/default-initializers';
export { ActivationLayer } from './layers/activation';
export { AFFINE_FIELDS, AffineLayer, type AffineArgs } from './layers/affine-layer';
export {
  choiceField,
  defineLayerConfig,
  field,
  optionalField,
  type ChoiceField,
  type ConfigField,
  type ConfigFieldKind,
  type LayerConfig,
  type LayerConfigArgs,
} from './layers/layer-config';
export { Dense, DENSE_FIELDS, type DenseArgs } from './layers/dense';
export {
  Conv2d,
  CONV2D_FIELDS,
  convOutputLength,
  type Conv2dArgs,
  type Padding,
  type PoolWindows,
} from './layers/conv2d';
export { DepthwiseConv2d, type DepthwiseConv2dArgs } from './layers/depthwise-conv2d';
export {
  AvgPool2d,
  avgPool2d,
  Flatten,
  flatten,
  GlobalAveragePool,
  globalAveragePool,
  MaxPool2d,
  maxPool2d,
  type Pool2dArgs,
} from './layers/pooling';
export { Sequential, sequential, type LayerFactory, type SequentialArgs } from './layers/sequential';
export { createLayerRegistry, CORE_LAYER_FACTORIES } from './layers/core-layers';

export {
  ACTIVATION_PLUGIN_SPEC_VERSION,
  defineActivation,
  type Activation,
  type ActivationOptions,
  type ActivationPlugin,
  type ActivationDefinition,
  type PaperReference,
} from './define-activation';
export * from './registry';
export { BUILT_IN_ACTIVATIONS } from './catalogue';
export { SELU_ALPHA, SELU_SCALE } from './catalogue/selu';
export { deadUnitFraction, saturationFraction } from './diagnostics';
export { calculateGain } from './gain';
export * from './learnable';

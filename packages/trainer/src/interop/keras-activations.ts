/**
 * gradwell's activations in the tfjs-layers/Keras format. An activation tfjs-layers computes the same way
 * is written by its name (`relu`, `gelu`); any other (leaky ReLU, CELU, hard sigmoid — whose Keras 2 /
 * tfjs-layers definition 0.2x + 0.5 differs from gradwell's relu6(x + 3)/6 —, non-default options,
 * plugins) as `{ class_name: 'GradwellActivation', config: { name, options } }`, which tfjs-layers reads
 * after `registerLayersInterop`. The Keras names are those of Keras 2 (tf_keras), which the TensorFlow.js
 * converter uses.
 */
import type { ActivationFunction } from '@gradwell/core';
import { getActivation, listActivations, type ActivationOptions } from '@gradwell/activations';
import { ModelFileError } from './model-file-error';

/** The class name of gradwell's activations in tfjs-layers (registered by `registerLayersInterop`). */
export const GRADWELL_ACTIVATION_CLASS = 'GradwellActivation';

/**
 * gradwell name → the tfjs-layers name (camelCase, as tfjs-layers' `getActivation` takes it) of the
 * same function with gradwell's default options; the options a standard name stands for.
 */
const STANDARD: Record<string, { tfjs: string; options?: ActivationOptions }> = {
  linear: { tfjs: 'linear' },
  relu: { tfjs: 'relu' },
  relu6: { tfjs: 'relu6' },
  elu: { tfjs: 'elu', options: { alpha: 1 } },
  selu: { tfjs: 'selu' },
  sigmoid: { tfjs: 'sigmoid' },
  tanh: { tfjs: 'tanh' },
  softplus: { tfjs: 'softplus' },
  softsign: { tfjs: 'softsign' },
  swish: { tfjs: 'swish', options: { beta: 1 } },
  mish: { tfjs: 'mish' },
  gelu: { tfjs: 'gelu', options: { approximate: 'none' } },
  softmax: { tfjs: 'softmax', options: { axis: -1 } },
  logSoftmax: { tfjs: 'logSoftmax', options: { axis: -1 } },
};

/** tfjs-layers names that name a gradwell activation with options. */
const FROM_TFJS: Record<string, { name: string; options?: ActivationOptions }> = {
  ...Object.fromEntries(
    Object.entries(STANDARD).map(([name, { tfjs, options }]) => [tfjs, { name, options }]),
  ),
  geluNew: { name: 'gelu', options: { approximate: 'tanh' } },
  silu: { name: 'swish' },
};

/**
 * The tfjs names that Keras 2 (tf_keras) also knows, as activation strings. (relu6 is Keras's
 * `ReLU(max_value=6)` layer instead; log-softmax and the GELU tanh approximation have no Keras 2 name.)
 */
const KERAS_ACTIVATIONS = new Set([
  'linear',
  'relu',
  'elu',
  'selu',
  'sigmoid',
  'tanh',
  'softplus',
  'softsign',
  'swish',
  'mish',
  'gelu',
  'softmax',
]);

function sameOptions(given: ActivationOptions, standard: ActivationOptions | undefined): boolean {
  const keys = new Set([...Object.keys(given), ...Object.keys(standard ?? {})]);
  return [...keys].every((key) => given[key] === standard?.[key]);
}

function optionsOf(activation: ActivationFunction): ActivationOptions {
  return (activation.getConfig?.() ?? {}) as ActivationOptions;
}

/** The tfjs-layers identifier of an activation: its standard name, or a GradwellActivation config. */
export function activationToLayers(
  activation: ActivationFunction | undefined,
): string | Record<string, unknown> {
  if (activation === undefined) return 'linear';
  const options = optionsOf(activation);
  const standard = STANDARD[activation.name];
  if (standard !== undefined && sameOptions(options, standard.options)) return standard.tfjs;
  return { className: GRADWELL_ACTIVATION_CLASS, config: { name: activation.name, options } };
}

/** Whether an activation is written with a name Keras 2 knows too, so that Keras can load it. */
export function hasKerasActivationName(activation: ActivationFunction | undefined): boolean {
  const identifier = activationToLayers(activation);
  return typeof identifier === 'string' && KERAS_ACTIVATIONS.has(identifier);
}

/** A gradwell activation from a tfjs-layers identifier (camelCase, as read from a file). */
export function activationFromLayers(identifier: unknown, where: string): ActivationFunction {
  if (identifier === null || identifier === undefined) return getActivation('linear');
  if (typeof identifier === 'string') {
    const known = FROM_TFJS[identifier];
    if (known !== undefined) return getActivation(known.name, known.options ?? {});
    throw new ModelFileError(
      'unknown-class',
      `${where}: unknown activation '${identifier}'; known: ${Object.keys(FROM_TFJS).sort().join(', ')}.`,
    );
  }
  const config = identifier as { className?: unknown; config?: { name?: unknown; options?: unknown } };
  if (config.className === GRADWELL_ACTIVATION_CLASS && typeof config.config?.name === 'string') {
    const name = config.config.name;
    if (!listActivations().includes(name))
      throw new ModelFileError(
        'unknown-class',
        `${where}: the activation '${name}' is not registered here (a plugin?); register it with registerActivation before loading. Known: ${listActivations().join(', ')}.`,
      );
    return getActivation(name, (config.config.options ?? {}) as ActivationOptions);
  }
  throw new ModelFileError('unknown-class', `${where}: unknown activation ${JSON.stringify(identifier)}.`);
}

/**
 * The Keras route: a model written with Keras 2's standard classes only (what the TensorFlow.js converter
 * turns into a Keras model). Where a layer at inference equals a standard one it is written as that layer
 * — DropConnect as the Dense with its weights; a dense or conv layer whose activation Keras spells as a
 * layer (relu6, leaky ReLU, ELU with its α) as the layer with a linear activation followed by Keras's
 * ReLU(max_value=6) / LeakyReLU / ELU. Any other layer without a Keras counterpart is refused, one line per
 * layer saying what it is and what to use instead.
 */
import type { ActivationFunction } from '@gradwell/core';
import { hasKerasActivationName } from './keras-activations';
import { ModelFileError } from './model-file-error';

/** A written layer: class, config (JavaScript spelling, with name), weights left as they are. */
export interface WrittenLayer {
  className: string;
  config: Record<string, unknown>;
  /** The gradwell activation of a dense/conv layer or an activation layer (undefined for others). */
  activation?: ActivationFunction;
}

/** Thrown by a Keras export of a model with layers Keras does not have: `problems` has one line per layer. */
export class KerasExportError extends ModelFileError {
  constructor(readonly problems: string[]) {
    super(
      'unknown-class',
      `this model cannot be exported for Keras:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

/** gradwell layers with no Keras counterpart, and what to use instead. */
const NO_KERAS: Record<string, string> = {
  GradwellMaxout: 'maxout has no Keras layer; use Dense with a relu/leaky ReLU activation instead',
  GradwellSReLU: 'SReLU has no Keras layer (keras-contrib had one); use PReLU or LeakyReLU',
  GradwellBatchRenorm:
    'batch renormalisation has no Keras 2 layer of this form; use batch norm (BatchNorm) instead',
};

/** Activations Keras writes as a layer after a linear dense/conv layer. */
function activationLayerFor(
  activation: ActivationFunction,
): { className: string; config: Record<string, unknown> } | undefined {
  const options = (activation.getConfig?.() ?? {}) as Record<string, number>;
  if (activation.name === 'relu6') return { className: 'ReLU', config: { maxValue: 6 } };
  if (activation.name === 'leakyRelu') return { className: 'LeakyReLU', config: { alpha: options.alpha } };
  if (activation.name === 'elu') return { className: 'ELU', config: { alpha: options.alpha } };
  return undefined;
}

const AFFINE = new Set(['Dense', 'Conv2D', 'DepthwiseConv2D', 'GradwellDropConnectDense']);

/** The layers as Keras 2 writes them, or a KerasExportError listing every layer that has no Keras form. */
export function toKerasLayers(
  layers: readonly WrittenLayer[],
): Array<{ className: string; config: Record<string, unknown> }> {
  const problems: string[] = [];
  const out: Array<{ className: string; config: Record<string, unknown> }> = [];
  for (const layer of layers) {
    const name = String(layer.config.name);
    const label = `${name} (${layer.className})`;
    if (NO_KERAS[layer.className] !== undefined) {
      problems.push(`${label}: ${NO_KERAS[layer.className]}.`);
      continue;
    }
    let { className, config } = layer;
    if (className === 'GradwellDropConnectDense') {
      // At inference DropConnect is the expectation over masks: the plain weights, a Dense.
      const { rate: _rate, seed: _seed, ...dense } = config;
      className = 'Dense';
      config = dense;
    }
    const activation = layer.activation;
    const needsLayer = activation !== undefined && !hasKerasActivationName(activation);
    if (needsLayer && AFFINE.has(layer.className)) {
      const separate = activationLayerFor(activation);
      if (separate === undefined) {
        problems.push(
          `${label}: its activation '${activation.name}' has no Keras 2 form; train it with a Keras activation (relu, elu, selu, gelu, swish, mish, tanh, sigmoid, softplus, softsign, softmax).`,
        );
        continue;
      }
      out.push({ className, config: { ...config, activation: 'linear' } });
      out.push({
        className: separate.className,
        config: { name: `${name}_activation`, trainable: true, ...separate.config },
      });
      continue;
    }
    if (className === 'Activation' && needsLayer) {
      problems.push(
        `${label}: the activation '${activation.name}' has no Keras 2 form; use a Keras activation.`,
      );
      continue;
    }
    out.push({ className, config });
  }
  if (problems.length > 0) throw new KerasExportError(problems);
  return out;
}

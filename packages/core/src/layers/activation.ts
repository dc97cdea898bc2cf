/**
 * Applies an activation function as a layer of its own (e.g. after batch normalisation). No weights.
 * Serialised as `Activation`, Keras's name for it.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { ActivationFunction, ObjectResolvers } from '../contracts';
import { assertKnownOptions } from '../registry';
import { GradwellArgumentError } from '../validation';
import { BaseLayer } from './layer';
import { defineLayerConfig, field } from './layer-config';

const ACTIVATION_CONFIG = defineLayerConfig('Activation', { activation: field('activation') });

export class ActivationLayer extends BaseLayer {
  readonly className = 'Activation';
  protected readonly layerConfig = ACTIVATION_CONFIG;

  constructor(
    readonly activation: ActivationFunction,
    args: { name?: string } = {},
  ) {
    super(args.name, 'activation');
    assertKnownOptions('Activation', args, ['name']);
    if (typeof (activation as Partial<ActivationFunction> | undefined)?.apply !== 'function')
      throw new GradwellArgumentError('ActivationLayer', 'activation', 'an activation function', activation);
  }

  protected call(x: Tensor): Tensor {
    return this.activation.apply(x);
  }

  static fromConfig(config: Record<string, unknown>, resolvers: ObjectResolvers): ActivationLayer {
    const { activation, name } = ACTIVATION_CONFIG.read(config, resolvers);
    return new ActivationLayer(activation as ActivationFunction, { name });
  }
}

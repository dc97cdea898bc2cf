/** Applies an activation function as a layer of its own (e.g. after batch normalisation). No weights. */
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  serializeActivation,
  type ActivationFunction,
  type ObjectResolvers,
  type SerializedObject,
} from '../contracts';
import { BaseLayer } from './layer';

export class Activation extends BaseLayer {
  readonly className = 'Activation';

  constructor(
    readonly activation: ActivationFunction,
    args: { name?: string } = {},
  ) {
    super(args.name, 'activation');
  }

  protected call(x: Tensor): Tensor {
    return this.activation.apply(x);
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, activation: serializeActivation(this.activation) };
  }

  static fromConfig(config: Record<string, unknown>, resolvers: ObjectResolvers): Activation {
    return new Activation(resolvers.activation(config.activation as SerializedObject), {
      name: config.name as string,
    });
  }
}

/** An activation layer (see {@link Activation}). */
export function activation(fn: ActivationFunction, args: { name?: string } = {}): Activation {
  return new Activation(fn, args);
}

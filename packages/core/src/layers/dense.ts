/**
 * A fully connected layer: y = f(x·W + b), W of shape [in, units]. Inputs of rank > 2 are transformed on
 * their last axis. When the activation is one tfjs fuses (linear, relu), the product, bias and
 * activation run as one fused kernel, forward and backward.
 */
import { add, fused, matMul, reshape, tidy, type Tensor, type Tensor2D } from '@tensorflow/tfjs-core';
import type { ActivationFunction, Initializer, ObjectResolvers } from '../contracts';
import type { RandomSource } from '../random';
import { assertPositiveInteger } from '../validation';
import { glorotUniformInitializer, zerosInitializer } from './default-initializers';
import { BaseLayer, type HasPreActivation } from './layer';
import { defineLayerConfig, field, optionalField } from './layer-config';

export interface DenseArgs {
  /** Output features. */
  units: number;
  /** Applied after the affine map; none (linear) by default. */
  activation?: ActivationFunction;
  /** Default true. */
  useBias?: boolean;
  /** Default Glorot-uniform. */
  kernelInitializer?: Initializer;
  /** Default zeros. */
  biasInitializer?: Initializer;
  name?: string;
}

const DENSE_CONFIG = defineLayerConfig('Dense', {
  units: field('integer'),
  activation: field('activation'),
  useBias: optionalField('boolean'),
  kernelInitializer: optionalField('initializer'),
  biasInitializer: optionalField('initializer'),
});

export class Dense extends BaseLayer implements HasPreActivation {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: ActivationFunction | undefined;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;

  constructor(args: DenseArgs) {
    super(args.name, 'dense');
    assertPositiveInteger('dense', 'units', args.units);
    this.units = args.units;
    this.activation = args.activation;
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = args.kernelInitializer ?? glorotUniformInitializer;
    this.biasInitializer = args.biasInitializer ?? zerosInitializer;
  }

  protected override validateInputShape(inputShape: readonly number[]): void {
    if (inputShape.length < 1)
      throw new Error(
        `dense '${this.name}': input must be at least [batch, features], got a vector of examples.`,
      );
  }

  protected override createWeights(inputShape: readonly number[], random: RandomSource): void {
    const inputDim = inputShape[inputShape.length - 1] as number;
    this.addWeight('kernel', [inputDim, this.units], this.kernelInitializer, random);
    if (this.useBias) this.addWeight('bias', [this.units], this.biasInitializer, random);
  }

  protected call(x: Tensor): Tensor {
    const inputDim = x.shape[x.rank - 1] as number;
    const flat = x.rank === 2 ? (x as Tensor2D) : reshape(x, [-1, inputDim]);
    const kernel = this.weight('kernel') as Tensor2D;
    const bias = this.useBias ? this.weight('bias') : undefined;
    let y: Tensor;
    if (this.activation === undefined || this.activation.fused !== undefined) {
      y = fused.matMul({ a: flat, b: kernel, bias, activation: this.activation?.fused ?? 'linear' });
    } else {
      const linear = bias === undefined ? matMul(flat, kernel) : add(matMul(flat, kernel), bias);
      y = this.activation.apply(linear);
    }
    return x.rank === 2 ? y : reshape(y, [...x.shape.slice(0, -1), this.units]);
  }

  applyPreActivation(x: Tensor): Tensor {
    if (!this.built) this.build(x.shape.slice(1));
    return tidy(() => {
      const inputDim = x.shape[x.rank - 1] as number;
      const flat = x.rank === 2 ? (x as Tensor2D) : reshape(x, [-1, inputDim]);
      const product = matMul(flat, this.weight('kernel') as Tensor2D);
      const y = this.useBias ? add(product, this.weight('bias')) : product;
      return x.rank === 2 ? y : reshape(y, [...x.shape.slice(0, -1), this.units]);
    });
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    return [...inputShape.slice(0, -1), this.units];
  }

  getConfig(): Record<string, unknown> {
    return DENSE_CONFIG.write(this);
  }

  static fromConfig(config: Record<string, unknown>, resolvers: ObjectResolvers): Dense {
    return new Dense(DENSE_CONFIG.read(config, resolvers));
  }
}

/**
 * What dense, convolutional and their relatives (DropConnect, maxout) share: y = f(affine(x)), an affine
 * map with a kernel and an optional bias, each drawn from its own initialiser, and an optional activation.
 * The pre-activation `affine(x)` is what diagnostics and LSUV measure (`applyPreActivation`).
 */
import { add, engine, tidy, type Tensor } from '@tensorflow/tfjs-core';
import type { ActivationFunction, Initializer } from '../contracts';
import { biasRelu } from '../gradients/bias-relu';
import type { RandomSource } from '../random';
import { glorotUniformInitializer, zerosInitializer } from './default-initializers';
import { BaseLayer, type ApplyContext, type HasPreActivation } from './layer';
import { field, optionalField } from './layer-config';

export interface AffineArgs {
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

/** The config fields of every affine layer (see `defineLayerConfig`). */
export const AFFINE_FIELDS = {
  activation: field('activation'),
  useBias: optionalField('boolean'),
  kernelInitializer: optionalField('initializer'),
  biasInitializer: optionalField('initializer'),
};

export abstract class AffineLayer extends BaseLayer implements HasPreActivation {
  readonly activation: ActivationFunction | undefined;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;

  constructor(args: AffineArgs, defaultName: string) {
    super(args.name, defaultName);
    this.activation = args.activation;
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = args.kernelInitializer ?? glorotUniformInitializer;
    this.biasInitializer = args.biasInitializer ?? zerosInitializer;
  }

  /** Adds the kernel (of `kernelShape`) and, with `useBias`, a bias of `outputs` values. */
  protected addKernelAndBias(kernelShape: readonly number[], outputs: number, random: RandomSource): void {
    this.addWeight('kernel', kernelShape, this.kernelInitializer, random);
    if (this.useBias) this.addWeight('bias', [outputs], this.biasInitializer, random);
  }

  /** The kernel product without the bias: x·W, conv(x, W), … (`context.training` for masks). */
  protected abstract product(x: Tensor, context: ApplyContext): Tensor;

  /** product + bias. */
  protected affine(x: Tensor, context: ApplyContext): Tensor {
    const product = this.product(x, context);
    return this.useBias ? add(product, this.weight('bias')) : product;
  }

  /**
   * relu(product + bias) as gradwell's one op (`biasRelu`) for a layer with a bias and ReLU under a
   * gradient tape, where tfjs's fused ops run `Add` then `Relu`; undefined elsewhere (no tape: tfjs's
   * fused kernel runs all three).
   */
  protected tapedBiasRelu(x: Tensor, context: ApplyContext): Tensor | undefined {
    if (!this.useBias || this.activation?.fused !== 'relu' || engine().state.gradientDepth === 0)
      return undefined;
    return biasRelu(this.product(x, context), this.weight('bias'));
  }

  protected call(x: Tensor, context: ApplyContext): Tensor {
    const linear = this.affine(x, context);
    return this.activation === undefined ? linear : this.activation.apply(linear);
  }

  /** affine(x) in inference mode, before the activation. */
  applyPreActivation(x: Tensor): Tensor {
    if (!this.built) this.build(x.shape.slice(1));
    return tidy(() => this.affine(x, { training: false }));
  }
}

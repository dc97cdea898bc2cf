/**
 * A fully connected layer: y = f(x·W + b), W of shape [in, units]. Inputs of rank > 2 are transformed on
 * their last axis. When the activation is one tfjs fuses (linear, relu), the product, bias and
 * activation run as one fused kernel; under a gradient tape, where tfjs runs a ReLU's bias and activation
 * as two kernels, as the product and gradwell's one bias-and-ReLU pass (`biasRelu`).
 */
import { fused, matMul, reshape, type Tensor, type Tensor2D } from '@tensorflow/tfjs-core';
import type { ObjectResolvers } from '../contracts';
import type { RandomSource } from '../random';
import { assertPositiveInteger } from '../validation';
import { AFFINE_FIELDS, AffineLayer, type AffineArgs } from './affine-layer';
import type { ApplyContext } from './layer';
import { defineLayerConfig, field } from './layer-config';

export interface DenseArgs extends AffineArgs {
  /** Output features. */
  units: number;
}

/** The config fields of a dense layer (and of layers that take its arguments, such as weight norm's). */
export const DENSE_FIELDS = { units: field('integer'), ...AFFINE_FIELDS };

const DENSE_CONFIG = defineLayerConfig('Dense', DENSE_FIELDS);

export class Dense extends AffineLayer {
  readonly className: string = 'Dense';
  protected readonly layerConfig = DENSE_CONFIG;
  readonly units: number;

  constructor(args: DenseArgs) {
    super(args, 'dense');
    DENSE_CONFIG.assertArgs(args);
    assertPositiveInteger('dense', 'units', args.units);
    this.units = args.units;
  }

  protected override validateInputShape(inputShape: readonly number[]): void {
    if (inputShape.length < 1)
      throw this.inputError(`input must be at least [batch, features], got a vector of examples.`);
  }

  protected override createWeights(inputShape: readonly number[], random: RandomSource): void {
    this.addKernelAndBias([inputShape[inputShape.length - 1] as number, this.units], this.units, random);
  }

  /** Applies `f` to x as [rows, features] and gives the result back the shape of x (last axis `units`). */
  private onRows(x: Tensor, f: (rows: Tensor2D) => Tensor): Tensor {
    if (x.rank === 2) return f(x as Tensor2D);
    const rows = f(reshape(x, [-1, x.shape[x.rank - 1] as number]));
    return reshape(rows, [...x.shape.slice(0, -1), this.units]);
  }

  protected product(x: Tensor): Tensor {
    return this.onRows(x, (rows) => matMul(rows, this.weight('kernel') as Tensor2D));
  }

  /** With an activation tfjs fuses (linear, relu), product, bias and activation are one kernel (see above). */
  protected override call(x: Tensor, context: ApplyContext): Tensor {
    if (this.activation !== undefined && this.activation.fused === undefined) return super.call(x, context);
    const taped = this.tapedBiasRelu(x, context);
    if (taped !== undefined) return taped;
    const bias = this.useBias ? this.weight('bias') : undefined;
    const activation = this.activation?.fused ?? 'linear';
    return this.onRows(x, (rows) => fused.matMul({ a: rows, b: this.weight('kernel'), bias, activation }));
  }

  override computeOutputShape(inputShape: readonly number[]): number[] {
    return [...inputShape.slice(0, -1), this.units];
  }

  static fromConfig(config: Record<string, unknown>, resolvers: ObjectResolvers): Dense {
    return new Dense(DENSE_CONFIG.read(config, resolvers));
  }
}

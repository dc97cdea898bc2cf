/**
 * Maxout (Goodfellow et al. 2013): k linear pieces per output unit, the unit takes their maximum,
 * h(x) = max_j (xᵀW_j + b_j) — the lecture's max(w₁ᵀx + b₁, w₂ᵀx + b₂) for k = 2. A learned, piecewise
 * linear convex activation; pairs with dropout in the paper.
 */
import { add, matMul, max, reshape, type Tensor, type Tensor2D } from '@tensorflow/tfjs-core';
import {
  assertPositiveInteger,
  BaseLayer,
  defineLayerConfig,
  field,
  glorotUniformInitializer,
  optionalField,
  zerosInitializer,
  type Initializer,
  type ObjectResolvers,
  type RandomSource,
} from '@gradwell/core';

export interface MaxoutArgs {
  units: number;
  /** Linear pieces per unit (k); default 2. */
  pieces?: number;
  kernelInitializer?: Initializer;
  biasInitializer?: Initializer;
  name?: string;
}

const MAXOUT_CONFIG = defineLayerConfig('Maxout', {
  units: field('integer'),
  pieces: optionalField('integer'),
  kernelInitializer: optionalField('initializer'),
  biasInitializer: optionalField('initializer'),
});

export class Maxout extends BaseLayer {
  readonly className = 'Maxout';
  readonly units: number;
  readonly pieces: number;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;

  constructor(args: MaxoutArgs) {
    super(args.name, 'maxout');
    assertPositiveInteger('maxout', 'units', args.units);
    this.units = args.units;
    this.pieces = args.pieces ?? 2;
    assertPositiveInteger('maxout', 'pieces', this.pieces);
    this.kernelInitializer = args.kernelInitializer ?? glorotUniformInitializer;
    this.biasInitializer = args.biasInitializer ?? zerosInitializer;
  }

  protected override validateInputShape(inputShape: readonly number[]): void {
    if (inputShape.length !== 1) {
      throw new Error(
        `maxout '${this.name}': input must be [batch, features], got per-example shape [${inputShape.join(', ')}].`,
      );
    }
  }

  protected override createWeights(inputShape: readonly number[], random: RandomSource): void {
    this.addWeight(
      'kernel',
      [inputShape[0] as number, this.units * this.pieces],
      this.kernelInitializer,
      random,
    );
    this.addWeight('bias', [this.units * this.pieces], this.biasInitializer, random);
  }

  protected call(x: Tensor): Tensor {
    const z = add(matMul(x as Tensor2D, this.weight('kernel') as Tensor2D), this.weight('bias'));
    return max(reshape(z, [-1, this.units, this.pieces]), 2);
  }

  computeOutputShape(): number[] {
    return [this.units];
  }

  getConfig(): Record<string, unknown> {
    return MAXOUT_CONFIG.write(this);
  }

  static fromConfig(config: Record<string, unknown>, resolvers: ObjectResolvers): Maxout {
    return new Maxout(MAXOUT_CONFIG.read(config, resolvers));
  }
}

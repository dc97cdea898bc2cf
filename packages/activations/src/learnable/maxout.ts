/**
 * Maxout (Goodfellow et al. 2013): k linear pieces per output unit, the unit takes their maximum,
 * h(x) = max_j (xᵀW_j + b_j) — the lecture's max(w₁ᵀx + b₁, w₂ᵀx + b₂) for k = 2. A learned, piecewise
 * linear convex activation; pairs with dropout in the paper.
 */
import { matMul, max, reshape, type Tensor, type Tensor2D } from '@tensorflow/tfjs-core';
import {
  AffineLayer,
  assertPositiveInteger,
  defineLayerConfig,
  field,
  optionalField,
  type ApplyContext,
  type Initializer,
  type ObjectResolvers,
  type RandomSource,
} from '@gradwell/core';

export interface MaxoutArgs {
  units: number;
  /** Linear pieces per unit (k); default 2. */
  pieces?: number;
  /** Default Glorot-uniform. */
  kernelInitializer?: Initializer;
  /** Default zeros. */
  biasInitializer?: Initializer;
  name?: string;
}

const MAXOUT_CONFIG = defineLayerConfig('Maxout', {
  units: field('integer'),
  pieces: optionalField('integer'),
  kernelInitializer: optionalField('initializer'),
  biasInitializer: optionalField('initializer'),
});

/** The pieces are the affine part (`applyPreActivation` gives all units·k of them); the max is the activation. */
export class Maxout extends AffineLayer {
  readonly className = 'Maxout';
  protected readonly layerConfig = MAXOUT_CONFIG;
  readonly units: number;
  readonly pieces: number;

  constructor(args: MaxoutArgs) {
    super(args, 'maxout');
    MAXOUT_CONFIG.assertArgs(args);
    assertPositiveInteger('maxout', 'units', args.units);
    this.units = args.units;
    this.pieces = args.pieces ?? 2;
    assertPositiveInteger('maxout', 'pieces', this.pieces);
  }

  protected override validateInputShape(inputShape: readonly number[]): void {
    if (inputShape.length !== 1) {
      throw this.inputError(
        `input must be [batch, features], got per-example shape [${inputShape.join(', ')}].`,
      );
    }
  }

  protected override createWeights(inputShape: readonly number[], random: RandomSource): void {
    const outputs = this.units * this.pieces;
    this.addKernelAndBias([inputShape[0] as number, outputs], outputs, random);
  }

  protected product(x: Tensor): Tensor {
    return matMul(x as Tensor2D, this.weight('kernel') as Tensor2D);
  }

  protected override call(x: Tensor, context: ApplyContext): Tensor {
    return max(reshape(this.affine(x, context), [-1, this.units, this.pieces]), 2);
  }

  override computeOutputShape(): number[] {
    return [this.units];
  }

  static fromConfig(config: Record<string, unknown>, resolvers: ObjectResolvers): Maxout {
    return new Maxout(MAXOUT_CONFIG.read(config, resolvers));
  }
}

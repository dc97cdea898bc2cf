/**
 * The dropout family as core layers: identity at inference, a fresh seeded mask at every training call.
 * `dropoutLayer` (units), `spatialDropout` (whole channels of NHWC maps, Tompson et al. 2015),
 * `gaussianDropout`, `alphaDropout` (for SELU). Each layer draws from its own seeded source, so a
 * training run is repeatable.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  BaseLayer,
  createRandom,
  defineLayerConfig,
  field,
  optionalField,
  type ApplyContext,
  type LayerConfig,
  type RandomSource,
  type RandomState,
} from '@gradwell/core';
import { alphaDropout, assertRate, dropout, gaussianDropout } from './dropout';

export type DropoutKind = 'dropout' | 'spatial' | 'gaussian' | 'alpha';

export interface DropoutArgs {
  /** Probability of dropping a unit (not of keeping it: see dropout.ts). */
  rate: number;
  /** Seed of the layer's masks; default 0. */
  seed?: number;
  name?: string;
}

const CLASS_NAMES: Record<DropoutKind, string> = {
  dropout: 'Dropout',
  spatial: 'SpatialDropout',
  gaussian: 'GaussianDropout',
  alpha: 'AlphaDropout',
};

const DEFAULT_NAMES: Record<DropoutKind, string> = {
  dropout: 'dropout',
  spatial: 'spatialDropout',
  gaussian: 'gaussianDropout',
  alpha: 'alphaDropout',
};

const dropoutFields = { rate: field('number'), seed: optionalField('integer') };

/** One config per kind: `DROPOUT_CONFIGS.spatial.read(config)`. */
export const DROPOUT_CONFIGS = {
  dropout: defineLayerConfig(CLASS_NAMES.dropout, dropoutFields),
  spatial: defineLayerConfig(CLASS_NAMES.spatial, dropoutFields),
  gaussian: defineLayerConfig(CLASS_NAMES.gaussian, dropoutFields),
  alpha: defineLayerConfig(CLASS_NAMES.alpha, dropoutFields),
} as const;

export class DropoutLayer extends BaseLayer {
  readonly className: string;
  protected readonly layerConfig: LayerConfig<typeof dropoutFields>;
  readonly rate: number;
  readonly seed: number;
  private random: RandomSource;

  constructor(
    readonly kind: DropoutKind,
    args: DropoutArgs,
  ) {
    super(args.name, DEFAULT_NAMES[kind]);
    DROPOUT_CONFIGS[kind].assertArgs(args);
    assertRate(CLASS_NAMES[kind], args.rate);
    this.className = CLASS_NAMES[kind];
    this.layerConfig = DROPOUT_CONFIGS[kind];
    this.rate = args.rate;
    this.seed = args.seed ?? 0;
    this.random = createRandom(this.seed);
  }

  protected override validateInputShape(inputShape: readonly number[]): void {
    if (this.kind === 'spatial' && inputShape.length !== 3) {
      throw this.inputError(`input must be NHWC images, got per-example shape [${inputShape.join(', ')}].`);
    }
  }

  protected call(x: Tensor, context: ApplyContext): Tensor {
    if (context.training !== true || this.rate === 0) return x.clone();
    switch (this.kind) {
      case 'spatial':
        return dropout(x, this.rate, this.random, [x.shape[0], 1, 1, x.shape[3] as number]);
      case 'gaussian':
        return gaussianDropout(x, this.rate, this.random);
      case 'alpha':
        return alphaDropout(x, this.rate, this.random);
      default:
        return dropout(x, this.rate, this.random);
    }
  }

  /** The mask sequence's position, saved by checkpoints so that a resumed run draws the same masks. */
  getRandomState(): RandomState {
    return this.random.getState();
  }

  setRandomState(state: RandomState): void {
    this.random.setState(state);
  }

  /** Restarts the mask sequence (and so a run) from the seed. */
  override resetWeights(): void {
    this.random = createRandom(this.seed);
  }

  /** A dropout layer of `kind` from its config. */
  static fromConfig(kind: DropoutKind, config: Record<string, unknown>): DropoutLayer {
    return new DropoutLayer(kind, DROPOUT_CONFIGS[kind].read(config));
  }
}

export const dropoutLayer = (args: DropoutArgs) => new DropoutLayer('dropout', args);
export const spatialDropout = (args: DropoutArgs) => new DropoutLayer('spatial', args);
export const gaussianDropoutLayer = (args: DropoutArgs) => new DropoutLayer('gaussian', args);
export const alphaDropoutLayer = (args: DropoutArgs) => new DropoutLayer('alpha', args);

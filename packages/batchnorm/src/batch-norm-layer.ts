/**
 * The batch-normalisation layer (Ioffe & Szegedy 2015), for dense [N, C] and NHWC [N, H, W, C] inputs,
 * normalising each channel (the last axis).
 *
 * - Training: normalises with the batch's own statistics (biased variance, Algorithm 1) and updates the
 *   running statistics with the unbiased batch variance (m/(m − 1)·σ²_B, Algorithm 2):
 *   running ← momentum·running + (1 − momentum)·batch, momentum 0.99 by default (Keras's convention).
 * - Inference: normalises with the running statistics only.
 *
 * γ and β are trainable weights (`scale` / `center` switch them off); the running mean and variance are
 * non-trainable weights, saved and loaded with the model.
 */
import { type Tensor } from '@tensorflow/tfjs-core';
import {
  type ApplyContext,
  assertInRange,
  BaseLayer,
  choiceField,
  constantInitializer,
  defineLayerConfig,
  optionalField,
  type RandomSource,
  zerosInitializer,
} from '@gradwell/core';
import { batchNorm, normalizeBatchInTraining } from './batch-norm';
import { updateRunningStatistics } from './running-statistics';

export interface BatchNormArgs {
  /** Weight of the old running value; default 0.99. */
  momentum?: number;
  /** Default 1e-3. */
  epsilon?: number;
  /** Learn β (default true). */
  center?: boolean;
  /** Learn γ (default true). */
  scale?: boolean;
  /** 'fused' (default) or 'autodiff' backward. */
  gradient?: 'fused' | 'autodiff';
  name?: string;
}

const BATCH_NORM_CONFIG = defineLayerConfig('BatchNorm', {
  momentum: optionalField('number'),
  epsilon: optionalField('number'),
  center: optionalField('boolean'),
  scale: optionalField('boolean'),
  gradient: choiceField(['fused', 'autodiff']),
});

export class BatchNorm extends BaseLayer {
  readonly className = 'BatchNorm';
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly gradient: 'fused' | 'autodiff';

  constructor(args: BatchNormArgs = {}) {
    super(args.name, 'batchNorm');
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    assertInRange('batchNorm', 'momentum', this.momentum, { min: 0, max: 1, maxInclusive: false });
    assertInRange('batchNorm', 'epsilon', this.epsilon, { min: 0, minInclusive: false });
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.gradient = args.gradient ?? 'fused';
  }

  protected override validateInputShape(inputShape: readonly number[]): void {
    if (inputShape.length !== 1 && inputShape.length !== 3) {
      throw new Error(
        `BatchNorm '${this.name}': input must be dense [batch, channels] or NHWC [batch, height, width, channels], ` +
          `got per-example shape [${inputShape.join(', ')}].`,
      );
    }
  }

  protected override checkInputShape(exampleShape: readonly number[]): void {
    const channels = this.builtInputShape[this.builtInputShape.length - 1];
    if (
      exampleShape.length !== this.builtInputShape.length ||
      exampleShape[exampleShape.length - 1] !== channels
    ) {
      throw new Error(
        `BatchNorm '${this.name}': its weights are for ${channels} channels in a rank-${this.builtInputShape.length + 1} input, ` +
          `got an input of per-example shape [${exampleShape.join(', ')}].`,
      );
    }
  }

  protected override createWeights(inputShape: readonly number[], random: RandomSource): void {
    const channels = [inputShape[inputShape.length - 1] as number];
    if (this.scale) this.addWeight('gamma', channels, constantInitializer(1), random);
    if (this.center) this.addWeight('beta', channels, zerosInitializer, random);
    this.addWeight('movingMean', channels, zerosInitializer, random, false);
    this.addWeight('movingVariance', channels, constantInitializer(1), random, false);
  }

  protected call(x: Tensor, context: ApplyContext): Tensor {
    const gamma = this.scale ? this.weight('gamma') : undefined;
    const beta = this.center ? this.weight('beta') : undefined;
    const movingMean = this.weight('movingMean');
    const movingVariance = this.weight('movingVariance');
    if (context.training !== true) {
      return batchNorm(x, { mean: movingMean, variance: movingVariance, gamma, beta, epsilon: this.epsilon });
    }
    const { y, mean, variance } = normalizeBatchInTraining(x, undefined, {
      gamma,
      beta,
      epsilon: this.epsilon,
      gradient: this.gradient,
    });
    const m = x.size / (x.shape[x.rank - 1] as number);
    updateRunningStatistics(
      { mean: movingMean, variance: movingVariance },
      { mean, variance, count: m },
      this.momentum,
    );
    return y;
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  getConfig(): Record<string, unknown> {
    return BATCH_NORM_CONFIG.write(this);
  }

  static fromConfig(config: Record<string, unknown>): BatchNorm {
    return new BatchNorm(BATCH_NORM_CONFIG.read(config));
  }
}

/** A batch-normalisation layer (see {@link BatchNorm}). */
export function batchNormalization(args: BatchNormArgs = {}): BatchNorm {
  return new BatchNorm(args);
}

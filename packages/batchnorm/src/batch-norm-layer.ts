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
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  assertOneOf,
  choiceField,
  defineLayerConfig,
  optionalField,
  type ApplyContext,
} from '@gradwell/core';
import { batchNorm, normalizeBatchInTraining } from './batch-norm';
import {
  NORMALIZATION_FIELDS,
  RunningStatisticsLayer,
  type RunningStatisticsArgs,
} from './normalization-layer';

export interface BatchNormArgs extends RunningStatisticsArgs {
  /** 'fused' (default) or 'autodiff' backward. */
  gradient?: 'fused' | 'autodiff';
}

const BATCH_NORM_CONFIG = defineLayerConfig('BatchNorm', {
  ...NORMALIZATION_FIELDS,
  momentum: optionalField('number'),
  gradient: choiceField(['fused', 'autodiff']),
});

export class BatchNorm extends RunningStatisticsLayer {
  readonly className = 'BatchNorm';
  protected readonly layerConfig = BATCH_NORM_CONFIG;
  readonly gradient: 'fused' | 'autodiff';

  constructor(args: BatchNormArgs = {}) {
    super(args, 'batchNorm');
    BATCH_NORM_CONFIG.assertArgs(args);
    this.gradient = args.gradient ?? 'fused';
    assertOneOf('batchNorm', 'gradient', this.gradient, ['fused', 'autodiff']);
  }

  protected override validateInputShape(inputShape: readonly number[]): void {
    if (inputShape.length !== 1 && inputShape.length !== 3) {
      throw this.inputError(
        `input must be dense [batch, channels] or NHWC [batch, height, width, channels], got per-example shape [${inputShape.join(', ')}].`,
      );
    }
  }

  protected override checkInputShape(exampleShape: readonly number[]): void {
    const channels = this.builtInputShape[this.builtInputShape.length - 1];
    if (
      exampleShape.length !== this.builtInputShape.length ||
      exampleShape[exampleShape.length - 1] !== channels
    ) {
      throw this.inputError(
        `the layer's weights are for ${channels} channels in a rank-${this.builtInputShape.length + 1} input, got an input of per-example shape [${exampleShape.join(', ')}].`,
      );
    }
  }

  protected call(x: Tensor, context: ApplyContext): Tensor {
    const { gamma, beta } = this.affineWeights();
    const running = this.runningStatistics();
    if (context.training !== true)
      return batchNorm(x, {
        mean: running.mean,
        variance: running.variance,
        gamma,
        beta,
        epsilon: this.epsilon,
      });
    const { y, mean, variance } = normalizeBatchInTraining(x, undefined, {
      gamma,
      beta,
      epsilon: this.epsilon,
      gradient: this.gradient,
    });
    this.updateRunning({ mean, variance, count: x.size / (x.shape[x.rank - 1] as number) });
    return y;
  }

  static fromConfig(config: Record<string, unknown>): BatchNorm {
    return new BatchNorm(BATCH_NORM_CONFIG.read(config));
  }
}

/** A batch-normalisation layer (see {@link BatchNorm}). */
export function batchNormalization(args: BatchNormArgs = {}): BatchNorm {
  return new BatchNorm(args);
}

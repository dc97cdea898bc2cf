/**
 * Mean-only batch normalisation (Salimans & Kingma 2016, §3), the partner of weight normalisation: each
 * channel has its batch mean subtracted and a learned shift β added,
 *
 *   training: y = x − μ_B + β,   inference: y = x − μ + β   (μ the running mean),
 *
 * with no division by the batch's standard deviation and no γ — a weight-normalised layer's g sets each
 * unit's scale. It centres the pre-activations as batch norm does, while the only noise it adds is the
 * batch mean's (the paper pairs the two for its CIFAR-10 results). The gradient is the closed form dx = dy − mean_B(dy), dβ = Σ dy (per channel, with
 * `channelMean`, which on wasm avoids tfjs's transpose). The running mean moves as batch norm's
 * (momentum 0.99, Keras's convention); PreciseBN re-estimates it (`beginStatisticsEstimate`).
 */
import { add, customGrad, mul, sub, zeros, type GradSaveFunc, type Tensor } from '@tensorflow/tfjs-core';
import {
  defineLayerConfig,
  optionalField,
  zerosInitializer,
  type ApplyContext,
  type RandomSource,
} from '@gradwell/core';
import { channelMean } from './channel-reductions';
import { RunningStatisticsLayer } from './normalization-layer';

export interface MeanOnlyBatchNormArgs {
  /** Learn β (default true); without it the layer only centres. */
  center?: boolean;
  /** Weight of the old running mean; default 0.99. */
  momentum?: number;
  name?: string;
}

const MEAN_ONLY_CONFIG = defineLayerConfig('MeanOnlyBatchNorm', {
  center: optionalField('boolean'),
  momentum: optionalField('number'),
});

/** y = x − μ_B + β with the batch's per-channel mean, and its closed-form gradient. */
function centreInTraining(x: Tensor, mean: Tensor, beta: Tensor, m: number): Tensor {
  const op = customGrad(((input: Tensor, b: Tensor, _save: GradSaveFunc) => ({
    value: add(sub(input, mean), b),
    gradFunc: (dy: Tensor) => {
      const meanDy = channelMean(dy);
      // dx = dy − mean_B(dy) (μ_B depends on every x of its channel), dβ = Σ dy = m·mean_B(dy)
      return [sub(dy, meanDy), mul(meanDy, m)];
    },
  })) as unknown as Parameters<typeof customGrad<Tensor>>[0]);
  return op(x, beta);
}

export class MeanOnlyBatchNorm extends RunningStatisticsLayer {
  readonly className = 'MeanOnlyBatchNorm';
  protected readonly layerConfig = MEAN_ONLY_CONFIG;

  constructor(args: MeanOnlyBatchNormArgs = {}) {
    MEAN_ONLY_CONFIG.assertArgs(args);
    // No γ and no variance: `scale` is false and the inherited ε is never used.
    super({ ...args, scale: false }, 'meanOnlyBatchNorm');
  }

  /** β (where learned) and the non-trainable running mean (zeros), one per channel. */
  protected override createWeights(inputShape: readonly number[], random: RandomSource): void {
    const channels = inputShape[inputShape.length - 1] as number;
    this.addAffineWeights(channels, random);
    this.addWeight('movingMean', [channels], zerosInitializer, random, false);
  }

  protected override runningVariables() {
    return { mean: this.weight('movingMean') };
  }

  protected call(x: Tensor, context: ApplyContext): Tensor {
    const channels = x.shape[x.rank - 1] as number;
    const beta = this.center ? this.weight('beta') : undefined;
    const movingMean = this.weight('movingMean');
    if (context.training !== true) {
      const centred = sub(x, movingMean);
      return beta === undefined ? centred : add(centred, beta);
    }
    const m = x.size / channels;
    if (m < 2)
      throw this.inputError(
        `training needs at least 2 values per channel (one would be centred to β alone), got ${m} (input shape [${x.shape.join(', ')}]); use a larger batch or inference mode.`,
      );
    const mean = channelMean(x);
    const y = centreInTraining(x, mean, beta ?? zeros([channels]), m);
    this.updateRunning({ mean, count: m });
    return y;
  }

  static fromConfig(config: Record<string, unknown>): MeanOnlyBatchNorm {
    return new MeanOnlyBatchNorm(MEAN_ONLY_CONFIG.read(config));
  }
}

/** A mean-only batch-normalisation layer (see {@link MeanOnlyBatchNorm}). */
export function meanOnlyBatchNormalization(args: MeanOnlyBatchNormArgs = {}): MeanOnlyBatchNorm {
  return new MeanOnlyBatchNorm(args);
}

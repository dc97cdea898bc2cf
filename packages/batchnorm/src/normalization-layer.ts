/**
 * What the normalisation layers share: ε, the learned per-channel γ (`scale`) and β (`center`), and — for
 * those that normalise with batch statistics in training — the running mean and variance (mean-only batch
 * norm: the mean) with their momentum (Algorithm 2's running averages, updated by
 * `updateRunningStatistics`).
 */
import { add, mul, type Tensor, type Variable } from '@tensorflow/tfjs-core';
import {
  assertInRange,
  BaseLayer,
  constantInitializer,
  optionalField,
  zerosInitializer,
  type RandomSource,
} from '@gradwell/core';
import { updateRunningStatistics } from './running-statistics';

export interface NormalizationArgs {
  /** Added to the variance; default 1e-3 (group norm 1e-5). */
  epsilon?: number;
  /** Learn β (default true). */
  center?: boolean;
  /** Learn γ (default true). */
  scale?: boolean;
  name?: string;
}

/** The config fields every normalisation layer has. */
export const NORMALIZATION_FIELDS = {
  epsilon: optionalField('number'),
  center: optionalField('boolean'),
  scale: optionalField('boolean'),
};

export abstract class NormalizationLayer extends BaseLayer {
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;

  constructor(args: NormalizationArgs, defaultName: string, defaultEpsilon = 1e-3) {
    super(args.name, defaultName);
    this.epsilon = args.epsilon ?? defaultEpsilon;
    assertInRange(defaultName, 'epsilon', this.epsilon, { min: 0, minInclusive: false });
    // center and scale are boolean fields of every normalisation layer's config: assertArgs checks them
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
  }

  protected override validateInputShape(inputShape: readonly number[]): void {
    if (inputShape.length < 1)
      throw this.inputError(
        `input must be [batch, ...features, channels], got per-example shape [${inputShape.join(', ')}].`,
      );
  }

  /** Adds γ (ones) and β (zeros), one per channel, as `scale` and `center` ask. */
  protected addAffineWeights(channels: number, random: RandomSource): void {
    if (this.scale) this.addWeight('gamma', [channels], constantInitializer(1), random);
    if (this.center) this.addWeight('beta', [channels], zerosInitializer, random);
  }

  /** γ and β (undefined where the layer learns none). */
  protected affineWeights(): { gamma: Tensor | undefined; beta: Tensor | undefined } {
    return {
      gamma: this.scale ? this.weight('gamma') : undefined,
      beta: this.center ? this.weight('beta') : undefined,
    };
  }

  /** γ·x̂ + β over the last axis. */
  protected applyAffine(normalized: Tensor): Tensor {
    const { gamma, beta } = this.affineWeights();
    const scaled = gamma === undefined ? normalized : mul(normalized, gamma);
    return beta === undefined ? scaled : add(scaled, beta);
  }
}

export interface RunningStatisticsArgs extends NormalizationArgs {
  /** Weight of the old running value; default 0.99 (Keras's convention). */
  momentum?: number;
}

/** A normalisation layer that keeps running statistics for inference (batch norm, batch renorm, mean-only). */
export abstract class RunningStatisticsLayer extends NormalizationLayer {
  readonly momentum: number;

  constructor(args: RunningStatisticsArgs, defaultName: string) {
    super(args, defaultName);
    this.momentum = args.momentum ?? 0.99;
    assertInRange(defaultName, 'momentum', this.momentum, { min: 0, max: 1, maxInclusive: false });
  }

  /** γ, β, and the non-trainable running mean (zeros) and variance (ones), one per channel. */
  protected override createWeights(inputShape: readonly number[], random: RandomSource): void {
    const channels = inputShape[inputShape.length - 1] as number;
    this.addAffineWeights(channels, random);
    this.addWeight('movingMean', [channels], zerosInitializer, random, false);
    this.addWeight('movingVariance', [channels], constantInitializer(1), random, false);
  }

  protected runningStatistics(): { mean: Variable; variance: Variable } {
    return { mean: this.weight('movingMean'), variance: this.weight('movingVariance') };
  }

  /** The running statistics `updateRunning` moves (a mean-only layer has no variance). */
  protected runningVariables(): { mean: Variable; variance?: Variable } {
    return this.runningStatistics();
  }

  /** Values per channel seen while re-estimating the statistics (undefined: training as usual). */
  private estimated: number | undefined;

  /**
   * Starts a re-estimate of the running statistics (PreciseBN): until `endStatisticsEstimate`, each batch
   * the layer sees in training mode moves them by its share of the values seen so far — the first replaces
   * them, and the mean comes out as the mean over every batch, the variance as the batches' unbiased
   * variances weighted by their sizes — instead of by 1 − momentum. A batch of one value per channel has no
   * variance and is left out.
   */
  beginStatisticsEstimate(): void {
    this.estimated = 0;
  }

  /** Ends a re-estimate; returns how many values per channel it averaged. */
  endStatisticsEstimate(): number {
    const values = this.estimated ?? 0;
    this.estimated = undefined;
    return values;
  }

  /** Moves the running statistics towards a batch's (`count` values per channel). */
  protected updateRunning(batch: { mean: Tensor; variance?: Tensor; count: number }): void {
    if (this.estimated === undefined)
      return updateRunningStatistics(this.runningVariables(), batch, this.momentum);
    if (batch.count < 2) return;
    const seen = this.estimated;
    this.estimated += batch.count;
    updateRunningStatistics(this.runningVariables(), batch, seen / this.estimated);
  }
}

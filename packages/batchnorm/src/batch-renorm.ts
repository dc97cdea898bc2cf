/**
 * Batch Renormalization (Ioffe 2017), for small or non-i.i.d. batches. In training,
 *
 *   x̂ = (x − μ_B)/σ_B · r + d,   r = clip(σ_B/σ, 1/r_max, r_max),   d = clip((μ_B − μ)/σ, −d_max, d_max),
 *
 * with μ, σ the running statistics and r, d treated as constants by the gradient; then y = γ·x̂ + β. With
 * r = 1, d = 0 it is batch norm; as the running statistics settle, training and inference compute the same
 * function. Inference uses the running statistics. (The paper ramps r_max from 1 to 3 and d_max from 0 to
 * 5 over training; pass the values for the current step, or keep the final ones.)
 */
import { add, clipByValue, div, moments, mul, rsqrt, sqrt, sub, type Tensor } from '@tensorflow/tfjs-core';
import {
  type ApplyContext,
  assertInRange,
  BaseLayer,
  constantInitializer,
  defineLayerConfig,
  optionalField,
  type RandomSource,
  zerosInitializer,
} from '@gradwell/core';
import { batchNorm } from './batch-norm';
import { updateRunningStatistics } from './running-statistics';
import { stopGradient } from './stop-gradient';

export interface BatchRenormArgs {
  /** Default 3. */
  rMax?: number;
  /** Default 5. */
  dMax?: number;
  momentum?: number;
  epsilon?: number;
  name?: string;
}

const BATCH_RENORM_CONFIG = defineLayerConfig('BatchRenorm', {
  rMax: optionalField('number'),
  dMax: optionalField('number'),
  momentum: optionalField('number'),
  epsilon: optionalField('number'),
});

export class BatchRenorm extends BaseLayer {
  readonly className = 'BatchRenorm';
  readonly rMax: number;
  readonly dMax: number;
  readonly momentum: number;
  readonly epsilon: number;

  constructor(args: BatchRenormArgs = {}) {
    super(args.name, 'batchRenorm');
    this.rMax = args.rMax ?? 3;
    this.dMax = args.dMax ?? 5;
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    assertInRange('batchRenorm', 'rMax', this.rMax, { min: 1 });
    assertInRange('batchRenorm', 'dMax', this.dMax, { min: 0 });
    assertInRange('batchRenorm', 'momentum', this.momentum, { min: 0, max: 1, maxInclusive: false });
    assertInRange('batchRenorm', 'epsilon', this.epsilon, { min: 0, minInclusive: false });
  }

  protected override createWeights(inputShape: readonly number[], random: RandomSource): void {
    const channels = [inputShape[inputShape.length - 1] as number];
    this.addWeight('gamma', channels, constantInitializer(1), random);
    this.addWeight('beta', channels, zerosInitializer, random);
    this.addWeight('movingMean', channels, zerosInitializer, random, false);
    this.addWeight('movingVariance', channels, constantInitializer(1), random, false);
  }

  protected call(x: Tensor, context: ApplyContext): Tensor {
    const gamma = this.weight('gamma');
    const beta = this.weight('beta');
    const movingMean = this.weight('movingMean');
    const movingVariance = this.weight('movingVariance');
    if (context.training !== true) {
      return batchNorm(x, { mean: movingMean, variance: movingVariance, gamma, beta, epsilon: this.epsilon });
    }
    const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
    const m = x.size / (x.shape[x.rank - 1] as number);
    if (m < 2)
      throw new Error(`BatchRenorm '${this.name}': training needs at least 2 values per channel, got ${m}.`);
    const { mean, variance } = moments(x, axes);
    const batchStd = sqrt(add(variance, this.epsilon));
    const runningStd = sqrt(add(movingVariance, this.epsilon));
    const r = stopGradient(clipByValue(div(batchStd, runningStd), 1 / this.rMax, this.rMax));
    const d = stopGradient(clipByValue(div(sub(mean, movingMean), runningStd), -this.dMax, this.dMax));
    const xHat = add(mul(mul(sub(x, mean), rsqrt(add(variance, this.epsilon))), r), d);
    const y = add(mul(xHat, gamma), beta);
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
    return BATCH_RENORM_CONFIG.write(this);
  }

  static fromConfig(config: Record<string, unknown>): BatchRenorm {
    return new BatchRenorm(BATCH_RENORM_CONFIG.read(config));
  }
}

export function batchRenormalization(args: BatchRenormArgs = {}): BatchRenorm {
  return new BatchRenorm(args);
}

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
import { assertInRange, defineLayerConfig, optionalField, type ApplyContext } from '@gradwell/core';
import { batchNorm } from './batch-norm';
import {
  NORMALIZATION_FIELDS,
  RunningStatisticsLayer,
  type RunningStatisticsArgs,
} from './normalization-layer';
import { stopGradient } from './stop-gradient';

export interface BatchRenormArgs extends RunningStatisticsArgs {
  /** Default 3. */
  rMax?: number;
  /** Default 5. */
  dMax?: number;
}

const BATCH_RENORM_CONFIG = defineLayerConfig('BatchRenorm', {
  ...NORMALIZATION_FIELDS,
  momentum: optionalField('number'),
  rMax: optionalField('number'),
  dMax: optionalField('number'),
});

export class BatchRenorm extends RunningStatisticsLayer {
  readonly className = 'BatchRenorm';
  protected readonly layerConfig = BATCH_RENORM_CONFIG;
  readonly rMax: number;
  readonly dMax: number;

  constructor(args: BatchRenormArgs = {}) {
    super(args, 'batchRenorm');
    BATCH_RENORM_CONFIG.assertArgs(args);
    this.rMax = args.rMax ?? 3;
    this.dMax = args.dMax ?? 5;
    assertInRange('batchRenorm', 'rMax', this.rMax, { min: 1 });
    assertInRange('batchRenorm', 'dMax', this.dMax, { min: 0 });
  }

  protected call(x: Tensor, context: ApplyContext): Tensor {
    const { gamma, beta } = this.affineWeights();
    const { mean: movingMean, variance: movingVariance } = this.runningStatistics();
    if (context.training !== true) {
      return batchNorm(x, { mean: movingMean, variance: movingVariance, gamma, beta, epsilon: this.epsilon });
    }
    const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
    const m = x.size / (x.shape[x.rank - 1] as number);
    if (m < 2) throw this.inputError(`training needs at least 2 values per channel, got ${m}.`);
    const { mean, variance } = moments(x, axes);
    const batchStd = sqrt(add(variance, this.epsilon));
    const runningStd = sqrt(add(movingVariance, this.epsilon));
    const r = stopGradient(clipByValue(div(batchStd, runningStd), 1 / this.rMax, this.rMax));
    const d = stopGradient(clipByValue(div(sub(mean, movingMean), runningStd), -this.dMax, this.dMax));
    const xHat = add(mul(mul(sub(x, mean), rsqrt(add(variance, this.epsilon))), r), d);
    const y = this.applyAffine(xHat);
    this.updateRunning({ mean, variance, count: m });
    return y;
  }

  static fromConfig(config: Record<string, unknown>): BatchRenorm {
    return new BatchRenorm(BATCH_RENORM_CONFIG.read(config));
  }
}

export function batchRenormalization(args: BatchRenormArgs = {}): BatchRenorm {
  return new BatchRenorm(args);
}

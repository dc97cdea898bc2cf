/**
 * Algorithm 2's running averages, shared by the batch-norm, batch-renorm and mean-only layers:
 * running ← momentum·running + (1 − momentum)·batch, with the batch variance made unbiased (m/(m − 1)).
 */
import { add, mul, tidy, type Tensor, type Variable } from '@tensorflow/tfjs-core';

export function updateRunningStatistics(
  running: { mean: Variable; variance?: Variable },
  batch: { mean: Tensor; variance?: Tensor; count: number },
  momentum: number,
): void {
  tidy(() => {
    running.mean.assign(add(mul(running.mean, momentum), mul(batch.mean, 1 - momentum)));
    // A mean-only layer keeps no running variance.
    if (running.variance === undefined || batch.variance === undefined) return;
    const unbiased = mul(batch.variance, batch.count / (batch.count - 1));
    running.variance.assign(add(mul(running.variance, momentum), mul(unbiased, 1 - momentum)));
  });
}

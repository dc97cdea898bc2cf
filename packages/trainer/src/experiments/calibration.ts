/** Expected calibration error (Guo et al. 2017): Σ_b (n_b/N)·|accuracy_b − confidence_b| over confidence bins. */
import { argMax, max, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { assertPositiveInteger } from '@gradwell/core';

export function expectedCalibrationError(probabilities: Tensor, labels: Tensor, bins = 15): number {
  assertPositiveInteger('expectedCalibrationError', 'bins', bins);
  const [confidence, predicted] = tidy(() => [
    max(probabilities, 1).dataSync(),
    argMax(probabilities, 1).dataSync(),
  ]);
  const truth = labels.dataSync();
  const n = confidence.length;
  const sums = Array.from({ length: bins }, () => ({ count: 0, correct: 0, confidence: 0 }));
  for (let i = 0; i < n; i++) {
    const c = confidence[i] as number;
    const bin = sums[Math.min(bins - 1, Math.floor(c * bins))]!;
    bin.count++;
    bin.confidence += c;
    if (predicted[i] === truth[i]) bin.correct++;
  }
  return sums.reduce(
    (e, b) =>
      b.count === 0 ? e : e + (b.count / n) * Math.abs(b.correct / b.count - b.confidence / b.count),
    0,
  );
}

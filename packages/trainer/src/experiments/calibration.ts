/** Expected calibration error (Guo et al. 2017): Σ_b (n_b/N)·|accuracy_b − confidence_b| over confidence bins. */
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  assertFiniteValues,
  assertPositiveInteger,
  assertTensor,
  GradwellArgumentError,
} from '@gradwell/core';
import { calibrationReport } from '../calibration';
import { checkClassIds } from '../data/host-dataset';

const CONTEXT = 'expectedCalibrationError';

/**
 * `probabilities` [n, classes] (a softmax's outputs, each in [0, 1]) against `labels`: class ids [n] or
 * one-hot rows [n, classes] (their arg-max). `bins` equal-width confidence bins over [0, 1] (default 15).
 */
export function expectedCalibrationError(probabilities: Tensor, labels: Tensor, bins = 15): number {
  assertPositiveInteger(CONTEXT, 'bins', bins);
  assertTensor(CONTEXT, 'probabilities', probabilities, { ranks: [2], dtypes: ['float32'] });
  assertTensor(CONTEXT, 'labels', labels, { ranks: [1, 2] });
  const [n, classes] = probabilities.shape as [number, number];
  if (n === 0 || classes === 0)
    throw new GradwellArgumentError(
      CONTEXT,
      'probabilities',
      'at least one example of one class',
      probabilities,
    );
  if (labels.shape[0] !== n || (labels.rank === 2 && labels.shape[1] !== classes))
    throw new GradwellArgumentError(
      CONTEXT,
      'labels',
      `[${n}] class ids or [${n}, ${classes}] rows (one per row of probabilities)`,
      labels,
    );
  const values = probabilities.dataSync();
  const outside = values.findIndex((p) => !(p >= 0 && p <= 1));
  if (outside >= 0)
    throw new GradwellArgumentError(
      CONTEXT,
      'probabilities',
      'values in [0, 1] (a softmax of the logits)',
      `${values[outside]} at index ${outside}`,
    );
  if (labels.rank === 1) checkClassIds(labels.dataSync(), classes, CONTEXT, 'labels');
  else assertFiniteValues(CONTEXT, 'labels', labels);
  // one class: every prediction is right, so each bin's gap is 1 − its mean confidence
  if (classes === 1) return 1 - (values as Float32Array).reduce((t, p) => t + p, 0) / n;
  return calibrationReport(probabilities, labels, { bins, fromLogits: false }).ece;
}

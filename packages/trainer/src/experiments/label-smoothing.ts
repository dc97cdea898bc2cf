/**
 * Label smoothing (Szegedy et al. 2016; Müller et al. 2019): training on targets (1 − ε)·y + ε/K keeps
 * the logits from growing without bound, so the network is less confident — its mean top-class
 * probability drops (towards 1 − ε at most) at about the same accuracy. The expected calibration error is
 * reported too: it falls when the plain network is over-confident (long training, big nets) and can rise
 * when it is not (a short run on MNIST ends under-confident with smoothing).
 */
import { assertInRange, assertKnownOptions, optionKeys } from '@gradwell/core';
import { calibration, type ReliabilityBin } from '../calibration';
import { fit } from '../training/fit';
import { mlpPreset } from '../presets';
import type { ExperimentData } from './common';

export interface LabelSmoothingOptions {
  epsilon?: number;
  hidden?: number[];
  epochs?: number;
  batchSize?: number;
  seed?: number;
}

export interface SmoothingRun {
  testAccuracy: number;
  /** Mean probability of the predicted class on the test set. */
  meanConfidence: number;
  /** Expected calibration error (15 bins). */
  calibrationError: number;
  /** The test set's mean −log p(label): the cross-entropy against the true, unsmoothed labels. */
  nll: number;
  /** The test set in 15 confidence bins (a reliability diagram). */
  reliability: ReliabilityBin[];
}

export interface LabelSmoothingResult {
  epsilon: number;
  smoothed: SmoothingRun;
  plain: SmoothingRun;
}

export async function labelSmoothingExperiment(
  data: ExperimentData,
  o: LabelSmoothingOptions = {},
): Promise<LabelSmoothingResult> {
  assertKnownOptions(
    'labelSmoothingExperiment',
    o,
    optionKeys<LabelSmoothingOptions>({ epsilon: 1, hidden: 1, epochs: 1, batchSize: 1, seed: 1 }),
  );
  const epsilon = o.epsilon ?? 0.1;
  assertInRange('labelSmoothingExperiment', 'epsilon', epsilon, {
    min: 0,
    max: 1,
    maxInclusive: false,
    minInclusive: false,
  });
  const runOne = async (labelSmoothing: number): Promise<SmoothingRun> => {
    const model = mlpPreset({
      hidden: o.hidden ?? [256],
      seed: o.seed ?? 0,
      inputShape: data.train.inputShape,
    });
    await fit(model, data.train, {
      epochs: o.epochs ?? 10,
      batchSize: o.batchSize ?? 64,
      labelSmoothing,
      seed: o.seed ?? 0,
    });
    const report = await calibration(model, data.test);
    model.dispose();
    return {
      testAccuracy: report.accuracy,
      meanConfidence: report.meanConfidence,
      calibrationError: report.ece,
      nll: report.nll,
      reliability: report.bins,
    };
  };
  return { epsilon, smoothed: await runOne(epsilon), plain: await runOne(0) };
}

/**
 * Dropout against over-fitting (Srivastava et al. 2014): an MLP trained long on a small training subset
 * memorises it; with dropout the gap between training and test accuracy shrinks. Same data, seed and
 * schedule for both.
 */
import { assertKnownOptions, optionKeys } from '@gradwell/core';
import { evaluate } from '../evaluate';
import { fit } from '../training/fit';
import { mlpPreset } from '../presets';
import type { ExperimentData } from './common';

export interface DropoutExperimentOptions {
  /** Hidden-layer dropout rate; default 0.5. */
  rate?: number;
  /** Input dropout rate; default 0.2 (Srivastava et al.'s MNIST setting). */
  inputRate?: number;
  hidden?: number[];
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
}

export interface RegularisationRun {
  trainAccuracy: number;
  testAccuracy: number;
  /** trainAccuracy − testAccuracy. */
  gap: number;
  testLoss: number;
}

export interface DropoutExperimentResult {
  rate: number;
  inputRate: number;
  withDropout: RegularisationRun;
  withoutDropout: RegularisationRun;
}

export async function dropoutExperiment(
  data: ExperimentData,
  o: DropoutExperimentOptions = {},
): Promise<DropoutExperimentResult> {
  assertKnownOptions(
    'dropoutExperiment',
    o,
    optionKeys<DropoutExperimentOptions>({
      rate: 1,
      inputRate: 1,
      hidden: 1,
      epochs: 1,
      batchSize: 1,
      learningRate: 1,
      seed: 1,
    }),
  );
  const rate = o.rate ?? 0.5;
  const inputRate = o.inputRate ?? 0.2;
  const runOne = async (dropout: number, inputDropout: number): Promise<RegularisationRun> => {
    const model = mlpPreset({
      hidden: o.hidden ?? [512, 512],
      dropout,
      inputDropout,
      seed: o.seed ?? 0,
      inputShape: data.train.inputShape,
    });
    await fit(model, data.train, {
      epochs: o.epochs ?? 30,
      batchSize: o.batchSize ?? 64,
      optimizer: { name: 'adam', learningRate: o.learningRate ?? 1e-3 },
      seed: o.seed ?? 0,
    });
    const train = await evaluate(model, data.train);
    const test = await evaluate(model, data.test);
    model.dispose();
    return {
      trainAccuracy: train.accuracy ?? 0,
      testAccuracy: test.accuracy ?? 0,
      gap: (train.accuracy ?? 0) - (test.accuracy ?? 0),
      testLoss: test.loss,
    };
  };
  return { rate, inputRate, withDropout: await runOne(rate, inputRate), withoutDropout: await runOne(0, 0) };
}

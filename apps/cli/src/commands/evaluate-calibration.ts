/**
 * `gradwell evaluate`'s calibration: how far the model's confidence can be trusted over the evaluated set,
 * and with `--fit-temperature` temperature scaling, fitted on held-out examples the figures after it are not
 * measured on: the run's validation split where it had one, else one seeded half of the evaluated split.
 */
import {
  calibration,
  fitTemperature,
  splitDataset,
  type CalibrationReport,
  type Model,
  type TensorDataset,
} from '@gradwell/trainer';
import { GradwellArgumentError } from '@gradwell/core';
import { CliError } from '../errors';

export interface TemperatureResult {
  /** Divide the logits by it: `gradwell predict --temperature`. */
  value: number;
  /**
   * Where T was fitted: 'validation', the run's validation split (scored on the whole evaluated split), or
   * 'half', a seeded half of the evaluated split (scored on the other half).
   */
  source: 'validation' | 'half';
  fittedOn: number;
  scoredOn: number;
  /** On the scoring half, at T = 1 and at `value`. */
  before: { ece: number; nll: number };
  after: { ece: number; nll: number };
}

interface FitOptions {
  seed: number;
  batchSize: number;
  fromLogits: boolean;
}

/**
 * T fitted on the run's own validation split (the 10% of the training set that early stopping or the
 * plateau schedule held out: made again with the run's seed, so never trained on) and scored on `test`.
 */
export async function temperatureOnValidation(
  model: Model,
  train: TensorDataset,
  test: TensorDataset,
  { seed, ...rest }: FitOptions,
): Promise<TemperatureResult> {
  const { train: trainedOn, validation } = splitDataset(train, { validation: 0.1, seed });
  try {
    return await fitAndScore(model, validation, test, 'validation', rest);
  } finally {
    trainedOn.dispose();
    validation.dispose();
  }
}

/** T fitted on a seeded half of `set` and scored on the other half. */
export async function temperatureOnHalves(
  model: Model,
  set: TensorDataset,
  { seed, ...rest }: FitOptions,
): Promise<TemperatureResult> {
  if (set.size < 4)
    throw new CliError(
      `evaluate: --fit-temperature needs at least 4 examples to fit on half and score on the other, got ${set.size}`,
      'evaluate a larger split',
      2,
    );
  const { train: fitOn, validation: scoreOn } = splitDataset(set, { validation: 0.5, seed });
  try {
    return await fitAndScore(model, fitOn, scoreOn, 'half', rest);
  } finally {
    fitOn.dispose();
    scoreOn.dispose();
  }
}

async function fitAndScore(
  model: Model,
  fitOn: TensorDataset,
  scoreOn: TensorDataset,
  source: TemperatureResult['source'],
  { batchSize, fromLogits }: Omit<FitOptions, 'seed'>,
): Promise<TemperatureResult> {
  let value: number;
  try {
    value = (await fitTemperature(model, fitOn, { batchSize, fromLogits })).temperature;
  } catch (error) {
    // no minimum: every example right, or no better than a uniform guess
    if (error instanceof Error && !(error instanceof GradwellArgumentError))
      throw new CliError(
        `evaluate: ${error.message.replace(/^temperatureForLogits: |^fitTemperature: /, '')}`,
        'fit the temperature on a larger or harder split (--split test)',
        2,
      );
    throw error;
  }
  const figures = (r: CalibrationReport) => ({ ece: r.ece, nll: r.nll });
  return {
    value,
    source,
    fittedOn: fitOn.size,
    scoredOn: scoreOn.size,
    before: figures(await calibration(model, scoreOn, { batchSize, fromLogits })),
    after: figures(await calibration(model, scoreOn, { batchSize, fromLogits, temperature: value })),
  };
}

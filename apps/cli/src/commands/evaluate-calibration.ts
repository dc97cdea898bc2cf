/**
 * `gradwell evaluate`'s calibration: how far the model's confidence can be trusted over the evaluated set,
 * and with `--fit-temperature` temperature scaling, fitted on one seeded half of the set and scored on the
 * other, so that the figures after it are not measured on the examples that chose T.
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
  fittedOn: number;
  scoredOn: number;
  /** On the scoring half, at T = 1 and at `value`. */
  before: { ece: number; nll: number };
  after: { ece: number; nll: number };
}

export async function temperatureOnHalves(
  model: Model,
  set: TensorDataset,
  { seed, batchSize, fromLogits }: { seed: number; batchSize: number; fromLogits: boolean },
): Promise<TemperatureResult> {
  if (set.size < 4)
    throw new CliError(
      `evaluate: --fit-temperature needs at least 4 examples to fit on half and score on the other, got ${set.size}`,
      'evaluate a larger split',
      2,
    );
  const { train: fitOn, validation: scoreOn } = splitDataset(set, { validation: 0.5, seed });
  try {
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
      fittedOn: fitOn.size,
      scoredOn: scoreOn.size,
      before: figures(await calibration(model, scoreOn, { batchSize, fromLogits })),
      after: figures(await calibration(model, scoreOn, { batchSize, fromLogits, temperature: value })),
    };
  } finally {
    fitOn.dispose();
    scoreOn.dispose();
  }
}

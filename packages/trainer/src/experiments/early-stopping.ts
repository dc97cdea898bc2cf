/**
 * Early stopping with the best weights restored (Prechelt 1998): on a small training subset the
 * validation loss bottoms out and rises as the network over-fits; the callback stops after `patience`
 * epochs without improvement and puts back the best epoch's weights, so the final model is the one
 * with the lowest validation loss — not the over-fitted last one.
 */
import { assertKnownOptions, optionKeys } from '@gradwell/core';
import { earlyStopping } from '@gradwell/regularizers';
import { evaluate } from '../evaluate';
import { fit } from '../training/fit';
import { mlpPreset } from '../presets';
import type { ExperimentData } from './common';

export interface EarlyStoppingExperimentOptions {
  patience?: number;
  maxEpochs?: number;
  hidden?: number[];
  batchSize?: number;
  learningRate?: number;
  seed?: number;
}

export interface EarlyStoppingResult {
  /** Validation loss per epoch of the stopped run. */
  valLoss: number[];
  bestEpoch: number;
  stoppedEpoch: number;
  /** Test loss of the restored model (equal to the best epoch's). */
  restoredValLoss: number;
  /** Validation loss of the last epoch before restoring. */
  lastValLoss: number;
  /** The same network trained for all `maxEpochs` without early stopping. */
  fullRun: { valLoss: number; epochs: number };
  stopReason: string | undefined;
}

export async function earlyStoppingExperiment(
  data: ExperimentData,
  o: EarlyStoppingExperimentOptions = {},
): Promise<EarlyStoppingResult> {
  assertKnownOptions(
    'earlyStoppingExperiment',
    o,
    optionKeys<EarlyStoppingExperimentOptions>({
      patience: 1,
      maxEpochs: 1,
      hidden: 1,
      batchSize: 1,
      learningRate: 1,
      seed: 1,
    }),
  );
  const maxEpochs = o.maxEpochs ?? 40;
  const train = async (stop: boolean) => {
    const model = mlpPreset({
      hidden: o.hidden ?? [256, 256],
      seed: o.seed ?? 0,
      inputShape: data.train.inputShape,
    });
    const stopper = earlyStopping({
      monitor: 'valLoss',
      patience: o.patience ?? 3,
      restoreBestWeights: true,
    });
    const run = await fit(model, data.train, {
      epochs: maxEpochs,
      batchSize: o.batchSize ?? 32,
      optimizer: { name: 'adam', learningRate: o.learningRate ?? 1e-3 },
      validation: data.test,
      seed: o.seed ?? 0,
      callbacks: stop ? [stopper] : [],
    });
    const final = await evaluate(model, data.test);
    model.dispose();
    return { run, final, stopper };
  };
  const stopped = await train(true);
  const full = await train(false);
  const valLoss = stopped.run.history.map((h) => h.valLoss ?? Number.NaN);
  return {
    valLoss,
    bestEpoch: stopped.stopper.bestEpoch,
    stoppedEpoch: stopped.stopper.stoppedEpoch,
    restoredValLoss: stopped.final.loss,
    lastValLoss: valLoss[valLoss.length - 1] ?? Number.NaN,
    fullRun: { valLoss: full.final.loss, epochs: full.run.epochs },
    stopReason: stopped.run.stopReason,
  };
}

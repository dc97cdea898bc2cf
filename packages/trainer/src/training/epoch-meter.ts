/** An epoch's running metrics (example-weighted loss and accuracy) and the logs it ends with. */
import type { Optimizer } from '@tensorflow/tfjs-core';
import type { TrainingLogs } from '@gradwell/core';
import { getLearningRate } from '../optimizers';
import type { EpochProgress } from './fit-types';
import type { StepResult } from './train-step';

/** Evaluates the model on the validation set (inference mode). */
export type Validate = () => Promise<{ loss: number; accuracy: number | undefined }>;

export interface EpochMeter {
  /** The figures so far (for a checkpoint taken inside the epoch). */
  progress(): EpochProgress;
  /** Mean loss and accuracy so far. */
  partialLogs(): TrainingLogs;
  /** Adds a step's figures; returns the batch's logs for `onBatchEnd`. */
  add(result: StepResult, optimizer: Optimizer): TrainingLogs;
  /** Diagnostic warnings of a report taken during the epoch (the last one counts). */
  warnings: number | undefined;
  /** The epoch's logs: mean loss and accuracy, validation figures, learning rate, time, speed. */
  finish(epoch: number, optimizer: Optimizer, validate: Validate | undefined): Promise<TrainingLogs>;
}

/** A meter for an epoch, carrying on from `resumed` (the figures of its batches before a stop). */
export function createEpochMeter(countsCorrect: boolean, resumed?: EpochProgress): EpochMeter {
  const started = now() - 1000 * (resumed?.seconds ?? 0);
  let lossSum = resumed?.lossSum ?? 0;
  let correctSum = resumed?.correctSum ?? 0;
  let seen = resumed?.seen ?? 0;
  const means = (): TrainingLogs => {
    const logs: TrainingLogs = { loss: lossSum / Math.max(seen, 1) };
    if (countsCorrect) logs.accuracy = correctSum / Math.max(seen, 1);
    return logs;
  };
  return {
    warnings: undefined,
    progress: () => ({ lossSum, correctSum, seen, seconds: (now() - started) / 1000 }),
    partialLogs: means,
    add(result, optimizer) {
      lossSum += result.loss * result.size;
      correctSum += result.correct ?? 0;
      seen += result.size;
      const logs: TrainingLogs = {
        loss: result.loss,
        size: result.size,
        learningRate: getLearningRate(optimizer),
      };
      if (result.correct !== undefined) logs.accuracy = result.correct / result.size;
      return logs;
    },
    async finish(epoch, optimizer, validate) {
      const seconds = (now() - started) / 1000;
      const logs: TrainingLogs = { epoch, ...means() };
      if (validate !== undefined) {
        const result = await validate();
        logs.valLoss = result.loss;
        if (result.accuracy !== undefined) logs.valAccuracy = result.accuracy;
      }
      logs.learningRate = getLearningRate(optimizer);
      logs.seconds = seconds;
      logs.examplesPerSecond = seen / Math.max(seconds, 1e-9);
      if (this.warnings !== undefined) logs.warnings = this.warnings;
      return logs;
    },
  };
}

export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/**
 * Callbacks for `fit`: a progress logger, checkpoints at epoch ends, and a helper for custom ones.
 * Early stopping comes from `@gradwell/regularizers` (re-exported here).
 */
import {
  assertKnownOptions,
  assertNonNegativeInteger,
  assertPositiveInteger,
  assertRequiredOptions,
  checkCallback,
  GradwellArgumentError,
  type CallbackContext,
  type TrainingCallback,
  type TrainingLogs,
} from '@gradwell/core';
import { saveCheckpoint, type CheckpointStore } from './checkpoint';
import { checkMetadata } from './interop/layers-model';
import type { TrainerCallbackContext } from './training/fit-types';
import type { Sequential } from '@gradwell/core';
import { WithAuxiliaryHeads } from '@gradwell/regularizers';

/** Formats one epoch's logs: `epoch 3/10  loss 0.1234  accuracy 96.10%  valLoss ...  1.2 s`. */
export function formatEpochLogs(epoch: number, epochs: number, logs: TrainingLogs): string {
  assertNonNegativeInteger('formatEpochLogs', 'epoch', epoch);
  assertPositiveInteger('formatEpochLogs', 'epochs', epochs);
  if (logs === null || typeof logs !== 'object')
    throw new GradwellArgumentError('formatEpochLogs', 'logs', "an epoch's logs (an object)", logs);
  const parts = [`epoch ${epoch + 1}/${epochs}`];
  for (const [key, value] of Object.entries(logs)) {
    if (key === 'epoch' || key === 'seconds' || key === 'examplesPerSecond' || key === 'warnings') continue;
    if (/accuracy/i.test(key)) parts.push(`${key} ${(value * 100).toFixed(2)}%`);
    else if (key === 'learningRate') parts.push(`lr ${value.toPrecision(3)}`);
    else parts.push(`${key} ${value.toFixed(4)}`);
  }
  if (logs.seconds !== undefined) parts.push(`${logs.seconds.toFixed(1)} s`);
  if (logs.examplesPerSecond !== undefined) parts.push(`${Math.round(logs.examplesPerSecond)} ex/s`);
  return parts.join('  ');
}

/** Writes one line per epoch (default to the console). */
export function progressLogger(options: { write?: (line: string) => void } = {}): TrainingCallback {
  assertKnownOptions('progressLogger', options, ['write']);
  const { write = (line: string) => console.log(line) } = options;
  return {
    onEpochEnd(epoch, logs, context) {
      write(formatEpochLogs(epoch, context.params.epochs, logs));
    },
  };
}

export interface CheckpointCallbackOptions {
  store: CheckpointStore;
  /** Save every this many epochs; default 1. */
  everyEpochs?: number;
  /** Keep only the newest this many checkpoints (default: all). */
  keep?: number;
  /** Called after each save with its label. */
  onSaved?: (label: string) => void;
  /** Each checkpoint's model.json `userDefinedMetadata` (e.g. `{ classNames }`). */
  metadata?: Record<string, unknown>;
}

/**
 * Saves a checkpoint (model, optimiser state, training state) at the end of every `everyEpochs`
 * epochs, labelled `epoch-NNNN` (the epochs completed), atomically — and, when the run stops inside an
 * epoch, one of where it stopped (`epoch-NNNN-batch-BBBB`); `loadCheckpoint` + `fit({ resume })` continue
 * from either exactly.
 */
export function checkpointCallback(options: CheckpointCallbackOptions): TrainingCallback {
  assertRequiredOptions('checkpointCallback', options, [
    'store',
    'everyEpochs',
    'keep',
    'onSaved',
    'metadata',
  ]);
  const { store, everyEpochs = 1, keep, onSaved, metadata } = options;
  checkMetadata('checkpointCallback', 'metadata', metadata);
  assertPositiveInteger('checkpointCallback', 'everyEpochs', everyEpochs);
  if (keep !== undefined) assertPositiveInteger('checkpointCallback', 'keep', keep);
  const save = async (context: CallbackContext) => {
    const trainer = (context as TrainerCallbackContext).trainer;
    if (trainer === undefined) throw new Error("checkpointCallback: runs only inside gradwell's fit().");
    const model =
      context.model instanceof WithAuxiliaryHeads ? context.model.model : (context.model as Sequential);
    const averaging = trainer.averaging?.();
    const label = await saveCheckpoint(store, {
      model,
      optimizer: trainer.optimizer,
      state: trainer.state(),
      ...(metadata === undefined ? {} : { metadata }),
      ...(averaging === undefined ? {} : { averaging }),
    });
    onSaved?.(label);
    if (keep !== undefined) {
      const labels = await store.list();
      for (const old of labels.slice(0, Math.max(0, labels.length - keep))) await store.remove(old);
    }
  };
  return {
    async onEpochEnd(epoch, _logs, context) {
      if ((epoch + 1) % everyEpochs === 0) await save(context);
    },
    // A run stopped inside an epoch (Ctrl-C) leaves a checkpoint of where it stopped.
    async onTrainEnd(_logs, context) {
      const trainer = (context as TrainerCallbackContext).trainer;
      if (trainer?.state().position !== undefined) await save(context);
    },
  };
}

/**
 * A custom callback from hooks (typed, so editors complete the hook names; checked, so a misspelt hook
 * from JavaScript is an error rather than a hook the loop never calls).
 */
export function callback(hooks: TrainingCallback): TrainingCallback {
  checkCallback('callback', 'hooks', hooks);
  return hooks;
}

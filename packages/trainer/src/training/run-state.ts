/**
 * Where a run stands — the next epoch, the steps taken, the history, the random states of the layers
 * that draw — and how a checkpointed run is put back: what `fit({ resume })` restores and what a
 * checkpoint saves (`snapshot`). Each epoch's shuffling and augmentation come from (seed, epoch) alone,
 * so nothing else needs replaying.
 */
import type { Optimizer } from '@tensorflow/tfjs-core';
import { GradwellArgumentError, type TrainingLogs } from '@gradwell/core';
import { setOptimizerState } from '../optimizer-state';
import type { EpochPosition, ResumeFrom, TrainingState } from './fit-types';
import type { ModelParts } from './model-parts';
import { randomStateful } from './random-stateful';

export interface RunState {
  /** The epoch running now, or the next one to run. */
  epoch: number;
  /** Where inside `epoch` the run stopped (set by a stop mid-epoch, or restored by a resume). */
  position: EpochPosition | undefined;
  /** Optimiser steps taken so far (schedules read it). */
  step: number;
  readonly seed: number;
  /** One entry per completed epoch. */
  readonly history: TrainingLogs[];
  /** What a checkpoint taken now (at an epoch end) must hold to continue exactly. */
  snapshot(): TrainingState;
}

/**
 * A fresh run, or the resumed one (layer random states and optimiser state put back). A run resumed inside
 * an epoch must batch and group as the stopped one did: its position counts those batches.
 */
export async function restoreRunState(
  parts: ModelParts,
  optimizer: Optimizer,
  fitted: { seed: number; batchSize: number; accumulate: number },
  resume: ResumeFrom | undefined,
): Promise<RunState> {
  const { seed } = fitted;
  const stateful = randomStateful(parts.layers);
  const run: RunState = {
    epoch: 0,
    position: undefined,
    step: 0,
    seed,
    history: [],
    snapshot: () => ({
      epoch: run.epoch,
      ...(run.position === undefined ? {} : { position: run.position }),
      step: run.step,
      seed,
      history: run.history.map((logs) => ({ ...logs })),
      layerRandomStates: Object.fromEntries(stateful.map((layer) => [layer.name, layer.getRandomState()])),
    }),
  };
  if (resume === undefined) return run;
  const { state, optimizerState } = resume;
  if (state.seed !== seed)
    throw new GradwellArgumentError('fit', 'seed', `the seed of the resumed run (${state.seed})`, seed);
  for (const key of ['batchSize', 'accumulate'] as const) {
    const stopped = state.position?.[key];
    if (stopped !== undefined && stopped !== fitted[key])
      throw GradwellArgumentError.because(
        'fit',
        key,
        `argument '${key}' is ${fitted[key]}, and the run being resumed stopped inside epoch ${state.epoch + 1} with ${key} ${stopped}, after ${state.position?.batch} of its batches: resume with ${key} ${stopped} (it may change at an epoch's end).`,
        fitted[key],
      );
  }
  run.epoch = state.epoch;
  run.position = state.position;
  run.step = state.step;
  run.history.push(...state.history.map((logs) => ({ ...logs })));
  for (const layer of stateful) {
    const saved = state.layerRandomStates[layer.name];
    if (saved !== undefined) layer.setRandomState(saved);
  }
  if (optimizerState !== undefined) await setOptimizerState(optimizer, optimizerState, parts.all);
  return run;
}

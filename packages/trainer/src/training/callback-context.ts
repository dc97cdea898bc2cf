/** The context `fit` hands to its callbacks: core's (params, model, stop requests) plus what checkpoints need. */
import type { Optimizer } from '@tensorflow/tfjs-core';
import { createCallbackContext, type TrainingParams } from '@gradwell/core';
import { getOptimizerState } from '../optimizer-state';
import type { Trainable, TrainerCallbackContext } from './fit-types';
import type { ModelParts } from './model-parts';
import type { RunState } from './run-state';
import type { DiagnosticsReport } from '../diagnostics';
import type { WeightAverager } from './weight-averaging';

export function createTrainerContext(
  params: TrainingParams,
  model: Trainable,
  parts: ModelParts,
  optimizer: Optimizer,
  run: RunState,
  diagnose: (epoch: number, step: number) => DiagnosticsReport | undefined,
  averager: WeightAverager | undefined,
): TrainerCallbackContext {
  // Object.assign keeps the base context's getters (stopRequested, stopReason); a spread would freeze them.
  return Object.assign(createCallbackContext(params, model, run.history), {
    trainer: {
      optimizer,
      weights: parts.all,
      state: () => run.snapshot(),
      optimizerState: () => getOptimizerState(optimizer, parts.all),
      diagnose: () => diagnose(run.epoch, run.step),
      averaging: () => averager?.state(),
    },
  });
}

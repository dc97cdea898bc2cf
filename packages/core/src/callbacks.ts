/**
 * The training-callback contract the trainer's loop calls: epoch and batch hooks with their logs, and a
 * stop request. Regularizers' early stopping, checkpoints and progress bars implement it.
 */

/** Metric name → value, e.g. `{ loss: 0.31, accuracy: 0.91, valLoss: 0.35 }`. */
export type TrainingLogs = Record<string, number>;

export interface TrainingParams {
  epochs: number;
  stepsPerEpoch: number;
  batchSize: number;
}

/** What a callback sees of the run, and how it asks the loop to stop. */
export interface CallbackContext {
  readonly params: TrainingParams;
  /** The model being trained (typed by the trainer). */
  readonly model: unknown;
  /** Asks the loop to stop after the current batch; the reason ends up in the run's history. */
  requestStop(reason: string): void;
  readonly stopRequested: boolean;
  readonly stopReason: string | undefined;
}

type MaybePromise = void | Promise<void>;

export interface TrainingCallback {
  onTrainBegin?(context: CallbackContext): MaybePromise;
  onEpochBegin?(epoch: number, context: CallbackContext): MaybePromise;
  onBatchBegin?(batch: number, context: CallbackContext): MaybePromise;
  onBatchEnd?(batch: number, logs: TrainingLogs, context: CallbackContext): MaybePromise;
  onEpochEnd?(epoch: number, logs: TrainingLogs, context: CallbackContext): MaybePromise;
  onTrainEnd?(logs: TrainingLogs, context: CallbackContext): MaybePromise;
}

/** Makes the context the loop hands to its callbacks. */
export function createCallbackContext(params: TrainingParams, model: unknown): CallbackContext {
  let stopReason: string | undefined;
  return {
    params,
    model,
    requestStop(reason) {
      stopReason ??= reason;
    },
    get stopRequested() {
      return stopReason !== undefined;
    },
    get stopReason() {
      return stopReason;
    },
  };
}

/** Calls each hook of each callback in order, awaiting each one. */
export async function runCallbacks<K extends keyof TrainingCallback>(
  callbacks: readonly TrainingCallback[],
  hook: K,
  ...args: Parameters<NonNullable<TrainingCallback[K]>>
): Promise<void> {
  for (const callback of callbacks) {
    const method = callback[hook] as ((...a: unknown[]) => MaybePromise) | undefined;
    if (method !== undefined) await method.apply(callback, args);
  }
}

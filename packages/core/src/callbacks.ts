/**
 * The training-callback contract the trainer's loop calls: epoch and batch hooks with their logs, and a
 * stop request. Regularizers' early stopping, checkpoints and progress bars implement it; `checkCallbacks`
 * checks that what is handed to the loop is one (a misspelt hook would never be called).
 */
import { editDistance, optionKeys } from './registry';
import { GradwellArgumentError } from './validation';

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
  /**
   * The logs of every epoch completed so far, a resumed run's earlier epochs included (at `onTrainBegin`,
   * those alone): a callback that keeps counts across epochs (early stopping, a plateau) rebuilds them from
   * it, so a resumed run goes on as the uninterrupted one would. Undefined where the loop keeps none.
   */
  readonly history?: readonly TrainingLogs[];
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

/** Makes the context the loop hands to its callbacks (`history`: the loop's list of epoch logs, kept live). */
export function createCallbackContext(
  params: TrainingParams,
  model: unknown,
  history?: readonly TrainingLogs[],
): CallbackContext {
  let stopReason: string | undefined;
  return {
    params,
    model,
    ...(history === undefined ? {} : { history }),
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

const HOOKS = optionKeys<Required<TrainingCallback>>({
  onTrainBegin: 1,
  onEpochBegin: 1,
  onBatchBegin: 1,
  onBatchEnd: 1,
  onEpochEnd: 1,
  onTrainEnd: 1,
});

/** The hook `name` misspells (`on_epoch_end`, `OnTrainBegin`, `onBatchEnds`): two edits at most. */
function misspeltHook(name: string): string | undefined {
  const plain = name.replaceAll('_', '').toLowerCase();
  return HOOKS.find((hook) => editDistance(plain, hook.toLowerCase()) <= 2);
}

/** Every property name of an object, its own and its classes' (Object's left out). */
function propertyNames(value: object): string[] {
  const names = new Set<string>();
  const next = (at: object): object | null => Object.getPrototypeOf(at) as object | null;
  for (let at: object | null = value; at !== null && at !== Object.prototype; at = next(at))
    for (const name of Object.getOwnPropertyNames(at)) if (name !== 'constructor') names.add(name);
  return [...names];
}

/**
 * One callback: an object (plain or a class instance) with at least one hook, each hook a function, and
 * no name that misspells one (`on_epoch_end`, `onEpochEnds`): the loop would never call it.
 */
export function checkCallback(context: string, argument: string, callback: unknown): void {
  if (callback === null || typeof callback !== 'object')
    throw new GradwellArgumentError(
      context,
      argument,
      `an object with hooks (${HOOKS.join(', ')})`,
      callback,
    );
  const names = propertyNames(callback);
  for (const name of names) {
    const value = (callback as Record<string, unknown>)[name];
    if (HOOKS.includes(name)) {
      if (typeof value !== 'function')
        throw new GradwellArgumentError(context, `${argument}.${name}`, 'a function', value);
      continue;
    }
    const hook = /^on/i.test(name) ? misspeltHook(name) : undefined;
    if (hook !== undefined)
      throw GradwellArgumentError.because(
        context,
        `${argument}.${name}`,
        `${argument} has '${name}', which the loop never calls (did you mean '${hook}'?); ` +
          `the hooks are ${HOOKS.join(', ')}.`,
        value,
      );
  }
  if (!names.some((name) => HOOKS.includes(name)))
    throw GradwellArgumentError.because(
      context,
      argument,
      `${argument} has none of the hooks ${HOOKS.join(', ')}, so it would never be called.`,
      callback,
    );
}

/** Callbacks: an array of callbacks, each checked by `checkCallback` as `callbacks[i]`. */
export function checkCallbacks(context: string, callbacks: unknown): void {
  if (callbacks === undefined) return;
  if (!Array.isArray(callbacks))
    throw new GradwellArgumentError(context, 'callbacks', 'an array of callbacks', callbacks);
  callbacks.forEach((callback: unknown, i) => checkCallback(context, `callbacks[${i}]`, callback));
}

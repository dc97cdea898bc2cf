/**
 * Early stopping on core's callback contract: watch a metric at the end of each epoch, stop when it has
 * not improved by more than `minDelta` for `patience` epochs in a row (as Keras), and (with
 * `restoreBestWeights`) put back the exact weights of the best epoch — trainable and non-trainable (running
 * statistics) alike. tfjs-layers' EarlyStopping throws NotImplemented on `restoreBestWeights`. A resumed run
 * replays its history, so it stops where the uninterrupted one would, with the same weights.
 */
import { clone, dispose, type Tensor } from '@tensorflow/tfjs-core';
import {
  assertBoolean,
  assertInRange,
  assertKnownOptions,
  optionKeys,
  assertNonNegativeInteger,
  assertOneOf,
  GradwellArgumentError,
  type CallbackContext,
  type LayerWeight,
  type TrainingCallback,
  type TrainingLogs,
} from '@gradwell/core';

export interface EarlyStoppingOptions {
  /** Metric in the epoch logs; default 'valLoss'. */
  monitor?: string;
  /** 'min' for losses, 'max' for accuracies; 'auto' (default) reads it from the name. */
  mode?: 'min' | 'max' | 'auto';
  /** An improvement must exceed this; default 0. */
  minDelta?: number;
  /** Epochs without improvement before stopping; default 0. */
  patience?: number;
  /** Stop unless the metric beats this value (within `patience` epochs). */
  baseline?: number;
  /** Epochs before this one are not watched (warm-up); default 0. */
  startFromEpoch?: number;
  /**
   * Restore the best epoch's weights when stopping, or at the end of a run that went through all its
   * epochs (not one another callback stopped, such as Ctrl-C: that one is to be resumed). Default false.
   */
  restoreBestWeights?: boolean;
  /** The model's weights (default: `context.model.weights`). */
  weights?: () => readonly LayerWeight[];
  /**
   * For a resumed run whose best epoch came before the resume: that epoch's weights by name (from its
   * checkpoint), which early stopping takes over (it disposes them). Called with the 0-based epoch.
   */
  weightsAt?: (epoch: number) => ReadonlyMap<string, Tensor> | Promise<ReadonlyMap<string, Tensor>>;
}

const EARLY_STOPPING_KEYS = optionKeys<EarlyStoppingOptions>({
  monitor: 1,
  mode: 1,
  minDelta: 1,
  patience: 1,
  baseline: 1,
  startFromEpoch: 1,
  restoreBestWeights: 1,
  weights: 1,
  weightsAt: 1,
});

/**
 * Whether a monitored metric should fall ('min') or rise ('max'): 'auto' reads it from the name, as Keras
 * does: accuracies, AUC, precision, recall and F1 rise, everything else (losses) falls.
 */
export function monitorMode(monitor: string, mode: 'min' | 'max' | 'auto'): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  return /acc|auc|precision|recall|f1/i.test(monitor) ? 'max' : 'min';
}

export class EarlyStopping implements TrainingCallback {
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  readonly minDelta: number;
  readonly patience: number;
  readonly baseline: number | undefined;
  readonly startFromEpoch: number;
  readonly restoreBestWeights: boolean;
  bestValue: number;
  bestEpoch = -1;
  stoppedEpoch = -1;
  private wait = 0;
  private snapshot: Map<string, Tensor> | undefined;
  private readonly weightsOf: (context: CallbackContext) => readonly LayerWeight[];
  private readonly weightsAt: EarlyStoppingOptions['weightsAt'];

  constructor(options: EarlyStoppingOptions = {}) {
    assertKnownOptions('earlyStopping', options, EARLY_STOPPING_KEYS, {
      min_delta: 'minDelta',
      restore_best_weights: 'restoreBestWeights',
      start_from_epoch: 'startFromEpoch',
    });
    this.monitor = options.monitor ?? 'valLoss';
    if (typeof this.monitor !== 'string' || this.monitor === '')
      throw new GradwellArgumentError(
        'earlyStopping',
        'monitor',
        "a metric's name (e.g. 'valLoss')",
        this.monitor,
      );
    const mode = options.mode ?? 'auto';
    assertOneOf('earlyStopping', 'mode', mode, ['min', 'max', 'auto']);
    this.mode = monitorMode(this.monitor, mode);
    // Keras takes |minDelta|; anything but a finite number is refused (a string would coerce).
    assertInRange('earlyStopping', 'minDelta', options.minDelta ?? 0, {});
    this.minDelta = Math.abs(options.minDelta ?? 0);
    this.patience = options.patience ?? 0;
    assertNonNegativeInteger('earlyStopping', 'patience', this.patience);
    this.startFromEpoch = options.startFromEpoch ?? 0;
    assertNonNegativeInteger('earlyStopping', 'startFromEpoch', this.startFromEpoch);
    if (options.baseline !== undefined) assertInRange('earlyStopping', 'baseline', options.baseline, {});
    this.baseline = options.baseline;
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    assertBoolean('earlyStopping', 'restoreBestWeights', this.restoreBestWeights);
    this.bestValue = this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    if (options.weightsAt !== undefined && typeof options.weightsAt !== 'function')
      throw new GradwellArgumentError(
        'earlyStopping',
        'weightsAt',
        'a function (epoch) => weights by name',
        options.weightsAt,
      );
    this.weightsAt = options.weightsAt;
    this.weightsOf =
      options.weights !== undefined
        ? options.weights
        : (context) => (context.model as { weights: readonly LayerWeight[] }).weights;
  }

  private improves(value: number, reference: number): boolean {
    return this.mode === 'min' ? value < reference - this.minDelta : value > reference + this.minDelta;
  }

  /**
   * One epoch's verdict, the counts updated: 'better' (a new best), 'stop' (patience ran out), or 'wait'.
   * Epochs before `startFromEpoch` are not judged.
   */
  private judge(epoch: number, logs: TrainingLogs): 'better' | 'stop' | 'wait' {
    if (epoch < this.startFromEpoch) return 'wait';
    const value = logs[this.monitor];
    if (value === undefined) {
      throw new Error(
        `earlyStopping: the epoch logs have no '${this.monitor}'; they have ${Object.keys(logs).join(', ') || 'nothing'}.`,
      );
    }
    const reference = this.bestEpoch < 0 && this.baseline !== undefined ? this.baseline : this.bestValue;
    if (
      this.improves(value, reference) ||
      (this.bestEpoch < 0 && this.baseline === undefined && Number.isFinite(value))
    ) {
      this.bestValue = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      return 'better';
    }
    this.wait++;
    // As Keras: stop once `patience` epochs in a row brought no improvement.
    return this.wait >= this.patience ? 'stop' : 'wait';
  }

  private stop(epoch: number, context: CallbackContext): void {
    this.stoppedEpoch = epoch;
    context.requestStop(
      `early stopping: '${this.monitor}' did not improve for ${this.wait} epoch${this.wait === 1 ? '' : 's'} (best ${Number(this.bestValue.toPrecision(4))} at epoch ${this.bestEpoch + 1})`,
    );
    this.restore(context);
  }

  /**
   * Starts afresh; a resumed run (`context.history`) is first replayed through the rule, so it stops where
   * the uninterrupted run would, and with `restoreBestWeights` holds the best epoch's weights: the current
   * ones when the last epoch was the best, else those `weightsAt` gives.
   */
  async onTrainBegin(context: CallbackContext): Promise<void> {
    this.wait = 0;
    this.bestEpoch = -1;
    this.stoppedEpoch = -1;
    this.bestValue = this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    this.clearSnapshot();
    const history = context.history ?? [];
    let verdict: 'better' | 'stop' | 'wait' = 'wait';
    for (const [epoch, logs] of history.entries()) verdict = this.judge(epoch, logs);
    if (this.restoreBestWeights && this.bestEpoch >= 0) {
      if (this.bestEpoch === history.length - 1) this.takeSnapshot(context);
      else await this.recall(context);
    }
    if (verdict === 'stop') this.stop(history.length - 1, context);
  }

  onEpochEnd(epoch: number, logs: TrainingLogs, context: CallbackContext): void {
    const verdict = this.judge(epoch, logs);
    if (verdict === 'better' && this.restoreBestWeights) this.takeSnapshot(context);
    if (verdict === 'stop') this.stop(epoch, context);
  }

  /** The best epoch's weights, from before a resume: `weightsAt`'s, checked against the model's. */
  private async recall(context: CallbackContext): Promise<void> {
    const epoch = this.bestEpoch;
    if (this.weightsAt === undefined)
      throw new Error(
        `earlyStopping: the best epoch so far (${epoch + 1}) came before this resumed run, and restoreBestWeights ` +
          "needs its weights: pass weightsAt (e.g. reading that epoch's checkpoint), or restoreBestWeights: false.",
      );
    const weights = await this.weightsAt(epoch);
    const wrong = this.weightsOf(context).find(
      (w) => weights.get(w.name)?.shape.join() !== w.variable.shape.join(),
    )?.name;
    if (wrong !== undefined) {
      dispose([...weights.values()]);
      throw new Error(
        `earlyStopping: weightsAt(${epoch}) gave no weight '${wrong}' of the model's shape; it gave ${[...weights.keys()].join(', ') || 'none'}.`,
      );
    }
    this.snapshot = new Map(weights);
  }

  /**
   * At the end of a run that went through all its epochs, the best weights too; a run stopped for another
   * reason (Ctrl-C) keeps its weights, which a checkpoint of where it stopped must hold to resume exactly.
   */
  onTrainEnd(_logs: TrainingLogs, context: CallbackContext): void {
    if (this.stoppedEpoch < 0 && !context.stopRequested) this.restore(context);
    this.clearSnapshot();
  }

  private takeSnapshot(context: CallbackContext): void {
    this.clearSnapshot();
    this.snapshot = new Map(this.weightsOf(context).map((w) => [w.name, clone(w.variable)]));
  }

  private restore(context: CallbackContext): void {
    if (!this.restoreBestWeights || this.snapshot === undefined) return;
    for (const w of this.weightsOf(context)) {
      const saved = this.snapshot.get(w.name);
      if (saved !== undefined) w.variable.assign(saved);
    }
  }

  private clearSnapshot(): void {
    if (this.snapshot !== undefined) dispose([...this.snapshot.values()]);
    this.snapshot = undefined;
  }
}

export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  return new EarlyStopping(options);
}

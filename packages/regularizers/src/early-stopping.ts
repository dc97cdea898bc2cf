/**
 * Early stopping on core's callback contract: watch a metric at the end of each epoch, stop when it has
 * not improved by more than `minDelta` for `patience` epochs in a row (as Keras), and (with `restoreBestWeights`) put back the
 * exact weights of the best epoch — trainable and non-trainable (running statistics) alike. tfjs-layers'
 * EarlyStopping throws NotImplemented on `restoreBestWeights`.
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
  /** Restore the best epoch's weights when stopping (or at the end of training). Default false. */
  restoreBestWeights?: boolean;
  /** The model's weights (default: `context.model.weights`). */
  weights?: () => readonly LayerWeight[];
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
    this.weightsOf =
      options.weights !== undefined
        ? options.weights
        : (context) => (context.model as { weights: readonly LayerWeight[] }).weights;
  }

  private improves(value: number, reference: number): boolean {
    return this.mode === 'min' ? value < reference - this.minDelta : value > reference + this.minDelta;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.bestEpoch = -1;
    this.stoppedEpoch = -1;
    this.bestValue = this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    this.clearSnapshot();
  }

  onEpochEnd(epoch: number, logs: TrainingLogs, context: CallbackContext): void {
    if (epoch < this.startFromEpoch) return;
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
      if (this.restoreBestWeights) this.takeSnapshot(context);
      return;
    }
    this.wait++;
    // As Keras: stop once `patience` epochs in a row brought no improvement.
    if (this.wait >= this.patience) {
      this.stoppedEpoch = epoch;
      context.requestStop(
        `early stopping: '${this.monitor}' did not improve for ${this.wait} epoch${this.wait === 1 ? '' : 's'} (best ${Number(this.bestValue.toPrecision(4))} at epoch ${this.bestEpoch + 1})`,
      );
      this.restore(context);
    }
  }

  onTrainEnd(_logs: TrainingLogs, context: CallbackContext): void {
    if (this.stoppedEpoch < 0) this.restore(context);
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

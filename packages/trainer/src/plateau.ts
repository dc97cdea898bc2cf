/**
 * Reduce the learning rate on a plateau (Keras' ReduceLROnPlateau, PyTorch's ReduceLROnPlateau with an
 * absolute threshold): at each epoch end, when the monitored metric has not improved by more than
 * `minDelta` for `patience` epochs, multiply the optimiser's rate by `factor` (not below `minRate`), then
 * wait `cooldown` epochs before counting again. A resumed run replays its history through the same rule,
 * so it carries on with the rate and the counters it stopped with.
 */
import type { Optimizer } from '@tensorflow/tfjs-core';
import {
  assertInRange,
  assertKnownOptions,
  assertNonNegativeInteger,
  assertOneOf,
  GradwellArgumentError,
  optionKeys,
  type CallbackContext,
  type TrainingCallback,
  type TrainingLogs,
} from '@gradwell/core';
import { monitorMode } from '@gradwell/regularizers';
import { getLearningRate, setLearningRate } from './optimizers';
import type { TrainerCallbackContext } from './training/fit-types';

export interface ReduceLearningRateOnPlateauOptions {
  /** Metric in the epoch logs; default 'valLoss'. */
  monitor?: string;
  /** 'min' for losses, 'max' for accuracies; 'auto' (default) reads it from the name. */
  mode?: 'min' | 'max' | 'auto';
  /** The rate is multiplied by this on a plateau, 0 < factor < 1; default 0.1. */
  factor?: number;
  /** Epochs without improvement before the rate is reduced; default 10 (as Keras and PyTorch). */
  patience?: number;
  /** An improvement must exceed this (absolute, in the metric's units); default 1e-4. */
  minDelta?: number;
  /** Epochs after a reduction before epochs without improvement are counted again; default 0. */
  cooldown?: number;
  /** The rate is never reduced below this; default 0. */
  minRate?: number;
  /** Called after each reduction (e.g. to print it). */
  onReduce?: (reduction: LearningRateReduction) => void;
}

/** One reduction: after which epoch (0-based), from which rate to which, and the metric's best so far. */
export interface LearningRateReduction {
  epoch: number;
  from: number;
  to: number;
  monitor: string;
  best: number;
}

const KEYS = optionKeys<ReduceLearningRateOnPlateauOptions>({
  monitor: 1,
  mode: 1,
  factor: 1,
  patience: 1,
  minDelta: 1,
  cooldown: 1,
  minRate: 1,
  onReduce: 1,
});

/** Whether `callback` sets the learning rate itself (so `fit` refuses a schedule beside it). */
export function setsLearningRate(callback: unknown): boolean {
  return callback instanceof ReduceLearningRateOnPlateau;
}

export class ReduceLearningRateOnPlateau implements TrainingCallback {
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minRate: number;
  /** The best value of the metric so far, and the epoch it came in (-1 before the first). */
  best = Number.NaN;
  bestEpoch = -1;
  /** Every reduction of this run (a resumed run's earlier ones included). */
  readonly reductions: LearningRateReduction[] = [];
  private wait = 0;
  private cooling = 0;
  private readonly onReduce: ((reduction: LearningRateReduction) => void) | undefined;

  constructor(options: ReduceLearningRateOnPlateauOptions = {}) {
    const name = 'reduceLearningRateOnPlateau';
    assertKnownOptions(name, options, KEYS, { min_delta: 'minDelta', min_lr: 'minRate', minLr: 'minRate' });
    this.monitor = options.monitor ?? 'valLoss';
    if (typeof this.monitor !== 'string' || this.monitor === '')
      throw new GradwellArgumentError(name, 'monitor', "a metric's name (e.g. 'valLoss')", this.monitor);
    const mode = options.mode ?? 'auto';
    assertOneOf(name, 'mode', mode, ['min', 'max', 'auto']);
    this.mode = monitorMode(this.monitor, mode);
    this.factor = options.factor ?? 0.1;
    assertInRange(name, 'factor', this.factor, { min: 0, max: 1, minInclusive: false, maxInclusive: false });
    this.patience = options.patience ?? 10;
    assertNonNegativeInteger(name, 'patience', this.patience);
    this.minDelta = options.minDelta ?? 1e-4;
    assertInRange(name, 'minDelta', this.minDelta, { min: 0 });
    this.cooldown = options.cooldown ?? 0;
    assertNonNegativeInteger(name, 'cooldown', this.cooldown);
    this.minRate = options.minRate ?? 0;
    assertInRange(name, 'minRate', this.minRate, { min: 0 });
    if (options.onReduce !== undefined && typeof options.onReduce !== 'function')
      throw new GradwellArgumentError(name, 'onReduce', 'a function', options.onReduce);
    this.onReduce = options.onReduce;
  }

  private improves(value: number): boolean {
    if (this.bestEpoch < 0) return Number.isFinite(value);
    return this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta;
  }

  /** The rule for one epoch: the rate to train the next epoch with (`rate` when nothing changes). */
  private decide(epoch: number, value: number, rate: number): number {
    if (this.cooling > 0) {
      this.cooling--;
      this.wait = 0;
    }
    if (this.improves(value)) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      return rate;
    }
    if (this.cooling > 0) return rate;
    this.wait++;
    if (this.wait < this.patience || !(rate > this.minRate)) return rate;
    const to = Math.max(rate * this.factor, this.minRate);
    this.reductions.push({ epoch, from: rate, to, monitor: this.monitor, best: this.best });
    this.cooling = this.cooldown;
    this.wait = 0;
    return to;
  }

  private valueIn(logs: TrainingLogs, epoch: number): number {
    const value = logs[this.monitor];
    if (typeof value !== 'number')
      throw new Error(
        `reduceLearningRateOnPlateau: the logs of epoch ${epoch + 1} have no '${this.monitor}'; they have ` +
          `${Object.keys(logs).join(', ') || 'nothing'}${this.monitor.startsWith('val') ? ' (pass fit a validation set)' : ''}.`,
      );
    return value;
  }

  private trainer(context: CallbackContext): TrainerCallbackContext['trainer'] {
    const trainer = (context as TrainerCallbackContext).trainer;
    if (trainer === undefined)
      throw new Error(
        "reduceLearningRateOnPlateau: runs only inside gradwell's fit() (it sets fit's optimiser).",
      );
    return trainer;
  }

  /** Starts afresh, or replays a resumed run's history and puts back the rate it had reached. */
  onTrainBegin(context: CallbackContext): void {
    const trainer = this.trainer(context);
    this.best = Number.NaN;
    this.bestEpoch = -1;
    this.wait = 0;
    this.cooling = 0;
    this.reductions.length = 0;
    const history = context.history ?? [];
    let rate: number | undefined;
    history.forEach((logs, epoch) => {
      const used = logs.learningRate ?? rate ?? getLearningRate(trainer.optimizer);
      rate = this.decide(epoch, this.valueIn(logs, epoch), used);
    });
    if (rate !== undefined) setLearningRate(trainer.optimizer, rate);
  }

  onEpochEnd(epoch: number, logs: TrainingLogs, context: CallbackContext): void {
    const optimizer: Optimizer = this.trainer(context).optimizer;
    const rate = getLearningRate(optimizer);
    const next = this.decide(epoch, this.valueIn(logs, epoch), rate);
    if (next === rate) return;
    setLearningRate(optimizer, next);
    this.onReduce?.(this.reductions.at(-1)!);
  }
}

/**
 * A callback for `fit` that divides the learning rate when the metric stalls:
 * `reduceLearningRateOnPlateau({ patience: 2 })` multiplies it by 0.1 after two epochs in which the
 * validation loss did not improve by more than 1e-4. `fit` refuses it beside a `learningRate` schedule
 * (the schedule would overwrite its rate at the next step).
 */
export function reduceLearningRateOnPlateau(
  options: ReduceLearningRateOnPlateauOptions = {},
): ReduceLearningRateOnPlateau {
  return new ReduceLearningRateOnPlateau(options);
}

/** The options, results and state of a training run (the types `fit` takes and returns). */
import type { Optimizer, Tensor } from '@tensorflow/tfjs-core';
import type {
  CallbackContext,
  LayerWeight,
  RandomSource,
  RandomState,
  Sequential,
  TrainingCallback,
  TrainingLogs,
} from '@gradwell/core';
import type { WeightPenalty, WithAuxiliaryHeads } from '@gradwell/regularizers';
import type { Dataset } from '../data/dataset';
import type { DiagnosticsReport, DiagnosticThresholds } from '../diagnostics';
import type { Loss } from '../losses';
import type { OptimizerName, OptimizerSpec } from '../optimizers';
import type { OptimizerState } from '../optimizer-state';
import type { LearningRateSchedule } from '../schedules';
import type { AveragingState, WeightAveragingOptions } from './weight-averaging';

/** Augments a training batch: an augment pipeline (`compose([...])`) or a function. */
export type Augmenter =
  | { applyWith(images: Tensor, random: RandomSource): Tensor }
  | ((images: Tensor, random: RandomSource) => Tensor);

export interface DiagnosticsOptions {
  /** Take diagnostics every this many steps; default once per epoch (its last step). */
  everySteps?: number;
  /** Examples in the probe batch (the first of the training set, not augmented); default 256. */
  probeSize?: number;
  thresholds?: DiagnosticThresholds;
  /** Called with each report as it is taken (e.g. to print a layer's flags after every epoch). */
  onReport?: (report: DiagnosticsReport) => void;
}

/** How far an epoch got before a stop: its figures so far, to carry on exactly from the next batch. */
export interface EpochProgress {
  /** Example-weighted sum of the batch losses, correct predictions, and examples seen. */
  lossSum: number;
  correctSum: number;
  seen: number;
  /** Seconds spent in the epoch so far. */
  seconds: number;
}

/** Where inside an epoch a run stopped (Ctrl-C, a callback's stop request). */
export interface EpochPosition {
  /** Batches of the epoch already trained on; the run continues with the next. */
  batch: number;
  /** The epoch's random source after them (augmentation draws). */
  random: RandomState;
  progress: EpochProgress;
  /**
   * The run's batch size and `accumulate` when it stopped: `batch` counts batches of that size, grouped so.
   * A resume mid-epoch must use the same (checkpoints written before these were recorded lack them).
   */
  batchSize?: number;
  accumulate?: number;
}

/** What a checkpoint holds to continue a run (see `checkpoint.ts`). */
export interface TrainingState {
  /** The epoch to run (or to finish, with `position`). */
  epoch: number;
  /** Set when the run stopped inside `epoch`: where, so a resumed run starts at the next batch. */
  position?: EpochPosition;
  /** Optimiser steps taken so far. */
  step: number;
  seed: number;
  history: TrainingLogs[];
  /** Random states of layers that draw (dropout, DropConnect), by layer name. */
  layerRandomStates: Record<string, RandomState>;
}

export interface ResumeFrom {
  state: TrainingState;
  optimizerState?: OptimizerState;
  /** The training weights of a run that averaged its weights (its model holds the averages). */
  averaging?: AveragingState;
}

export interface FitOptions {
  epochs: number;
  /** Default 32. */
  batchSize?: number;
  /**
   * Gradient accumulation: sum the gradients of this many consecutive batches (weighted by their sizes)
   * and update once — the updates of batch size `accumulate × batchSize` with the memory of `batchSize`
   * (see gradient-accumulation.ts). Schedules, diagnostics' `everySteps` and `run.steps` count updates;
   * callbacks still see every batch; an epoch's last group may be shorter; a stop inside a group takes
   * effect at its update. Default 1.
   */
  accumulate?: number;
  /**
   * An optimiser, a name or a spec; default Adam (η = 0.001). One made from a name or spec is disposed
   * when `fit` returns; an optimiser object stays the caller's (pass one to keep training with it).
   */
  optimizer?: Optimizer | OptimizerName | OptimizerSpec;
  /** A schedule that sets the learning rate before every step. */
  learningRate?: LearningRateSchedule;
  /** A loss or its name; default softmax cross-entropy from logits (with `labelSmoothing`). */
  loss?: Loss | string;
  /** Label smoothing ε for the default loss. */
  labelSmoothing?: number;
  /** A weight penalty (l1, l2, l1l2) on every kernel (weights of rank ≥ 2). */
  penalty?: WeightPenalty;
  /** β of the confidence penalty (Pereyra et al. 2017): the loss minus β·H(softmax(outputs)). */
  confidencePenalty?: number;
  /** Clip gradients to this global norm. */
  clipNorm?: number;
  validation?: Dataset;
  /** Shuffle the training set each epoch (in-memory datasets); default true. */
  shuffle?: boolean;
  /** Seeds shuffling and augmentation; default 0. */
  seed?: number;
  callbacks?: TrainingCallback[];
  augment?: Augmenter;
  /** Per-layer diagnostics (true: once per epoch). */
  diagnostics?: boolean | DiagnosticsOptions;
  /** Stop with a report when the loss turns NaN/Inf; default true. */
  nanGuard?: boolean;
  /** Continue a checkpointed run (see `loadCheckpoint`). */
  resume?: ResumeFrom;
  /**
   * Average the weights over the steps (true: an exponential moving average with β = 0.999 from the
   * first step; see weight-averaging.ts). Validation, epoch-end callbacks and checkpoints see the
   * averages, and the model holds them when `fit` returns.
   */
  averaging?: boolean | WeightAveragingOptions;
  /** Give the event loop a turn after at most this many milliseconds of work; default 25. */
  yieldEveryMs?: number;
}

export interface TrainingRun {
  /** One entry per completed epoch: loss, accuracy, valLoss, valAccuracy, learningRate, seconds, examplesPerSecond. */
  history: TrainingLogs[];
  /** When the run stopped inside an epoch: which, after how many of its batches, and its figures so far. */
  partialEpoch?: { epoch: number; batches: number; stepsPerEpoch: number; logs: TrainingLogs };
  /** Why training ended early (early stopping, a callback), if it did. */
  stopReason: string | undefined;
  diagnostics: DiagnosticsReport[];
  /** Optimiser steps taken in all (resumed runs count the earlier ones). */
  steps: number;
  /** Epochs completed in all (a partial last epoch not counted). */
  epochs: number;
  /** Steps folded into the weight average (runs with `averaging` only; resumed runs count the earlier ones). */
  averagedSteps?: number;
}

/** The context handed to callbacks: core's, plus what checkpoints need. */
export interface TrainerCallbackContext extends CallbackContext {
  readonly trainer: {
    readonly optimizer: Optimizer;
    /** Every weight to save (the model's and any auxiliary heads'). */
    readonly weights: readonly LayerWeight[];
    /** The state a checkpoint taken now (at an epoch end) needs to resume exactly. */
    state(): TrainingState;
    optimizerState(): Promise<OptimizerState>;
    /**
     * A run that averages its weights: what a checkpoint holds beside the model (which holds the averages
     * at epoch ends and when training ends — the only times it may be taken). Its tensors stay the run's.
     * Optional so that contexts made by hand (tests of a callback) need not have it.
     */
    averaging?(): AveragingState | undefined;
    /**
     * Per-layer diagnostics now, on the first examples of the training set, without an update (nothing of
     * the run changes); undefined when the training data is a stream.
     */
    diagnose(): DiagnosticsReport | undefined;
  };
}

export type Trainable = Sequential | WithAuxiliaryHeads;

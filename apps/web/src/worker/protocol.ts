/**
 * What the page and its training worker say to each other (through comlink): the recipe of a run, the
 * events of a run as it goes, its outcome, and the lecture's studies from @gradwell/trainer.
 */
import type { io } from '@tensorflow/tfjs-core';
import type { BackendReport, TrainingLogs } from '@gradwell/core';
import type {
  BatchNormExperimentResult,
  CalibrationReport,
  DepthExperimentResult,
  DiagnosticsReport,
  InputScaleResult,
  OptimizerName,
  SummaryRow,
} from '@gradwell/trainer';

export const AVERAGING_CHOICES = ['none', 'moving average', 'mean from epoch 2'] as const;

export interface Recipe {
  architecture: 'mlp' | 'cnn';
  /** Hidden widths of the MLP. */
  hidden: number[];
  activation: string;
  /** An initialiser's name; undefined: the one that pairs with the activation. */
  init?: string;
  /** Batch norm between each hidden layer and its activation; 'mean-only': mean-only batch norm there. */
  batchNorm: boolean | 'mean-only';
  /**
   * With batch norm: after training, the batch-norm statistics re-estimated over the training digits with the
   * final weights (the trainer's `estimateBatchNormStatistics`, PreciseBN); the validation figures, the panels
   * and the kept model use them.
   */
  preciseBn: boolean;
  /**
   * Weight-normalised hidden layers (w = g·v/‖v‖), g and b set from the first 512 training digits so that
   * each unit starts at mean 0, variance 1 (the CLI's `--weight-norm`).
   */
  weightNorm: boolean;
  dropout: number;
  labelSmoothing: number;
  /** Random erasing on the training digits. */
  augment: boolean;
  /**
   * Weight averaging (the trainer's `averaging`): none, a moving average (β 0.999), or the mean of every step
   * from the second epoch on (from the first in a one-epoch run). Validation and the kept model use the averages.
   */
  averaging: (typeof AVERAGING_CHOICES)[number];
  optimizer: OptimizerName;
  learningRate: number;
  epochs: number;
  batchSize: number;
  trainExamples: number;
  validationExamples: number;
  /** Early stopping on the validation loss with this patience; undefined: off. */
  earlyStopping?: number;
  seed: number;
  /** Per-layer diagnostics after every epoch. */
  diagnostics: boolean;
}

export interface RunStart {
  stepsPerEpoch: number;
  trainExamples: number;
  validationExamples: number;
  summary: SummaryRow[];
  totalParams: number;
}

/** The network before its first step: the validation figures and (with diagnostics on) its diagnostics. */
export interface InitialState {
  /** Mean validation loss at initialisation: ≈ ln 10 for ten classes when the outputs start out uniform. */
  valLoss: number;
  valAccuracy: number;
  /** `diagnoseModel` on the training digits: gradients a step would apply, with no update (epoch 0). */
  report?: DiagnosticsReport;
}

/** Called by the worker as a run goes (comlink proxies). */
export interface TrainEvents {
  started(info: RunStart): void;
  /** Before the first step (epoch 0 on the charts). */
  initial(state: InitialState): void;
  /** The running training loss, every few batches; `x` in epochs. */
  progress(x: number, loss: number): void;
  epoch(epoch: number, logs: TrainingLogs): void;
  diagnostics(report: DiagnosticsReport): void;
}

/**
 * What the worker calls during a run: the page's events and, last, `finished`, which the client adds.
 * The events travel on a comlink proxy's own message port and the outcome on the worker's, in no set
 * order between the two; the worker awaits `finished` before it returns, so that every event has reached
 * the page before the outcome does (a late last epoch once overwrote the page's final status).
 */
export interface RunEvents extends TrainEvents {
  finished(): void;
}

export interface TrainOutcome {
  history: TrainingLogs[];
  stopReason: string | undefined;
  valAccuracy: number;
  valLoss: number;
  seconds: number;
  /** Training examples per second over the run (the step time; validation excluded). */
  examplesPerSecond: number;
  /** The validation set's confusion matrix with the weights the run ends with: `[true digit][predicted]`. */
  confusion: number[][];
  /** The validation set's calibration in 10 confidence bins, with the same weights. */
  calibration: CalibrationReport;
  /** Steps folded into the weight average (with averaging). */
  averagedSteps?: number;
  /** With `preciseBn`: the validation figures with the running statistics of training, before re-estimating. */
  beforePreciseBn?: { valAccuracy: number; valLoss: number };
  /** With early stopping: the epoch (1-based) whose weights were restored, and the last one run. */
  earlyStopping?: { bestEpoch: number; stoppedAfter: number; fired: boolean };
}

export interface BackendInfo extends BackendReport {
  crossOriginIsolated: boolean;
}

/** The worker's tensors: all of them, and those it keeps on purpose; any more after a run or study leaked. */
export interface WorkerMemory {
  tensors: number;
  /** The MNIST it loaded (once, for every run) and the last trained model's weights (for the download). */
  kept: number;
}

export interface WorkerApi {
  /** Starts the backend in the worker with `threads` wasm threads (the worker's own thread included). */
  init(base: string, threads: number): Promise<BackendInfo>;
  train(recipe: Recipe, events: RunEvents): Promise<TrainOutcome>;
  pause(): void;
  resume(): void;
  stop(): void;
  /** The last trained model in the TensorFlow.js layers format (model.json's parts and the weights). */
  exportModel(): Promise<io.ModelArtifacts | undefined>;
  /** The last trained model's probabilities for one 28 × 28 digit (values in [0, 1]); none before a run. */
  classify(pixels: Float32Array): number[] | undefined;
  memory(): WorkerMemory;
  batchNormStudy(options: { steps: number }): Promise<BatchNormExperimentResult>;
  depthStudy(options: {
    depth: number;
    epochs: number;
    trainExamples: number;
  }): Promise<DepthExperimentResult>;
  inputScaleStudy(options: {
    factors: number[];
    epochs: number;
    trainExamples: number;
  }): Promise<InputScaleResult>;
}

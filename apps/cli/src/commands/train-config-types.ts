/** The resolved options of `gradwell train` (what config.json holds) and the shape of the option table. */
import type { OptimizerName } from '@gradwell/trainer';
import type { PipelineSpec } from '../pipeline-spec';

export const SAVE_BEST_METRICS = ['valLoss', 'valAccuracy', 'loss', 'accuracy'] as const;
export const DIAGNOSTICS_WHEN = ['init', 'epoch', 'end'] as const;
export const LR_SCHEDULES = ['constant', 'cosine', 'step', 'warmup-cosine', 'one-cycle', 'plateau'] as const;

/** A training run's options, resolved and checked (what config.json holds). */
export interface TrainConfig {
  dataset: string;
  dataDir?: string;
  limit?: number;
  imageSize: number;
  model: string;
  initFrom?: string;
  freeze?: string[];
  newHead: boolean;
  hidden: number[];
  init?: string;
  activation: string;
  batchnorm: boolean;
  /** Weight-normalised hidden layers, with the data-dependent initialisation on training examples. */
  meanOnlyBn: boolean;
  weightNorm: boolean;
  dropout?: number;
  dropConnect?: number;
  l1?: number;
  l2?: number;
  weightDecay?: number;
  trustCoefficient?: number;
  labelSmoothing?: number;
  confidencePenalty?: number;
  augment?: PipelineSpec;
  earlyStopping?: number;
  epochs: number;
  batchSize: number;
  /** Batches whose gradients make one update (gradient accumulation; 1: none). */
  accumulate: number;
  lr?: number;
  lrSchedule: (typeof LR_SCHEDULES)[number];
  /** With the plateau schedule: epochs without a better validation loss before the rate is divided by 10. */
  lrPatience: number;
  clipNorm?: number;
  /** Weight averaging: β of the moving average, or 'mean'. */
  average?: number | 'mean';
  /** The first epoch averaged (1-based, as the progress lines count). */
  averageFrom?: number;
  /** After training, re-estimate the batch-norm statistics over the training set (PreciseBN). */
  preciseBn: boolean;
  optimizer: OptimizerName;
  seed: number;
  plugin: string[];
  checkpointDir?: string;
  keepCheckpoints?: number;
  saveBest?: (typeof SAVE_BEST_METRICS)[number];
  /** When per-layer diagnostics are taken: at initialisation, after every epoch, at the end; [] for none. */
  diagnostics: Array<(typeof DIAGNOSTICS_WHEN)[number]>;
  out: string;
}

export type Key = keyof TrainConfig;

export interface OptionSpec {
  key: Key;
  flag: string;
  description: string;
  /** The value when neither the command line nor a config file gives one. */
  default?: TrainConfig[Key];
  read(value: unknown, name: string): TrainConfig[Key];
  /** May differ when a run is resumed (everything that shapes the model, the data or the updates may not). */
  resumable?: boolean;
  /** Repeatable (collects a list). */
  repeatable?: boolean;
}

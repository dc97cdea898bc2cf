/**
 * `fit`'s options checked and resolved before anything trains: defaults, the loss, the optimiser (and
 * whether `fit` owns it), the model built for the data, the validation pass, augmentation.
 */
import { dispose, type Optimizer, type Tensor } from '@tensorflow/tfjs-core';
import { GradwellArgumentError, type RandomSource, type TrainingCallback } from '@gradwell/core';
import type { Batch, Dataset } from '../data/dataset';
import { evaluate } from '../evaluate';
import { lossOption, softmaxCrossEntropy, type Loss } from '../losses';
import { accuracyOf } from '../accuracy';
import { disposeOptimizer, resolveOptimizer } from '../optimizers';
import type { LearningRateSchedule } from '../schedules';
import { checkData, checkLabels, epochBatches } from './batches';
import type { DiagnosticsReport } from '../diagnostics';
import { diagnoseBatch } from './diagnose';
import { checkFitOptions } from './fit-options';
import type { DiagnosticsOptions, FitOptions, Trainable } from './fit-types';
import { modelPartsOf, type ModelParts } from './model-parts';
import { createObjective } from './objective';
import type { Validate } from './epoch-meter';
import type { StepSetup } from './train-step';
import { checkResumedAveraging, resolveAveraging, type WeightAveragingOptions } from './weight-averaging';

export interface FitSetup {
  parts: ModelParts;
  optimizer: Optimizer;
  batchSize: number;
  /** Batches whose gradients make one update (1: every batch is an update). */
  accumulate: number;
  seed: number;
  yieldEveryMs: number;
  schedule: LearningRateSchedule | undefined;
  callbacks: readonly TrainingCallback[];
  diagnostics: DiagnosticsOptions | undefined;
  validate: Validate | undefined;
  /** Weight averaging's settings (undefined: off). */
  averaging: Required<WeightAveragingOptions> | undefined;
  step: Omit<StepSetup, 'history'>;
  /** An epoch's batches from batch `first` on (labels checked against the model's outputs as they come). */
  batches(epoch: number, random: RandomSource, first: number): AsyncGenerator<Batch>;
  /** The batch's inputs after augmentation (a new tensor, or the batch's own when there is none). */
  augment(batch: Batch, random: RandomSource): Tensor;
  /**
   * Diagnostics of the model now, on the first examples of the training set, without an update (nothing
   * of the run changes); undefined for a stream dataset (no probe batch).
   */
  diagnose: (epoch: number, step: number) => DiagnosticsReport | undefined;
  /** Frees what `fit` owns (an optimiser it made from a name or spec). */
  release(): void;
}

function resolveLoss(options: FitOptions): Loss {
  if (options.loss === undefined) return softmaxCrossEntropy({ labelSmoothing: options.labelSmoothing ?? 0 });
  if (options.labelSmoothing !== undefined)
    throw new Error(
      "fit: 'labelSmoothing' applies to the default loss; give it to softmaxCrossEntropy({ labelSmoothing }) instead.",
    );
  return lossOption(options.loss);
}

/** Checks the options and the data against the model (building it if needed); nothing is allocated on failure. */
export function setUpFit(model: Trainable, data: Dataset, options: FitOptions): FitSetup {
  checkFitOptions(options);
  const parts = modelPartsOf(model);
  const loss = resolveLoss(options);
  checkData(parts.base, data, 'data');
  if (options.diagnostics !== undefined && options.diagnostics !== false && data.kind !== 'tensors')
    throw GradwellArgumentError.because(
      'fit',
      'diagnostics',
      "diagnostics take their probe batch from an in-memory dataset, and 'data' is a stream; " +
        'set diagnostics: false, or call diagnoseModel on an in-memory sample.',
      options.diagnostics,
    );
  if (options.validation !== undefined) checkData(parts.base, options.validation, 'validation');
  if (!parts.base.built) parts.base.build(data.inputShape);
  checkLabels(parts.base, data, loss, 'data');
  if (options.validation !== undefined) checkLabels(parts.base, options.validation, loss, 'validation');
  if (parts.trainable.length === 0)
    throw new Error('fit: the model has no trainable weights (every layer is frozen).');
  const averaging = resolveAveraging(options.averaging, options.epochs);
  const resumed = options.resume?.averaging;
  if (averaging !== undefined && resumed !== undefined)
    checkResumedAveraging(parts.base.weights, averaging, resumed);
  const batchSize = options.batchSize ?? 32;
  const { optimizer, owned } = fitOptimizer(options.optimizer ?? 'adam');
  const { validation, augment } = options;
  const classes = loss.classification ? parts.base.computeOutputShape(data.inputShape).at(-1) : undefined;
  const labels = classes === undefined ? undefined : { classes, context: 'fit' };
  const objective = createObjective(parts, {
    loss,
    penalty: options.penalty,
    confidencePenalty: options.confidencePenalty,
  });
  const diagnosticsOptions =
    options.diagnostics === true ? {} : options.diagnostics === false ? undefined : options.diagnostics;
  return {
    parts,
    optimizer,
    batchSize,
    accumulate: options.accumulate ?? 1,
    seed: options.seed ?? 0,
    yieldEveryMs: options.yieldEveryMs ?? 25,
    schedule: options.learningRate,
    callbacks: options.callbacks ?? [],
    diagnostics: diagnosticsOptions,
    validate:
      validation === undefined
        ? undefined
        : () => evaluate(parts.base, validation, { batchSize: Math.max(batchSize, 256), loss }),
    averaging,
    step: {
      parts,
      objective,
      optimizer,
      accuracy: accuracyOf(loss),
      clipNorm: options.clipNorm,
      nanGuard: options.nanGuard ?? true,
    },
    batches: (epoch, random, first) =>
      epochBatches(data, epoch, batchSize, options.shuffle ?? true, random, first, labels),
    augment: (batch, random) =>
      augment === undefined
        ? batch.x
        : typeof augment === 'function'
          ? augment(batch.x, random)
          : augment.applyWith(batch.x, random),
    diagnose: (epoch, step) => {
      if (data.kind !== 'tensors') return undefined;
      const count = Math.min(diagnosticsOptions?.probeSize ?? 256, data.size);
      const probe = data.batch(Array.from({ length: count }, (_, i) => i));
      try {
        const thresholds = diagnosticsOptions?.thresholds;
        return diagnoseBatch(parts, probe, (x, y) => objective(x, y).total, { thresholds, epoch, step });
      } finally {
        dispose([probe.x, probe.y]);
      }
    },
    release: () => {
      if (owned) disposeOptimizer(optimizer);
    },
  };
}

/** The run's optimiser; a spec's bad field is named as fit's (`optimizer.learningRate`), not createOptimizer's. */
function fitOptimizer(given: NonNullable<FitOptions['optimizer']>): ReturnType<typeof resolveOptimizer> {
  try {
    return resolveOptimizer(given);
  } catch (error) {
    if (!(error instanceof GradwellArgumentError) || error.context !== 'createOptimizer') throw error;
    const argument = `optimizer.${error.argument}`;
    // An error in its own words ('unknown option …') keeps them, after the option it is about.
    throw error.message === `createOptimizer: ${error.expected}`
      ? GradwellArgumentError.because('fit', argument, `optimizer: ${error.expected}`, error.received)
      : new GradwellArgumentError('fit', argument, error.expected, error.received);
  }
}

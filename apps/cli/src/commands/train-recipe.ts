/** `gradwell train`'s config turned into a model, an augmentation pipeline and a learning-rate schedule or callback. */
import { tidy, zeros } from '@tensorflow/tfjs-core';
import { pipelineFromJSON, type Pipeline } from '@gradwell/augment';
import { createRandom, type TrainingCallback } from '@gradwell/core';
import { getActivation } from '@gradwell/activations';
import { getInitializer } from '@gradwell/init';
import {
  cnnPreset,
  cosineDecay,
  earlyStopping,
  linearWarmup,
  mlpPreset,
  modelFromConfig,
  oneCycle,
  reduceLearningRateOnPlateau,
  stepDecay,
  type LearningRateReduction,
  type FitOptions,
  type LearningRateSchedule,
  type Model,
  type OptimizerSpec,
  type TensorDataset,
} from '@gradwell/trainer';
import { l1l2 } from '@gradwell/regularizers';
import { initializeWeightNorm } from '@gradwell/batchnorm';
import { checkOutFolder, CliError } from '../errors';
import type { Output } from '../output';
import { readJsonFile, type PipelineSpec } from '../pipeline-spec';
import type { CheckpointFolder } from './train-checkpoints';
import type { TrainConfig } from './train-config';

/** Unknown names are usage errors naming the flag (and, from the registry, the names it knows). */
export function checkNames(config: TrainConfig): void {
  const check = (flag: string, name: string | undefined, resolve: (name: string) => unknown, fix: string) => {
    if (name === undefined) return;
    try {
      resolve(name);
    } catch (error) {
      throw new CliError(`${flag}: ${(error as Error).message.replace(/\.$/, '')}`, fix, 2);
    }
  };
  check(
    '--activation',
    config.activation,
    (n) => getActivation(n),
    'see gradwell activations; an outside one needs --plugin <module>',
  );
  check('--init', config.init, (n) => getInitializer(n), 'e.g. --init heNormal');
  checkOutFolder(config.out, "the run's files");
}

/**
 * The pipeline for images of `inputShape` (its own seed, else the run's), checked on one blank image to
 * give images of that shape back: the model takes one input size, so a crop or rescale that leaves it is
 * a usage error now rather than a shape error after the model summary.
 */
export function augmentFor(spec: PipelineSpec, seed: number, inputShape: readonly number[]): Pipeline {
  const pipeline = pipelineFromJSON({ seed, ...spec });
  const shape = tidy(() => pipeline.applyWith(zeros([1, ...inputShape]), createRandom(seed)).shape.slice(1));
  if (shape.join() !== inputShape.join())
    throw new CliError(
      `--augment turns images of [${inputShape.join(', ')}] into [${shape.join(', ')}], and the model takes one input size`,
      'bring the images back to their size (randomCrop with "padding", or a rescale after the crop)',
      2,
    );
  return pipeline;
}

/** How many training examples `--weight-norm`'s data-dependent initialisation measures. */
export const WEIGHT_NORM_INIT_EXAMPLES = 512;

/**
 * `--weight-norm`'s data-dependent initialisation (Salimans & Kingma §2.2) on a seeded sample of the
 * training set: each weight-normalised unit starts at mean 0, variance 1 there. A resumed run skips it (its
 * weights come from the checkpoint).
 */
export function weightNormDataInit(model: Model, train: TensorDataset, seed: number, out: Output): void {
  const count = Math.min(train.size, WEIGHT_NORM_INIT_EXAMPLES);
  const indices = createRandom(seed).fork().permutation(train.size).subarray(0, count);
  const { x, y } = train.batch(indices);
  try {
    const reports = initializeWeightNorm(model, x);
    out.line(
      out.color.dim(
        `weight norm: g and b of ${reports.map((r) => r.layer).join(', ')} set from ${count} training examples (each unit at mean 0, variance 1)`,
      ),
    );
  } finally {
    x.dispose();
    y.dispose();
  }
}

/** The optimiser a config asks for, at `learningRate` (undefined: the optimiser's default). */
export function optimizerSpec(config: TrainConfig, learningRate?: number): OptimizerSpec {
  return {
    name: config.optimizer,
    ...(learningRate === undefined ? {} : { learningRate }),
    ...(config.weightDecay ? { weightDecay: config.weightDecay } : {}),
    ...(config.trustCoefficient === undefined ? {} : { trustCoefficient: config.trustCoefficient }),
  };
}

/** The model a config asks for: the mlp or cnn preset with the recipe, or a model config JSON file. */
export function buildModel(config: TrainConfig, inputShape: number[], classes: number): Model {
  const recipe = {
    activation: config.activation,
    init: config.init,
    batchNorm: config.meanOnlyBn ? ('mean-only' as const) : config.batchnorm,
    weightNorm: config.weightNorm,
    dropout: config.dropout,
    dropConnect: config.dropConnect,
    seed: config.seed,
    classes,
    inputShape,
  };
  if (config.model === 'mlp') return mlpPreset({ ...recipe, hidden: config.hidden });
  if (config.model === 'cnn') {
    if (inputShape.length !== 3)
      throw new CliError(
        `--model cnn needs image data, and '${config.dataset}' holds vectors`,
        'use --model mlp',
        2,
      );
    return cnnPreset(recipe);
  }
  if (!config.model.endsWith('.json'))
    throw new CliError(
      `--model must be mlp, cnn or a .json model file, got '${config.model}'`,
      'e.g. --model cnn',
      2,
    );
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readJsonFile(config.model, '--model')) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `--model: '${config.model}' is not valid JSON (${(error as Error).message})`,
      'fix the file',
      2,
    );
  }
  if (json === null || typeof json !== 'object' || !Array.isArray(json.layers))
    throw new CliError(
      `--model: '${config.model}' holds no "layers" list, so it is not a model config`,
      'a model config is what Model#getConfig() writes: { "name", "inputShape", "layers": [...] }',
      2,
    );
  let built: Model;
  try {
    built = modelFromConfig({ name: 'model', ...json, inputShape }, config.seed);
  } catch (error) {
    throw new CliError(
      `--model: '${config.model}' does not make a model: ${(error as Error).message}`,
      'fix the file (activations from plugins need --plugin)',
      2,
    );
  }
  const out = built.computeOutputShape(inputShape);
  if (out.length !== 1 || out[0] !== classes)
    throw new CliError(
      `the model in '${config.model}' outputs [${out.join(', ')}], the data has ${classes} classes`,
      `end the model with a dense layer of ${classes} units`,
      2,
    );
  return built;
}

export function schedule(
  name: string,
  lr: number,
  epochs: number,
  stepsPerEpoch: number,
): LearningRateSchedule | undefined {
  const total = epochs * stepsPerEpoch;
  switch (name) {
    case 'constant':
    case 'plateau': // a callback (plateauCallbacks), not a schedule
      return undefined;
    case 'cosine':
      return cosineDecay({ initial: lr, totalSteps: total });
    case 'step':
      return stepDecay({ initial: lr, every: Math.max(1, Math.floor(epochs / 3)), factor: 0.1 });
    case 'one-cycle':
      return oneCycle({ maxRate: lr, totalSteps: total });
    case 'warmup-cosine':
      return linearWarmup({
        warmupSteps: stepsPerEpoch,
        then: cosineDecay({ initial: lr, totalSteps: Math.max(1, total - stepsPerEpoch) }),
      });
    default:
      throw new CliError(
        `--lr-schedule must be constant, cosine, step, warmup-cosine, one-cycle or plateau, got '${name}'`,
        'e.g. --lr-schedule cosine',
        2,
      );
  }
}

/** The plateau schedule's callback (÷10 after `lrPatience` epochs without a better validation loss), or none. */
export function plateauCallbacks(
  config: TrainConfig,
  onReduce: (reduction: LearningRateReduction) => void,
): TrainingCallback[] {
  if (config.lrSchedule !== 'plateau') return [];
  return [
    reduceLearningRateOnPlateau({ monitor: 'valLoss', factor: 0.1, patience: config.lrPatience, onReduce }),
  ];
}

/**
 * Early stopping on the validation loss, restoring the best epoch's weights — across a resume too, from
 * that epoch's checkpoint — or none.
 */
export function earlyStoppingCallbacks(
  config: TrainConfig,
  folder: Pick<CheckpointFolder, 'weightsAfter'> | undefined,
): TrainingCallback[] {
  if (config.earlyStopping === undefined) return [];
  return [
    earlyStopping({
      monitor: 'valLoss',
      patience: config.earlyStopping,
      restoreBestWeights: true,
      ...(folder === undefined ? {} : { weightsAt: (epoch: number) => folder.weightsAfter(epoch) }),
    }),
  ];
}

/**
 * `fit`'s options that shape the objective and the weights kept: label smoothing, penalties, clipping and
 * weight averaging (checked against each other first, before any data is read).
 */
export function regularisationOptions(config: TrainConfig): Partial<FitOptions> {
  const normalized = config.batchnorm || config.meanOnlyBn;
  if (config.preciseBn && !normalized && (config.model === 'mlp' || config.model === 'cnn'))
    throw new CliError(
      '--precise-bn re-estimates batch-norm statistics, and this model has no batch-norm layer',
      'add --batchnorm (or --mean-only-bn)',
      2,
    );
  if (config.averageFrom !== undefined && config.average === undefined)
    throw new CliError('--average-from needs --average', 'e.g. --average mean --average-from 3', 2);
  if (config.averageFrom !== undefined && config.averageFrom > config.epochs)
    throw new CliError(
      `--average-from must be at most --epochs (${config.epochs}), got ${config.averageFrom}`,
      'average from an epoch the run reaches',
      2,
    );
  const { labelSmoothing, l1, l2, confidencePenalty, clipNorm, average, averageFrom = 1 } = config;
  return {
    ...(labelSmoothing ? { labelSmoothing } : {}),
    ...(l1 || l2 ? { penalty: l1l2({ l1: l1 ?? 0, l2: l2 ?? 0 }) } : {}),
    ...(confidencePenalty ? { confidencePenalty } : {}),
    ...(clipNorm ? { clipNorm } : {}),
    ...(average === undefined ? {} : { averaging: { decay: average, startEpoch: averageFrom - 1 } }),
  };
}

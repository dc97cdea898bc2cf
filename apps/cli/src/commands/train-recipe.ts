/** `gradwell train`'s flags turned into a model, an augmentation pipeline and a learning-rate schedule. */
import type { StepSpec } from '@gradwell/augment';
import {
  cnnPreset,
  cosineDecay,
  linearWarmup,
  mlpPreset,
  modelFromConfig,
  stepDecay,
  type LearningRateSchedule,
  type Model,
} from '@gradwell/trainer';
import { CliError, numberFlag } from '../errors';
import { parsePipelineSpec, readJsonFile } from '../pipeline-spec';

export interface TrainFlags {
  dataset: string;
  dataDir?: string;
  limit?: string;
  imageSize?: string;
  model: string;
  initFrom?: string;
  freeze?: string;
  newHead?: boolean;
  hidden?: string;
  init?: string;
  activation?: string;
  batchnorm?: boolean;
  dropout?: string;
  dropConnect?: string;
  l1?: string;
  l2?: string;
  weightDecay?: string;
  labelSmoothing?: string;
  confidencePenalty?: string;
  augment?: string;
  earlyStopping?: string;
  epochs: string;
  batchSize: string;
  lr?: string;
  lrSchedule?: string;
  clipNorm?: string;
  optimizer: string;
  seed: string;
  checkpointDir?: string;
  resume?: boolean;
  out: string;
  json?: boolean;
  diagnostics: boolean;
}

/** `--augment`: step names (each applied with probability ½), a JSON pipeline, or a .json file. */
export function parseAugment(spec: string): { seed?: number; steps: StepSpec[] } {
  return parsePipelineSpec('--augment', spec, { nameProbability: 0.5 });
}

export function buildModel(flags: TrainFlags, inputShape: number[], classes: number, seed: number): Model {
  const recipe = {
    activation: flags.activation,
    init: flags.init,
    batchNorm: flags.batchnorm === true,
    dropout: numberFlag('--dropout', flags.dropout, { min: 0, max: 0.99 }),
    dropConnect: numberFlag('--drop-connect', flags.dropConnect, { min: 0, max: 0.99 }),
    seed,
    classes,
    inputShape,
  };
  if (flags.model === 'mlp') {
    const hidden = (flags.hidden ?? '512,256')
      .split(',')
      .map((h) => numberFlag('--hidden', h.trim(), { min: 1, integer: true }) as number);
    return mlpPreset({ ...recipe, hidden });
  }
  if (flags.model === 'cnn') {
    if (inputShape.length !== 3)
      throw new CliError(
        `--model cnn needs image data, and '${flags.dataset}' holds vectors`,
        'use --model mlp',
        2,
      );
    return cnnPreset(recipe);
  }
  if (!flags.model.endsWith('.json'))
    throw new CliError(
      `--model must be mlp, cnn or a .json model file, got '${flags.model}'`,
      'e.g. --model cnn',
      2,
    );
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(readJsonFile(flags.model, '--model')) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `--model: '${flags.model}' is not valid JSON (${(error as Error).message})`,
      'fix the file',
      2,
    );
  }
  const built = modelFromConfig({ name: 'model', ...config, inputShape }, seed);
  const out = built.computeOutputShape(inputShape);
  if (out.length !== 1 || out[0] !== classes)
    throw new CliError(
      `the model in '${flags.model}' outputs [${out.join(', ')}], the data has ${classes} classes`,
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
      return undefined;
    case 'cosine':
      return cosineDecay({ initial: lr, totalSteps: total });
    case 'step':
      return stepDecay({ initial: lr, every: Math.max(1, Math.floor(epochs / 3)), factor: 0.1 });
    case 'warmup-cosine':
      return linearWarmup({
        warmupSteps: stepsPerEpoch,
        then: cosineDecay({ initial: lr, totalSteps: Math.max(1, total - stepsPerEpoch) }),
      });
    default:
      throw new CliError(
        `--lr-schedule must be constant, cosine, step or warmup-cosine, got '${name}'`,
        'e.g. --lr-schedule cosine',
        2,
      );
  }
}

/**
 * He et al. 2015, Figure 3: a 30-layer ReLU network trained from Xavier initialisation stalls (the
 * signal shrinks by ½ per layer, so after 30 layers nothing reaches the loss and nothing comes back),
 * while He initialisation (Var[w] = 2/n) keeps the variance and trains. Same data, seed, batches and
 * optimiser for both; only the initialiser differs.
 */
import { div, moments, sub, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { assertPositiveInteger, assertKnownOptions, optionKeys, assertBoolean } from '@gradwell/core';
import { tensorDataset, type TensorDataset } from '../data/dataset';
import type { TrainingCallback } from '@gradwell/core';
import { evaluate } from '../evaluate';
import { fit } from '../training/fit';
import { mlpPreset } from '../presets';
import type { CurvePoint, ExperimentData } from './common';

export interface DepthExperimentOptions {
  /** Hidden layers; default 30 (the paper's). */
  depth?: number;
  /** Units per hidden layer; default 64. */
  width?: number;
  /** Default 1. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** SGD with momentum 0.9; default η = 0.005. */
  learningRate?: number;
  seed?: number;
  /** Record the mean loss every this many steps; default 10. */
  every?: number;
  /** Standardise the inputs with the training set's mean and standard deviation (default true), as the lecture advises. */
  standardize?: boolean;
}

/** (x − μ)/σ with the training set's scalar mean and standard deviation (new datasets; the inputs are left as they are). */
function standardized(data: ExperimentData): ExperimentData {
  const all = (d: TensorDataset) => d.batch(Array.from({ length: d.size }, (_, i) => i));
  const train = all(data.train);
  const [mean, std] = tidy(() => {
    const m = moments(train.x);
    return [m.mean.dataSync()[0] as number, Math.sqrt(m.variance.dataSync()[0] as number)];
  });
  const scale = (batch: { x: Tensor; y: Tensor }, d: TensorDataset) => {
    const x = tidy(() => div(sub(batch.x, mean), std));
    batch.x.dispose();
    return tensorDataset(x, batch.y, { name: d.name, numClasses: d.numClasses });
  };
  return { train: scale(train, data.train), test: scale(all(data.test), data.test) };
}

export interface DepthRun {
  init: 'heNormal' | 'glorotNormal';
  curve: CurvePoint[];
  finalLoss: number;
  testAccuracy: number;
}

export interface DepthExperimentResult {
  depth: number;
  he: DepthRun;
  xavier: DepthRun;
}

export async function depthExperiment(
  data: ExperimentData,
  o: DepthExperimentOptions = {},
): Promise<DepthExperimentResult> {
  assertKnownOptions(
    'depthExperiment',
    o,
    optionKeys<DepthExperimentOptions>({
      depth: 1,
      width: 1,
      epochs: 1,
      batchSize: 1,
      learningRate: 1,
      seed: 1,
      every: 1,
      standardize: 1,
    }),
  );
  const depth = o.depth ?? 30;
  const width = o.width ?? 64;
  const every = o.every ?? 10;
  assertPositiveInteger('depthExperiment', 'depth', depth);
  assertPositiveInteger('depthExperiment', 'width', width);
  assertPositiveInteger('depthExperiment', 'every', every);
  const own = o.standardize ?? true;
  assertBoolean('depthExperiment', 'standardize', own);
  const input = own ? standardized(data) : data;
  const runOne = async (init: DepthRun['init']): Promise<DepthRun> => {
    const model = mlpPreset({
      hidden: Array.from({ length: depth }, () => width),
      activation: 'relu',
      init,
      seed: o.seed ?? 0,
      inputShape: input.train.inputShape,
    });
    const curve: CurvePoint[] = [];
    let sum = 0;
    let count = 0;
    let step = 0;
    const recorder: TrainingCallback = {
      onBatchEnd(_batch, logs) {
        sum += logs.loss ?? 0;
        count++;
        step++;
        if (count === every) {
          curve.push({ step, loss: sum / count });
          sum = 0;
          count = 0;
        }
      },
    };
    const run = await fit(model, input.train, {
      epochs: o.epochs ?? 1,
      batchSize: o.batchSize ?? 32,
      optimizer: { name: 'momentum', learningRate: o.learningRate ?? 0.005, momentum: 0.9 },
      seed: o.seed ?? 0,
      callbacks: [recorder],
      nanGuard: true,
    });
    const { accuracy } = await evaluate(model, input.test);
    model.dispose();
    const last = run.history[run.history.length - 1];
    return {
      init,
      curve,
      finalLoss: curve[curve.length - 1]?.loss ?? last?.loss ?? Number.NaN,
      testAccuracy: accuracy ?? 0,
    };
  };
  try {
    return { depth, he: await runOne('heNormal'), xavier: await runOne('glorotNormal') };
  } finally {
    if (own) {
      input.train.dispose();
      input.test.dispose();
    }
  }
}

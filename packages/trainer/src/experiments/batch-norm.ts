/**
 * Ioffe & Szegedy 2015, Figure 1 in small: a 3-hidden-layer MLP of 100 sigmoid units trained on MNIST
 * with and without batch normalisation (applied to Wx before each sigmoid, as in the paper), weights
 * drawn from the paper's small Gaussian N(0, 0.05²), same seed, initial weights, optimiser (SGD) and
 * batches. Records test accuracy (Fig. 1a) and the 15/50/85th percentiles of one unit's input to the
 * last sigmoid (Fig. 1b, c) as training goes.
 */
import { tidy, type Tensor } from '@tensorflow/tfjs-core';
import {
  assertPositiveInteger,
  hasPreActivation,
  type TrainingCallback,
  assertKnownOptions,
  optionKeys,
} from '@gradwell/core';
import { distributionSnapshot } from '@gradwell/batchnorm';
import { evaluate } from '../evaluate';
import type { Model } from '../model';
import { mlpPreset } from '../presets';
import { fit } from '../training/fit';
import type { ExperimentData } from './common';

export interface BatchNormExperimentOptions {
  /** Optimiser steps; default 1000. */
  steps?: number;
  /** Default 60 (the paper's). */
  batchSize?: number;
  /** SGD learning rate; default 0.5. */
  learningRate?: number;
  seed?: number;
  /** Record every this many steps; default steps/10. */
  recordEvery?: number;
}

export interface BatchNormCurvePoint {
  step: number;
  testAccuracy: number;
  /** 15th, 50th, 85th percentile of the first unit's input to the last sigmoid, on up to 1000 test digits. */
  percentiles: [number, number, number];
}

export interface BatchNormRun {
  testAccuracy: number;
  curve: BatchNormCurvePoint[];
}

export interface BatchNormExperimentResult {
  withBatchNorm: BatchNormRun;
  withoutBatchNorm: BatchNormRun;
}

/** The index of the last hidden dense layer (named `denseN` by the MLP preset). */
function lastHiddenDense(model: Model): number {
  let index = -1;
  model.layers.forEach((layer, i) => {
    if (layer.name.startsWith('dense')) index = i;
  });
  return index;
}

/** Percentiles of the first unit's input to the last sigmoid: the batch-norm output, or the dense layer's Wx + b. */
function lastSigmoidInput(model: Model, x: Tensor, withBatchNorm: boolean): [number, number, number] {
  const input = tidy(() => {
    const outputs = model.applyWithIntermediates(x);
    const hidden = lastHiddenDense(model);
    const layer = model.layers[hidden];
    return withBatchNorm || !hasPreActivation(layer)
      ? (outputs[hidden + (withBatchNorm ? 1 : 0)] as Tensor)
      : layer.applyPreActivation(outputs[hidden - 1] ?? x);
  });
  const [unit] = distributionSnapshot(input, { features: [0] });
  input.dispose();
  if (unit === undefined) throw new Error('batchNormExperiment: no hidden unit to follow.');
  return [unit.p15, unit.p50, unit.p85];
}

async function trainOne(
  data: ExperimentData,
  withBatchNorm: boolean,
  o: Required<BatchNormExperimentOptions>,
): Promise<BatchNormRun> {
  const model = mlpPreset({
    hidden: [100, 100, 100],
    activation: 'sigmoid',
    init: { name: 'normal', options: { mean: 0, std: 0.05 } },
    batchNorm: withBatchNorm,
    seed: o.seed,
    inputShape: data.train.inputShape,
  });
  const probe = data.test.batch(Array.from({ length: Math.min(1000, data.test.size) }, (_, i) => i));
  const curve: BatchNormCurvePoint[] = [];
  let step = 0;
  const recorder: TrainingCallback = {
    async onBatchEnd(_batch, _logs, context) {
      step++;
      if (step % o.recordEvery !== 0 && step !== o.steps) return;
      const { accuracy } = await evaluate(model, data.test);
      curve.push({
        step,
        testAccuracy: accuracy ?? 0,
        percentiles: lastSigmoidInput(model, probe.x, withBatchNorm),
      });
      if (step >= o.steps) context.requestStop(`${o.steps} steps`);
    },
  };
  try {
    await fit(model, data.train, {
      epochs: Math.ceil(o.steps / Math.ceil(data.train.size / o.batchSize)),
      batchSize: o.batchSize,
      optimizer: { name: 'sgd', learningRate: o.learningRate },
      seed: o.seed,
      callbacks: [recorder],
    });
  } finally {
    probe.x.dispose();
    probe.y.dispose();
    model.dispose();
  }
  return { testAccuracy: curve.at(-1)?.testAccuracy ?? 0, curve };
}

/** Trains the two networks on the same batches and returns their test accuracies and curves. */
export async function batchNormExperiment(
  data: ExperimentData,
  options: BatchNormExperimentOptions = {},
): Promise<BatchNormExperimentResult> {
  assertKnownOptions(
    'batchNormExperiment',
    options,
    optionKeys<BatchNormExperimentOptions>({
      steps: 1,
      batchSize: 1,
      learningRate: 1,
      seed: 1,
      recordEvery: 1,
    }),
  );
  const steps = options.steps ?? 1000;
  const resolved: Required<BatchNormExperimentOptions> = {
    steps,
    batchSize: options.batchSize ?? 60,
    learningRate: options.learningRate ?? 0.5,
    seed: options.seed ?? 1,
    recordEvery: options.recordEvery ?? Math.max(1, Math.floor(steps / 10)),
  };
  assertPositiveInteger('batchNormExperiment', 'steps', resolved.steps);
  assertPositiveInteger('batchNormExperiment', 'batchSize', resolved.batchSize);
  assertPositiveInteger('batchNormExperiment', 'recordEvery', resolved.recordEvery);
  return {
    withBatchNorm: await trainOne(data, true, resolved),
    withoutBatchNorm: await trainOne(data, false, resolved),
  };
}

/**
 * Ioffe & Szegedy 2015, Figure 1(a) in small: a 3-hidden-layer MLP of 100 sigmoid units trained on MNIST
 * with and without batch normalisation (applied to Wx before each sigmoid, as in the paper), weights
 * initialised to small random Gaussian values as in the paper (N(0, 0.05²)), same seed, same initial
 * weights, same optimiser, same batches; test accuracy after the same number of steps, and
 * the 15/50/85th percentiles of one unit's input over training (Figure 1(b, c)).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  type ActivationFunction,
  ActivationLayer,
  assertPositiveInteger,
  createRandom,
  Dense,
  type Initializer,
  type Layer,
  sequential,
  type Sequential,
} from '@gradwell/core';
import { batchNormalization } from './batch-norm-layer';

export interface ClassificationData {
  /** [n, features], float32. */
  trainImages: tf.Tensor2D;
  /** [n], int32 class ids. */
  trainLabels: tf.Tensor1D;
  testImages: tf.Tensor2D;
  testLabels: tf.Tensor1D;
}

export interface BatchNormExperimentOptions {
  /** Default 1000. */
  steps?: number;
  /** Default 60 (the paper's). */
  batchSize?: number;
  /** SGD learning rate; default 0.5. */
  learningRate?: number;
  seed?: number;
  /** Record test accuracy and the last hidden layer's input percentiles every this many steps; default steps/10. */
  recordEvery?: number;
}

export interface ExperimentCurvePoint {
  step: number;
  testAccuracy: number;
  /** 15th, 50th, 85th percentile of the first unit's input to the last sigmoid, on the test batch. */
  percentiles: [number, number, number];
}

export interface ExperimentRun {
  testAccuracy: number;
  curve: ExperimentCurvePoint[];
}

export interface BatchNormExperimentResult {
  withBatchNorm: ExperimentRun;
  withoutBatchNorm: ExperimentRun;
}

const sigmoid: ActivationFunction = { name: 'sigmoid', apply: (x) => tf.sigmoid(x) };

/** The paper's "small random Gaussian values": N(0, 0.05²) weights (the same for both networks). */
const smallGaussian: Initializer = {
  className: 'normal',
  apply: (shape, random) => random.normalTensor([...shape], 0, 0.05),
  getConfig: () => ({ mean: 0, std: 0.05 }),
};

function buildMlp(features: number, withBatchNorm: boolean, seed: number): Sequential {
  const layers: Layer[] = [];
  for (let i = 0; i < 3; i++) {
    const linear = new Dense({ units: 100, kernelInitializer: smallGaussian });
    if (withBatchNorm) layers.push(linear, batchNormalization(), new ActivationLayer(sigmoid));
    else layers.push(linear, new ActivationLayer(sigmoid));
  }
  layers.push(new Dense({ units: 10, kernelInitializer: smallGaussian }));
  return sequential(layers, { inputShape: [features], seed });
}

function accuracy(model: Sequential, images: tf.Tensor2D, labels: tf.Tensor1D): number {
  let correct = 0;
  const n = images.shape[0];
  for (let start = 0; start < n; start += 1000) {
    const size = Math.min(1000, n - start);
    const hits = tf.tidy(() => {
      const logits = model.apply(tf.slice(images, [start, 0], [size, -1]));
      return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.slice(labels, [start], [size])), 'int32'));
    });
    correct += hits.dataSync()[0] as number;
    hits.dispose();
  }
  return correct / n;
}

/** The input of the last sigmoid (unit 0) on a test batch: its 15/50/85th percentiles. */
function lastSigmoidInput(model: Sequential, images: tf.Tensor2D): [number, number, number] {
  const unit = tf.tidy(() => {
    const outputs = model.applyWithIntermediates(
      tf.slice(images, [0, 0], [Math.min(1000, images.shape[0]), -1]),
    );
    const index = model.layers.length - 3; // the layer feeding the last sigmoid
    return tf.slice(outputs[index] as tf.Tensor, [0, 0], [-1, 1]);
  });
  const values = Float64Array.from(unit.dataSync()).sort();
  unit.dispose();
  const at = (q: number) => values[Math.floor(q * (values.length - 1))] as number;
  return [at(0.15), at(0.5), at(0.85)];
}

function train(
  data: ClassificationData,
  withBatchNorm: boolean,
  options: Required<BatchNormExperimentOptions>,
): ExperimentRun {
  const model = buildMlp(data.trainImages.shape[1], withBatchNorm, options.seed);
  const optimizer = tf.train.sgd(options.learningRate);
  const random = createRandom(options.seed);
  const n = data.trainImages.shape[0];
  let order = random.permutation(n);
  let cursor = 0;
  const curve: ExperimentCurvePoint[] = [];
  const variables = model.trainableWeights.map((w) => w.variable);
  for (let step = 1; step <= options.steps; step++) {
    if (cursor + options.batchSize > n) {
      order = random.permutation(n);
      cursor = 0;
    }
    const indices = tf.tensor1d(order.subarray(cursor, cursor + options.batchSize), 'int32');
    cursor += options.batchSize;
    tf.tidy(() => {
      const x = tf.gather(data.trainImages, indices);
      const y = tf.oneHot(tf.gather(data.trainLabels, indices), 10);
      optimizer.minimize(
        (): tf.Scalar => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })),
        false,
        variables,
      );
    });
    indices.dispose();
    if (step % options.recordEvery === 0 || step === options.steps) {
      curve.push({
        step,
        testAccuracy: accuracy(model, data.testImages, data.testLabels),
        percentiles: lastSigmoidInput(model, data.testImages),
      });
    }
  }
  const result = { testAccuracy: (curve[curve.length - 1] as ExperimentCurvePoint).testAccuracy, curve };
  optimizer.dispose();
  model.dispose();
  return result;
}

/** Trains the two networks and returns their test accuracies and curves. */
export function compareBatchNormOnMlp(
  data: ClassificationData,
  options: BatchNormExperimentOptions = {},
): BatchNormExperimentResult {
  const steps = options.steps ?? 1000;
  const resolved: Required<BatchNormExperimentOptions> = {
    steps,
    batchSize: options.batchSize ?? 60,
    learningRate: options.learningRate ?? 0.5,
    seed: options.seed ?? 1,
    recordEvery: options.recordEvery ?? Math.max(1, Math.floor(steps / 10)),
  };
  assertPositiveInteger('compareBatchNormOnMlp', 'steps', resolved.steps);
  assertPositiveInteger('compareBatchNormOnMlp', 'batchSize', resolved.batchSize);
  assertPositiveInteger('compareBatchNormOnMlp', 'recordEvery', resolved.recordEvery);
  return {
    withBatchNorm: train(data, true, resolved),
    withoutBatchNorm: train(data, false, resolved),
  };
}

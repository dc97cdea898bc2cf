/**
 * The benchmark models of the foundation issue, on core's layers: MLP 784-512-256-10 (ReLU) and the
 * CNN conv3x3x32-maxpool-conv3x3x64-maxpool-dense128-dense10, each with one SGD step function.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Conv2d, createRandom, Dense, flatten, maxPool2d, sequential } from '@gradwell/core';

const relu = { name: 'relu', apply: (x) => tf.relu(x), fused: 'relu' };

export function makeMlp(seed = 1) {
  return sequential(
    [
      new Dense({ units: 512, activation: relu }),
      new Dense({ units: 256, activation: relu }),
      new Dense({ units: 10 }),
    ],
    {
      inputShape: [784],
      seed,
    },
  );
}

export function makeCnn(seed = 1) {
  const conv3x3 = (filters) => new Conv2d({ filters, kernelSize: 3, activation: relu });
  const head = [flatten(), new Dense({ units: 128, activation: relu }), new Dense({ units: 10 })];
  return sequential([conv3x3(32), maxPool2d(), conv3x3(64), maxPool2d(), ...head], {
    inputShape: [28, 28, 1],
    seed,
  });
}

/** A fixed synthetic batch: inputs in [0, 1) and one-hot labels. */
export function makeBatch(shape, seed = 2) {
  const random = createRandom(seed);
  const x = random.uniformTensor(shape);
  const labels = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: shape[0] }, () => random.nextInt(10)),
      'int32',
    ),
    10,
  );
  return { x, labels };
}

/** One SGD step (forward, backward, update); returns the loss as a number (which syncs the step). */
export function makeStep(model, { x, labels }, learningRate = 0.01) {
  const optimizer = tf.train.sgd(learningRate);
  const variables = model.trainableWeights.map((w) => w.variable);
  const step = () => {
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true })),
      true,
      variables,
    );
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  };
  step.dispose = () => optimizer.dispose();
  return step;
}

#!/usr/bin/env node
/**
 * The SGD step of a small CNN with AlexNet's overlapping pooling (3 × 3 windows, stride 2) on CIFAR-sized
 * inputs (conv3x3x32-maxpool-conv3x3x64-maxpool-dense128-dense10 on [64, 32, 32, 3]) with gradwell's
 * pooling kernels against what ran such pools before them: XNNPACK's `MaxPool` and `MaxPoolGrad` as a
 * JavaScript loop (max-pool-grad.ts's, which `setSimdKernels(false)` leaves). The two are swapped between
 * the steps of two copies of the model, alternating in one process, so drift falls on both alike. Medians
 * of 40 steps after 10 of warm-up, per round.
 *
 *   pnpm build && node packages/core/bench/overlapping-pool-step.mjs [threads] [rounds]
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  Conv2d,
  Dense,
  flatten,
  installTrainingKernels,
  maxPool2d,
  sequential,
  setSimdKernels,
  setupBackend,
  uninstallTrainingKernels,
} from '@gradwell/core';
import { makeBatch, makeStep } from './models.mjs';

const [threads = 1, rounds = 4] = process.argv.slice(2).map(Number);
await setupBackend({ threads });
const ours = { pool: tf.getKernel('MaxPool', 'wasm'), grad: tf.getKernel('MaxPoolGrad', 'wasm') };
uninstallTrainingKernels();
const stockPool = tf.getKernel('MaxPool', 'wasm');
installTrainingKernels();
const before = {
  pool: stockPool,
  grad: {
    ...ours.grad,
    kernelFunc: (args) => {
      setSimdKernels(false);
      try {
        return ours.grad.kernelFunc(args);
      } finally {
        setSimdKernels(true);
      }
    },
  },
};
function use(kernels) {
  for (const [name, kernel] of [
    ['MaxPool', kernels.pool],
    ['MaxPoolGrad', kernels.grad],
  ]) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(kernel);
  }
}

const relu = { name: 'relu', apply: (x) => tf.relu(x), fused: 'relu' };
const conv3x3 = (filters) => new Conv2d({ filters, kernelSize: 3, padding: 'same', activation: relu });
const pool = () => maxPool2d({ poolSize: 3, strides: 2 });
const makeModel = () =>
  sequential(
    [
      conv3x3(32),
      pool(),
      conv3x3(64),
      pool(),
      flatten(),
      new Dense({ units: 128, activation: relu }),
      new Dense({ units: 10 }),
    ],
    { inputShape: [32, 32, 3], seed: 1 },
  );
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const batch = makeBatch([64, 32, 32, 3]);
const models = [makeModel(), makeModel()];
const steps = models.map((model) => makeStep(model, batch));
for (let round = 1; round <= rounds; round++) {
  const times = [[], []];
  for (let r = -10; r < 40; r++)
    steps.forEach((step, i) => {
      use(i === 0 ? ours : before);
      const start = performance.now();
      step();
      if (r >= 0) times[i].push(performance.now() - start);
    });
  const [mine, theirs] = times.map(median);
  console.log(
    `overlapping-pool CNN step, ${threads} thread(s), round ${round}: gradwell's pooling ` +
      `${mine.toFixed(2)} ms, XNNPACK's and the JavaScript loop ${theirs.toFixed(2)} ms, ` +
      `${(theirs / mine).toFixed(3)}×`,
  );
}
use(ours);
steps.forEach((step) => step.dispose());
models.forEach((model) => model.dispose());
tf.dispose([batch.x, batch.labels]);

#!/usr/bin/env node
/**
 * The benchmark MLP's and CNN's SGD steps with gradwell's bias `Add` and ReLU-gradient kernels against
 * the same steps with tfjs's (`Add` back to tfjs's wasm kernel, `GradwellReluGrad` unregistered so the
 * gradient runs tfjs-core's `mul(dy, cast(step(x)))`), swapped between the steps of two copies of each
 * model, alternating in one process, so drift falls on both alike. Medians after 40 steps of warm-up.
 *
 *   pnpm build && node packages/core/bench/bias-relu-ab.mjs [threads]
 */
import * as tf from '@tensorflow/tfjs-core';
import { installTrainingKernels, setupBackend, uninstallTrainingKernels } from '@gradwell/core';
import { makeBatch, makeCnn, makeMlp, makeStep } from './models.mjs';

const threads = Number(process.argv[2] ?? 1);
await setupBackend({ threads });
const RELU_GRAD = 'GradwellReluGrad';
const ours = { add: tf.getKernel('Add', 'wasm'), reluGrad: tf.getKernel(RELU_GRAD, 'wasm') };
uninstallTrainingKernels();
const stockAdd = tf.getKernel('Add', 'wasm');
installTrainingKernels();

function useOurs(on) {
  tf.unregisterKernel('Add', 'wasm');
  tf.registerKernel(on ? ours.add : stockAdd);
  const registered = tf.getKernel(RELU_GRAD, 'wasm') !== undefined;
  if (on && !registered) tf.registerKernel(ours.reluGrad);
  if (!on && registered) tf.unregisterKernel(RELU_GRAD, 'wasm');
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
for (const [name, makeModel, shape, runs] of [
  ['CNN', makeCnn, [64, 28, 28, 1], 60],
  ['MLP', makeMlp, [128, 784], 200],
]) {
  const batch = makeBatch(shape);
  const models = [makeModel(), makeModel()];
  const steps = models.map((model) => makeStep(model, batch));
  const times = [[], []];
  for (let r = -40; r < runs; r++)
    steps.forEach((step, i) => {
      useOurs(i === 0);
      const start = performance.now();
      step();
      if (r >= 0) times[i].push(performance.now() - start);
    });
  useOurs(true);
  steps.forEach((step) => step.dispose());
  models.forEach((model) => model.dispose());
  tf.dispose([batch.x, batch.labels]);
  const [mine, theirs] = times.map(median);
  console.log(
    `${name} step, ${threads} thread(s): gradwell's kernels ${mine.toFixed(2)} ms, tfjs's ${theirs.toFixed(2)} ms, ${(theirs / mine).toFixed(3)}×`,
  );
}

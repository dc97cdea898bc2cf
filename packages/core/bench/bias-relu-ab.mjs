#!/usr/bin/env node
/**
 * The benchmark MLP's and CNN's SGD steps with gradwell's bias-and-ReLU kernels against the same steps
 * with tfjs's, swapped between the steps of two copies of each model, alternating in one process, so
 * drift falls on both alike. Medians after 40 steps of warm-up.
 *
 * By default "tfjs's" is tfjs's all through: `Add` back to tfjs's wasm kernel, `GradwellBiasRelu`
 * unregistered (so the layers' bias and ReLU under the tape run `Add` then `Relu`) and `GradwellReluGrad`
 * unregistered (so ReLU's gradient runs tfjs-core's `mul(dy, cast(step(x)))`). With `--fused` only
 * `GradwellBiasRelu` is taken away: the one pass against gradwell's own `Add` then tfjs's `Relu`.
 *
 *   pnpm build && node packages/core/bench/bias-relu-ab.mjs [threads] [--fused]
 */
import * as tf from '@tensorflow/tfjs-core';
import { installTrainingKernels, setupBackend, uninstallTrainingKernels } from '@gradwell/core';
import { makeBatch, makeCnn, makeMlp, makeStep } from './models.mjs';

const threads = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1);
const fusedOnly = process.argv.includes('--fused');
await setupBackend({ threads });
const OWN = ['GradwellReluGrad', 'GradwellBiasRelu'];
const ours = { add: tf.getKernel('Add', 'wasm'), own: OWN.map((name) => tf.getKernel(name, 'wasm')) };
uninstallTrainingKernels();
const stockAdd = tf.getKernel('Add', 'wasm');
installTrainingKernels();

function useOurs(on) {
  if (!fusedOnly) {
    tf.unregisterKernel('Add', 'wasm');
    tf.registerKernel(on ? ours.add : stockAdd);
  }
  OWN.forEach((name, i) => {
    if (fusedOnly && name !== 'GradwellBiasRelu') return;
    const registered = tf.getKernel(name, 'wasm') !== undefined;
    if (on && !registered) tf.registerKernel(ours.own[i]);
    if (!on && registered) tf.unregisterKernel(name, 'wasm');
  });
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
    `${name} step, ${threads} thread(s): ${fusedOnly ? 'one bias-ReLU pass' : "gradwell's kernels"} ${mine.toFixed(2)} ms, ${fusedOnly ? 'Add then Relu' : "tfjs's"} ${theirs.toFixed(2)} ms, ${(theirs / mine).toFixed(3)}×`,
  );
}

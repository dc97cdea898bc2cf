#!/usr/bin/env node
/**
 * The benchmark MLP's and CNN's SGD steps with gradwell's bias-and-ReLU kernels against the same steps
 * with tfjs's, swapped between the steps of two copies of each model, alternating in one process, so
 * drift falls on both alike. Medians after 40 steps of warm-up.
 *
 * By default "tfjs's" is tfjs's all through: `Add` back to tfjs's wasm kernel, `GradwellBiasRelu`
 * unregistered (so the layers' bias and ReLU under the tape run `Add` then `Relu`) and `GradwellReluGrad`
 * unregistered (so ReLU's gradient runs tfjs-core's `mul(dy, cast(step(x)))`). With `--fused` only
 * `GradwellBiasRelu` is taken away: the one pass against gradwell's own `Add` then tfjs's `Relu`. With
 * `--grad` only `GradwellBiasReluGrad` is: its gradient in one pass against `GradwellReluGrad` then `Sum`.
 *
 *   pnpm build && node packages/core/bench/bias-relu-ab.mjs [threads] [--fused | --grad]
 */
import * as tf from '@tensorflow/tfjs-core';
import { installTrainingKernels, setupBackend, uninstallTrainingKernels } from '@gradwell/core';
import { makeBatch, makeCnn, makeMlp, makeStep } from './models.mjs';

const threads = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1);
const fusedOnly = process.argv.includes('--fused');
const gradOnly = process.argv.includes('--grad');
/** The one kernel taken away, if only one is. */
const only = fusedOnly ? 'GradwellBiasRelu' : gradOnly ? 'GradwellBiasReluGrad' : undefined;
await setupBackend({ threads });
const OWN = ['GradwellReluGrad', 'GradwellBiasRelu', 'GradwellBiasReluGrad'];
const ours = { add: tf.getKernel('Add', 'wasm'), own: OWN.map((name) => tf.getKernel(name, 'wasm')) };
uninstallTrainingKernels();
const stockAdd = tf.getKernel('Add', 'wasm');
installTrainingKernels();

function useOurs(on) {
  if (only === undefined) {
    tf.unregisterKernel('Add', 'wasm');
    tf.registerKernel(on ? ours.add : stockAdd);
  }
  OWN.forEach((name, i) => {
    if (only !== undefined && name !== only) return;
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
  const [ours, against] = fusedOnly
    ? ['one bias-ReLU pass', 'Add then Relu']
    : gradOnly
      ? ['its gradient in one pass', 'ReluGrad then Sum']
      : ["gradwell's kernels", "tfjs's"];
  console.log(
    `${name} step, ${threads} thread(s): ${ours} ${mine.toFixed(2)} ms, ${against} ${theirs.toFixed(2)} ms, ${(theirs / mine).toFixed(3)}×`,
  );
}

#!/usr/bin/env node
/**
 * The benchmark CNN's SGD step with gradwell's `MaxPool` kernel (max-pool.ts) against the same step with
 * tfjs's (XNNPACK), swapped between the steps of two copies of the model, alternating in one process, so
 * drift falls on both alike. Medians after 40 steps of warm-up, three rounds.
 *
 *   pnpm build && node packages/core/bench/max-pool-ab.mjs [threads]
 */
import * as tf from '@tensorflow/tfjs-core';
import { installTrainingKernels, setupBackend, uninstallTrainingKernels } from '@gradwell/core';
import { makeBatch, makeCnn, makeStep } from './models.mjs';

const threads = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1);
await setupBackend({ threads });
const ours = tf.getKernel('MaxPool', 'wasm');
uninstallTrainingKernels();
const stock = tf.getKernel('MaxPool', 'wasm');
installTrainingKernels();

function useOurs(on) {
  tf.unregisterKernel('MaxPool', 'wasm');
  tf.registerKernel(on ? ours : stock);
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const batch = makeBatch([64, 28, 28, 1]);
const models = [makeCnn(), makeCnn()];
const steps = models.map((model) => makeStep(model, batch));
for (let round = 1; round <= 3; round++) {
  const times = [[], []];
  for (let r = -40; r < 60; r++)
    steps.forEach((step, i) => {
      useOurs(i === 0);
      const start = performance.now();
      step();
      if (r >= 0) times[i].push(performance.now() - start);
    });
  const [mine, theirs] = times.map(median);
  console.log(
    `CNN step, ${threads} thread(s), round ${round}: gradwell's MaxPool ${mine.toFixed(2)} ms, ` +
      `XNNPACK's ${theirs.toFixed(2)} ms, ${(theirs / mine).toFixed(3)}×`,
  );
}
useOurs(true);
steps.forEach((step) => step.dispose());
models.forEach((model) => model.dispose());
tf.dispose([batch.x, batch.labels]);

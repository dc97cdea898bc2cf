#!/usr/bin/env node
/**
 * The benchmark CNN's SGD step through `Sequential.apply`, which runs each conv (bias, ReLU) and the max
 * pooling after it pooling first (`Conv2d.applyMaxPooled`), against the same step with the layers applied
 * one by one (conv, bias and ReLU on all values, then the pooling), alternating between two copies of the
 * model in one process, so drift falls on both alike. Medians after 40 steps of warm-up, three rounds.
 *
 *   pnpm build && node packages/core/bench/pool-first-ab.mjs [threads]
 */
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { makeBatch, makeCnn, makeStep } from './models.mjs';

const threads = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1);
await setupBackend({ threads });

/** `model` applied layer by layer, as `Sequential.apply` did before it pooled first. */
const layerByLayer = (model) => ({
  trainableWeights: model.trainableWeights,
  apply: (x, context) => tf.tidy(() => model.layers.reduce((h, layer) => layer.apply(h, context), x)),
});

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const batch = makeBatch([64, 28, 28, 1]);
const steps = [makeStep(makeCnn(), batch), makeStep(layerByLayer(makeCnn()), batch)];
for (let round = 1; round <= 3; round++) {
  const times = [[], []];
  for (let r = -40; r < 60; r++)
    steps.forEach((step, i) => {
      const start = performance.now();
      step();
      if (r >= 0) times[i].push(performance.now() - start);
    });
  const [first, after] = times.map(median);
  console.log(
    `CNN step, ${threads} thread(s), round ${round}: pooling first ${first.toFixed(2)} ms, ` +
      `layer by layer ${after.toFixed(2)} ms, ${(after / first).toFixed(3)}×`,
  );
}

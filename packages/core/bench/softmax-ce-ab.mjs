#!/usr/bin/env node
/**
 * core's `softmaxCrossEntropyWithLogits` against tfjs's composition `neg(sum(mul(labels,
 * logSoftmax(logits)), 1))`, forward and backward (`valueAndGrad` of the mean loss), alternated in one
 * process, at logits' sizes around `LOOP_VALUES` (kernels/softmax-cross-entropy.ts): the figures that
 * placed it. Median of 30 calls each after 10 warm-up calls; also the largest difference of the gradients.
 *
 *   pnpm build && node packages/core/bench/softmax-ce-ab.mjs [--threads N]
 */
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend, softmaxCrossEntropyWithLogits } from '@gradwell/core';

const i = process.argv.indexOf('--threads');
await setupBackend({ threads: i < 0 ? 1 : Number(process.argv[i + 1]) });
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const SHAPES = [
  [32, 10],
  [128, 10],
  [256, 10],
  [128, 32],
  [64, 64],
  [128, 64],
  [128, 100],
  [128, 1000],
];
for (const [n, k] of SHAPES) {
  const logits = tf.randomNormal([n, k], 0, 3, 'float32', 1);
  const labels = tf.tidy(() => tf.cast(tf.oneHot(tf.randomUniform([n], 0, k, 'int32', 2), k), 'float32'));
  const losses = [
    (z) => tf.mean(tf.neg(tf.sum(tf.mul(labels, tf.logSoftmax(z)), 1))),
    (z) => tf.mean(softmaxCrossEntropyWithLogits(labels, z)),
  ].map((f) => tf.valueAndGrad(f));
  const times = [[], []];
  for (let r = -10; r < 30; r++) {
    losses.forEach((f, j) => {
      const start = performance.now();
      const { value, grad } = f(logits);
      grad.dataSync();
      if (r >= 0) times[j].push(performance.now() - start);
      tf.dispose([value, grad]);
    });
  }
  const diff = tf.tidy(() => {
    const [a, b] = losses.map((f) => f(logits).grad);
    return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
  });
  const [theirs, ours] = times.map(median);
  console.log(
    `[${n}, ${k}] ${n * k} logits: tfjs's composition ${(1000 * theirs).toFixed(0)} µs, ` +
      `softmaxCrossEntropyWithLogits ${(1000 * ours).toFixed(0)} µs (${(theirs / ours).toFixed(2)}×); ` +
      `largest gradient difference ${diff.toExponential(1)}`,
  );
  tf.dispose([logits, labels]);
}

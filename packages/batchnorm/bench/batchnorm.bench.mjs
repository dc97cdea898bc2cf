/**
 * @gradwell/batchnorm benchmarks: batch-norm forward+backward on [64, 28, 28, 32] on wasm, the fused
 * closed-form backward vs autodiff through the forward (interleaved rounds, medians). (The paper's MNIST
 * experiment is the trainer's: packages/trainer/bench/trainer.bench.mjs.)
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRandom, setupBackend } from '@gradwell/core';
import { normalizeBatchInTraining } from '@gradwell/batchnorm';
import { createReport, medianMs, quick } from '@gradwell/bench-kit';

await setupBackend({ backend: 'wasm' });
const report = createReport('batchnorm');

const random = createRandom(1);
const x = random.normalTensor([64, 28, 28, 32], 1, 2);
const dy = random.uniformTensor([64, 28, 28, 32], -1, 1);
const gamma = random.uniformTensor([32], 0.5, 1.5);
const beta = random.uniformTensor([32], -0.5, 0.5);
const step = (gradient) => () => {
  const grads = tf.grads((a, g, b) =>
    tf.sum(tf.mul(normalizeBatchInTraining(a, undefined, { gamma: g, beta: b, gradient }).y, dy)),
  )([x, gamma, beta]);
  grads[0].dataSync();
  tf.dispose(grads);
};
const runs = { warmup: 3, runs: quick ? 5 : 11 };
const fused = [];
const autodiff = [];
for (let round = 0; round < 3; round++) {
  fused.push(medianMs(step('fused'), runs));
  autodiff.push(medianMs(step('autodiff'), runs));
}
const middle = (v) => v.sort((a, b) => a - b)[1];
report.add({
  name: 'batch norm forward+backward [64,28,28,32] (wasm), fused closed-form gradient',
  medianMs: middle(fused),
  runs: runs.runs * 3,
  reference: { name: 'autodiff through mean/variance/rsqrt', medianMs: middle(autodiff) },
  target: '≥ 2× faster than autodiff',
  met: middle(autodiff) / middle(fused) >= 2,
});
tf.dispose([x, dy, gamma, beta]);

report.write();

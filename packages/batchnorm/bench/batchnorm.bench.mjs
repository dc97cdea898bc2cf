/**
 * @gradwell/batchnorm benchmarks: batch-norm forward+backward on [64, 28, 28, 32] on wasm, the fused
 * closed-form backward vs autodiff through the forward (interleaved rounds, medians); and the paper's
 * MNIST experiment on the full data set (60k train / 10k test): 3×100 sigmoid MLP with vs without BN.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRandom, setupBackend } from '@gradwell/core';
import { compareBatchNormOnMlp, normalizeBatchInTraining } from '@gradwell/batchnorm';
import { loadMnistSplit } from '../../test-utils/src/mnist.mjs';
import { createReport, quick } from '../../core/bench/report.mjs';
import { medianMs } from '../../core/bench/timing.mjs';

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

const steps = quick ? 1000 : 5000;
const train = loadMnistSplit('train');
const test = loadMnistSplit('test');
const data = {
  trainImages: tf.tensor2d(train.images, [train.count, 784]),
  trainLabels: tf.tensor1d(Int32Array.from(train.labels), 'int32'),
  testImages: tf.tensor2d(test.images, [test.count, 784]),
  testLabels: tf.tensor1d(Int32Array.from(test.labels), 'int32'),
};
const started = performance.now();
const result = compareBatchNormOnMlp(data, { steps, seed: 1 });
const seconds = (performance.now() - started) / 1000;
const curve = (run) => run.curve.map((p) => `${p.step}:${(100 * p.testAccuracy).toFixed(1)}%`).join(' ');
report.add({
  name: `MNIST 3×100 sigmoid MLP, ${steps} SGD steps of 60, test accuracy with BN`,
  medianMs: undefined,
  note: `with BN ${(100 * result.withBatchNorm.testAccuracy).toFixed(2)}% vs without ${(100 * result.withoutBatchNorm.testAccuracy).toFixed(2)}% (${seconds.toFixed(0)} s both); curves — with: ${curve(result.withBatchNorm)}; without: ${curve(result.withoutBatchNorm)}`,
  target: 'with BN higher',
  met: result.withBatchNorm.testAccuracy > result.withoutBatchNorm.testAccuracy,
});
report.write();

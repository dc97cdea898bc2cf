/**
 * @gradwell/batchnorm benchmarks: batch-norm forward+backward on [64, 28, 28, 32] on wasm, the fused
 * closed-form backward vs autodiff through the forward, and a weight-normalised dense layer's training step
 * vs the plain layer's (interleaved rounds, medians). (The paper's MNIST
 * experiment is the trainer's: packages/trainer/bench/trainer.bench.mjs.)
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRandom, Dense, setupBackend } from '@gradwell/core';
import { normalizeBatchInTraining, WeightNormDense } from '@gradwell/batchnorm';
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

// Weight norm: a training step (forward + gradients of x, v, g, b) of a weight-normalised 784→512 ReLU
// layer at batch 128, beside the plain dense layer's — the cost of w = g·v/‖v‖ (norms, scale, their
// gradients) on the main job's largest layer.
const relu = { name: 'relu', apply: (t) => tf.relu(t), fused: 'relu' };
const input = random.normalTensor([128, 784]);
const layerStep = (layer) => {
  layer.build([784], createRandom(2));
  const variables = layer.trainableWeights.map((w) => w.variable);
  return () => {
    const { value, grads } = tf.variableGrads(
      () => tf.sum(layer.apply(input, { training: true })),
      variables,
    );
    Object.values(grads)[0].dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
};
const normalized = layerStep(new WeightNormDense({ units: 512, activation: relu }));
const plain = layerStep(new Dense({ units: 512, activation: relu }));
const [wn, dense] = [[], []];
for (let round = 0; round < 3; round++) {
  wn.push(medianMs(normalized, runs));
  dense.push(medianMs(plain, runs));
}
report.add({
  name: 'weight-normalised dense 784→512 relu, batch 128, training step (wasm)',
  medianMs: middle(wn),
  runs: runs.runs * 3,
  reference: { name: 'plain dense layer, same step', medianMs: middle(dense) },
  target: '≤ 1.3× the plain layer',
  met: middle(wn) / middle(dense) <= 1.3,
});
input.dispose();

report.write();

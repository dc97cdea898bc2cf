/**
 * Where `fit`'s MLP time goes beyond the raw step, measured side by side in one process: rounds of 100
 * steps of the MLP 784-512-256-10 (Adam, batch 128) in three forms, one model each, interleaved
 *
 *   raw   — the bench's raw step: one fixed batch, tf.losses.softmaxCrossEntropy, minimize, the loss read;
 *   fresh — the same written by hand over 100 different batches of MNIST (a hostDataset's batches);
 *   fit   — `fit` for one epoch over those 100 batches (its own loss, accuracy, callbacks, batching).
 *
 * The raw step runs before and after each round's other two (its median and its mean over both bursts).
 * Prints each round and the medians of the rounds' ratios: fit / raw median (what the trainer suite's
 * target compares), fit / raw mean, fit / fresh (the loop's own cost) and fresh / raw mean (new data).
 *
 *   node packages/trainer/bench/fit-overhead.mjs [threads = 2] [rounds = 10]   (after `pnpm build`)
 */
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { createOptimizer, fit, hostDataset, mlpPreset } from '@gradwell/trainer';
import { loadMnistSplit } from '@gradwell/bench-kit';

const threads = Number(process.argv[2] ?? 2);
const rounds = Number(process.argv[3] ?? 10);
const report = await setupBackend({ backend: 'wasm', threads });
const batchSize = 128;
const steps = 100;
const { images, labels } = loadMnistSplit('train', { limit: 4 * steps * batchSize });
const ids = Int32Array.from(labels);
/** Four stretches of 100 batches, taken in turn. */
const parts = Array.from({ length: 4 }, (_, i) => {
  const from = i * steps * batchSize;
  const to = from + steps * batchSize;
  return hostDataset(images.subarray(from * 784, to * 784), ids.subarray(from, to), [784], {
    numClasses: 10,
  });
});
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const model = () => {
  const m = mlpPreset({ inputShape: [784], init: 'heNormal', seed: 1 });
  m.build([784]);
  return m;
};
const adam = () => createOptimizer({ name: 'adam', learningRate: 1e-3 });

const rawModel = model();
const rawOptimizer = adam();
const rawVariables = rawModel.trainableWeights.map((w) => w.variable);
const first = parts[0].batch(Int32Array.from({ length: batchSize }, (_, i) => i));
const rawLabels = tf.oneHot(first.y, 10);
first.y.dispose();
function raw() {
  const times = [];
  for (let s = 0; s < steps; s++) {
    const started = performance.now();
    const loss = rawOptimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(rawLabels, rawModel.apply(first.x, { training: true })),
      true,
      rawVariables,
    );
    loss.dataSync();
    loss.dispose();
    times.push(performance.now() - started);
  }
  return times;
}

const freshModel = model();
const freshOptimizer = adam();
const freshVariables = freshModel.trainableWeights.map((w) => w.variable);
function fresh(data) {
  const started = performance.now();
  for (let s = 0; s < steps; s++) {
    const batch = data.batch(Int32Array.from({ length: batchSize }, (_, i) => s * batchSize + i));
    const y = tf.oneHot(batch.y, 10);
    const loss = freshOptimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, freshModel.apply(batch.x, { training: true })),
      true,
      freshVariables,
    );
    loss.dataSync();
    tf.dispose([loss, y, batch.x, batch.y]);
  }
  return (performance.now() - started) / steps;
}

const fitModel = model();
async function fitted(data) {
  const run = await fit(fitModel, data, {
    epochs: 1,
    batchSize,
    optimizer: { name: 'adam', learningRate: 1e-3 },
    seed: 1,
  });
  return (run.history[0].seconds * 1000) / steps;
}

console.log(`${report.backend}, ${report.threads} thread(s); ms a step; round 0 is a warm-up`);
const kept = [];
for (let round = 0; round <= rounds; round++) {
  const data = parts[round % parts.length];
  const before = raw();
  const f = fresh(data);
  const e = await fitted(data);
  const both = [...before, ...raw()];
  const r = {
    rawMedian: median(both),
    rawMean: both.reduce((a, b) => a + b) / both.length,
    fresh: f,
    fit: e,
  };
  if (round > 0) kept.push(r);
  console.log(
    `round ${round}: raw median ${r.rawMedian.toFixed(2)}, mean ${r.rawMean.toFixed(2)} | fresh ${f.toFixed(2)} | fit ${e.toFixed(2)}`,
  );
}
const ratio = (f) => median(kept.map(f)).toFixed(3);
console.log(
  `medians of the rounds' ratios: fit / raw median ${ratio((r) => r.fit / r.rawMedian)}, fit / raw mean ${ratio((r) => r.fit / r.rawMean)}, fit / fresh ${ratio((r) => r.fit / r.fresh)}, fresh / raw mean ${ratio((r) => r.fresh / r.rawMean)}`,
);

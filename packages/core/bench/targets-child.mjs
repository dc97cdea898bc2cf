/**
 * One process of issue 20's target suite (targets.bench.mjs runs each in its own process: the thread
 * count is fixed when the wasm backend starts). Prints one JSON line.
 *
 *   node targets-child.mjs THREADS [quick] [plain]
 *                                            gradwell on wasm: the MLP and CNN SGD steps, and both steps
 *                                            again with gradwell's SIMD kernels off (its previous JS
 *                                            kernels); the plain matMul of the MLP's first layer (GEMM
 *                                            rate) and the MLP step with tfjs's loss and optimiser
 *                                            timed in the same rounds as the MLP's steps;
 *                                            `plain`: all with setupBackend({ relaxedSimd: false })
 *   node targets-child.mjs layers [quick]    tfjs-layers 4.22 `trainOnBatch` of the same MLP on stock wasm
 *                                            (tfjs's own kernels, its own single-threaded loader)
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { setSimdKernels, setupBackend, uninstallTrainingKernels } from '@gradwell/core';
import { makeBatch, makeCnn, makeMlp, makeStep } from './models.mjs';

const [mode, ...flags] = process.argv.slice(2);
const speed = flags.includes('quick') ? 'quick' : 'full';
const relaxedSimd = !flags.includes('plain');
// A training step reaches its steady speed only after tens of steps (V8 optimises tfjs's and gradwell's
// JavaScript as it runs: the MLP step measured 11.5 ms over its first 30 steps, 7.3–7.6 from the 150th,
// on two threads here), so every step — gradwell's and tfjs-layers' alike — is warmed up that long first.
const runs = speed === 'quick' ? { warmup: 3, runs: 5 } : { warmup: 40, runs: 20 };

const median = (values) => {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
};

/**
 * Median times of `tasks` (functions timed one call at a time), measured in rounds of one call each in
 * turn, so drift on a shared machine falls on all alike. A task with `warm: true` is called once more,
 * untimed, just before its timed call (its operands in cache, as in a loop of it alone).
 */
function alternate(tasks) {
  const times = tasks.map(() => []);
  for (let r = -runs.warmup; r < runs.runs; r++) {
    tasks.forEach((task, i) => {
      if (task.warm) task();
      const start = performance.now();
      task();
      if (r >= 0) times[i].push(performance.now() - start);
    });
  }
  return times.map(median);
}

/**
 * Median step times with gradwell's SIMD kernels on and off, measured alternately (on, off, on, …) on
 * two copies of the model, with `alongside` (more timed functions) in the same rounds.
 */
function measureStepOnOff(makeModel, shape, alongside = []) {
  const batch = makeBatch(shape);
  const steps = [makeModel(), makeModel()].map((model) => ({ model, step: makeStep(model, batch) }));
  const stepWith = (on) => () => {
    setSimdKernels(on);
    steps[on ? 0 : 1].step();
  };
  const [on, off, ...others] = alternate([stepWith(true), stepWith(false), ...alongside]);
  setSimdKernels(true);
  for (const { model, step } of steps) {
    step.dispose();
    model.dispose();
  }
  tf.dispose([batch.x, batch.labels]);
  return { on, off, others };
}

if (mode === 'layers') {
  // stock: V8's flags as Node starts (relaxedSimd: false) and tfjs's own kernels only
  await setupBackend({ backend: 'wasm', threads: 1, relaxedSimd: false });
  uninstallTrainingKernels();
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }),
      tfl.layers.dense({ units: 256, activation: 'relu' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
  const { x, labels } = makeBatch([128, 784]);
  const times = [];
  for (let r = -runs.warmup; r < runs.runs; r++) {
    const start = performance.now();
    await model.trainOnBatch(x, labels);
    if (r >= 0) times.push(performance.now() - start);
  }
  const ms = median(times);
  console.log(JSON.stringify({ layersMlpStepMs: ms }));
} else {
  const report = await setupBackend({ backend: 'wasm', threads: Number(mode), relaxedSimd });
  const a = tf.randomUniform([128, 784], -1, 1, 'float32', 1);
  const b = tf.randomUniform([784, 512], -1, 1, 'float32', 2);
  // The floor's rate: the faster of gradwell's SIMD product and XNNPACK (which, with the same operand
  // every call, packs it once and serves it from its cache: its best case), timed in the same rounds as
  // the MLP's steps, so the step's ratio to its floor holds however this machine's speed drifts.
  const matMulWith = (on) =>
    Object.assign(
      () => {
        setSimdKernels(on);
        tf.matMul(a, b).dispose();
      },
      { warm: true },
    );
  // information: the same step with tfjs's loss and SGDOptimizer (two passes a variable, Multiply and
  // Add) instead of gradwell's (models.mjs)
  const tfjsStep = { model: makeMlp(), batch: makeBatch([128, 784]) };
  tfjsStep.step = makeStep(tfjsStep.model, tfjsStep.batch, 0.01, 'tfjs');
  const mlp = measureStepOnOff(
    makeMlp,
    [128, 784],
    [
      matMulWith(true),
      matMulWith(false),
      () => {
        setSimdKernels(true);
        tfjsStep.step();
      },
    ],
  );
  const matMulMs = Math.min(mlp.others[0], mlp.others[1]);
  tfjsStep.step.dispose();
  tfjsStep.model.dispose();
  tf.dispose([tfjsStep.batch.x, tfjsStep.batch.labels]);
  setSimdKernels(true);
  tf.dispose([a, b]);
  const cnn = measureStepOnOff(makeCnn, [64, 28, 28, 1]);
  console.log(
    JSON.stringify({
      threads: report.threads,
      flavour: report.simdFlavour,
      matMulMs,
      mlpStepMs: mlp.on,
      mlpStepNoSimdMs: mlp.off,
      mlpStepTfjsMs: mlp.others[2],
      cnnStepMs: cnn.on,
      cnnStepNoSimdMs: cnn.off,
    }),
  );
}

/**
 * One row of the trainer suite (trainer.bench.mjs): gradwell's optimiser against tfjs-core's own on the
 * benchmark MLP's training step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createOptimizer, disposeOptimizer, mlpPreset } from '@gradwell/trainer';
import { medianMs } from '@gradwell/bench-kit';

const median = (values) => {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
};

/**
 * gradwell's optimiser (`createOptimizer(spec)`: each variable's update one SIMD pass) against tfjs-core's
 * own (`tf.train.*`: element-wise kernels per variable, fourteen for Adam, four for momentum, two for SGD,
 * eleven for RMSProp, seven for Adagrad), the same MLP step on the same batch: rounds alternating the two, the row the median of the rounds' ratios (the VM's
 * speed drifts between minutes; side by side, the drift cancels).
 */
export function optimizerComparison(report, threads, data, rounds, label, spec, tfjsOptimizer) {
  const batch = data.batch(Int32Array.from({ length: 128 }, (_, i) => i));
  const labels = tf.oneHot(batch.y, 10);
  const stepper = (optimizer) => {
    const model = mlpPreset({ inputShape: [784], init: 'heNormal', seed: 1 });
    model.build([784]);
    const variables = model.trainableWeights.map((w) => w.variable);
    const step = () => {
      const loss = optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(labels, model.apply(batch.x, { training: true })),
        true,
        variables,
      );
      loss.dataSync();
      loss.dispose();
    };
    return { step, dispose: () => (disposeOptimizer(optimizer), model.dispose()) };
  };
  const ours = stepper(createOptimizer(spec));
  const theirs = stepper(tfjsOptimizer);
  const pairs = [];
  for (let r = 0; r < rounds; r++) {
    const t = medianMs(theirs.step, { warmup: 3, runs: 30 });
    pairs.push({ ours: medianMs(ours.step, { warmup: 3, runs: 30 }), theirs: t });
  }
  [ours, theirs].forEach((s) => s.dispose());
  tf.dispose([batch.x, batch.y, labels]);
  const speedUp = median(pairs.map((p) => p.theirs / p.ours));
  report.add({
    name: `MLP 784-512-256-10 ${label} step, batch 128: gradwell’s fused update (wasm)`,
    medianMs: median(pairs.map((p) => p.ours)),
    runs: rounds,
    reference: {
      name: `tfjs-core's own ${label}, same step, alternated`,
      medianMs: median(pairs.map((p) => p.theirs)),
    },
    target: 'faster',
    met: speedUp > 1,
    note: `${speedUp.toFixed(2)}× faster, median of ${rounds} alternated rounds (ms ours/tfjs: ${pairs.map((p) => `${p.ours.toFixed(2)}/${p.theirs.toFixed(2)}`).join(', ')}); ${threads} thread(s)`,
  });
}

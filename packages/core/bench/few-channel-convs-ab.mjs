#!/usr/bin/env node
/**
 * The filter gradient (`Conv2DBackpropFilter`) of convolutions whose output channels are not a multiple
 * of 8 (LeNet-5's first conv: 6; an RGB or one-channel output layer: 3 or 1), on one thread: gradwell's
 * product with dy's channels padded to 8 (this build) against XNNPACK's composed conv, which ran them
 * before (`setSimdKernels(false)` for the call), alternated call by call in one process; medians of
 * `calls` calls after 2 of warm-up, per round, and the largest difference between the two. Then
 * LeNet-5's SGD step (ReLU, batch 64, MNIST-sized): copies of the model alternated step by step, one on
 * this build's kernels, one with both kernels this session changed as before (the filter gradient for
 * the channels above; the input gradient, `Conv2DBackpropInput`, where the filter's taps are not a
 * multiple of 8: XNNPACK's conv of the padded dy), and one each with one of them as before.
 *
 *   pnpm build && node packages/core/bench/few-channel-convs-ab.mjs [rounds] [calls]
 */
import * as tf from '@tensorflow/tfjs-core';
import { Conv2d, Dense, flatten, maxPool2d, sequential, setSimdKernels, setupBackend } from '@gradwell/core';
import { makeBatch, makeStep } from './models.mjs';
import { alternatedMedians } from './alternate.mjs';
import { withKernel } from './other-build.mjs';

const [rounds = 3, calls = 8] = process.argv.slice(2).map(Number);
await setupBackend({ threads: 1 });
const offSimd = (f) => {
  setSimdKernels(false);
  try {
    return f();
  } finally {
    setSimdKernels(true);
  }
};

const CASES = [
  // x's shape, the filter [kh, kw, ci, co], padding; what it is
  [[64, 28, 28, 1], [5, 5, 1, 6], 'same', "LeNet-5's C1"],
  [[16, 32, 32, 16], [3, 3, 16, 3], 'same', 'an RGB output layer'],
  [[16, 64, 64, 16], [3, 3, 16, 1], 'same', 'a one-channel output layer (a mask)'],
  [[32, 32, 32, 3], [5, 5, 3, 12], 'same', '12 filters on RGB'],
];
for (const [shape, filterShape, pad, what] of CASES) {
  const x = tf.randomNormal(shape, 0, 1, 'float32', 1);
  const info = tf.backend_util.computeConv2DInfo(shape, filterShape, 1, 1, pad);
  const dy = tf.randomNormal(info.outShape, 0, 1, 'float32', 3);
  const flop = 2 * info.outShape.slice(0, 3).reduce((a, b) => a * b) * filterShape.reduce((a, b) => a * b);
  const attrs = { strides: 1, pad, dataFormat: 'NHWC', dilations: 1, filterShape };
  const ops = {
    Conv2DBackpropFilter: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs),
  };
  console.log(`${what}: x [${shape.join(', ')}] · ${filterShape.join(' × ')}, ${pad}`);
  for (const [name, op] of Object.entries(ops)) {
    const [a, b] = [op(), offSimd(op)];
    const error = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / tf.max(tf.abs(b)).dataSync()[0]);
    tf.dispose([a, b]);
    for (let round = 1; round <= rounds; round++) {
      const [ours, before] = alternatedMedians([op, () => offSimd(op)], calls);
      const rate = (ms) => `${ms.toFixed(2)} ms (${(flop / ms / 1e6).toFixed(1)} GFLOP/s)`;
      console.log(
        `  ${name}, round ${round}: this build ${rate(ours)}, before (XNNPACK) ${rate(before)}, ` +
          `${(before / ours).toFixed(2)}×; largest difference ${error.toExponential(1)} of the largest value`,
      );
    }
  }
  tf.dispose([x, dy]);
}

// LeNet-5's step: a kernel "as before" runs with gradwell's SIMD kernels off where this build pads.
const asBefore = (name, padded) => {
  const ours = tf.getKernel(name, 'wasm');
  return {
    ...ours,
    kernelFunc: (args) => (padded(args) ? offSimd(() => ours.kernelFunc(args)) : ours.kernelFunc(args)),
  };
};
const BEFORE = {
  Conv2DBackpropFilter: asBefore('Conv2DBackpropFilter', ({ attrs }) => attrs.filterShape[3] % 8 !== 0),
  Conv2DBackpropInput: asBefore(
    'Conv2DBackpropInput',
    ({ inputs }) => inputs.filter.shape.slice(0, 3).reduce((a, b) => a * b) % 8 !== 0,
  ),
};
const within = (kernels, f) =>
  kernels.length === 0 ? f() : withKernel(tf, kernels[0], () => within(kernels.slice(1), f));
const relu = { name: 'relu', apply: (t) => tf.relu(t), fused: 'relu' };
const conv = (filters, padding) => new Conv2d({ filters, kernelSize: 5, padding, activation: relu });
const dense = (units, activation) => new Dense({ units, ...(activation ? { activation } : {}) });
const makeLeNet = () =>
  sequential(
    [conv(6, 'same'), maxPool2d(), conv(16, 'valid'), maxPool2d(), flatten()].concat([
      dense(120, relu),
      dense(84, relu),
      dense(10),
    ]),
    { inputShape: [28, 28, 1], seed: 1 },
  );
const batch = makeBatch([64, 28, 28, 1]);
const variants = [
  ['this build', []],
  ['both as before', Object.values(BEFORE)],
  ...Object.entries(BEFORE).map(([name, kernel]) => [`${name} as before`, [kernel]]),
].map(([label, kernels]) => {
  const model = makeLeNet();
  const step = makeStep(model, batch);
  return { label, model, step, run: () => within(kernels, () => step()) };
});
for (let i = 0; i < 20; i++) variants.forEach((v) => v.run());
for (let round = 1; round <= rounds; round++) {
  const [ours, ...others] = alternatedMedians(
    variants.map((v) => v.run),
    5 * calls,
    0,
  );
  const against = others.map(
    (ms, k) => `${variants[k + 1].label} ${ms.toFixed(2)} (${(ms / ours).toFixed(2)}×)`,
  );
  console.log(
    `LeNet-5 SGD step, batch 64, round ${round}: this build ${ours.toFixed(2)} ms; ${against.join(', ')}`,
  );
}
for (const v of variants) {
  v.step.dispose();
  v.model.dispose();
}
tf.dispose([batch.x, batch.labels]);

#!/usr/bin/env node
/**
 * `MaxPool`, `MaxPoolGrad` and `AvgPoolGrad` of overlapping, padded and odd-channel windows on gradwell's
 * SIMD kernels (`maxPoolWindows`, `maxPoolGradWindows`, `avgPoolGradWindows`) against what ran them
 * before: XNNPACK's `MaxPool`, the JavaScript loops for the gradients (what `setSimdKernels(false)` leaves). The two alternate call by call in one process, so
 * drift falls on both alike; medians of 30 calls after 5 of warm-up, three rounds.
 *
 *   pnpm build && node packages/core/bench/pool-windows-ab.mjs [threads]
 */
import * as tf from '@tensorflow/tfjs-core';
import { setSimdKernels, setupBackend } from '@gradwell/core';

const threads = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1);
await setupBackend({ threads });

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const CASES = [
  {
    name: 'ResNet stem: [32, 112, 112, 64], 3 × 3, stride 2, same',
    shape: [32, 112, 112, 64],
    size: 3,
    stride: 2,
    pad: 'same',
  },
  {
    name: 'AlexNet: [64, 27, 27, 96], 3 × 3, stride 2, valid',
    shape: [64, 27, 27, 96],
    size: 3,
    stride: 2,
    pad: 'valid',
  },
  {
    name: "Inception's pooling branch: [32, 28, 28, 96], 3 × 3, stride 1, same",
    shape: [32, 28, 28, 96],
    size: 3,
    stride: 1,
    pad: 'same',
  },
  {
    name: 'LeNet: [64, 28, 28, 6], 2 × 2, stride 2, valid',
    shape: [64, 28, 28, 6],
    size: 2,
    stride: 2,
    pad: 'valid',
  },
];

/** ms of one call of `f`, its output disposed (wasm kernels, kernel workers too, finish before they return). */
function time(f) {
  const start = performance.now();
  const out = f();
  const ms = performance.now() - start;
  out.dispose();
  return ms;
}

for (const { name, shape, size, stride, pad } of CASES) {
  const x = tf.randomNormal(shape, 0, 1, 'float32', 1);
  const y = tf.maxPool(x, size, stride, pad);
  const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 2);
  const attrs = { filterSize: size, strides: stride, pad };
  const forward = () => tf.maxPool(x, size, stride, pad);
  const backward = () => tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, attrs);
  const average = () => tf.engine().runKernel('AvgPoolGrad', { dy, input: x }, attrs);
  const ops = { MaxPool: forward, MaxPoolGrad: backward, AvgPoolGrad: average };
  const before = {
    MaxPool: "XNNPACK's",
    MaxPoolGrad: 'the JavaScript loop',
    AvgPoolGrad: 'the JavaScript loop',
  };
  for (let round = 1; round <= 3; round++) {
    const times = Object.fromEntries(Object.keys(ops).map((op) => [op, [[], []]]));
    for (let r = -5; r < 30; r++)
      for (const on of [true, false]) {
        setSimdKernels(on);
        for (const [op, f] of Object.entries(ops)) {
          const ms = time(f);
          if (r >= 0) times[op][on ? 0 : 1].push(ms);
        }
      }
    setSimdKernels(true);
    const rows = Object.entries(times).map(([op, [ours, theirs]]) => {
      const [mine, old] = [median(ours), median(theirs)];
      return `${op} ${mine.toFixed(2)} ms against ${before[op]} ${old.toFixed(2)} (${(old / mine).toFixed(2)}×)`;
    });
    console.log(`${name}, ${threads} thread(s), round ${round}: ${rows.join('; ')}`);
  }
  tf.dispose([x, y, dy]);
}

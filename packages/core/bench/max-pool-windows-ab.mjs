#!/usr/bin/env node
/**
 * `MaxPool` and `MaxPoolGrad` of overlapping, padded and odd-channel windows on gradwell's SIMD kernels
 * (`maxPoolWindows`, `maxPoolGradWindows`) against what ran them before: XNNPACK forward, the JavaScript
 * loop backward (what `setSimdKernels(false)` leaves). The two alternate call by call in one process, so
 * drift falls on both alike; medians of 30 calls after 5 of warm-up, three rounds.
 *
 *   pnpm build && node packages/core/bench/max-pool-windows-ab.mjs [threads]
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
  for (let round = 1; round <= 3; round++) {
    const times = { forward: [[], []], backward: [[], []] };
    for (let r = -5; r < 30; r++)
      for (const on of [true, false]) {
        setSimdKernels(on);
        const f = time(forward);
        const b = time(backward);
        if (r >= 0) {
          times.forward[on ? 0 : 1].push(f);
          times.backward[on ? 0 : 1].push(b);
        }
      }
    setSimdKernels(true);
    const [fOurs, fTheirs] = times.forward.map(median);
    const [bOurs, bTheirs] = times.backward.map(median);
    console.log(
      `${name}, ${threads} thread(s), round ${round}: MaxPool ${fOurs.toFixed(2)} ms against XNNPACK's ` +
        `${fTheirs.toFixed(2)} (${(fTheirs / fOurs).toFixed(2)}×); MaxPoolGrad ${bOurs.toFixed(2)} ms against ` +
        `the JavaScript loop's ${bTheirs.toFixed(2)} (${(bTheirs / bOurs).toFixed(2)}×)`,
    );
  }
  tf.dispose([x, y, dy]);
}

#!/usr/bin/env node
/**
 * `Conv2D` (3 × 3 or 5 × 5, stride 1, 'same') on one thread: this build's SIMD product against the same
 * product from another build of `kernels.wat` (its generated binary, e.g. an older commit's), called the
 * way `directConv2D` calls it, and XNNPACK's (`setSimdKernels(false)`) for information. The three
 * alternate call by call in one process, so drift falls on all alike; medians of `calls` calls after 2
 * of warm-up, per round. Also checks that the two builds' outputs are the same bits. Then a VGG-style
 * CNN's SGD step with the two builds' `Conv2D` swapped between two copies of the model.
 *
 *   git show 3fed718:packages/core/src/kernels/simd/simd-binary.generated.ts > /tmp/old-simd.ts
 *   pnpm build && node packages/core/bench/conv-segments-ab.mjs /tmp/old-simd.ts [rounds] [calls]
 */
import * as tf from '@tensorflow/tfjs-core';
import { Conv2d, Dense, flatten, maxPool2d, sequential, setSimdKernels, setupBackend } from '@gradwell/core';
import { makeBatch, makeStep } from './models.mjs';
import { alternatedMedians } from './alternate.mjs';
import { heapOffset, otherBuildKernels, withKernel } from './other-build.mjs';

const [file, rounds = 3, calls = 8] = [process.argv[2], ...process.argv.slice(3).map(Number)];
if (file === undefined) throw new Error('usage: conv-segments-ab.mjs <another simd-binary.generated.ts>');
await setupBackend({ threads: 1 });
const backend = tf.backend();
const other = otherBuildKernels(file, backend);
const offset = (t) => heapOffset(backend, t);
const ours = tf.getKernel('Conv2D', 'wasm');
const pad = tf.getKernel('PadV2', 'wasm');

/**
 * `Conv2D` on the other build's product, called as `directConv2D` calls it: the pixels by the taps, the
 * filter in place (stride 1, 'same', odd square filters: what this bench runs).
 */
const theirs = {
  ...ours,
  kernelFunc: ({ inputs: { x, filter } }) => {
    const [n, h, w, ci] = x.shape;
    const [kh, kw, , co] = filter.shape;
    const [top, left] = [(kh - 1) >> 1, (kw - 1) >> 1];
    const paddings = [
      [0, 0],
      [top, kh - 1 - top],
      [left, kw - 1 - left],
      [0, 0],
    ];
    const padded = pad.kernelFunc({ inputs: { x }, attrs: { paddings, constantValue: 0 }, backend });
    const [height, width] = [h + kh - 1, w + kw - 1];
    const pixels = n * h * w;
    const offsets = backend.makeOutput([Math.ceil(pixels / 4) * 4], 'int32');
    const table = backend.typedArrayFromHeap(offsets).fill(0);
    for (let b = 0, m = 0; b < n; b++)
      for (let oy = 0; oy < h; oy++)
        for (let ox = 0; ox < w; ox++, m++) table[m] = ((b * height + oy) * width + ox) * ci * 4;
    const out = backend.makeOutput([n, h, w, co], 'float32');
    // prettier-ignore
    other.productAtB(
      offset(padded), offset(filter), offset(out), offset(offsets), pixels, co, 1, kh, kw * ci, 0, width * ci * 4, 4,
    );
    backend.disposeData(padded.dataId);
    backend.disposeData(offsets.dataId);
    return out;
  },
};

const CASES = [
  [32, 13, 13, 256, 256, 3], // AlexNet conv4-like: k = 2304 over 1 KB rows of B
  [32, 13, 13, 384, 384, 3],
  [32, 8, 8, 512, 512, 3], // VGG's last block
  [32, 13, 13, 128, 256, 3],
  [32, 27, 27, 96, 256, 3],
  [32, 27, 27, 64, 192, 5],
  [32, 28, 28, 128, 128, 3],
  [64, 13, 13, 32, 64, 3], // the benchmark CNN's second conv: below a segment, unchanged
];
for (const [n, h, w, ci, co, k] of CASES) {
  const x = tf.randomNormal([n, h, w, ci], 0, 1, 'float32', 1);
  const f = tf.randomNormal([k, k, ci, co], 0, 0.1, 'float32', 2);
  const flop = 2 * n * h * w * ci * co * k * k;
  const ways = {
    ours: () => tf.conv2d(x, f, 1, 'same'),
    theirs: () => withKernel(tf, theirs, () => tf.conv2d(x, f, 1, 'same')),
    xnnpack: () => {
      setSimdKernels(false);
      try {
        return tf.conv2d(x, f, 1, 'same');
      } finally {
        setSimdKernels(true);
      }
    },
  };
  const [a, b] = [ways.ours(), ways.theirs()];
  const same = tf.tidy(() => tf.all(tf.equal(a, b)).dataSync()[0] === 1);
  tf.dispose([a, b]);
  for (let round = 1; round <= rounds; round++) {
    const [ours, theirs, xnnpack] = alternatedMedians(Object.values(ways), calls);
    const rate = (ms) => `${ms.toFixed(1)} ms (${(flop / ms / 1e6).toFixed(1)} GFLOP/s)`;
    console.log(
      `[${n}, ${h}, ${w}, ${ci}] * ${k}×${k}×${co}, round ${round}: this build ${rate(ours)}, ` +
        `the other ${rate(theirs)}, ${(theirs / ours).toFixed(2)}×; XNNPACK ${rate(xnnpack)}` +
        (same ? '; same bits' : '; BITS DIFFER'),
    );
  }
  tf.dispose([x, f]);
}

// A whole SGD step of a VGG-style CNN on CIFAR-sized inputs, the two builds' `Conv2D` swapped between
// the steps of two copies of the model (its convs' gradients run on this build's kernels in both).
const relu = { name: 'relu', apply: (x) => tf.relu(x), fused: 'relu' };
const conv = (filters) => new Conv2d({ filters, kernelSize: 3, padding: 'same', activation: relu });
const makeModel = () =>
  sequential(
    [
      conv(64),
      maxPool2d(),
      conv(128),
      maxPool2d(),
      conv(256),
      conv(256),
      maxPool2d(),
      flatten(),
      new Dense({ units: 10 }),
    ],
    { inputShape: [32, 32, 3], seed: 1 },
  );
const batch = makeBatch([32, 32, 32, 3]);
const models = [makeModel(), makeModel()];
const steps = models.map((model) => makeStep(model, batch));
for (let round = 1; round <= rounds; round++) {
  const runs = steps.map((step, i) => () => withKernel(tf, i === 0 ? ours : theirs, step));
  const [mine, before] = alternatedMedians(runs, 2 * calls, 3);
  console.log(
    `VGG-style CNN step ([32, 32, 32, 3]; conv64-pool-conv128-pool-conv256-conv256-pool-dense10), round ` +
      `${round}: this build's Conv2D ${mine.toFixed(1)} ms, the other's ${before.toFixed(1)} ms, ${(before / mine).toFixed(2)}×`,
  );
}
steps.forEach((step) => step.dispose());
models.forEach((model) => model.dispose());
tf.dispose([batch.x, batch.labels]);

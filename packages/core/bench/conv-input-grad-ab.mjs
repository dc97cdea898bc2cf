#!/usr/bin/env node
/**
 * `Conv2DBackpropInput` (a conv's input gradient, and `conv2dTranspose`'s forward) on one thread, where
 * the filter's taps (kh·kw·ci) are not a multiple of 8: an image's 1 or 3 channels, LeNet-5's 6. This
 * build's product and scatter (the filter's taps padded to a multiple of 8, col2im a filter row at a
 * time) against what ran there before, XNNPACK's forward conv of dy by the flipped filter
 * (`setSimdKernels(false)` takes that path); and, for the
 * benchmark CNN's second conv (288 taps: by columns in both builds), against another build's
 * `columnsToImages` (its generated binary, e.g. the previous commit's: col2im a tap at a time). They
 * alternate call by call in one process, so drift falls on all alike; medians of `calls` calls after 2
 * of warm-up, per round. The outputs are checked: this build's against XNNPACK's (close) and against the
 * other build's (the same bits). LeNet-5's training step: few-channel-convs-ab.mjs.
 *
 *   git show 582cc28:packages/core/src/kernels/simd/simd-binary.generated.ts > /tmp/old-simd.ts
 *   pnpm build && node packages/core/bench/conv-input-grad-ab.mjs /tmp/old-simd.ts [rounds] [calls]
 */
import * as tf from '@tensorflow/tfjs-core';
import { setSimdKernels, setupBackend } from '@gradwell/core';
import { alternatedMedians } from './alternate.mjs';
import { heapOffset, otherBuildKernels, withKernel } from './other-build.mjs';

const [file, rounds = 3, calls = 8] = [process.argv[2], ...process.argv.slice(3).map(Number)];
if (file === undefined) throw new Error('usage: conv-input-grad-ab.mjs <another simd-binary.generated.ts>');
await setupBackend({ threads: 1 });
const backend = tf.backend();
const other = otherBuildKernels(file, backend);
const offset = (t) => heapOffset(backend, t);
const ours = tf.getKernel('Conv2DBackpropInput', 'wasm');

/**
 * The other build's `columnsToImages` as `conv2d-backprop-input.ts` calls it on one thread (taps a
 * multiple of 8, k at most 128, every image's columns at once: what this bench's one such case needs).
 */
const theirs = {
  ...ours,
  kernelFunc: ({ inputs: { dy, filter }, attrs: { inputShape, strides, pad } }) => {
    const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape, strides, 1, pad);
    const { batchSize: n, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: k } = info;
    const taps = info.filterHeight * info.filterWidth * ci;
    if (taps % 8 !== 0 || k > 128) throw new Error('theirs: taps a multiple of 8, k ≤ 128 only');
    const pixels = outHeight * outWidth;
    const colsImage = pixels * taps * 4;
    const group = Math.min(Math.max(1, Math.floor((640 << 10) / colsImage)), n);
    const weights = backend.makeOutput([k, taps], 'float32');
    other.transpose(offset(filter), offset(weights), taps, k);
    const cols = backend.makeOutput([group * pixels, taps], 'float32');
    const dx = backend.makeOutput(inputShape, 'float32');
    const rows = group * pixels;
    const geometry = [inHeight, inWidth, ci, outHeight, outWidth, info.filterHeight, info.filterWidth];
    geometry.push(info.strideHeight, info.strideWidth, 1, 1, info.padInfo.top, info.padInfo.left);
    const offsets = Array.from({ length: Math.ceil(rows / 4) * 4 }, (_, i) => (i < rows ? i * k * 4 : 0));
    const scratch = backend.makeOutput([offsets.length + 2 + geometry.length], 'int32');
    backend.typedArrayFromHeap(scratch).set([...offsets, 1, k, ...geometry]);
    // prettier-ignore
    other.columnsToImages(
      offset(dy), offset(weights), offset(cols), offset(scratch), offset(dx), n, group,
      offset(scratch) + offsets.length * 4, taps, pixels * k * 4, colsImage, inHeight * inWidth * ci * 4,
    );
    for (const t of [weights, cols, scratch]) backend.disposeData(t.dataId);
    return dx;
  },
};

const CASES = [
  // dx's shape, the filter [kh, kw, ci, co], stride, padding; what it is
  [[64, 28, 28, 1], [3, 3, 1, 32], 1, 'valid', "MNIST's first conv (9 taps in 16 columns)"],
  [[64, 28, 28, 1], [5, 5, 1, 32], 1, 'same', 'a grey 5 × 5 first conv (25 taps in 32)'],
  [[32, 32, 32, 3], [3, 3, 3, 32], 1, 'same', "CIFAR's first conv (27 taps in 32)"],
  [[16, 64, 64, 3], [3, 3, 3, 64], 1, 'same', 'RGB 64 × 64, 64 filters'],
  [[32, 32, 32, 3], [5, 5, 3, 16], 1, 'same', 'RGB 5 × 5, 16 filters (75 taps in 80)'],
  [[64, 14, 14, 6], [5, 5, 6, 16], 1, 'valid', "LeNet-5's C3, in training (150 taps in 152)"],
  [[16, 32, 32, 3], [5, 5, 3, 64], 2, 'same', "a generator's RGB head: conv2dTranspose, stride 2"],
  [[64, 13, 13, 32], [3, 3, 32, 64], 1, 'valid', "the benchmark CNN's second conv (288 taps)"],
];
for (const [shape, filterShape, stride, pad, what] of CASES) {
  const [kh, kw, ci, co] = filterShape;
  const info = tf.backend_util.computeConv2DInfo(shape, filterShape, stride, 1, pad);
  const dy = tf.randomNormal(info.outShape, 0, 1, 'float32', 1);
  const w = tf.randomNormal(filterShape, 0, 0.1, 'float32', 2);
  const flop = 2 * info.outShape.slice(0, 3).reduce((a, b) => a * b) * kh * kw * ci * co;
  const grad = () => tf.conv2dTranspose(dy, w, shape, stride, pad);
  const ways = {
    ours: grad,
    before: (kh * kw * ci) % 8 === 0 ? () => withKernel(tf, theirs, grad) : undefined,
    xnnpack: () => {
      setSimdKernels(false);
      try {
        return grad();
      } finally {
        setSimdKernels(true);
      }
    },
  };
  if (ways.before === undefined) ways.before = ways.xnnpack; // what ran here before: XNNPACK's conv
  const [a, b, x] = [ways.ours(), ways.before(), ways.xnnpack()];
  const same = tf.tidy(() => tf.all(tf.equal(a, b)).dataSync()[0] === 1);
  const error = tf.tidy(() => tf.max(tf.abs(tf.sub(a, x))).dataSync()[0] / tf.max(tf.abs(x)).dataSync()[0]);
  tf.dispose([a, b, x]);
  const label = `${what}: dx [${shape.join(', ')}] from ${kh}×${kw}×${co}, stride ${stride}, ${pad}`;
  const check =
    ways.before === ways.xnnpack ? '' : `; the other build: ${same ? 'same bits' : 'BITS DIFFER'}`;
  console.log(`${label} (largest difference from XNNPACK ${error.toExponential(1)} of its largest${check})`);
  for (let round = 1; round <= rounds; round++) {
    const names = Object.keys(ways).filter((name) => name !== 'xnnpack' || ways.before !== ways.xnnpack);
    const [ours, before, xnnpack] = alternatedMedians(
      names.map((name) => ways[name]),
      calls,
    );
    const rate = (ms) => `${ms.toFixed(2)} ms (${(flop / ms / 1e6).toFixed(1)} GFLOP/s)`;
    const was = ways.before === ways.xnnpack ? 'before (XNNPACK)' : 'the other build';
    const info = xnnpack === undefined ? '' : `; XNNPACK ${rate(xnnpack)}`;
    console.log(
      `  round ${round}: this build ${rate(ours)}, ${was} ${rate(before)}, ${(before / ours).toFixed(2)}×${info}`,
    );
  }
  tf.dispose([dy, w]);
}

#!/usr/bin/env node
/**
 * `Conv2DBackpropFilter` (3 × 3, stride 1) on one thread: gradwell's kernel, whose padded copy of x puts
 * a pixel one 64-byte line more apart where x has a multiple of 128 channels (`pixelPadding`), against
 * the same SIMD product on x's pixels as they come (this build's binary, called as the kernel called it
 * before), alternated call by call in one process; medians of `calls` calls after 2 of warm-up, per
 * round. Also checks that the two give the same bits.
 *
 *   pnpm build && node packages/core/bench/filter-grad-padding-ab.mjs [rounds] [calls]
 */
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { alternatedMedians } from './alternate.mjs';
import { heapOffset, otherBuildKernels, withKernel } from './other-build.mjs';

const [rounds = 3, calls = 8] = process.argv.slice(2).map(Number);
await setupBackend({ threads: 1 });
const backend = tf.backend();
const generated = new URL('../src/kernels/simd/simd-binary.generated.ts', import.meta.url);
const simd = otherBuildKernels(fileURLToPath(generated), backend);
const offset = (t) => heapOffset(backend, t);
const ours = tf.getKernel('Conv2DBackpropFilter', 'wasm');
const pad = tf.getKernel('PadV2', 'wasm');

/** The filter gradient as the kernel ran it before: x padded in space only, pixels `ci` floats apart. */
const unpadded = {
  ...ours,
  kernelFunc: ({ inputs: { x, dy }, attrs: { filterShape, pad: mode } }) => {
    const [n, h, w, ci] = x.shape;
    const [kh, kw, , co] = filterShape;
    const [, outH, outW] = dy.shape;
    const [top, left] = mode === 'same' ? [(kh - 1) >> 1, (kw - 1) >> 1] : [0, 0];
    const [bottom, right] = mode === 'same' ? [kh - 1 - top, kw - 1 - left] : [0, 0];
    const paddings = [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ];
    const padded = pad.kernelFunc({ inputs: { x }, attrs: { paddings, constantValue: 0 }, backend });
    const width = w + left + right;
    const taps = kh * kw * ci;
    const offsets = backend.makeOutput([Math.ceil(taps / 4) * 4], 'int32');
    const table = backend.typedArrayFromHeap(offsets).fill(0);
    for (let i = 0, m = 0; i < kh; i++)
      for (let j = 0; j < kw; j++)
        for (let c = 0; c < ci; c++, m++) table[m] = ((i * width + j) * ci + c) * 4;
    const out = backend.makeOutput(filterShape, 'float32');
    // prettier-ignore
    simd.productAtB(
      offset(padded), offset(dy), offset(out), offset(offsets), taps, co, n, outH, outW,
      (h + top + bottom) * width * ci * 4, width * ci * 4, ci * 4,
    );
    backend.disposeData(padded.dataId);
    backend.disposeData(offsets.dataId);
    return out;
  },
};

const CASES = [
  [32, 13, 13, 256, 256, 'same'],
  [32, 13, 13, 256, 256, 'valid'],
  [32, 13, 13, 384, 384, 'same'],
  [32, 8, 8, 512, 512, 'same'],
  [32, 13, 13, 128, 256, 'same'],
  [32, 28, 28, 128, 128, 'same'],
];
for (const [n, h, w, ci, co, mode] of CASES) {
  const [outH, outW] = mode === 'same' ? [h, w] : [h - 2, w - 2];
  const x = tf.randomNormal([n, h, w, ci], 0, 1, 'float32', 1);
  const dy = tf.randomNormal([n, outH, outW, co], 0, 1, 'float32', 2);
  const attrs = {
    strides: [1, 1],
    pad: mode,
    dataFormat: 'NHWC',
    dilations: [1, 1],
    filterShape: [3, 3, ci, co],
  };
  const gradient = () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs);
  const run = (kernel) => withKernel(tf, kernel, gradient);
  const [a, b] = [run(ours), run(unpadded)];
  const same = tf.tidy(() => tf.all(tf.equal(a, b)).dataSync()[0] === 1);
  tf.dispose([a, b]);
  const flop = 2 * n * outH * outW * 9 * ci * co;
  for (let round = 1; round <= rounds; round++) {
    const [padded, before] = alternatedMedians(
      [ours, unpadded].map((kernel) => () => run(kernel)),
      calls,
    );
    const rate = (ms) => `${ms.toFixed(1)} ms (${(flop / ms / 1e6).toFixed(1)} GFLOP/s)`;
    console.log(
      `[${n}, ${h}, ${w}, ${ci}] → 3×3×${co} filter gradient, '${mode}', round ${round}: pixels padded ` +
        `${rate(padded)}, as they come ${rate(before)}, ${(before / padded).toFixed(2)}×` +
        (same ? '; same bits' : '; BITS DIFFER'),
    );
  }
  tf.dispose([x, dy]);
}

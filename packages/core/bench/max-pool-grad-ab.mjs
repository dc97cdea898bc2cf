#!/usr/bin/env node
/**
 * The benchmark CNN's SGD step (one thread) with `MaxPoolGrad` on this build's SIMD kernels against the
 * same step with `maxPoolGradDisjoint` from another build of `kernels.wat` (its generated binary, e.g. an
 * older commit's), swapped between the steps of two copies of the model, alternating in one process, so
 * drift falls on both alike. Medians after 20 steps of warm-up, four rounds. The other build's kernel
 * runs on the backend's own memory, as this build's does.
 *
 *   git show e33dd75:packages/core/src/kernels/simd/simd-binary.generated.ts > /tmp/old-simd.ts
 *   pnpm build && node packages/core/bench/max-pool-grad-ab.mjs /tmp/old-simd.ts
 */
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { makeBatch, makeCnn, makeStep } from './models.mjs';
import { heapOffset, otherBuildKernels } from './other-build.mjs';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: max-pool-grad-ab.mjs <another simd-binary.generated.ts>');
await setupBackend({ threads: 1 });
const backend = tf.backend();
const other = otherBuildKernels(file, backend);
const offset = (t) => heapOffset(backend, t);

const ours = tf.getKernel('MaxPoolGrad', 'wasm');
const theirs = {
  ...ours,
  kernelFunc: ({ inputs: { dy, input }, attrs }) => {
    const { filterSize, strides, pad } = attrs;
    const info = tf.backend_util.computePool2DInfo(input.shape, filterSize, strides, 1, pad);
    const out = backend.makeOutput(input.shape, 'float32');
    const covered =
      info.outHeight * info.filterHeight === info.inHeight &&
      info.outWidth * info.filterWidth === info.inWidth;
    if (!covered) backend.typedArrayFromHeap(out).fill(0);
    // prettier-ignore
    other.maxPoolGradDisjoint(
      offset(input), offset(dy), offset(out), info.batchSize, info.inHeight, info.inWidth, info.inChannels,
      info.outHeight, info.outWidth, info.filterHeight, info.filterWidth,
    );
    return out;
  },
};
function useOurs(on) {
  tf.unregisterKernel('MaxPoolGrad', 'wasm');
  tf.registerKernel(on ? ours : theirs);
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const batch = makeBatch([64, 28, 28, 1]);
const models = [makeCnn(), makeCnn()];
const steps = models.map((model) => makeStep(model, batch));
for (let round = 1; round <= 4; round++) {
  const times = [[], []];
  for (let r = -20; r < 50; r++)
    steps.forEach((step, i) => {
      useOurs(i === 0);
      const start = performance.now();
      step();
      if (r >= 0) times[i].push(performance.now() - start);
    });
  const [mine, before] = times.map(median);
  console.log(
    `CNN step, 1 thread, round ${round}: this build's MaxPoolGrad ${mine.toFixed(2)} ms, ` +
      `the other's ${before.toFixed(2)} ms, ${(before / mine).toFixed(3)}×`,
  );
}
useOurs(true);
steps.forEach((step) => step.dispose());
models.forEach((model) => model.dispose());
tf.dispose([batch.x, batch.labels]);

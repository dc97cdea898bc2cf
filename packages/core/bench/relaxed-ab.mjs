#!/usr/bin/env node
/**
 * The benchmark MLP's and CNN's SGD steps with gradwell's relaxed-SIMD kernels (fused multiply-add in the
 * product) against the plain SIMD build, in one process: `setupBackend({ relaxedSimd })` switches the
 * build (and restarts the kernel workers) between blocks of steps, relaxed and plain alternating, so
 * drift falls on both alike. Each block: 5 steps to settle, then the median of 10; after 40 steps of
 * warm-up. Prints each model's median block on either build and the median of the rounds' ratios.
 *
 *   pnpm build && node packages/core/bench/relaxed-ab.mjs [threads] [rounds]
 */
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { makeBatch, makeCnn, makeMlp, makeStep } from './models.mjs';

const [threads, rounds] = [Number(process.argv[2] ?? 1), Number(process.argv[3] ?? 12)];
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const build = async (relaxedSimd) => {
  const report = await setupBackend({ threads, relaxedSimd });
  if (report.simdFlavour !== (relaxedSimd ? 'relaxed-simd' : 'simd'))
    throw new Error(`relaxed-ab: asked for relaxedSimd ${relaxedSimd}, got ${report.simdFlavour}`);
};
await build(true);
for (const [name, makeModel, shape] of [
  ['MLP', makeMlp, [128, 784]],
  ['CNN', makeCnn, [64, 28, 28, 1]],
]) {
  const batch = makeBatch(shape);
  const model = makeModel();
  const step = makeStep(model, batch);
  for (let i = 0; i < 40; i++) step();
  const blocks = { relaxed: [], plain: [] };
  const ratios = [];
  for (let r = 0; r < rounds; r++) {
    for (const flavour of r % 2 ? ['plain', 'relaxed'] : ['relaxed', 'plain']) {
      await build(flavour === 'relaxed');
      for (let i = 0; i < 5; i++) step();
      const times = [];
      for (let i = 0; i < 10; i++) {
        const start = performance.now();
        step();
        times.push(performance.now() - start);
      }
      blocks[flavour].push(median(times));
    }
    ratios.push(blocks.plain[r] / blocks.relaxed[r]);
  }
  await build(true);
  step.dispose();
  model.dispose();
  tf.dispose([batch.x, batch.labels]);
  console.log(
    `${name} step, ${threads} thread(s): relaxed SIMD ${median(blocks.relaxed).toFixed(2)} ms, plain SIMD ` +
      `${median(blocks.plain).toFixed(2)} ms; plain/relaxed ${median(ratios).toFixed(3)}× (median of ${rounds} ` +
      `rounds: ${ratios.map((x) => x.toFixed(2)).join(', ')})`,
  );
}
process.exit(0);

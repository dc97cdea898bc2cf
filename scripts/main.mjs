#!/usr/bin/env node
/**
 * The README's main job, until the `gradwell` CLI exists: set up the training backend, print what runs
 * (backend, SIMD, threads, the kernels gradwell installs), check that a gradient flows through a
 * convolution on wasm, then run the core benchmarks in quick mode.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { listGradientConfigs, listTrainingKernels, setupBackend } from '@gradwell/core';

const report = await setupBackend();
console.log('gradwell backend report');
console.log(`  backend   ${report.backend} (tfjs-core ${tf.version_core})`);
console.log(`  SIMD      ${report.simd ? 'yes' : 'no'}`);
console.log(`  threads   ${report.threads}${report.threadsNote ? ` — ${report.threadsNote}` : ''}`);
console.log(
  `  gradients ${listGradientConfigs().length} registered (tfjs-core's, with gradwell's corrections)`,
);
console.log(`  kernels   ${listTrainingKernels().length} installed: ${listTrainingKernels().join(', ')}`);

const x = tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 1);
const w = tf.randomUniform([3, 3, 3, 4], -1, 1, 'float32', 2);
const filterGradient = tf.grad((f) => tf.sum(tf.square(tf.conv2d(x, f, 1, 'same'))))(w);
console.log(
  `  check     conv2d filter gradient on ${tf.getBackend()}: |dW| = ${tf.norm(filterGradient).dataSync()[0].toFixed(3)}\n`,
);

execFileSync(process.execPath, [fileURLToPath(new URL('./bench.mjs', import.meta.url)), 'core', '--quick'], {
  stdio: 'inherit',
});

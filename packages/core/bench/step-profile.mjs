#!/usr/bin/env node
/**
 * Where a training step's time goes: one SGD step of the benchmark MLP (784-512-256-10, batch 128) and CNN
 * (conv32-pool-conv64-pool-128-10, batch 64) under `tf.profile`, kernel by kernel (wasm kernels run
 * synchronously, so tfjs's per-kernel wall time is the kernel's), summed by kernel name, against the step's
 * wall time — the remainder is JavaScript: dispatch, autodiff bookkeeping, allocation and disposal.
 * Median of several profiled steps after a warm-up; the table is Markdown, for docs/measurements/.
 *
 *   pnpm build && node packages/core/bench/step-profile.mjs [--threads N] [--runs N]
 */
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { fusedUpdateTime, makeBatch, makeCnn, makeMlp, makeStep } from './models.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const threads = arg('--threads', 1);
const runs = arg('--runs', 9);
const report = await setupBackend({ threads });

const FUSED_UPDATE = "SGD update: gradwell's fused pass per variable (models.mjs; not a tfjs kernel)";
const BY_SHAPE = new Set(['BatchMatMul', 'Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput']);

const median = (values) => {
  const v = [...values].sort((a, b) => a - b);
  return v[v.length >> 1];
};

/** Profiles `runs` steps; per kernel name the median (over steps) of its summed time per step. */
async function profileStep(name, makeModel, shape) {
  const model = makeModel();
  const batch = makeBatch(shape);
  const step = makeStep(model, batch);
  for (let i = 0; i < 40; i++) step(); // to its steady speed (see targets-child.mjs)
  const walls = [];
  const perKernel = new Map();
  for (let r = 0; r < runs; r++) {
    Object.assign(fusedUpdateTime, { ms: 0, calls: 0 });
    const start = performance.now();
    const info = await tf.profile(() => {
      step();
    });
    walls.push(performance.now() - start);
    const sums = new Map();
    // gradwell's fused SGD update runs its SIMD pass directly, not as a tfjs kernel
    if (fusedUpdateTime.calls > 0) sums.set(FUSED_UPDATE, { ...fusedUpdateTime });
    for (const k of info.kernels) {
      // `…__op` entries are op scopes (custom gradients) whose time includes the kernels inside them.
      if (k.name.endsWith('__op')) continue;
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      // The GEMM and convolution kernels by operand shapes: forward and the two backward products differ.
      const key = BY_SHAPE.has(k.name)
        ? `${k.name} ${k.inputShapes.map((shape) => `[${shape.join('×')}]`).join(' · ')}`
        : k.name;
      const entry = sums.get(key) ?? { ms: 0, calls: 0 };
      entry.ms += ms;
      entry.calls += 1;
      sums.set(key, entry);
    }
    for (const [kernel, { ms, calls }] of sums) {
      const list = perKernel.get(kernel) ?? { ms: [], calls };
      list.ms.push(ms);
      perKernel.set(kernel, list);
    }
  }
  // Unprofiled steps: the real step time (profiling itself adds bookkeeping).
  const plain = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    step();
    plain.push(performance.now() - start);
  }
  step.dispose();
  model.dispose();
  tf.dispose([batch.x, batch.labels]);
  const rows = [...perKernel.entries()]
    .map(([kernel, { ms, calls }]) => ({ kernel, calls, ms: median(ms) }))
    .sort((a, b) => b.ms - a.ms);
  const kernelTotal = rows.reduce((sum, row) => sum + row.ms, 0);
  return { name, rows, kernelTotal, stepMs: median(plain), profiledMs: median(walls) };
}

function markdown({ name, rows, kernelTotal, stepMs, profiledMs }) {
  const lines = [
    `### ${name}`,
    '',
    `Step ${stepMs.toFixed(2)} ms (median of ${runs}, unprofiled); kernels ${kernelTotal.toFixed(2)} ms ` +
      `(${((100 * kernelTotal) / stepMs).toFixed(0)}% of the step); profiled step ${profiledMs.toFixed(2)} ms.`,
    '',
    '| kernel | calls | ms per step | share of the step |',
    '| --- | ---: | ---: | ---: |',
    ...rows
      .filter((row) => row.ms >= 0.01)
      .map(
        (row) =>
          `| ${row.kernel} | ${row.calls} | ${row.ms.toFixed(2)} | ${((100 * row.ms) / stepMs).toFixed(1)}% |`,
      ),
    `| *(kernels under 0.01 ms: ${rows.filter((row) => row.ms < 0.01).length})* | | | |`,
    `| **everything outside kernels** | | **${Math.max(0, stepMs - kernelTotal).toFixed(2)}** | ` +
      `**${((100 * Math.max(0, stepMs - kernelTotal)) / stepMs).toFixed(1)}%** |`,
    '',
  ];
  return lines.join('\n');
}

const results = [
  await profileStep('MLP 784-512-256-10 SGD step, batch 128', makeMlp, [128, 784]),
  await profileStep('CNN conv32-pool-conv64-pool-128-10 SGD step, batch 64', makeCnn, [64, 28, 28, 1]),
];
console.log(
  `<!-- node packages/core/bench/step-profile.mjs --threads ${threads} --runs ${runs}; Node ${process.version}, ` +
    `${report.backend}${report.simd ? ' SIMD' : ''}, ${report.threads} thread(s) -->\n`,
);
for (const result of results) console.log(markdown(result));

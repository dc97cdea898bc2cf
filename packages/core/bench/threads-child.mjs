/**
 * One thread count of the scaling benchmark (run by threads.bench.mjs in its own process, since the
 * thread count is fixed when the wasm backend starts). Prints JSON: medians per workload and the CPU
 * seconds each OS thread of this process spent (Linux /proc), showing that the workers do the work.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { createRandom, setupBackend } from '@gradwell/core';
import { makeBatch, makeCnn, makeMlp, makeStep } from './models.mjs';
import { medianMs } from '@gradwell/bench-kit';

const threads = Number(process.argv[2]);
const quick = process.argv[3] === 'quick';
const report = await setupBackend({ threads });
const runs = { warmup: 2, runs: quick ? 3 : 10 };

function threadCpuSeconds() {
  try {
    const ticks = 100; // USER_HZ
    return Object.fromEntries(
      readdirSync('/proc/self/task').map((tid) => {
        const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
        return [tid, (Number(fields[11]) + Number(fields[12])) / ticks];
      }),
    );
  } catch {
    return {};
  }
}

const random = createRandom(1);
const a = random.normalTensor([1024, 1024]);
const b = random.normalTensor([1024, 1024]);
const x = random.normalTensor([64, 28, 28, 32]);
const w = random.normalTensor([3, 3, 32, 64]);
const synced = (f) => () => {
  const y = f();
  y.dataSync();
  y.dispose();
};
const mlp = makeStep(makeMlp(), makeBatch([128, 784]));
const cnn = makeStep(makeCnn(), makeBatch([64, 28, 28, 1]));
const before = threadCpuSeconds();
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
const result = {
  threads: report.threads,
  matMul1024: medianMs(
    synced(() => tf.matMul(a, b)),
    runs,
  ),
  conv2d: medianMs(
    synced(() => tf.conv2d(x, w, 1, 'same')),
    runs,
  ),
  mlpStep: medianMs(mlp, runs),
  cnnStep: medianMs(cnn, runs),
};
const wall = (performance.now() - wallBefore) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const after = threadCpuSeconds();
const perThread = Object.entries(after)
  .map(([tid, seconds]) => seconds - (before[tid] ?? 0))
  .filter((s) => s > 0.05)
  .sort((p, q) => q - p)
  .map((s) => Number(s.toFixed(2)));
console.log(
  JSON.stringify({
    ...result,
    wallSeconds: Number(wall.toFixed(2)),
    cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
    busyThreadsCpuSeconds: perThread,
  }),
);

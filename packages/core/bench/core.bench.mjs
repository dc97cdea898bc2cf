/**
 * @gradwell/core benchmarks (the foundation issue's table): matMul per transposition (stock tfjs wasm vs
 * gradwell's), conv2d forward / filter gradient / input gradient (wasm vs cpu, and stock wasm where it
 * runs), and one SGD step of the MLP and of the CNN (gradwell wasm vs stock wasm, cpu and numpy).
 * Medians of ≥ 10 timed runs after warm-up for wasm; fewer for the cpu backend, which takes seconds.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { installTrainingKernels, setupBackend, uninstallTrainingKernels } from '@gradwell/core';
import { makeBatch, makeCnn, makeMlp, makeStep } from './models.mjs';
import { createReport, medianMs, quick } from '@gradwell/bench-kit';

const report = createReport('core');
const wasmRuns = { warmup: 3, runs: quick ? 5 : 15 };
const cpuRuns = quick ? { warmup: 0, runs: 1 } : { warmup: 1, runs: 3 };
const synced = (fn) => () => {
  const out = fn();
  out.dataSync();
  out.dispose();
};

async function onStockWasm(fn) {
  await setupBackend({ backend: 'wasm' });
  uninstallTrainingKernels();
  try {
    return await fn();
  } finally {
    installTrainingKernels();
  }
}

// matMul, 128×784 · 784×512 in each transposition.
await setupBackend({ backend: 'wasm' });
const [m, k, n] = [128, 784, 512];
const gflops = (ms) => `${((2 * m * k * n) / (ms * 1e6)).toFixed(1)} GFLOP/s`;
for (const [transposeA, transposeB] of [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
]) {
  const a = tf.randomUniform(transposeA ? [k, m] : [m, k], -1, 1, 'float32', 1);
  const b = tf.randomUniform(transposeB ? [n, k] : [k, n], -1, 1, 'float32', 2);
  const run = synced(() => tf.matMul(a, b, transposeA, transposeB));
  const stock = await onStockWasm(() => medianMs(run, wasmRuns));
  const ours = medianMs(run, wasmRuns);
  const label =
    transposeA && transposeB
      ? 'transposeA+B'
      : transposeA
        ? 'transposeA'
        : transposeB
          ? 'transposeB'
          : 'plain';
  report.add({
    name: `matMul 128×784·784×512 ${label} (wasm)`,
    medianMs: ours,
    runs: wasmRuns.runs,
    reference: { name: 'stock tfjs wasm', medianMs: stock },
    note: `${gflops(ours)} (stock ${gflops(stock)})`,
  });
  tf.dispose([a, b]);
}

// conv2d x=[32,28,28,16], 3×3×16×32, 'same'.
const x = tf.randomUniform([32, 28, 28, 16], -1, 1, 'float32', 3);
const w = tf.randomUniform([3, 3, 16, 32], -1, 1, 'float32', 4);
const dy = tf.randomUniform([32, 28, 28, 32], -1, 1, 'float32', 5);
const convAttrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] };
const convForward = synced(() => tf.conv2d(x, w, 1, 'same'));
const filterGradient = synced(() =>
  tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...convAttrs, filterShape: w.shape }),
);
const inputGradient = synced(() =>
  tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...convAttrs, inputShape: x.shape }),
);
const convCases = [
  ['forward', convForward],
  ['filter gradient', filterGradient],
  ['input gradient', inputGradient],
];
const wasmConv = {};
await setupBackend({ backend: 'wasm' });
for (const [label, fn] of convCases) wasmConv[label] = medianMs(fn, wasmRuns);
const stockInput = await onStockWasm(() => medianMs(inputGradient, wasmRuns));
await setupBackend({ backend: 'cpu' });
for (const [label, fn] of convCases) {
  const cpu = medianMs(fn, cpuRuns);
  report.add({
    name: `conv2d [32,28,28,16]×3×3×16×32 ${label} (wasm)`,
    medianMs: wasmConv[label],
    runs: wasmRuns.runs,
    reference: { name: 'cpu backend', medianMs: cpu, runs: cpuRuns.runs },
    note: label === 'filter gradient' ? 'stock tfjs wasm has no Conv2DBackpropFilter' : undefined,
  });
}
report.add({
  name: 'conv2d [32,28,28,16]×3×3×16×32 input gradient (wasm)',
  medianMs: wasmConv['input gradient'],
  runs: wasmRuns.runs,
  reference: { name: 'stock tfjs wasm', medianMs: stockInput },
});
tf.dispose([x, w, dy]);

// One SGD step of the MLP 784-512-256-10 (ReLU, batch 128).
function measureStep(makeModel, shape, runs) {
  const model = makeModel();
  const batch = makeBatch(shape);
  const step = makeStep(model, batch);
  const ms = medianMs(step, runs);
  step.dispose();
  model.dispose();
  tf.dispose([batch.x, batch.labels]);
  return ms;
}

function numpyStep() {
  try {
    const script = fileURLToPath(new URL('./mlp_step_numpy.py', import.meta.url));
    return JSON.parse(
      execFileSync('python3', [script, '20'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    );
  } catch {
    return undefined;
  }
}

await setupBackend({ backend: 'wasm' });
const mlp = measureStep(makeMlp, [128, 784], wasmRuns);
const mlpStock = await onStockWasm(() => measureStep(makeMlp, [128, 784], wasmRuns));
report.add({
  name: 'MLP 784-512-256-10 SGD step, batch 128 (wasm)',
  medianMs: mlp,
  runs: wasmRuns.runs,
  reference: { name: 'stock tfjs wasm', medianMs: mlpStock },
  target: '≥ 6× stock',
  met: mlpStock / mlp >= 6,
});
const numpy = numpyStep();
if (numpy !== undefined) {
  report.add({
    name: 'MLP 784-512-256-10 SGD step, batch 128 (wasm)',
    medianMs: mlp,
    runs: wasmRuns.runs,
    reference: { name: `numpy ${numpy.numpy} (${numpy.blas})`, medianMs: numpy.median_ms, runs: numpy.runs },
    target: 'within 2× of numpy',
    met: mlp <= 2 * numpy.median_ms,
  });
}

// One SGD step of the CNN (batch 64, 28×28×1).
const cnn = measureStep(makeCnn, [64, 28, 28, 1], wasmRuns);
let cnnCpu;
if (!quick) {
  await setupBackend({ backend: 'cpu' });
  cnnCpu = measureStep(makeCnn, [64, 28, 28, 1], { warmup: 1, runs: 2 });
  await setupBackend({ backend: 'wasm' });
}
report.add({
  name: 'CNN conv32-pool-conv64-pool-128-10 SGD step, batch 64 (wasm)',
  medianMs: cnn,
  runs: wasmRuns.runs,
  ...(cnnCpu === undefined ? {} : { reference: { name: 'cpu backend', medianMs: cnnCpu, runs: 2 } }),
  target: '≤ 160 ms and ≥ 100× cpu',
  met: cnn <= 160 && (cnnCpu === undefined || cnnCpu / cnn >= 100),
  note:
    'does not run on stock tfjs wasm (Conv2DBackpropFilter missing)' +
    (cnnCpu === undefined ? '; cpu skipped (--quick)' : ''),
});

report.write();

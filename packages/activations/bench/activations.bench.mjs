/**
 * Forward + backward of every activation on a 1M-element tensor on wasm: `apply` (with the analytic
 * derivative through tf.customGrad where the activation uses it) vs autodiff through the forward's
 * own ops. Run side by side, interleaved, medians of 15 runs after warm-up.
 *
 * With plugin modules (BENCH_PLUGINS, a JSON list of paths: `pnpm bench -- activations --plugin x.mjs`
 * or `gradwell bench activations --plugin x.mjs`) it measures the plugins they export instead.
 */
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { getActivation, listActivations, registerActivation } from '@gradwell/activations';
import { createReport, medianMs, quick } from '@gradwell/bench-kit';

await setupBackend({ backend: 'wasm' });
const pluginFiles = JSON.parse(process.env.BENCH_PLUGINS || '[]');
const pluginNames = [];
for (const file of pluginFiles) {
  const module = await import(pathToFileURL(file).href);
  for (const value of new Set(Object.values(module))) {
    if (value && typeof value === 'object' && typeof value.name === 'string' && typeof value.specVersion === 'number') {
      registerActivation(value);
      pluginNames.push(value.name);
    }
  }
  if (pluginNames.length === 0) throw new Error(`${file} exports no activation plugin (defineActivation(...))`);
}
const report = createReport('activations');
const x = tf.randomUniform([1000, 1000], -6, 6, 'float32', 1);
const runs = { warmup: 3, runs: quick ? 5 : 15 };
const timed = (f) => () => {
  const g = tf.grad((t) => tf.sum(f(t)))(x);
  g.dataSync();
  g.dispose();
};

for (const name of pluginFiles.length > 0 ? pluginNames : listActivations()) {
  const activation = getActivation(name);
  const custom = activation.apply !== activation.forward;
  const viaApply = timed((t) => activation.apply(t));
  const viaAutodiff = timed((t) => activation.forward(t));
  // Interleave the two so machine noise hits both alike.
  const applyTimes = [];
  const autodiffTimes = [];
  for (let round = 0; round < 3; round++) {
    applyTimes.push(medianMs(viaApply, runs));
    autodiffTimes.push(medianMs(viaAutodiff, runs));
  }
  const median = (values) => values.sort((a, b) => a - b)[1];
  report.add({
    name: `${name}${pluginNames.includes(name) ? ' (plugin)' : ''} forward+backward, 1M elements (wasm)`,
    medianMs: median(applyTimes),
    runs: runs.runs * 3,
    reference: { name: 'autodiff through the forward', medianMs: median(autodiffTimes) },
    target: 'not slower than autodiff',
    met: !custom || median(applyTimes) <= median(autodiffTimes) * 1.05,
    note: custom ? 'analytic derivative (tf.customGrad)' : "tfjs's own gradient (apply = forward)",
  });
}
x.dispose();
report.write();

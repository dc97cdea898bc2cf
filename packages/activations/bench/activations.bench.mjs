/**
 * Forward + backward of every activation on a 1M-element tensor on wasm: `apply` (with the analytic
 * derivative through tf.customGrad where the activation uses it) vs autodiff through the forward's
 * own ops, measured side by side by `measureActivation` (interleaved rounds, medians). A plugin is
 * measured the same way with `gradwell bench activations --plugin <module>`.
 */
import { setupBackend } from '@gradwell/core';
import { getActivation, listActivations } from '@gradwell/activations';
import { measureActivation } from '@gradwell/activations/testing';
import { createReport, quick } from '@gradwell/bench-kit';

await setupBackend({ backend: 'wasm' });
const report = createReport('activations');
for (const name of listActivations()) {
  const timing = measureActivation(getActivation(name), { runs: quick ? 5 : 15 });
  report.add({
    name: `${name} forward+backward, 1M elements (wasm)`,
    medianMs: timing.applyMs,
    runs: timing.runs,
    reference: { name: 'autodiff through the forward', medianMs: timing.autodiffMs },
    target: 'not slower than autodiff',
    met: !timing.customGradient || timing.applyMs <= timing.autodiffMs * 1.05,
    note: timing.customGradient
      ? 'analytic derivative (tf.customGrad)'
      : "tfjs's own gradient (apply = forward)",
  });
}
report.write();

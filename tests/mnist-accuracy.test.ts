/**
 * The accuracy targets on full MNIST (60 000 / 10 000), on wasm: MLP 784-512-256-10 (He init,
 * ReLU, Adam) ≥ 97.5% test accuracy in ≤ 3 epochs; the small CNN ≥ 98.5% in ≤ 2 epochs.
 */
import { setupBackend } from '@gradwell/core';
import { beforeAll, expect, test } from 'vitest';
import { loadMnistSets } from '@gradwell/datasets';
import { cnnPreset, evaluate, fit, mlpPreset } from '@gradwell/trainer';

beforeAll(async () => {
  const report = await setupBackend();
  expect(report.backend).toBe('wasm');
});

test('MLP 784-512-256-10, He init, ReLU, Adam: ≥ 97.5% on the MNIST test set after 3 epochs', async () => {
  const { train, test: testSet } = loadMnistSets('full', { flat: true });
  const m = mlpPreset({ activation: 'relu', init: 'heNormal', inputShape: [784], seed: 1 });
  const run = await fit(m, train, {
    epochs: 3,
    batchSize: 128,
    optimizer: { name: 'adam', learningRate: 1e-3 },
    seed: 1,
  });
  const { accuracy } = await evaluate(m, testSet);
  console.log(
    `MLP: test accuracy ${(accuracy! * 100).toFixed(2)}%; epoch seconds ${run.history.map((h) => h.seconds!.toFixed(1)).join(', ')}`,
  );
  expect(accuracy).toBeGreaterThanOrEqual(0.975);
  m.dispose();
  train.dispose();
  testSet.dispose();
}, 600_000);

test('small CNN (conv32-pool-conv64-pool-128-10), Adam: ≥ 98.5% on the MNIST test set after 2 epochs', async () => {
  const { train, test: testSet } = loadMnistSets('full');
  const m = cnnPreset({ seed: 1 });
  const run = await fit(m, train, {
    epochs: 2,
    batchSize: 64,
    optimizer: { name: 'adam', learningRate: 1e-3 },
    seed: 1,
  });
  const { accuracy } = await evaluate(m, testSet);
  console.log(
    `CNN: test accuracy ${(accuracy! * 100).toFixed(2)}%; epoch seconds ${run.history.map((h) => h.seconds!.toFixed(1)).join(', ')}`,
  );
  expect(accuracy).toBeGreaterThanOrEqual(0.985);
  m.dispose();
  train.dispose();
  testSet.dispose();
}, 900_000);

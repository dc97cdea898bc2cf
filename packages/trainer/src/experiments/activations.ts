/**
 * The same MLP trained with each activation (same data, seed, initialiser pairing, optimiser): test
 * accuracy, wall time, and the dead-unit share of its first hidden layer after training.
 */
import { assertPositiveInteger, assertKnownOptions, optionKeys } from '@gradwell/core';
import { activationDiagnostics } from '../diagnostics';
import { evaluate } from '../evaluate';
import { fit } from '../training/fit';
import { mlpPreset } from '../presets';
import type { ExperimentData } from './common';

export interface ActivationsExperimentOptions {
  activations?: string[];
  hidden?: number[];
  epochs?: number;
  batchSize?: number;
  seed?: number;
}

export interface ActivationRun {
  activation: string;
  /** The initialiser the pairing chose. */
  initializer: string;
  testAccuracy: number;
  seconds: number;
  /** Dead share of the first hidden layer (ReLU family only), on 512 test digits. */
  deadFraction: number | undefined;
  saturationFraction: number | undefined;
}

export const DEFAULT_COMPARED_ACTIVATIONS = [
  'sigmoid',
  'tanh',
  'relu',
  'leakyRelu',
  'elu',
  'selu',
  'gelu',
  'swish',
  'mish',
  'softplus',
];

export async function activationsExperiment(
  data: ExperimentData,
  o: ActivationsExperimentOptions = {},
): Promise<ActivationRun[]> {
  assertKnownOptions(
    'activationsExperiment',
    o,
    optionKeys<ActivationsExperimentOptions>({ activations: 1, hidden: 1, epochs: 1, batchSize: 1, seed: 1 }),
  );
  const epochs = o.epochs ?? 2;
  assertPositiveInteger('activationsExperiment', 'epochs', epochs);
  const runs: ActivationRun[] = [];
  const probe = data.test.batch(Array.from({ length: Math.min(512, data.test.size) }, (_, i) => i));
  try {
    for (const activation of o.activations ?? DEFAULT_COMPARED_ACTIVATIONS) {
      const model = mlpPreset({
        hidden: o.hidden ?? [256, 128],
        activation,
        seed: o.seed ?? 0,
        inputShape: data.train.inputShape,
      });
      const started = performance.now();
      await fit(model, data.train, { epochs, batchSize: o.batchSize ?? 64, seed: o.seed ?? 0 });
      const seconds = (performance.now() - started) / 1000;
      const { accuracy } = await evaluate(model, data.test);
      const stats = activationDiagnostics(model, probe.x).find((l) => l.layer === 'dense1');
      const kernel = (model.getLayer('dense1') as unknown as { kernelInitializer: { className: string } })
        .kernelInitializer;
      runs.push({
        activation,
        initializer: kernel.className,
        testAccuracy: accuracy ?? 0,
        seconds,
        deadFraction: stats?.deadFraction,
        saturationFraction: stats?.saturationFraction,
      });
      model.dispose();
    }
  } finally {
    probe.x.dispose();
    probe.y.dispose();
  }
  return runs;
}

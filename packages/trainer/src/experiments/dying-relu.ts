/**
 * The dying-ReLU problem: with too large a learning rate, a big update pushes many ReLUs' pre-activations
 * below zero for every input; they pass no gradient and never recover. Trains the same MLP with ReLU and
 * with leaky ReLU at each learning rate (plain SGD) and reports the dead share of the hidden units after
 * each epoch (ReLU) and the accuracy.
 */
import { dispose, type Tensor } from '@tensorflow/tfjs-core';
import {
  hasPreActivation,
  type Sequential,
  type TrainingCallback,
  assertKnownOptions,
  optionKeys,
} from '@gradwell/core';
import { deadUnitFraction } from '@gradwell/activations';
import { evaluate } from '../evaluate';
import { fit } from '../training/fit';
import { mlpPreset } from '../presets';
import type { ExperimentData } from './common';

export interface DyingReluOptions {
  learningRates?: number[];
  hidden?: number[];
  epochs?: number;
  batchSize?: number;
  seed?: number;
}

export interface DyingReluRun {
  activation: 'relu' | 'leakyRelu';
  learningRate: number;
  /**
   * After each epoch, the share of hidden units whose pre-activation is ≤ 0 for every probe digit: dead
   * for ReLU (no gradient, no way back); for leaky ReLU such units still get α times the gradient.
   */
  deadByEpoch: number[];
  testAccuracy: number;
  /** The run diverged (NaN loss) and was stopped by the guard. */
  diverged: boolean;
}

export async function dyingReluExperiment(
  data: ExperimentData,
  o: DyingReluOptions = {},
): Promise<DyingReluRun[]> {
  assertKnownOptions(
    'dyingReluExperiment',
    o,
    optionKeys<DyingReluOptions>({ learningRates: 1, hidden: 1, epochs: 1, batchSize: 1, seed: 1 }),
  );
  const probe = data.test.batch(Array.from({ length: Math.min(1000, data.test.size) }, (_, i) => i));
  const runs: DyingReluRun[] = [];
  try {
    for (const learningRate of o.learningRates ?? [0.1, 0.5, 1]) {
      for (const activation of ['relu', 'leakyRelu'] as const) {
        const model = mlpPreset({
          hidden: o.hidden ?? [256, 256],
          activation,
          seed: o.seed ?? 0,
          inputShape: data.train.inputShape,
        });
        const deadByEpoch: number[] = [];
        const measure: TrainingCallback = {
          onEpochEnd() {
            deadByEpoch.push(inactiveShare(model, probe.x));
          },
        };
        let testAccuracy = 0;
        let diverged = false;
        try {
          await fit(model, data.train, {
            epochs: o.epochs ?? 3,
            batchSize: o.batchSize ?? 64,
            optimizer: { name: 'sgd', learningRate },
            seed: o.seed ?? 0,
            callbacks: [measure],
          });
          testAccuracy = (await evaluate(model, data.test)).accuracy ?? 0;
        } catch (error) {
          if ((error as Error).name !== 'TrainingDivergedError') throw error;
          diverged = true;
        }
        runs.push({ activation, learningRate, deadByEpoch, testAccuracy, diverged });
        model.dispose();
      }
    }
  } finally {
    probe.x.dispose();
    probe.y.dispose();
  }
  return runs;
}

/** Mean over hidden dense layers of the share of units never positive before the activation. */
export function inactiveShare(model: Sequential, x: Tensor): number {
  const outputs = model.applyWithIntermediates(x, { training: false });
  try {
    const shares = model.layers.flatMap((layer, i) => {
      if (!layer.name.startsWith('dense') || !hasPreActivation(layer)) return [];
      const pre = layer.applyPreActivation(i === 0 ? x : (outputs[i - 1] as Tensor));
      const share = deadUnitFraction(pre);
      pre.dispose();
      return [share];
    });
    return shares.reduce((a, b) => a + b, 0) / Math.max(shares.length, 1);
  } finally {
    dispose(outputs);
  }
}

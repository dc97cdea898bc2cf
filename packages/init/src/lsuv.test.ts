import * as tf from '@tensorflow/tfjs-core';
import { type ActivationFunction, createRandom, Dense, sequential, setupBackend } from '@gradwell/core';
import { expectNoLeakedTensors, testActivations } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { uniform } from './basic';
import { lsuv } from './lsuv';

const { relu, tanh } = testActivations;

function deepNet(activation: ActivationFunction, depth = 30, width = 64) {
  // Deliberately badly initialised: U[−0.01, 0.01] collapses the signal within a few layers.
  const layers = Array.from(
    { length: depth },
    () => new Dense({ units: width, activation, kernelInitializer: uniform({ min: -0.01, max: 0.01 }) }),
  );
  return sequential(layers, { inputShape: [width], seed: 1 });
}

describe('LSUV', () => {
  beforeAll(async () => {
    await setupBackend();
  });

  test.each([
    ['relu', relu],
    ['tanh', tanh],
  ] as const)(
    'brings every layer of a 30-layer %s net within tolerance in ≤ 10 iterations',
    async (_name, activation) => {
      const model = deepNet(activation);
      const batch = createRandom(3).normalTensor([256, 64]);
      const reports = await expectNoLeakedTensors(() => lsuv(model, batch, { tolerance: 0.1 }));
      expect(reports).toHaveLength(30);
      for (const report of reports) {
        expect(report.converged).toBe(true);
        expect(report.iterations).toBeLessThanOrEqual(10);
        expect(Math.abs(report.variance - 1)).toBeLessThanOrEqual(0.1);
      }
      // The signal no longer collapses: the last layer's output keeps a healthy spread.
      const out = model.apply(batch);
      expect(tf.moments(out).variance.dataSync()[0] as number).toBeGreaterThan(0.1);
      model.dispose();
      tf.dispose([batch, out]);
    },
  );

  test("measure: 'output' rescales the activated output of a ReLU net (the paper's in-place ReLU blob)", () => {
    const model = deepNet(relu, 10);
    const batch = createRandom(4).normalTensor([256, 64]);
    const reports = lsuv(model, batch, { measure: 'output' });
    expect(reports.every((r) => r.converged && r.iterations <= 10)).toBe(true);
    model.dispose();
    batch.dispose();
  });

  test('bad options name the option; a dead layer is reported', () => {
    const model = deepNet(relu, 2, 4);
    const batch = tf.ones([8, 4]);
    expect(() => lsuv(model, batch, { tolerance: 0 })).toThrow(
      "lsuv: argument 'tolerance' must be a number > 0, got 0",
    );
    expect(() => lsuv(model, batch, { maxIterations: 0 })).toThrow(
      "argument 'maxIterations' must be a positive integer",
    );
    expect(() => lsuv(model, batch, { measure: 'input' as 'output' })).toThrow(
      "argument 'measure' must be one of 'preActivation', 'output'",
    );
    expect(() => lsuv(model, tf.zeros([8, 4]), { orthogonalInit: false })).toThrow(
      /outputs variance 0 on this batch/,
    );
  });
});

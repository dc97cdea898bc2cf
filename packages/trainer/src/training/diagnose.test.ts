import * as tf from '@tensorflow/tfjs-core';
import { GradwellArgumentError, setupBackend } from '@gradwell/core';
import { batchNormalization } from '@gradwell/batchnorm';
import { dropoutLayer } from '@gradwell/regularizers';
import { expectNoLeakedTensors } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { batchStream, tensorDataset } from '../data/dataset';
import { blobs } from '../data/synthetic';
import { dense } from '../layers';
import { softmaxCrossEntropy } from '../losses';
import { model } from '../model';
import { diagnoseModel } from './diagnose';
import { fit } from './fit';
import type { TrainerCallbackContext } from './fit-types';

beforeAll(async () => {
  await setupBackend();
});

const deepRelu = (init: string, depth = 30) =>
  model(
    [
      ...Array.from({ length: depth }, (_, i) =>
        dense({ units: 32, activation: 'relu', kernelInitializer: init, name: `d${i + 1}` }),
      ),
      dense({ units: 10, name: 'out' }),
    ],
    { inputShape: [20], seed: 1 },
  );

describe('diagnoseModel', () => {
  test('at initialisation: Xavier under ReLU loses the signal with depth (vanishing gradients flagged), He keeps it', async () => {
    const data = blobs({ classes: 10, pointsPerClass: 30, dimensions: 20, seed: 1 });
    const xavier = deepRelu('glorotUniform');
    const he = deepRelu('heNormal');
    const bad = await expectNoLeakedTensors(() => diagnoseModel(xavier, data));
    const good = diagnoseModel(he, data);
    expect(bad.layers[0]!.flags).toContain('vanishing-gradient');
    expect(bad.layers.filter((l) => l.flags.includes('vanishing-gradient')).length).toBeGreaterThan(5);
    expect(bad.layers[29]!.activationStd / bad.layers[0]!.activationStd).toBeLessThan(0.05);
    expect(good.layers.filter((l) => l.flags.includes('vanishing-gradient'))).toEqual([]);
    // no step is taken: no update ratios
    expect(bad.layers.every((l) => l.updateRatio === undefined)).toBe(true);
    expect(bad).toMatchObject({ epoch: 0, step: 0 });
    xavier.dispose();
    he.dispose();
    data.dispose();
  });

  test("its gradient norms are the loss's gradients on the probe batch (computed directly)", () => {
    const data = blobs({ classes: 3, pointsPerClass: 10, dimensions: 4, seed: 2 });
    const m = model([dense({ units: 8, activation: 'tanh', name: 'h' }), dense({ units: 3, name: 'out' })], {
      inputShape: [4],
      seed: 3,
    });
    const report = diagnoseModel(m, data, { probeSize: 16 });
    const probe = data.batch(Array.from({ length: 16 }, (_, i) => i));
    const loss = softmaxCrossEntropy();
    const { value, grads } = tf.variableGrads(
      () => loss(probe.y, m.apply(probe.x, { training: true })),
      m.trainableWeights.map((w) => w.variable),
    );
    const norm = (names: string[]) =>
      Math.sqrt(names.reduce((s, n) => s + (tf.sum(tf.square(grads[n]!)).dataSync()[0] as number), 0));
    const owned = (layer: string) =>
      m.trainableWeights.filter((w) => w.name.startsWith(`${layer}/`)).map((w) => w.variable.name);
    expect(report.layers[0]!.gradientNorm).toBeCloseTo(norm(owned('h')), 5);
    expect(report.layers[1]!.gradientNorm).toBeCloseTo(norm(owned('out')), 5);
    expect(report.layers[1]!.relativeGradient).toBe(1);
    tf.dispose([value, ...Object.values(grads), probe.x, probe.y]);
    m.dispose();
    data.dispose();
  });

  test('leaves the model as it was: batch-norm statistics and dropout random state untouched, so a run is bit-identical', async () => {
    const data = blobs({ classes: 3, pointsPerClass: 20, dimensions: 6, seed: 4 });
    const make = () =>
      model(
        [
          dense({ units: 16, name: 'h' }),
          batchNormalization({ name: 'bn' }),
          dense({ units: 16, activation: 'relu', name: 'h2' }),
          dropoutLayer({ rate: 0.3, seed: 5, name: 'drop' }),
          dense({ units: 3, name: 'out' }),
        ],
        { inputShape: [6], seed: 6 },
      );
    const a = make();
    const b = make();
    const before = a.weights.map((w) => Array.from(w.variable.dataSync()));
    diagnoseModel(a, data);
    expect(a.weights.map((w) => Array.from(w.variable.dataSync()))).toEqual(before);
    const options = { epochs: 2, batchSize: 8, seed: 7 };
    const runA = await fit(a, data, options);
    const runB = await fit(b, data, options);
    expect(runA.history.map((h) => h.loss)).toEqual(runB.history.map((h) => h.loss));
    expect(a.weights.map((w) => Array.from(w.variable.dataSync()))).toEqual(
      b.weights.map((w) => Array.from(w.variable.dataSync())),
    );
    a.dispose();
    b.dispose();
    data.dispose();
  });

  test('bad input: a stream, a probe size, labels beyond the outputs', () => {
    const data = blobs({ classes: 3, pointsPerClass: 5, dimensions: 2, seed: 1 });
    const m = model([dense({ units: 3, name: 'out' })], { inputShape: [2], seed: 1 });
    const stream = batchStream(() => [], { inputShape: [2], numClasses: 3 });
    expect(() => diagnoseModel(m, stream)).toThrow(GradwellArgumentError);
    expect(() => diagnoseModel(m, stream)).toThrow(/'data'.*in-memory dataset/);
    expect(() => diagnoseModel(m, data, { probeSize: 0 })).toThrow(/'probeSize'.*positive integer/);
    const wide = tensorDataset(tf.zeros([4, 2]), tf.tensor1d([0, 1, 2, 7], 'int32'));
    expect(() => diagnoseModel(m, wide)).toThrow(/label 7/);
    wide.dispose();
    m.dispose();
    data.dispose();
  });

  test("a callback's trainer.diagnose() reports where the run is, without changing it", async () => {
    const data = blobs({ classes: 3, pointsPerClass: 20, dimensions: 4, seed: 8 });
    const m = model([dense({ units: 8, activation: 'relu', name: 'h' }), dense({ units: 3, name: 'out' })], {
      inputShape: [4],
      seed: 9,
    });
    const twin = model(
      [dense({ units: 8, activation: 'relu', name: 'h' }), dense({ units: 3, name: 'out' })],
      {
        inputShape: [4],
        seed: 9,
      },
    );
    const seen: Array<{ epoch: number; step: number; layers: number }> = [];
    await expectNoLeakedTensors(() =>
      fit(m, data, {
        epochs: 2,
        batchSize: 10,
        seed: 1,
        callbacks: [
          {
            onEpochEnd(_e, _l, context) {
              const report = (context as TrainerCallbackContext).trainer.diagnose();
              if (report !== undefined)
                seen.push({ epoch: report.epoch, step: report.step, layers: report.layers.length });
            },
          },
        ],
      }),
    );
    expect(seen).toEqual([
      { epoch: 1, step: 6, layers: 2 },
      { epoch: 2, step: 12, layers: 2 },
    ]);
    await fit(twin, data, { epochs: 2, batchSize: 10, seed: 1 });
    expect(Array.from(m.weights[0]!.variable.dataSync())).toEqual(
      Array.from(twin.weights[0]!.variable.dataSync()),
    );
    m.dispose();
    twin.dispose();
    data.dispose();
  });
});

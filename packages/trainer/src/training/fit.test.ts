import * as tf from '@tensorflow/tfjs-core';
import { flatten, setupBackend, type TrainingCallback } from '@gradwell/core';
import { compose } from '@gradwell/augment';
import { dropoutLayer, earlyStopping, l2, withAuxiliaryHeads } from '@gradwell/regularizers';
import { expectNoLeakedTensors } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { arrayDataset, batchStream, tensorDataset, type TensorDataset } from '../data/dataset';
import { splitDataset } from '../data/subsets';
import { spirals } from '../data/synthetic';
import { TrainingDivergedError } from '../nan-guard';
import { evaluate, predict } from '../evaluate';
import { fit } from './fit';
import { dense } from '../layers';
import { model } from '../model';
import { cosineDecay } from '../schedules';

beforeAll(async () => {
  await setupBackend();
});

const mlp = (seed = 1, hidden = 32) =>
  model(
    [
      dense({ units: hidden, activation: 'relu' }),
      dense({ units: hidden, activation: 'relu' }),
      dense({ units: 3 }),
    ],
    {
      inputShape: [2],
      seed,
    },
  );

describe('fit', () => {
  test('learns the spirals (not linearly separable) and leaks nothing across the fit', async () => {
    const data = spirals({ pointsPerClass: 100, seed: 1 });
    const { train, validation } = splitDataset(data, { validation: 0.2, seed: 2 });
    data.dispose();
    const m = mlp(1, 64);
    const run = await expectNoLeakedTensors(async () => {
      const r = await fit(m, train, {
        epochs: 60,
        batchSize: 32,
        optimizer: { name: 'adam', learningRate: 0.01 },
        validation,
        seed: 3,
      });
      return r;
    });
    const last = run.history[run.history.length - 1]!;
    expect(run.history).toHaveLength(60);
    expect(run.steps).toBe(60 * Math.ceil(train.size / 32));
    expect(last.accuracy).toBeGreaterThan(0.95);
    expect(last.valAccuracy).toBeGreaterThan(0.9);
    expect(last.loss).toBeLessThan(run.history[0]!.loss! / 4);
    for (const key of [
      'loss',
      'accuracy',
      'valLoss',
      'valAccuracy',
      'learningRate',
      'seconds',
      'examplesPerSecond',
    ])
      expect(last).toHaveProperty(key);
    const ev = await evaluate(m, validation);
    expect(ev.accuracy).toBeCloseTo(last.valAccuracy!, 10);
    expect(ev.examples).toBe(validation.size);
    const out = predict(m, validation.x, { batchSize: 7 });
    expect(out.shape).toEqual([validation.size, 3]);
    const whole = m.apply(validation.x);
    expect(Array.from(out.dataSync())).toEqual(Array.from(whole.dataSync()));
    tf.dispose([out, whole]);
    m.dispose();
    train.dispose();
    validation.dispose();
  });

  test('the same seed gives the same run; another seed another (shuffling, dropout, augmentation)', async () => {
    const data = spirals({ pointsPerClass: 40, seed: 5 });
    const once = async (seed: number) => {
      const m = model(
        [dense({ units: 16, activation: 'relu' }), dropoutLayer({ rate: 0.2, seed: 7 }), dense({ units: 3 })],
        { inputShape: [2], seed: 1 },
      );
      const r = await fit(m, data, {
        epochs: 3,
        batchSize: 16,
        seed,
        augment: (x, random) => tf.add(x, random.normalTensor(x.shape, 0, 0.01)),
      });
      m.dispose();
      return r.history.map((h) => h.loss);
    };
    const a = await once(11);
    expect(await once(11)).toEqual(a);
    expect(await once(12)).not.toEqual(a);
    data.dispose();
  });

  test('callbacks see every hook in order, and can stop the run', async () => {
    const data = spirals({ pointsPerClass: 10 });
    const m = mlp();
    const calls: string[] = [];
    const spy: TrainingCallback = {
      onTrainBegin: () => void calls.push('trainBegin'),
      onEpochBegin: (e) => void calls.push(`epochBegin ${e}`),
      onBatchEnd: (b, logs) => {
        calls.push(`batch ${b}`);
        expect(logs.loss).toBeGreaterThan(0);
      },
      onEpochEnd: (e, _logs, context) => {
        calls.push(`epochEnd ${e}`);
        if (e === 1) context.requestStop('enough');
      },
      onTrainEnd: () => void calls.push('trainEnd'),
    };
    const run = await fit(m, data, { epochs: 5, batchSize: 15, callbacks: [spy] });
    expect(calls).toEqual([
      'trainBegin',
      'epochBegin 0',
      'batch 0',
      'batch 1',
      'epochEnd 0',
      'epochBegin 1',
      'batch 0',
      'batch 1',
      'epochEnd 1',
      'trainEnd',
    ]);
    expect(run.stopReason).toBe('enough');
    expect(run.epochs).toBe(2);
    m.dispose();
    data.dispose();
  });

  test("early stopping stops and restores the best epoch's weights", async () => {
    const data = spirals({ pointsPerClass: 30, seed: 8, noise: 0.6 });
    const { train, validation } = splitDataset(data, { validation: 0.5, seed: 1 });
    data.dispose();
    const m = mlp(2, 64);
    const stopper = earlyStopping({ monitor: 'valLoss', patience: 2, restoreBestWeights: true });
    const run = await fit(m, train, {
      epochs: 200,
      batchSize: 8,
      optimizer: { name: 'adam', learningRate: 0.03 },
      validation,
      callbacks: [stopper],
    });
    expect(run.epochs).toBeLessThan(200);
    expect(run.stopReason).toMatch(/early stopping/);
    const best = Math.min(...run.history.map((h) => h.valLoss!));
    expect((await evaluate(m, validation)).loss).toBeCloseTo(best, 5);
    m.dispose();
    train.dispose();
    validation.dispose();
  });

  test('penalties, clipping, schedules, augmentation pipelines and auxiliary heads all run', async () => {
    const data = spirals({ pointsPerClass: 20 });
    const m = mlp();
    const run = await fit(m, data, {
      epochs: 2,
      batchSize: 20,
      penalty: l2(1e-3),
      confidencePenalty: 0.1,
      clipNorm: 0.5,
      learningRate: cosineDecay({ initial: 0.01, totalSteps: 6 }),
    });
    expect(run.history[1]!.learningRate).toBeCloseTo(
      cosineDecay({ initial: 0.01, totalSteps: 6 }).rate(5, 3),
      10,
    );
    const images = arrayDataset(
      new Float32Array(8 * 4 * 4 * 3).map((_, i) => (i % 7) / 7),
      [0, 1, 0, 1, 0, 1, 0, 1],
      { inputShape: [4, 4, 3] },
    );
    const pipeline = compose(
      [
        { type: 'flipHorizontal', p: 0.5 },
        { type: 'brightness', params: { factor: 1.1 } },
      ],
      { seed: 1 },
    );
    const seen: number[][] = [];
    const spy = {
      applyWith: (x: tf.Tensor, random: Parameters<typeof pipeline.applyWith>[1]) => {
        const out = pipeline.applyWith(x, random);
        seen.push(Array.from(out.dataSync().slice(0, 4)));
        return out;
      },
    };
    const trainOnImages = async () => {
      const cnn = model([flatten(), dense({ units: 4, activation: 'relu' }), dense({ units: 2 })], {
        inputShape: [4, 4, 3],
        seed: 2,
      });
      const r = await fit(cnn, images, { epochs: 2, batchSize: 4, augment: spy, seed: 5 });
      cnn.dispose();
      return r.history.map((h) => h.loss);
    };
    const first = await trainOnImages();
    const firstSeen = seen.splice(0);
    expect(firstSeen).toHaveLength(4);
    expect(await trainOnImages()).toEqual(first);
    expect(seen).toEqual(firstSeen);
    const flat = model(
      [dense({ units: 8, activation: 'relu', name: 'h1' }), dense({ units: 3, name: 'out' })],
      { inputShape: [2], seed: 4 },
    );
    const aux = withAuxiliaryHeads(flat, [
      { after: 'h1', head: dense({ units: 3, name: 'auxHead' }), weight: 0.3 },
    ]);
    const r3 = await fit(aux, data, { epochs: 1, batchSize: 20 });
    expect(r3.history[0]!.loss).toBeGreaterThan(0);
    for (const d of [m, flat, images, data]) d.dispose();
  });

  test('streams of batches train too', async () => {
    const data = spirals({ pointsPerClass: 20 });
    const stream = batchStream(
      function* () {
        for (let start = 0; start < data.size; start += 20)
          yield data.batch(Array.from({ length: 20 }, (_, i) => start + i));
      },
      { inputShape: [2], numClasses: 3 },
    );
    const m = mlp();
    const run = await expectNoLeakedTensors(async () => {
      const r = await fit(m, stream, { epochs: 2 });
      return r;
    });
    expect(run.history).toHaveLength(2);
    m.dispose();
    data.dispose();
  });

  test('yields to the event loop while training', async () => {
    const data = spirals({ pointsPerClass: 50 });
    const m = mlp();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await fit(m, data, { epochs: 5, batchSize: 10, yieldEveryMs: 0 });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(5);
    m.dispose();
    data.dispose();
  });

  test('bad options and data are refused before training, naming the argument', async () => {
    const data = spirals({ pointsPerClass: 5 });
    const m = mlp();
    await expect(fit(m, data, { epochs: 0 })).rejects.toThrow(/epochs/);
    await expect(fit(m, data, { epochs: 1, batchSize: 2.5 })).rejects.toThrow(/batchSize/);
    await expect(fit(m, data, { epochs: 1, clipNorm: -1 })).rejects.toThrow(/clipNorm/);
    await expect(fit(m, data, { epochs: 1, optimizer: 'adamw' as 'adam' })).rejects.toThrow(
      /argument 'optimizer' must be one of sgd, momentum, adam.*got "adamw"/,
    );
    await expect(fit(m, {} as TensorDataset, { epochs: 1 })).rejects.toThrow(/dataset/);
    const wrong = arrayDataset([[1, 2, 3]], [0]);
    await expect(fit(m, wrong, { epochs: 1 })).rejects.toThrow(/shape \[2\]/);
    wrong.dispose();
    m.dispose();
    data.dispose();
  });
});

describe('NaN guard', () => {
  test('a weight forced to NaN mid-run stops training with a report naming its layer', async () => {
    const data = spirals({ pointsPerClass: 20 });
    const m = model(
      [
        dense({ units: 8, activation: 'relu', name: 'first' }),
        dense({ units: 8, activation: 'relu', name: 'second' }),
        dense({ units: 3, name: 'head' }),
      ],
      { inputShape: [2], seed: 1 },
    );
    const poison: TrainingCallback = {
      onBatchEnd: (batch) => {
        if (batch === 2) {
          const kernel = m.getLayer('second').weights[0]!.variable;
          const values = kernel.dataSync().slice();
          values[3] = Number.NaN;
          const t = tf.tensor(values, kernel.shape);
          kernel.assign(t);
          t.dispose();
        }
      },
    };
    const error = await fit(m, data, { epochs: 2, batchSize: 10, callbacks: [poison] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TrainingDivergedError);
    const report = (error as TrainingDivergedError).report;
    expect(report).toMatchObject({ where: 'weights', layer: 'second', layerIndex: 1, epoch: 0, step: 3 });
    expect((error as Error).message).toMatch(/second/);
    m.dispose();
    data.dispose();
  });

  test('an exploding learning rate is caught at the first non-finite loss, never a silent NaN run', async () => {
    const data = spirals({ pointsPerClass: 20 });
    const m = mlp();
    const error = await fit(m, data, {
      epochs: 50,
      batchSize: 10,
      optimizer: { name: 'sgd', learningRate: 1e6 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingDivergedError);
    const { report } = error as TrainingDivergedError;
    expect(['weights', 'output']).toContain(report.where);
    expect(report.layer).toBeDefined();
    m.dispose();
    data.dispose();
  });
});

describe('labels against the model', () => {
  test('a class id the output cannot give, or a label that is no class id, is refused naming the example', async () => {
    const m = model([dense({ units: 4 }), dense({ units: 3 })], { inputShape: [2], seed: 1 });
    const data = arrayDataset(
      [
        [0, 1],
        [1, 0],
        [1, 1],
      ],
      [0, 3, 1],
    );
    await expect(fit(m, data, { epochs: 1 })).rejects.toThrow(
      `fit: argument 'data' must be class ids in [0, 3) (the model has 3 outputs), got "the label 3 of example 1"`,
    );
    const before = tf.memory().numTensors;
    expect(() => tensorDataset(tf.zeros([3, 2]), tf.tensor1d([0, 2.5, 1]))).toThrow(
      `tensorDataset: argument 'y' must be class ids (integers ≥ 0), got "2.5 at example 1"`,
    );
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before + 2);
    const rows = arrayDataset([[0, 1]], [[0, 1, 0, 0]]);
    await expect(fit(m, rows, { epochs: 1 })).rejects.toThrow(/label rows of 3 values .* got "rows of 4"/);
    const stream = batchStream(
      function* () {
        yield { x: tf.zeros([2, 2]), y: tf.tensor1d([0, 1], 'int32') };
        yield { x: tf.zeros([2, 2]), y: tf.tensor1d([2, 7], 'int32') };
      },
      { inputShape: [2], name: 'bad-stream' },
    );
    await expect(fit(m, stream, { epochs: 1 })).rejects.toThrow(
      "the label 7 of example 1 of batch 1 (epoch 0) of stream 'bad-stream'",
    );
    for (const d of [data, rows]) d.dispose();
    m.dispose();
  });
});

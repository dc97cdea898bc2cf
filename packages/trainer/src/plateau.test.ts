import * as tf from '@tensorflow/tfjs-core';
import { createCallbackContext, runCallbacks, setupBackend, type TrainingLogs } from '@gradwell/core';
import { expectNoLeakedTensors } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { checkpointCallback } from './callbacks';
import { loadCheckpoint } from './checkpoint';
import { spirals } from './data/synthetic';
import { dense } from './layers';
import { memoryStore } from './memory-store';
import { model } from './model';
import { createOptimizer, getLearningRate } from './optimizers';
import {
  reduceLearningRateOnPlateau,
  type LearningRateReduction,
  type ReduceLearningRateOnPlateauOptions,
} from './plateau';
import { cosineDecay } from './schedules';
import { fit } from './training/fit';
import type { TrainerCallbackContext, TrainingRun } from './training/fit-types';

beforeAll(async () => {
  await setupBackend();
});

/**
 * Plays a scripted metric through the callback as `fit` would (rate 1 to start); returns the rate after each
 * epoch's end, and the reductions `onReduce` saw.
 */
async function play(values: number[], options: ReduceLearningRateOnPlateauOptions) {
  const optimizer = createOptimizer({ name: 'sgd', learningRate: 1 });
  const reported: LearningRateReduction[] = [];
  const callback = reduceLearningRateOnPlateau({ ...options, onReduce: (r) => reported.push(r) });
  const history: TrainingLogs[] = [];
  const context: TrainerCallbackContext = Object.assign(
    createCallbackContext(
      { epochs: values.length, stepsPerEpoch: 1, batchSize: 1 },
      { weights: [] },
      history,
    ),
    {
      trainer: {
        optimizer,
        weights: [],
        state: () => ({ epoch: history.length, step: 0, seed: 0, history, layerRandomStates: {} }),
        optimizerState: () => Promise.reject(new Error('not used')),
        diagnose: () => undefined,
      },
    },
  );
  await runCallbacks([callback], 'onTrainBegin', context);
  const rates: number[] = [];
  for (const [epoch, value] of values.entries()) {
    const logs = { [options.monitor ?? 'valLoss']: value, learningRate: getLearningRate(optimizer) };
    history.push(logs);
    await runCallbacks([callback], 'onEpochEnd', epoch, logs, context);
    rates.push(getLearningRate(optimizer));
  }
  optimizer.dispose();
  return { rates, reported, callback };
}

describe('reduceLearningRateOnPlateau: the rule, epoch by epoch (Keras ReduceLROnPlateau)', () => {
  test.each<[string, number[], ReduceLearningRateOnPlateauOptions, number[]]>([
    [
      'patience 2: halved after two epochs without improvement; an improvement resets the count',
      [1, 0.9, 0.95, 0.92, 0.8, 0.85, 0.86, 0.87, 0.88],
      { patience: 2, factor: 0.5, minDelta: 0 },
      [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.125],
    ],
    [
      'cooldown 2: the epochs after a reduction are not counted',
      [1, 1, 1, 1, 1, 1],
      { patience: 1, factor: 0.5, cooldown: 2 },
      [1, 0.5, 0.5, 0.25, 0.25, 0.125],
    ],
    [
      'minRate: reduced to it, never below, and then left',
      [1, 1, 1, 1],
      { patience: 1, factor: 0.5, minRate: 0.3 },
      [1, 0.5, 0.3, 0.3],
    ],
    [
      'minDelta: an improvement by less does not count; one by more does',
      [1, 0.995, 0.985],
      { patience: 1, factor: 0.5, minDelta: 0.01 },
      [1, 0.5, 0.5],
    ],
    [
      "an accuracy must rise ('auto' reads the name)",
      [0.5, 0.7, 0.69, 0.75],
      { monitor: 'valAccuracy', patience: 1, factor: 0.5 },
      [1, 1, 0.5, 0.5],
    ],
    [
      "mode 'max' given for a metric whose name says nothing",
      [3, 2, 4],
      { monitor: 'score', mode: 'max', patience: 1, factor: 0.5 },
      [1, 0.5, 0.5],
    ],
  ])('%s', async (_name, values, options, expected) => {
    const { rates } = await play(values, options);
    expect(rates).toEqual(expected);
  });

  test('onReduce hears each reduction: the epoch, the rates and the best value so far', async () => {
    const { reported, callback } = await play([2, 1, 1.5, 1.2], { monitor: 'loss', patience: 2 });
    const expected = [{ epoch: 3, from: 1, to: 0.1, monitor: 'loss', best: 1 }];
    expect(reported).toEqual(expected);
    expect(callback.reductions).toEqual(expected);
    expect([callback.best, callback.bestEpoch]).toEqual([1, 1]);
  });
});

describe('reduceLearningRateOnPlateau in fit', () => {
  const makeModel = () =>
    model([dense({ units: 24, activation: 'relu', name: 'h' }), dense({ units: 3, name: 'out' })], {
      inputShape: [2],
      seed: 5,
    });

  const train = async (
    epochs: number,
    callbacks: NonNullable<Parameters<typeof fit>[2]['callbacks']>,
    resume?: Awaited<ReturnType<typeof loadCheckpoint>>,
  ) => {
    const data = spirals({ pointsPerClass: 40, seed: 2 });
    const m = resume?.model ?? makeModel();
    const run = await fit(m, data, {
      epochs,
      batchSize: 16,
      seed: 3,
      optimizer: { name: 'sgd', learningRate: 2 },
      callbacks,
      ...(resume === undefined ? {} : { resume }),
    });
    data.dispose();
    return { m, run };
  };
  const lastLosses = (run: TrainingRun, n: number) =>
    run.history.slice(-n).reduce((sum, h) => sum + h.loss!, 0) / n;

  test('SGD at a rate too high to settle: a reduction brings the loss lower than the constant rate', async () => {
    const constant = await train(12, []);
    const plateau = reduceLearningRateOnPlateau({ monitor: 'loss', patience: 1, factor: 0.3 });
    const reduced = await train(12, [plateau]);
    // The loss rose at epoch 4 (0.957 → 0.964): the rate is 0.6 from epoch 5 on.
    expect(reduced.run.history.map((h) => h.learningRate)).toEqual([
      2,
      2,
      2,
      2,
      ...new Array<number>(8).fill(0.6),
    ]);
    expect(plateau.reductions.map((r) => r.epoch)).toEqual([3]);
    // The same first four epochs, then a loss that keeps falling instead of wandering (0.81 against 0.88).
    expect(reduced.run.history[3]!.loss).toBe(constant.run.history[3]!.loss);
    expect(lastLosses(reduced.run, 4)).toBeLessThan(lastLosses(constant.run, 4) - 0.04);
    constant.m.dispose();
    reduced.m.dispose();
  });

  test('a run resumed from a checkpoint carries on with the rate and the counters it stopped with', async () => {
    // patience 2 and a minDelta no epoch beats after the first: reductions after epochs 3 and 5 (1-based).
    const options = { monitor: 'loss', patience: 2, factor: 0.5, minDelta: 1e6 };
    const whole = await train(6, [reduceLearningRateOnPlateau(options)]);
    expect(whole.run.history.map((h) => h.learningRate)).toEqual([2, 2, 2, 1, 1, 0.5]);
    // Stopped after 4 epochs: one epoch into the count again, which a fresh callback would not know.
    const store = memoryStore();
    const first = await train(4, [reduceLearningRateOnPlateau(options), checkpointCallback({ store })]);
    first.m.dispose();
    const loaded = await loadCheckpoint(store);
    const plateau = reduceLearningRateOnPlateau(options);
    const resumed = await train(6, [plateau], loaded);
    if (loaded.optimizerState) tf.dispose(Object.values(loaded.optimizerState.tensors));
    const figures = (run: TrainingRun) => run.history.map((h) => [h.loss, h.learningRate]);
    expect(figures(resumed.run)).toEqual(figures(whole.run));
    expect(plateau.reductions.map((r) => [r.epoch, r.to])).toEqual([
      [2, 1],
      [4, 0.5],
    ]);
    for (const [i, w] of whole.m.weights.entries())
      expect(Array.from(resumed.m.weights[i]!.variable.dataSync())).toEqual(
        Array.from(w.variable.dataSync()),
      );
    whole.m.dispose();
    resumed.m.dispose();
  });

  test('a fit with it leaks no tensor', async () => {
    const data = spirals({ pointsPerClass: 10, seed: 2 });
    const m = makeModel();
    void data.x; // made on first use: before counting
    await expectNoLeakedTensors(() =>
      fit(m, data, {
        epochs: 3,
        batchSize: 10,
        optimizer: { name: 'adam', learningRate: 0.01 },
        callbacks: [reduceLearningRateOnPlateau({ monitor: 'loss', patience: 0 })],
      }),
    );
    m.dispose();
    data.dispose();
  });
});

describe('reduceLearningRateOnPlateau refuses', () => {
  test.each<[ReduceLearningRateOnPlateauOptions, string]>([
    [{ factor: 1 }, "argument 'factor' must be a number in (0, 1), got 1"],
    [{ factor: 0 }, "argument 'factor' must be a number in (0, 1), got 0"],
    [{ factor: Number.NaN }, "argument 'factor' must be a number in (0, 1), got NaN"],
    [{ patience: 1.5 }, "argument 'patience' must be a non-negative integer, got 1.5"],
    [{ cooldown: -1 }, "argument 'cooldown' must be a non-negative integer, got -1"],
    [{ minDelta: -0.1 }, "argument 'minDelta' must be a number ≥ 0, got -0.1"],
    [{ minRate: Number.POSITIVE_INFINITY }, "argument 'minRate' must be a number ≥ 0, got Infinity"],
    [{ mode: 'down' as 'min' }, "argument 'mode' must be one of 'min', 'max', 'auto'"],
    [{ monitor: '' }, "argument 'monitor' must be a metric's name (e.g. 'valLoss')"],
    [{ onReduce: 'print' as never }, "argument 'onReduce' must be a function"],
    [{ pateince: 2 } as never, "unknown option 'pateince'"],
  ])('%o', (options, message) => {
    expect(() => reduceLearningRateOnPlateau(options)).toThrow(message);
  });

  test("Keras' names point to gradwell's", () => {
    expect(() => reduceLearningRateOnPlateau({ min_lr: 1e-5 } as never)).toThrow(
      "unknown option 'min_lr' (did you mean 'minRate'?)",
    );
    expect(() => reduceLearningRateOnPlateau({ min_delta: 0.01 } as never)).toThrow(
      "unknown option 'min_delta' (did you mean 'minDelta'?)",
    );
  });

  test('beside a schedule, in fit: refused before anything is made', async () => {
    const data = spirals({ pointsPerClass: 5 });
    const m = makeModelForRefusal();
    void data.x; // made on first use: before counting
    await expectNoLeakedTensors(async () => {
      await expect(
        fit(m, data, {
          epochs: 1,
          learningRate: cosineDecay({ initial: 0.1, totalSteps: 10 }),
          callbacks: [{ onEpochEnd: () => undefined }, reduceLearningRateOnPlateau()],
        }),
      ).rejects.toThrow(
        "fit: a 'learningRate' schedule and callbacks[1] (reduceLearningRateOnPlateau) both set the learning rate",
      );
    });
    m.dispose();
    data.dispose();
  });

  test('a metric the logs lack (valLoss without a validation set), and a loop that is not fit', async () => {
    const data = spirals({ pointsPerClass: 5 });
    const m = makeModelForRefusal();
    await expect(fit(m, data, { epochs: 1, callbacks: [reduceLearningRateOnPlateau()] })).rejects.toThrow(
      "reduceLearningRateOnPlateau: the logs of epoch 1 have no 'valLoss'; they have epoch, loss, accuracy, " +
        'learningRate, seconds, examplesPerSecond (pass fit a validation set).',
    );
    const context = createCallbackContext({ epochs: 1, stepsPerEpoch: 1, batchSize: 1 }, { weights: [] });
    expect(() => reduceLearningRateOnPlateau().onTrainBegin(context)).toThrow(
      "reduceLearningRateOnPlateau: runs only inside gradwell's fit() (it sets fit's optimiser).",
    );
    m.dispose();
    data.dispose();
  });
});

const makeModelForRefusal = () => model([dense({ units: 3, name: 'out' })], { inputShape: [2], seed: 1 });

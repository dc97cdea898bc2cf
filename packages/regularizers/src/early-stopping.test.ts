import * as tf from '@tensorflow/tfjs-core';
import {
  createCallbackContext,
  Dense,
  runCallbacks,
  sequential,
  type Sequential,
  setupBackend,
} from '@gradwell/core';
import { expectNoLeakedTensors } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { earlyStopping, monitorMode, type EarlyStoppingOptions } from './early-stopping';

/**
 * Plays a scripted metric sequence through the callback contract; the weights after epoch e are all e + 1.
 * With `resumeAt` k, the first k epochs are a resumed run's history (the weights those after epoch k − 1).
 */
async function play(values: number[], options: EarlyStoppingOptions, model?: Sequential, resumeAt = 0) {
  const callback = earlyStopping(options);
  const monitor = options.monitor ?? 'valLoss';
  const history = values.slice(0, resumeAt).map((value) => ({ [monitor]: value }));
  const context = createCallbackContext(
    { epochs: values.length, stepsPerEpoch: 1, batchSize: 1 },
    model ?? { weights: [] },
    history,
  );
  const setWeights = (value: number) =>
    model?.weights.forEach((w) => tf.tidy(() => w.variable.assign(tf.fill(w.variable.shape, value))));
  if (resumeAt > 0) setWeights(resumeAt);
  await runCallbacks([callback], 'onTrainBegin', context);
  let ran = resumeAt;
  for (let epoch = resumeAt; epoch < values.length && !context.stopRequested; epoch++) {
    setWeights(epoch + 1);
    const logs = { [monitor]: values[epoch]! };
    history.push(logs);
    await runCallbacks([callback], 'onEpochEnd', epoch, logs, context);
    ran = epoch + 1;
  }
  await runCallbacks([callback], 'onTrainEnd', {}, context);
  return { callback, ran, reason: context.stopReason };
}

describe('early stopping', () => {
  beforeAll(async () => {
    await setupBackend();
  });

  test.each([
    ['patience 0 stops at the first non-improvement', [1, 0.8, 0.9, 0.7], { patience: 0 }, 3, 1],
    // As Keras: stop once `patience` epochs in a row brought no improvement.
    [
      'patience 2 stops after two epochs without improvement',
      [1, 0.8, 0.9, 0.85, 0.95, 0.5],
      { patience: 2 },
      4,
      1,
    ],
    ['an improvement resets the count', [1, 0.9, 0.95, 0.8, 0.85, 0.86, 0.87], { patience: 2 }, 6, 3],
    [
      'minDelta: improvements below it do not count',
      [1, 0.995, 0.99, 0.98],
      { patience: 1, minDelta: 0.01 },
      2,
      0,
    ],
    [
      'max mode for accuracy (auto from the name)',
      [0.5, 0.7, 0.69, 0.68],
      { monitor: 'valAccuracy', patience: 1 },
      3,
      1,
    ],
    ['baseline: stops unless it is beaten', [0.9, 0.85, 0.8], { baseline: 0.5, patience: 1 }, 1, -1],
    ['startFromEpoch ignores the warm-up', [5, 6, 7, 1, 2], { startFromEpoch: 3, patience: 0 }, 5, 3],
  ] as const)('%s', async (_name, values, options, stoppedAfter, bestEpoch) => {
    const { callback, ran, reason } = await play([...values], options);
    expect(ran).toBe(stoppedAfter);
    expect(callback.bestEpoch).toBe(bestEpoch);
    if (ran < values.length) expect(reason).toMatch(/early stopping: '.*' did not improve/);
  });

  test("restoreBestWeights puts back the best epoch's weights bit-for-bit, trainable or not", async () => {
    const model = sequential([new Dense({ units: 3 })], { inputShape: [2], seed: 1 });
    model.layers[0]!.trainable = false; // non-trainable weights are restored too
    const { callback } = await expectNoLeakedTensors(() =>
      play([1, 0.5, 0.7, 0.8], { patience: 1, restoreBestWeights: true }, model),
    );
    expect(callback.bestEpoch).toBe(1);
    for (const w of model.weights)
      expect(Array.from(w.variable.dataSync())).toEqual(new Array(w.variable.size).fill(2));
  });

  test('restores at the end of training too, when patience never ran out', async () => {
    const model = sequential([new Dense({ units: 2 })], { inputShape: [2], seed: 1 });
    await play([0.3, 0.2, 0.25], { patience: 5, restoreBestWeights: true }, model);
    for (const w of model.weights)
      expect(Array.from(w.variable.dataSync())).toEqual(new Array(w.variable.size).fill(2));
  });

  test("monitorMode: 'auto' reads the direction from the metric's name, as Keras", () => {
    for (const rising of ['valAccuracy', 'accuracy', 'val_acc', 'AUC', 'precision', 'recall', 'f1Score'])
      expect(monitorMode(rising, 'auto')).toBe('max');
    for (const falling of ['valLoss', 'loss', 'mae', 'huberLoss'])
      expect(monitorMode(falling, 'auto')).toBe('min');
    expect(monitorMode('valAccuracy', 'min')).toBe('min');
    expect(monitorMode('valLoss', 'max')).toBe('max');
  });

  test('a run another callback stops (Ctrl-C) keeps its weights for its checkpoint: nothing is restored', async () => {
    const model = sequential([new Dense({ units: 2 })], { inputShape: [2], seed: 1 });
    const callback = earlyStopping({ patience: 5, restoreBestWeights: true });
    const context = createCallbackContext({ epochs: 9, stepsPerEpoch: 1, batchSize: 1 }, model, []);
    await runCallbacks([callback], 'onTrainBegin', context);
    for (const [epoch, value] of [0.3, 0.5].entries()) {
      model.weights.forEach((w) => tf.tidy(() => w.variable.assign(tf.fill(w.variable.shape, epoch + 1))));
      await runCallbacks([callback], 'onEpochEnd', epoch, { valLoss: value }, context);
    }
    context.requestStop('interrupted (Ctrl-C)');
    const before = tf.memory().numTensors;
    await runCallbacks([callback], 'onTrainEnd', {}, context);
    expect(tf.memory().numTensors).toBe(before - model.weights.length); // the snapshot is let go
    for (const w of model.weights)
      expect(Array.from(w.variable.dataSync())).toEqual(new Array(w.variable.size).fill(2));
    model.dispose();
  });

  describe('a resumed run replays its history: it stops where the whole run does, with the same weights', () => {
    const values = [1, 0.8, 0.9, 0.85, 0.95];
    const dense = () => sequential([new Dense({ units: 2 })], { inputShape: [2], seed: 1 });
    const filled = (model: Sequential) => model.weights.map((w) => Array.from(w.variable.dataSync()));
    /** What weightsAt would read from epoch e's checkpoint: every weight e + 1. */
    const checkpointOf = (model: Sequential) => (epoch: number) =>
      new Map(model.weights.map((w) => [w.name, tf.fill(w.variable.shape, epoch + 1)] as const));

    test.each([1, 2, 3, 4])('resumed after %i epochs', async (resumeAt) => {
      const whole = dense();
      const first = await play(values, { patience: 2, restoreBestWeights: true }, whole);
      const resumedModel = dense();
      const resumed = await expectNoLeakedTensors(() =>
        play(
          values,
          { patience: 2, restoreBestWeights: true, weightsAt: checkpointOf(resumedModel) },
          resumedModel,
          resumeAt,
        ),
      );
      // patience 2 after the best (epoch 2, 0.8): the whole run stops after epoch 4 with epoch 2's weights.
      expect([first.ran, first.callback.bestEpoch, first.callback.stoppedEpoch]).toEqual([4, 1, 3]);
      expect(resumed.ran).toBe(Math.max(4, resumeAt));
      expect([resumed.callback.bestEpoch, resumed.callback.stoppedEpoch]).toEqual([1, 3]);
      expect(resumed.reason).toBe(first.reason);
      expect(filled(resumedModel)).toEqual(filled(whole));
      whole.dispose();
      resumedModel.dispose();
    });

    test('the last epoch before the resume was the best: its weights are the current ones, no weightsAt needed', async () => {
      const model = dense();
      const { callback } = await play(
        [1, 0.8, 0.9, 0.85],
        { patience: 2, restoreBestWeights: true },
        model,
        2,
      );
      expect(callback.stoppedEpoch).toBe(3);
      expect(filled(model)).toEqual(model.weights.map((w) => new Array<number>(w.variable.size).fill(2)));
      model.dispose();
    });

    test('counts alone without restoreBestWeights; an earlier best without weightsAt, or the wrong weights, is an error', async () => {
      expect((await play(values, { patience: 2 }, undefined, 3)).callback.stoppedEpoch).toBe(3);
      const model = dense();
      await expect(play(values, { patience: 2, restoreBestWeights: true }, model, 3)).rejects.toThrow(
        'earlyStopping: the best epoch so far (2) came before this resumed run, and restoreBestWeights needs ' +
          "its weights: pass weightsAt (e.g. reading that epoch's checkpoint), or restoreBestWeights: false.",
      );
      const wrong = () => new Map([['other/kernel', tf.zeros([2, 2])]]);
      await expectNoLeakedTensors(() =>
        expect(
          play(values, { patience: 2, restoreBestWeights: true, weightsAt: wrong }, model, 3),
        ).rejects.toThrow(
          /earlyStopping: weightsAt\(1\) gave no weight '.*kernel' of the model's shape; it gave other\/kernel\./,
        ),
      );
      expect(() => earlyStopping({ weightsAt: 'ck' as never })).toThrow(
        "earlyStopping: argument 'weightsAt' must be a function (epoch) => weights by name",
      );
      model.dispose();
    });
  });

  test('a missing metric and bad options are clear errors', () => {
    const callback = earlyStopping({ monitor: 'valAcc' });
    const context = createCallbackContext({ epochs: 1, stepsPerEpoch: 1, batchSize: 1 }, { weights: [] });
    expect(() => callback.onEpochEnd(0, { valLoss: 1, loss: 2 }, context)).toThrow(
      "earlyStopping: the epoch logs have no 'valAcc'; they have valLoss, loss.",
    );
    expect(() => earlyStopping({ patience: -1 })).toThrow(
      "earlyStopping: argument 'patience' must be a non-negative integer, got -1",
    );
    expect(() => earlyStopping({ mode: 'up' as 'min' })).toThrow(
      "argument 'mode' must be one of 'min', 'max', 'auto'",
    );
  });
});

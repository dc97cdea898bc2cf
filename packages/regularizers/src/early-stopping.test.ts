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

/** Plays a scripted metric sequence through the callback contract; the weights change every epoch. */
async function play(values: number[], options: EarlyStoppingOptions, model?: Sequential) {
  const callback = earlyStopping(options);
  const context = createCallbackContext(
    { epochs: values.length, stepsPerEpoch: 1, batchSize: 1 },
    model ?? { weights: [] },
  );
  await runCallbacks([callback], 'onTrainBegin', context);
  let ran = 0;
  for (const [epoch, value] of values.entries()) {
    model?.weights.forEach((w) => tf.tidy(() => w.variable.assign(tf.fill(w.variable.shape, epoch + 1))));
    await runCallbacks([callback], 'onEpochEnd', epoch, { [options.monitor ?? 'valLoss']: value }, context);
    ran = epoch + 1;
    if (context.stopRequested) break;
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

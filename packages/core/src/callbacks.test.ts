import { describe, expect, test } from 'vitest';
import {
  checkCallback,
  checkCallbacks,
  createCallbackContext,
  runCallbacks,
  type TrainingCallback,
} from './callbacks';

test('callbacks run in order, awaited, and can request a stop', async () => {
  const calls: string[] = [];
  const first: TrainingCallback = {
    onEpochEnd: async (epoch, logs) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      calls.push(`first ${epoch} ${logs.loss}`);
    },
  };
  const second: TrainingCallback = {
    onEpochEnd: (epoch, _logs, context) => {
      calls.push(`second ${epoch}`);
      context.requestStop('patience exhausted');
      context.requestStop('a later reason is ignored');
    },
  };
  const context = createCallbackContext({ epochs: 3, stepsPerEpoch: 10, batchSize: 32 }, null);
  expect(context.stopRequested).toBe(false);
  await runCallbacks([first, second], 'onEpochBegin', 0, context);
  await runCallbacks([first, second], 'onEpochEnd', 0, { loss: 0.5 }, context);
  expect(calls).toEqual(['first 0 0.5', 'second 0']);
  expect(context.stopRequested).toBe(true);
  expect(context.stopReason).toBe('patience exhausted');
  expect(context.params.epochs).toBe(3);
  expect(context.history).toBeUndefined();
  // The loop's own list, live: a resumed run's epochs at the start, each new one as the loop adds it.
  const history = [{ loss: 0.9 }];
  const resumed = createCallbackContext({ epochs: 3, stepsPerEpoch: 10, batchSize: 32 }, null, history);
  expect(resumed.history).toEqual([{ loss: 0.9 }]);
  history.push({ loss: 0.7 });
  expect(resumed.history).toHaveLength(2);
});

describe('checkCallback', () => {
  test('hooks that are functions pass, on plain objects and on class instances with other members', () => {
    class Saver {
      one = 1; // begins like onEpochBegin, but is no misspelling of a hook: two edits at most are
      onlyBest = true;
      onEpochEnd(): void {}
      save(): void {}
    }
    expect(() => checkCallback('fit', 'callbacks[0]', new Saver())).not.toThrow();
    expect(() => checkCallbacks('fit', [{ onTrainEnd: async () => {} }, new Saver()])).not.toThrow();
    expect(() => checkCallbacks('fit', undefined)).not.toThrow();
  });

  test.each([
    ['on_epoch_end', 'onEpochEnd'],
    ['OnTrainBegin', 'onTrainBegin'],
    ['onBatchEnds', 'onBatchEnd'],
    ['onEpocEnd', 'onEpochEnd'],
  ])("a member '%s' is a misspelt hook: the loop would never call it (→ %s)", (name, hook) => {
    expect(() => checkCallback('fit', 'callbacks[1]', { onTrainEnd: () => {}, [name]: () => {} })).toThrow(
      `fit: callbacks[1] has '${name}', which the loop never calls (did you mean '${hook}'?); the hooks are ` +
        'onTrainBegin, onEpochBegin, onBatchBegin, onBatchEnd, onEpochEnd, onTrainEnd.',
    );
  });

  test('no hook at all, a hook that is not a function, or not an object: errors naming the argument', () => {
    expect(() => checkCallback('fit', 'callbacks[0]', { patience: 3 })).toThrow(
      'fit: callbacks[0] has none of the hooks onTrainBegin, onEpochBegin, onBatchBegin, onBatchEnd, ' +
        'onEpochEnd, onTrainEnd, so it would never be called.',
    );
    expect(() => checkCallback('fit', 'callbacks[0]', { onEpochEnd: 'log' })).toThrow(
      `fit: argument 'callbacks[0].onEpochEnd' must be a function, got "log"`,
    );
    expect(() => checkCallback('callback', 'hooks', 3)).toThrow(
      /callback: argument 'hooks' must be an object with hooks \(onTrainBegin, .*\), got 3/,
    );
    expect(() => checkCallbacks('fit', {})).toThrow(/'callbacks' must be an array of callbacks, got \{\}/);
  });
});

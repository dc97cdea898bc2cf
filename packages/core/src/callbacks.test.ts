import { expect, test } from 'vitest';
import { createCallbackContext, runCallbacks, type TrainingCallback } from './callbacks';

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
});

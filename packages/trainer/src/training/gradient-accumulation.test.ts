import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { batchNormalization } from '@gradwell/batchnorm';
import { expectNoLeakedTensors } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { callback, checkpointCallback } from '../callbacks';
import { disposeCheckpoint, loadCheckpoint, type LoadedCheckpoint } from '../checkpoint';
import { batchStream, tensorDataset, type TensorDataset } from '../data/dataset';
import { spirals } from '../data/synthetic';
import { dense } from '../layers';
import { memoryStore } from '../memory-store';
import { model } from '../model';
import { cosineDecay, type LearningRateSchedule } from '../schedules';
import { fit } from './fit';
import type { FitOptions } from './fit-types';
import { createGradientAccumulator } from './gradient-accumulation';

beforeAll(async () => {
  await setupBackend();
});

const mlp = (seed = 3) =>
  model([dense({ units: 16, activation: 'tanh' }), dense({ units: 3 })], { inputShape: [2], seed });

const weightsOf = (m: ReturnType<typeof mlp>) => m.weights.map((w) => Array.from(w.variable.dataSync()));

function expectClose(actual: number[][], expected: number[][], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (const [i, row] of expected.entries())
    for (const [j, value] of row.entries()) expect(Math.abs(actual[i]![j]! - value)).toBeLessThan(tolerance);
}

/** Trains a fresh MLP on `data` and returns its run and final weights. */
async function trainOn(
  data: Parameters<typeof fit>[1],
  options: Omit<FitOptions, 'epochs'> & { epochs?: number },
) {
  const m = mlp();
  const run = await fit(m, data, { epochs: 2, optimizer: { name: 'sgd', learningRate: 0.5 }, ...options });
  const weights = weightsOf(m);
  m.dispose();
  return { run, weights };
}

describe('createGradientAccumulator', () => {
  test('take() is the example-weighted mean of the batches added, and it starts over', async () => {
    const accumulator = createGradientAccumulator();
    await expectNoLeakedTensors(() => {
      accumulator.add({ w: tf.tensor1d([1, 2]), b: tf.scalar(4) }, 3);
      accumulator.add({ w: tf.tensor1d([5, -2]), b: tf.scalar(0) }, 1);
      expect(accumulator.pending).toBe(2);
      const mean = accumulator.take();
      // (3·[1, 2] + 1·[5, −2]) / 4 = [2, 1]; (3·4 + 0) / 4 = 3.
      expect(Array.from(mean.w!.dataSync())).toEqual([2, 1]);
      expect(mean.b!.dataSync()[0]).toBe(3);
      tf.dispose(Object.values(mean));
      expect(accumulator.pending).toBe(0);
      accumulator.add({ w: tf.tensor1d([7, 7]), b: tf.scalar(1) }, 2);
      const next = accumulator.take();
      expect(Array.from(next.w!.dataSync())).toEqual([7, 7]);
      tf.dispose(Object.values(next));
    });
  });

  test('bad sizes and gradients are refused by name, their tensors freed, the sums left as they were', async () => {
    const accumulator = createGradientAccumulator();
    await expectNoLeakedTensors(() => {
      expect(() => accumulator.add({ w: tf.tensor1d([1]) }, 0)).toThrow(/'size'.*positive integer.*0/s);
      expect(() => accumulator.add({ w: tf.tensor1d([1]) }, 2.5)).toThrow(/'size'/);
      expect(accumulator.pending).toBe(0);
      expect(() => accumulator.add(null as unknown as Record<string, tf.Tensor>, 1)).toThrow(
        /'gradients'.*object of gradient tensors/s,
      );
      expect(() => accumulator.add({ w: [1, 2] as unknown as tf.Tensor, b: tf.scalar(1) }, 1)).toThrow(
        /'gradients.w'.*a tensor/s,
      );
      expect(() => accumulator.take()).toThrow(/no gradients were added/);
      accumulator.add({ w: tf.tensor1d([1]) }, 1);
      expect(() => accumulator.add({ v: tf.tensor1d([1]) }, 1)).toThrow(
        /'gradients'.*variables of the group's first batch \(w\).*gradients of v/s,
      );
      expect(accumulator.pending).toBe(1);
      accumulator.dispose();
      expect(accumulator.pending).toBe(0);
    });
  });
});

describe('fit({ accumulate })', () => {
  let data: TensorDataset;
  beforeAll(() => {
    // 100 examples: batches of 16 → 7 an epoch (the last of 4).
    data = spirals({ pointsPerClass: 34, seed: 5 });
    const indices = Array.from({ length: 100 }, (_, i) => i);
    const batch = data.batch(indices);
    data.dispose();
    data = tensorDataset(batch.x, batch.y);
  });

  // Groups of 3: (16, 16, 16) twice, then (4). Groups of 4: (16, 16, 16, 16), then (16, 16, 4), whose
  // mean must weigh the short batch by its size to equal the batch of 36.
  test.each([
    [3, false],
    [3, true],
    [4, false],
    [4, true],
  ])(
    'batches of 16 accumulated %i at a time train as batches of 16 × that (shuffle %s), short last group included',
    async (accumulate, shuffle) => {
      const accumulated = await trainOn(data, { batchSize: 16, accumulate, shuffle, seed: 9 });
      const large = await trainOn(data, { batchSize: 16 * accumulate, shuffle, seed: 9 });
      const small = await trainOn(data, { batchSize: 16, shuffle, seed: 9 });
      expect(accumulated.run.steps).toBe(2 * Math.ceil(7 / accumulate));
      expect(large.run.steps).toBe(accumulated.run.steps);
      expectClose(accumulated.weights, large.weights, 2e-5);
      // Not a test that cannot fail: plain batches of 16 end elsewhere.
      const apart = small.weights.flat().some((v, i) => Math.abs(v - large.weights.flat()[i]!) > 1e-2);
      expect(apart).toBe(true);
    },
  );

  test('with clipping and Adam, and the epoch losses are those of every batch', async () => {
    const options = { optimizer: { name: 'adam' as const, learningRate: 0.05 }, clipNorm: 0.1, seed: 2 };
    const accumulated = await trainOn(data, { ...options, batchSize: 16, accumulate: 3, shuffle: false });
    const large = await trainOn(data, { ...options, batchSize: 48, shuffle: false });
    expectClose(accumulated.weights, large.weights, 1e-4);
    // The first epoch's loss: every example once, at the weights of its update (batches of 16 inside a
    // group share them), so it equals the large batches' first-epoch loss.
    expect(accumulated.run.history[0]!.loss).toBeCloseTo(large.run.history[0]!.loss as number, 5);
  });

  test('callbacks see every batch; schedules, diagnostics and run.steps count updates', async () => {
    const seen: Array<[number, number]> = [];
    const recorded: LearningRateSchedule = {
      name: 'recorded',
      getConfig: () => ({}),
      rate: (step, stepsPerEpoch) => {
        seen.push([step, stepsPerEpoch]);
        return 0.1;
      },
    };
    let batches = 0;
    const m = mlp();
    const run = await expectNoLeakedTensors(() =>
      fit(m, data, {
        epochs: 2,
        batchSize: 16,
        accumulate: 3,
        learningRate: recorded,
        diagnostics: true,
        callbacks: [callback({ onBatchEnd: () => void batches++ })],
      }),
    );
    m.dispose();
    expect(batches).toBe(14);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5].map((step) => [step, 3]));
    expect(run.steps).toBe(6);
    // Once an epoch, at its last update.
    expect(run.diagnostics.map((report) => report.step)).toEqual([3, 6]);
    expect(run.diagnostics[0]!.layers.length).toBeGreaterThan(0);
  });

  test('a stream is accumulated as the same examples in memory, its last group applied at its end', async () => {
    const order = Array.from({ length: 100 }, (_, i) => i);
    const stream = batchStream(
      function* () {
        for (let start = 0; start < 100; start += 16) yield data.batch(order.slice(start, start + 16));
      },
      { inputShape: [2], numClasses: 3 },
    );
    const streamed = await trainOn(stream, { batchSize: 16, accumulate: 3, diagnostics: false });
    const inMemory = await trainOn(data, { batchSize: 16, accumulate: 3, shuffle: false });
    expect(streamed.run.steps).toBe(6);
    expectClose(streamed.weights, inMemory.weights, 1e-6);
  });

  test('accumulate: 1 is the plain loop, bit for bit', async () => {
    const plain = await trainOn(data, { batchSize: 16, seed: 4 });
    const one = await trainOn(data, { batchSize: 16, accumulate: 1, seed: 4 });
    expect(one.weights).toEqual(plain.weights);
  });

  test('a stop inside a group takes effect at its update; the resumed run ends where the whole one does', async () => {
    const options = (extra: Partial<FitOptions>): FitOptions => ({
      epochs: 3,
      batchSize: 16,
      accumulate: 3,
      seed: 6,
      optimizer: { name: 'adam', learningRate: 0.02 },
      learningRate: cosineDecay({ initial: 0.02, totalSteps: 9 }),
      ...extra,
    });
    const whole = mlp();
    const wholeRun = await fit(whole, data, options({}));
    const store = memoryStore();
    const stopped = mlp();
    let batches = 0;
    const stopper = callback({
      // The 9th batch is the 2nd of epoch 2's second group: the stop waits for its third.
      onBatchEnd: (_batch, _logs, context) => void (++batches === 9 && context.requestStop('interrupted')),
    });
    const stoppedRun = await fit(
      stopped,
      data,
      options({ callbacks: [stopper, checkpointCallback({ store })] }),
    );
    stopped.dispose();
    expect(batches).toBe(10);
    expect(stoppedRun.partialEpoch).toMatchObject({ epoch: 1, batches: 3, stepsPerEpoch: 7 });
    expect(stoppedRun.steps).toBe(4);
    const loaded: LoadedCheckpoint = await loadCheckpoint(store);
    expect(loaded.state.position?.batch).toBe(3);
    const resumedRun = await fit(loaded.model, data, options({ resume: loaded }));
    expect(resumedRun.steps).toBe(wholeRun.steps);
    expect(resumedRun.history.map((h) => h.loss)).toEqual(wholeRun.history.map((h) => h.loss));
    expect(weightsOf(loaded.model)).toEqual(weightsOf(whole));
    whole.dispose();
    disposeCheckpoint(loaded);
  });

  test("a run stopped inside an epoch resumes only with its batch size and grouping; at an epoch's end either may change", async () => {
    const options = (extra: Partial<FitOptions>): FitOptions => ({
      epochs: 3,
      batchSize: 16,
      accumulate: 3,
      seed: 6,
      optimizer: { name: 'sgd', learningRate: 0.1 },
      ...extra,
    });
    const stopAt = (batch: number) =>
      callback({
        onBatchEnd: (_b, _l, context) => void (batch-- === 1 && context.requestStop('interrupted')),
      });
    const store = memoryStore();
    const stopped = mlp();
    await fit(stopped, data, options({ callbacks: [stopAt(10), checkpointCallback({ store })] }));
    stopped.dispose();
    const loaded: LoadedCheckpoint = await loadCheckpoint(store);
    expect(loaded.state.position).toMatchObject({ batch: 3, batchSize: 16, accumulate: 3 });
    const before = weightsOf(loaded.model);
    await expectNoLeakedTensors(async () => {
      await expect(fit(loaded.model, data, options({ accumulate: 2, resume: loaded }))).rejects.toThrow(
        "fit: argument 'accumulate' is 2, and the run being resumed stopped inside epoch 2 with accumulate 3, after 3 of its batches: resume with accumulate 3 (it may change at an epoch's end).",
      );
      await expect(fit(loaded.model, data, options({ batchSize: 8, resume: loaded }))).rejects.toThrow(
        "fit: argument 'batchSize' is 8, and the run being resumed stopped inside epoch 2 with batchSize 16",
      );
    });
    expect(weightsOf(loaded.model)).toEqual(before); // refused before any step
    disposeCheckpoint(loaded);
    // Stopped at an epoch's end (7 batches an epoch): no position, and the resumed run may group otherwise.
    const atEnd = memoryStore();
    const first = mlp();
    await fit(first, data, options({ callbacks: [stopAt(7), checkpointCallback({ store: atEnd })] }));
    first.dispose();
    const fromEnd = await loadCheckpoint(atEnd);
    expect(fromEnd.state.position).toBeUndefined();
    const run = await fit(fromEnd.model, data, options({ accumulate: 1, resume: fromEnd }));
    expect(run.steps).toBe(3 + 2 * 7); // 3 updates of groups of 3 in epoch 1, then one per batch
    disposeCheckpoint(fromEnd);
  });

  test('batch normalisation keeps statistics per batch; the run trains and leaks nothing', async () => {
    const m = model([dense({ units: 16 }), batchNormalization({ name: 'bn' }), dense({ units: 3 })], {
      inputShape: [2],
      seed: 2,
    });
    const run = await expectNoLeakedTensors(() =>
      fit(m, data, {
        epochs: 4,
        batchSize: 16,
        accumulate: 2,
        optimizer: { name: 'adam', learningRate: 0.02 },
      }),
    );
    expect(run.history.at(-1)!.loss).toBeLessThan(run.history[0]!.loss as number);
    expect(run.steps).toBe(16);
    m.dispose();
  });

  test.each([0, 2.5, -1, Number.NaN, '2'])('accumulate: %s is refused, naming the option', async (bad) => {
    const m = mlp();
    await expect(fit(m, data, { epochs: 1, accumulate: bad as number })).rejects.toThrow(
      /fit: argument 'accumulate'.*positive integer/s,
    );
    m.dispose();
  });

  test("other libraries' names for it point to 'accumulate'", async () => {
    const m = mlp();
    await expect(
      fit(m, data, { epochs: 1, gradient_accumulation_steps: 4 } as unknown as FitOptions),
    ).rejects.toThrow(/accumulate/);
    await expect(
      fit(m, data, { epochs: 1, accumulateGradBatches: 4 } as unknown as FitOptions),
    ).rejects.toThrow(/accumulate/);
    m.dispose();
  });
});

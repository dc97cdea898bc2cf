import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { setupBackend, type LayerWeight } from '@gradwell/core';
import { batchNormalization } from '@gradwell/batchnorm';
import { dropoutLayer, earlyStopping, withAuxiliaryHeads } from '@gradwell/regularizers';
import { expectNoLeakedTensors } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { callback, checkpointCallback } from '../callbacks';
import { encodeCheckpoint, loadCheckpoint, type LoadedCheckpoint } from '../checkpoint';
import { spirals } from '../data/synthetic';
import { evaluate } from '../evaluate';
import { dense } from '../layers';
import { memoryStore } from '../memory-store';
import { model } from '../model';
import { fit } from './fit';
import type { FitOptions } from './fit-types';
import { createWeightAverager, type WeightAveragingOptions } from './weight-averaging';

beforeAll(async () => {
  await setupBackend();
});

/** One weight, set by hand before each `update`. */
function oneWeight(values: number[]): LayerWeight {
  return { name: 'w/kernel', variable: tf.variable(tf.tensor1d(values)), trainable: true };
}

/** The average in float64: the first step's weights, then a ← a·d + w·(1 − d), d = min(β, (1+k)/(10+k)). */
function reference(steps: number[][], beta: number): number[] {
  let average: number[] = [];
  steps.forEach((w, k) => {
    const d = Math.min(beta, (1 + k) / (10 + k));
    average = w.map((v, i) => (k === 0 ? v : (average[i] as number) * d + v * (1 - d)));
  });
  return average;
}

const values = (w: LayerWeight) => Array.from(w.variable.dataSync());

describe('createWeightAverager', () => {
  test("'mean' is the plain mean of every averaged step's weights (closed form)", () => {
    const w = oneWeight([0, 0]);
    const averager = createWeightAverager([w], { decay: 'mean', startEpoch: 0 });
    for (const step of [
      [1, 10],
      [2, 20],
      [6, -3],
    ]) {
      w.variable.assign(tf.tensor1d(step));
      averager.update(0);
    }
    averager.swapIn();
    expect(values(w)).toEqual([3, 9]);
    averager.swapOut();
    expect(values(w)).toEqual([6, -3]);
    averager.dispose();
    w.variable.dispose();
  });

  test("the moving average matches a float64 reference of TensorFlow's warm-up, min(β, (1+k)/(10+k))", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }), {
            minLength: 3,
            maxLength: 3,
          }),
          { minLength: 1, maxLength: 30 },
        ),
        fc.constantFrom(0.3, 0.9, 0.99),
        (steps, beta) => {
          const w = oneWeight([0, 0, 0]);
          const averager = createWeightAverager([w], { decay: beta, startEpoch: 0 });
          for (const step of steps) {
            w.variable.assign(tf.tensor1d(step));
            averager.update(0);
          }
          averager.swapIn();
          const got = values(w);
          averager.dispose();
          w.variable.dispose();
          const want = reference(steps, beta);
          got.forEach((v, i) => expect(v).toBeCloseTo(want[i] as number, 4));
        },
      ),
      { numRuns: 40, seed: 7 },
    );
  });

  test('steps before startEpoch are not averaged; before any step, swapIn leaves the model as it is', () => {
    const w = oneWeight([5]);
    const averager = createWeightAverager([w], { decay: 0.5, startEpoch: 2 });
    averager.swapIn();
    expect(values(w)).toEqual([5]);
    averager.swapOut();
    averager.update(1);
    expect(averager.count).toBe(0);
    expect(Object.keys(averager.state().live)).toEqual(['w/kernel']);
    w.variable.assign(tf.tensor1d([4]));
    averager.update(2);
    w.variable.assign(tf.tensor1d([8]));
    averager.update(2); // d = min(0.5, 2/11): 4·2/11 + 8·9/11 = 80/11
    expect(averager.count).toBe(2);
    averager.swapIn();
    expect(values(w)[0]).toBeCloseTo(80 / 11, 5);
    expect(Array.from(averager.state().live['w/kernel']!.dataSync())).toEqual([8]);
    expect(() => averager.update(2)).toThrow(/averages were in the model/);
    averager.release(); // keeps the averages in the model
    expect(values(w)[0]).toBeCloseTo(80 / 11, 5);
    w.variable.dispose();
  });

  test('bad weights and settings are errors naming them', () => {
    const w = oneWeight([1]);
    expect(() => createWeightAverager([], {})).toThrow(
      /createWeightAverager: argument 'weights' must be a non-empty list/,
    );
    expect(() => createWeightAverager([w], { decay: 1 })).toThrow(/'decay' must be a number in \(0, 1\)/);
    expect(() => createWeightAverager([w], { startEpoch: 1.5 })).toThrow(/'startEpoch'/);
    expect(() => createWeightAverager([w], { decay: 'median' as 'mean' })).toThrow(/'decay'/);
    expect(() => createWeightAverager([w], { beta: 0.9 } as WeightAveragingOptions)).toThrow(/decay/);
    w.variable.dispose();
  });

  test('a checkpoint of the averages is refused while the training weights are in the model', () => {
    const w = oneWeight([1]);
    const averager = createWeightAverager([w], { decay: 0.9, startEpoch: 0 });
    averager.update(0);
    expect(() => averager.state()).toThrow(/epoch ends and when training ends/);
    averager.dispose();
    w.variable.dispose();
  });

  test('leaks nothing over updates, swaps, release and dispose', async () => {
    const w = oneWeight([1, 2]);
    await expectNoLeakedTensors(() => {
      const averager = createWeightAverager([w], { decay: 0.99, startEpoch: 0 });
      for (let i = 0; i < 5; i++) averager.update(0);
      averager.swapIn();
      averager.swapOut();
      averager.dispose();
      const kept = createWeightAverager([w], { decay: 'mean', startEpoch: 0 });
      kept.update(0);
      kept.swapIn();
      kept.release();
    });
    w.variable.dispose();
  });
});

const makeModel = (seed = 3) =>
  model(
    [
      dense({ units: 16, activation: 'relu', name: 'h1' }),
      batchNormalization({ name: 'bn' }),
      dropoutLayer({ rate: 0.2, seed: 9, name: 'drop' }),
      dense({ units: 3, name: 'out' }),
    ],
    { inputShape: [2], seed },
  );

const snapshot = (m: ReturnType<typeof makeModel>) => m.weights.map((w) => Array.from(w.variable.dataSync()));

describe('fit with averaging', () => {
  const options = (averaging: FitOptions['averaging'], extra: Partial<FitOptions> = {}): FitOptions => ({
    epochs: 3,
    batchSize: 10,
    seed: 4,
    optimizer: { name: 'sgd', learningRate: 0.1 },
    ...(averaging === undefined ? {} : { averaging }),
    ...extra,
  });

  test("the training trajectory is untouched, and the model ends holding the mean of every step's weights", async () => {
    const data = spirals({ pointsPerClass: 20, seed: 1 }); // 60 examples: 6 steps an epoch
    const trajectory = async (averaging: FitOptions['averaging']) => {
      const m = makeModel();
      const steps: number[][][] = [];
      const atEpochEnd: number[][][] = [];
      const recorder = callback({
        onBatchEnd: () => void steps.push(snapshot(m)),
        onEpochEnd: () => void atEpochEnd.push(snapshot(m)),
      });
      const run = await fit(m, data, options(averaging, { callbacks: [recorder] }));
      return { m, steps, atEpochEnd, run };
    };
    const plain = await trajectory(undefined);
    const before = tf.memory().numTensors;
    const averaged = await trajectory({ decay: 'mean', startEpoch: 1 });
    expect(averaged.steps).toEqual(plain.steps);
    expect(averaged.run.averagedSteps).toBe(12);
    expect(plain.run.averagedSteps).toBeUndefined();
    // Epoch 0 is not averaged; at epoch ends 1 and 2 the model holds the mean of the steps of epochs 1…
    expect(averaged.atEpochEnd[0]).toEqual(plain.atEpochEnd[0]);
    const meanOf = (from: number, to: number) =>
      averaged.steps[from]!.map((weight, i) =>
        weight.map((_, j) => {
          let sum = 0;
          for (let s = from; s < to; s++) sum += averaged.steps[s]![i]![j]!;
          return sum / (to - from);
        }),
      );
    for (const [epochEnd, want] of [
      [averaged.atEpochEnd[1]!, meanOf(6, 12)],
      [averaged.atEpochEnd[2]!, meanOf(6, 18)],
      [snapshot(averaged.m), meanOf(6, 18)],
    ] as const)
      epochEnd.forEach((weight, i) => weight.forEach((v, j) => expect(v).toBeCloseTo(want[i]![j]!, 5)));
    averaged.m.dispose();
    expect(tf.memory().numTensors).toBe(before); // the run leaked nothing
    plain.m.dispose();
    data.dispose();
  });

  test("a frozen layer's weights stay bit for bit; a model with auxiliary heads averages its network", async () => {
    const data = spirals({ pointsPerClass: 20, seed: 1 });
    const m = makeModel();
    m.layers[0]!.trainable = false;
    const frozen = m.layers[0]!.weights.map((w) => Array.from(w.variable.dataSync()));
    const run = await expectNoLeakedTensors(() => fit(m, data, options({ decay: 0.9 })));
    expect(run.averagedSteps).toBe(18);
    expect(m.layers[0]!.weights.map((w) => Array.from(w.variable.dataSync()))).toEqual(frozen);
    const base = makeModel(5);
    const head = dense({ units: 3, name: 'aux' });
    const aux = withAuxiliaryHeads(base, [{ after: 'h1', head, weight: 0.3 }]);
    const auxRun = await fit(aux, data, options({ decay: 'mean' }));
    expect(auxRun.averagedSteps).toBe(18);
    expect(auxRun.history.every((logs) => Number.isFinite(logs.loss))).toBe(true);
    m.dispose();
    base.dispose();
    for (const w of head.weights) w.variable.dispose();
    data.dispose();
  });

  test('validation measures the averages: valLoss equals evaluating the averaged model', async () => {
    const data = spirals({ pointsPerClass: 20, seed: 1 });
    const validation = spirals({ pointsPerClass: 10, seed: 2 });
    const m = makeModel();
    const run = await fit(m, data, options({ decay: 0.9 }, { validation }));
    const { loss } = await evaluate(m, validation);
    expect(run.history.at(-1)!.valLoss).toBeCloseTo(loss, 6);
    m.dispose();
    data.dispose();
    validation.dispose();
  });

  test('early stopping restores the best epoch of the averages', async () => {
    const data = spirals({ pointsPerClass: 20, seed: 1 });
    const m = makeModel();
    const atEpochEnd: number[][][] = [];
    const run = await fit(
      m,
      data,
      options(true, {
        epochs: 6,
        callbacks: [
          callback({ onEpochEnd: () => void atEpochEnd.push(snapshot(m)) }),
          earlyStopping({ monitor: 'loss', patience: 2, minDelta: 1e6, restoreBestWeights: true }),
        ],
      }),
    );
    expect(run.epochs).toBe(3);
    expect(snapshot(m)).toEqual(atEpochEnd[0]);
    m.dispose();
    data.dispose();
  });

  test.each([
    ['at an epoch end', undefined, 'epoch-0002'],
    ['mid-epoch', 14, 'epoch-0002-batch-0002'],
  ])(
    'a run stopped %s resumes exactly: the same history, averaged steps and final averages',
    async (_where, stopAtStep, label) => {
      const data = spirals({ pointsPerClass: 20, seed: 1 });
      const train = async (
        epochs: number,
        from?: LoadedCheckpoint,
        store = memoryStore(),
        stopAt?: number,
      ) => {
        const m = from?.model ?? makeModel();
        let steps = from?.state.step ?? 0;
        const stopper = callback({
          onBatchEnd(_b, _l, context) {
            if (++steps === stopAt) context.requestStop('interrupted');
          },
        });
        const run = await fit(
          m,
          data,
          options({ decay: 0.8, startEpoch: 1 } satisfies WeightAveragingOptions, {
            epochs,
            optimizer: { name: 'adam', learningRate: 0.01 },
            callbacks: [stopper, checkpointCallback({ store })],
            ...(from === undefined ? {} : { resume: from }),
          }),
        );
        return { m, run, store };
      };
      const whole = await train(4);
      const first = await train(stopAtStep === undefined ? 2 : 4, undefined, memoryStore(), stopAtStep);
      first.m.dispose();
      expect(await first.store.latest()).toBe(label);
      const loaded = await loadCheckpoint(first.store);
      expect(loaded.averaging).toMatchObject({ decay: 0.8, startEpoch: 1, count: (stopAtStep ?? 12) - 6 });
      const resumed = await train(4, loaded);
      if (loaded.optimizerState) tf.dispose(Object.values(loaded.optimizerState.tensors));
      const figures = (history: typeof whole.run.history) =>
        history.map(({ seconds: _s, examplesPerSecond: _e, ...rest }) => rest);
      expect(figures(resumed.run.history)).toEqual(figures(whole.run.history));
      expect(resumed.run.averagedSteps).toBe(whole.run.averagedSteps);
      expect(snapshot(resumed.m)).toEqual(snapshot(whole.m));
      whole.m.dispose();
      resumed.m.dispose();
      data.dispose();
    },
  );

  test('bad settings and resumes that do not match are errors that name the option', async () => {
    const data = spirals({ pointsPerClass: 5, seed: 1 });
    const m = makeModel();
    const bad: [unknown, RegExp][] = [
      [{ decay: 1 }, /averaging\.decay.*\(0, 1\).*got 1/],
      [{ decay: 0 }, /averaging\.decay/],
      [{ decay: Number.NaN }, /averaging\.decay/],
      [{ decay: 'median' }, /averaging\.decay/],
      [{ startEpoch: 3 }, /averaging\.startEpoch.*before the run ends/],
      [{ startEpoch: -1 }, /averaging\.startEpoch/],
      [{ beta: 0.9 }, /averaging.*decay/],
      ['yes', /averaging.*true, false or/],
    ];
    for (const [averaging, message] of bad)
      await expect(fit(m, data, options(averaging as FitOptions['averaging']))).rejects.toThrow(message);
    const store = memoryStore();
    await fit(m, data, options({ decay: 0.9 }, { epochs: 1, callbacks: [checkpointCallback({ store })] }));
    const plainStore = memoryStore();
    await fit(
      m,
      data,
      options(undefined, { epochs: 1, callbacks: [checkpointCallback({ store: plainStore })] }),
    );
    const averagedCheckpoint = await loadCheckpoint(store);
    const plainCheckpoint = await loadCheckpoint(plainStore);
    const before = tf.memory().numTensors;
    await expect(fit(m, data, options(undefined, { resume: averagedCheckpoint }))).rejects.toThrow(
      /averaged its weights \(decay 0\.9, startEpoch 0\).*the same 'averaging'/,
    );
    await expect(fit(m, data, options({ decay: 0.99 }, { resume: averagedCheckpoint }))).rejects.toThrow(
      /'averaging\.decay' is 0\.99, but the resumed run averaged with decay 0\.9/,
    );
    await expect(fit(m, data, options(true, { resume: plainCheckpoint }))).rejects.toThrow(
      /did not average its weights/,
    );
    expect(tf.memory().numTensors).toBe(before);
    await expect(
      encodeCheckpoint({ model: m, averaging: { ...averagedCheckpoint.averaging!, count: -1 } }),
    ).rejects.toThrow(/content\.averaging\.count.*non-negative integer.*-1/);
    await expect(
      encodeCheckpoint({ model: m, averaging: { ...averagedCheckpoint.averaging!, live: {} } }),
    ).rejects.toThrow(/content\.averaging\.live\['h1\/kernel'\].*shape \[2, 16\]/);
    const files = await encodeCheckpoint({
      model: m,
      state: averagedCheckpoint.state,
      averaging: averagedCheckpoint.averaging!,
    });
    const json = JSON.parse(new TextDecoder().decode(files.get('averaging.json'))) as object;
    files.set('averaging.json', new TextEncoder().encode(JSON.stringify({ ...json, count: -1 })));
    const damaged = memoryStore();
    await damaged.save('x', files);
    await expect(loadCheckpoint(damaged)).rejects.toThrow(/'averaging\.json' must hold/);
    for (const c of [averagedCheckpoint, plainCheckpoint]) {
      c.model.dispose();
      if (c.optimizerState) tf.dispose(Object.values(c.optimizerState.tensors));
      if (c.averaging) tf.dispose(Object.values(c.averaging.live));
    }
    m.dispose();
    data.dispose();
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { createRandom, sequential } from '@gradwell/core';
import { describeOnBackends, expectNoLeakedTensors, expectTensorsClose } from '@gradwell/test-utils';
import { expect, test } from 'vitest';
import { DropConnectDense } from './drop-connect';
import { alphaDropout, dropout, gaussianDropout } from './dropout';
import { alphaDropoutLayer, dropoutLayer, gaussianDropoutLayer, spatialDropout } from './dropout-layers';

const read = (make: () => tf.Tensor): number => {
  const t = tf.tidy(make);
  const value = t.dataSync()[0] as number;
  t.dispose();
  return value;
};
const mean = (t: tf.Tensor) => read(() => tf.mean(t));
const fractionZero = (t: tf.Tensor) => read(() => tf.mean(tf.cast(tf.equal(t, 0), 'float32')));

describeOnBackends('the dropout family', () => {
  test('inverted dropout keeps the expectation (1M elements, within 1%) and drops the stated fraction', async () => {
    const x = tf.ones([1000, 1000]);
    await expectNoLeakedTensors(() => {
      for (const rate of [0.1, 0.5, 0.8]) {
        const y = tf.tidy(() => dropout(x, rate, createRandom(1)));
        expect(Math.abs(mean(y) - 1)).toBeLessThan(0.01);
        expect(Math.abs(fractionZero(y) - rate)).toBeLessThan(0.005);
        y.dispose();
      }
    });
  });

  test('the lecture\'s p = 0.5 "keep" probability is rate = 0.5; its p = 0.8 keep is rate = 0.2', () => {
    const y = dropout(tf.ones([1000, 1000]), 1 - 0.8, createRandom(2));
    expect(Math.abs(fractionZero(y) - 0.2)).toBeLessThan(0.005);
    expectTensorsClose(tf.max(y), [1 / 0.8], { rtol: 1e-6 });
  });

  test('same seed, same mask; layers are identity at inference', () => {
    const x = tf.ones([4, 8]);
    const a = dropoutLayer({ rate: 0.5, seed: 7 });
    const b = dropoutLayer({ rate: 0.5, seed: 7 });
    expect(Array.from(a.apply(x, { training: true }).dataSync())).toEqual(
      Array.from(b.apply(x, { training: true }).dataSync()),
    );
    expect(Array.from(a.apply(x, { training: true }).dataSync())).not.toEqual(
      Array.from(b.apply(tf.ones([4, 8]), { training: false }).dataSync()),
    );
    for (const layer of [
      a,
      spatialDropout({ rate: 0.5 }),
      gaussianDropoutLayer({ rate: 0.5 }),
      alphaDropoutLayer({ rate: 0.5 }),
    ]) {
      const input = layer.className === 'SpatialDropout' ? tf.ones([2, 3, 3, 4]) : x;
      expectTensorsClose(layer.apply(input), input, { rtol: 0, atol: 0 });
    }
  });

  test('spatial dropout drops whole channels', () => {
    const y = spatialDropout({ rate: 0.5, seed: 3 }).apply(tf.ones([8, 5, 5, 16]), { training: true });
    const perChannel = tf.max(tf.abs(tf.sub(tf.max(y, [1, 2]), tf.min(y, [1, 2])))).dataSync()[0];
    expect(perChannel).toBe(0);
    expect(Math.abs(mean(y) - 1)).toBeLessThan(0.15);
  });

  test("gaussian dropout keeps the mean; alpha dropout keeps SELU's zero mean and unit variance", () => {
    expect(Math.abs(mean(gaussianDropout(tf.ones([1000, 1000]), 0.3, createRandom(4))) - 1)).toBeLessThan(
      0.01,
    );
    const standard = createRandom(5).normalTensor([1000, 1000]);
    const y = alphaDropout(standard, 0.2, createRandom(6));
    const { mean: m, variance } = tf.moments(y);
    expect(Math.abs(m.dataSync()[0] as number)).toBeLessThan(0.01);
    expect(Math.abs((variance.dataSync()[0] as number) - 1)).toBeLessThan(0.02);
  });

  test('DropConnect: the inference output equals the expectation over masks', () => {
    const layer = new DropConnectDense({ units: 3, rate: 0.5, seed: 1 });
    const model = sequential([layer], { inputShape: [4], seed: 2 });
    const x = tf.tensor2d([[1, -2, 0.5, 3]]);
    const draws = 4000;
    const average = tf.tidy(() => {
      let total: tf.Tensor = tf.zeros([1, 3]);
      for (let i = 0; i < draws; i++) total = tf.add(total, model.apply(x, { training: true }));
      return tf.div(total, draws);
    });
    // Standard error of the mean: each output is a sum of 4 ±w·x/(1−rate) terms; ≲ 3/√4000 ≈ 0.05.
    expectTensorsClose(average, model.apply(x), { atol: 0.08, rtol: 0 });
    const trainingOutputs = [0, 1].map(() => Array.from(model.apply(x, { training: true }).dataSync()));
    expect(trainingOutputs[0]).not.toEqual(trainingOutputs[1]);
  });

  test('every bad rate throws naming it', () => {
    for (const rate of [-0.1, 1, 1.5, Number.NaN]) {
      expect(() => dropoutLayer({ rate })).toThrow(/Dropout: argument 'rate' must be a number in \[0, 1\)/);
      expect(() => dropout(tf.ones([2]), rate, createRandom(0))).toThrow(/dropout: argument 'rate'/);
      expect(() => new DropConnectDense({ units: 2, rate })).toThrow(/dropConnect: argument 'rate'/);
    }
  });
});

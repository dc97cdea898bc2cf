/** Temperature scaling: the closed-form optimum, a minimum by finite differences, a known temperature recovered. */
import * as tf from '@tensorflow/tfjs-core';
import { createRandom, setupBackend } from '@gradwell/core';
import { expectNoLeakedTensors } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { calibration, calibrationReport } from './calibration';
import { batchStream, tensorDataset } from './data/dataset';
import { activation, dense } from './layers';
import { model } from './model';
import { fitTemperature, probabilitiesAt, temperatureForLogits } from './temperature';

beforeAll(async () => {
  await setupBackend();
});

/** Mean NLL of softmax(z / T) against ids, in double precision on the host. */
function nllAt(z: number[][], labels: number[], temperature: number): number {
  return (
    z.reduce((total, row, i) => {
      const scaled = row.map((v) => v / temperature);
      const top = Math.max(...scaled);
      const lse = top + Math.log(scaled.reduce((s, v) => s + Math.exp(v - top), 0));
      return total + lse - scaled[labels[i]!]!;
    }, 0) / z.length
  );
}

describe('temperatureForLogits', () => {
  test('the closed-form optimum: logits (a, 0) with a share q of label 0 give T = a / logit(q)', async () => {
    // NLL(β) = −q log σ(βa) − (1 − q) log(1 − σ(βa)) is least where σ(βa) = q
    const a = 4;
    const q = 0.8;
    const labels = Array.from({ length: 50 }, (_, i) => (i % 5 === 4 ? 1 : 0));
    const logits = tf.tensor2d(labels.map(() => [a, 0]));
    const ids = tf.tensor1d(labels, 'int32');
    await expectNoLeakedTensors(() => {
      const fit = temperatureForLogits(logits, ids);
      expect(fit.temperature).toBeCloseTo(a / Math.log(q / (1 - q)), 5);
      const entropy = -(q * Math.log(q) + (1 - q) * Math.log(1 - q));
      expect(fit.nllAfter).toBeCloseTo(entropy, 5);
      const p = 1 / (1 + Math.exp(-a));
      expect(fit.nllBefore).toBeCloseTo(-(q * Math.log(p) + (1 - q) * Math.log(1 - p)), 5);
    });
    tf.dispose([logits, ids]);
  });

  test('a minimum: the NLL slope by central differences is 0 there and the NLL rises on both sides', () => {
    const random = createRandom(7);
    const z = Array.from({ length: 200 }, () => Array.from({ length: 4 }, () => random.normal(0, 3)));
    const labels = z.map((row) => (random.next() < 0.7 ? row.indexOf(Math.max(...row)) : random.nextInt(4)));
    const logits = tf.tensor2d(z);
    const rows = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 4), 'float32');
    const { temperature, nllAfter, nllBefore } = temperatureForLogits(logits, rows);
    const h = 1e-4 * temperature;
    const slope = (nllAt(z, labels, temperature + h) - nllAt(z, labels, temperature - h)) / (2 * h);
    expect(Math.abs(slope)).toBeLessThan(1e-4);
    expect(nllAfter).toBeCloseTo(nllAt(z, labels, temperature), 5);
    expect(nllBefore).toBeCloseTo(nllAt(z, labels, 1), 5);
    for (const factor of [0.9, 1.1]) expect(nllAt(z, labels, temperature * factor)).toBeGreaterThan(nllAfter);
    tf.dispose([logits, rows]);
  });

  test('recovers the temperature of over-confident logits: labels drawn from softmax(z), logits 3z', () => {
    const random = createRandom(11);
    const n = 20000;
    const z = Array.from({ length: n }, () => Array.from({ length: 5 }, () => random.normal(0, 1.5)));
    const labels = z.map((row) => {
      const weights = row.map(Math.exp);
      let u = random.next() * weights.reduce((s, w) => s + w, 0);
      return weights.findIndex((w) => (u -= w) < 0) ?? 4;
    });
    const logits = tf.tensor2d(z.map((row) => row.map((v) => 3 * v)));
    const ids = tf.tensor1d(labels, 'int32');
    const { temperature } = temperatureForLogits(logits, ids);
    expect(temperature).toBeGreaterThan(2.85);
    expect(temperature).toBeLessThan(3.15);
    // scaled, the confidences match the accuracy: the calibration error falls several-fold
    const before = calibrationReport(logits, ids);
    const after = calibrationReport(logits, ids, { temperature });
    expect(before.meanConfidence).toBeGreaterThan(before.accuracy + 0.1);
    expect(after.ece).toBeLessThan(0.02);
    expect(after.ece).toBeLessThan(before.ece / 5);
    expect(after.accuracy).toBe(before.accuracy);
    tf.dispose([logits, ids]);
  });

  test('no minimum, or bad input: named errors', () => {
    const right = tf.tensor2d([
      [2, 0],
      [0, 3],
    ]);
    const ids = tf.tensor1d([0, 1], 'int32');
    expect(() => temperatureForLogits(right, ids)).toThrow(/every example is predicted right/);
    const backwards = tf.tensor1d([1, 0], 'int32');
    expect(() => temperatureForLogits(right, backwards)).toThrow(/no higher than the average class/);
    expect(() => temperatureForLogits(tf.ones([2, 2, 1]), ids)).toThrow(
      /^temperatureForLogits: argument 'logits' must be a tensor of rank 2/,
    );
    expect(() => temperatureForLogits(right, tf.tensor1d([0, 5], 'int32'))).toThrow(/argument 'labels'/);
    expect(() => temperatureForLogits(tf.tensor2d([[Number.NaN, 0]]), tf.tensor1d([0], 'int32'))).toThrow(
      /argument 'logits' must be .*finite/,
    );
    tf.dispose([right, ids, backwards]);
  });
});

describe('fitTemperature', () => {
  test('equals the fit on the model’s logits gathered at once, for a tensor dataset and a stream', async () => {
    const net = model([dense({ units: 6, activation: 'tanh' }), dense({ units: 3 })], {
      inputShape: [4],
      seed: 4,
    });
    const x = tf.mul(tf.randomNormal([90, 4], 0, 1, 'float32', 3), 2);
    // the model's own predictions, every fourth moved to the next class: right mostly, not always
    const said = tf.tidy(() => tf.argMax(net.apply(x, { training: false }), -1).arraySync() as number[]);
    const labels = said.map((c, i) => (i % 4 === 3 ? (c + 1) % 3 : c));
    const [logits, ids] = [net.apply(x, { training: false }), tf.tensor1d(labels, 'int32')];
    const want = temperatureForLogits(logits, ids);
    tf.dispose([logits, ids]);
    await expectNoLeakedTensors(async () => {
      const data = tensorDataset(x.clone(), tf.tensor1d(labels, 'int32'));
      const fit = await fitTemperature(net, data, { batchSize: 32 });
      expect(fit.temperature).toBeCloseTo(want.temperature, 5);
      expect(fit.nllAfter).toBeCloseTo(want.nllAfter, 6);
      // the fitted temperature is the one the calibration's NLL is least at
      const at = async (t: number) => (await calibration(net, data, { temperature: t })).nll;
      expect(await at(fit.temperature)).toBeCloseTo(fit.nllAfter, 5);
      expect(await at(fit.temperature * 1.05)).toBeGreaterThan(fit.nllAfter);
      expect(await at(fit.temperature / 1.05)).toBeGreaterThan(fit.nllAfter);
      data.dispose();
      const stream = batchStream(
        function* () {
          for (let start = 0; start < 90; start += 40) {
            const size = Math.min(40, 90 - start);
            yield {
              x: tf.slice(x, [start, 0], [size, 4]),
              y: tf.tensor1d(labels.slice(start, start + size), 'int32'),
            };
          }
        },
        { inputShape: [4] },
      );
      expect((await fitTemperature(net, stream)).temperature).toBeCloseTo(want.temperature, 5);
    });
    // a model ending in a softmax: scaled through the logarithms of its probabilities, the same T
    const softmaxNet = model(
      [dense({ units: 6, activation: 'tanh' }), dense({ units: 3 }), activation('softmax')],
      { inputShape: [4], seed: 4 },
    );
    const data = tensorDataset(x.clone(), tf.tensor1d(labels, 'int32'));
    expect((await fitTemperature(softmaxNet, data)).temperature).toBeCloseTo(want.temperature, 4);
    await expect(fitTemperature(net, data, { batchSize: -1 })).rejects.toThrow(
      /'batchSize' must be a positive/,
    );
    await expect(fitTemperature(net, data, { bins: 3 } as never)).rejects.toThrow(/bins/);
    await expect(
      fitTemperature(
        net,
        batchStream(function* () {}, { inputShape: [4] }),
      ),
    ).rejects.toThrow(/has no examples/);
    tf.dispose([x]);
    data.dispose();
    net.dispose();
    softmaxNet.dispose();
  });
});

describe('probabilitiesAt', () => {
  test('softmax(logits / T); of probabilities, softmax(log p / T); at T = 1 probabilities as they are', async () => {
    const z = [
      [2, -1, 0.5],
      [0, 0, 3],
    ];
    const logits = tf.tensor2d(z);
    const p = tf.softmax(logits);
    await expectNoLeakedTensors(() => {
      const byHand = z.map((row) => {
        const e = row.map((v) => Math.exp(v / 2));
        return e.map((v) => v / e.reduce((s, w) => s + w, 0));
      });
      for (const got of [probabilitiesAt(logits, 2), probabilitiesAt(p, 2, { fromLogits: false })]) {
        (got.arraySync() as number[][]).forEach((row, i) =>
          row.forEach((v, k) => expect(v).toBeCloseTo(byHand[i]![k]!, 6)),
        );
        got.dispose();
      }
      const same = probabilitiesAt(p, 1, { fromLogits: false });
      expect(same).not.toBe(p); // a copy the caller disposes
      expect(same.arraySync()).toEqual(p.arraySync());
      same.dispose();
    });
    expect(() => probabilitiesAt(logits, 0)).toThrow(
      /^probabilitiesAt: argument 'temperature' must be a number > 0/,
    );
    expect(() => probabilitiesAt(logits, 1, { fromLogits: 1 as never })).toThrow(
      /'fromLogits' must be true or false/,
    );
    expect(() => probabilitiesAt(tf.scalar(1), 1)).toThrow(
      /argument 'outputs' must be a tensor of rank 1 or 2/,
    );
    tf.dispose([logits, p]);
  });
});

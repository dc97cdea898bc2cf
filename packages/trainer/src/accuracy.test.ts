/**
 * Accuracy as each loss defines it: arg-max against class ids or label rows, binary (and multi-label)
 * accuracy against labels' side of ½; and what `fit` and `evaluate` report with binary cross-entropy.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { expectNoLeakedTensors } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { accuracyOf, argMaxAccuracy, binaryAccuracy, countCorrect } from './accuracy';
import { arrayDataset, batchStream, tensorDataset } from './data/dataset';
import { evaluate } from './evaluate';
import { binaryCrossEntropy, meanSquaredError, softmaxCrossEntropy, type Loss } from './losses';
import { dense } from './layers';
import { model } from './model';
import { diagnoseModel } from './training/diagnose';
import { fit } from './training/fit';

beforeAll(async () => {
  await setupBackend();
});

describe('countCorrect', () => {
  test('against class ids, one-hot rows and probability rows; float ids truncate as a cast does', () => {
    const before = tf.memory().numTensors;
    const outputs = tf.tensor2d([
      [0.1, 2, 0.3],
      [5, 1, 0],
      [0, 0, 9],
      [1, 3, 2],
    ]);
    const predicted = tf.argMax(outputs, -1); // 1, 0, 2, 1
    const ids = tf.tensor1d([1, 0, 1, 1], 'int32');
    const floats = tf.tensor1d([1.7, 0.2, 2.9, 0]);
    const oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d([1, 2, 2, 1], 'int32'), 3));
    const soft = tf.tensor2d([
      [0.2, 0.7, 0.1],
      [0.6, 0.3, 0.1],
      [0.1, 0.1, 0.8],
      [0.5, 0.25, 0.25],
    ]);
    expect(countCorrect(ids, predicted)).toBe(3);
    expect(countCorrect(floats, predicted)).toBe(3);
    expect(countCorrect(oneHot, predicted)).toBe(3);
    expect(countCorrect(soft, predicted)).toBe(3);
    tf.dispose([outputs, predicted, ids, floats, oneHot, soft]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('binaryAccuracy', () => {
  test('each output against its label, a label 1 above ½; the threshold is 0 for logits, ½ for probabilities', async () => {
    await expectNoLeakedTensors(() => {
      const logits = tf.tensor2d([[2], [-1], [0.5], [-3]]);
      const labels = tf.tensor2d([[1], [1], [0], [0]]);
      const fromLogits = binaryAccuracy(0);
      const predicted = fromLogits.predict(logits);
      expect(fromLogits.count(labels, predicted)).toBe(2); // right on examples 0 and 3
      const probabilities = tf.sigmoid(logits);
      const fromProbabilities = binaryAccuracy(0.5);
      const again = fromProbabilities.predict(probabilities);
      expect(fromProbabilities.count(labels, again)).toBe(2);
      // soft labels read as the class they lean to; exactly ½ leans to 0
      const soft = tf.tensor2d([[0.9], [0.4], [0.1], [0.5]]);
      expect(fromLogits.count(soft, predicted)).toBe(3);
      tf.dispose([logits, labels, predicted, probabilities, again, soft]);
    });
  });

  test('a multi-label example scores the fraction of its outputs it gets right (Keras: mean over the last axis)', async () => {
    await expectNoLeakedTensors(() => {
      const logits = tf.tensor2d([
        [1, 1, -1, -1],
        [1, -1, 1, -1],
      ]);
      const labels = tf.tensor2d([
        [1, 1, 0, 0], // 4 of 4
        [0, 0, 0, 0], // 2 of 4
      ]);
      const accuracy = binaryAccuracy(0);
      const predicted = accuracy.predict(logits);
      expect(accuracy.count(labels, predicted)).toBeCloseTo(1.5, 12);
      // labels given as [n] for outputs [n, 1] count the same
      const column = tf.tensor2d([[3], [-3]]);
      const ids = tf.tensor1d([1, 1]);
      const said = accuracy.predict(column);
      expect(accuracy.count(ids, said)).toBe(1);
      tf.dispose([logits, labels, predicted, column, ids, said]);
    });
  });

  test('a threshold that is not a finite number is named', () => {
    expect(() => binaryAccuracy(Number.NaN)).toThrow(
      /binaryAccuracy: argument 'threshold' must be a finite number, got NaN/,
    );
    expect(() => binaryAccuracy('0.5' as unknown as number)).toThrow(/'threshold'/);
  });
});

describe('accuracyOf a loss', () => {
  test("softmax cross-entropy: arg-max; binary cross-entropy: binary; MSE: none; a classification loss of one's own: arg-max", () => {
    expect(accuracyOf(softmaxCrossEntropy())).toBe(argMaxAccuracy);
    expect(accuracyOf(binaryCrossEntropy())).toBeDefined();
    expect(accuracyOf(meanSquaredError())).toBeUndefined();
    const own = Object.assign(() => tf.scalar(0), {
      classification: true,
      getConfig: () => ({}),
    }) as unknown as Loss;
    expect(accuracyOf(own)).toBe(argMaxAccuracy);
    const ownBinary = Object.assign(() => tf.scalar(0), {
      classification: false,
      accuracy: binaryAccuracy(0),
      getConfig: () => ({}),
    }) as unknown as Loss;
    expect(accuracyOf(ownBinary)).toBe(ownBinary.accuracy);
  });
});

describe('fit and evaluate with binary cross-entropy', () => {
  test('report binary accuracy per epoch, for validation and in evaluate, equal to counting the predictions by hand', async () => {
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([200, 2], 0, 1, 'float32', 3);
    const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(x, 1, true), 0), 'float32'));
    const data = tensorDataset(x.clone(), y.clone()); // the dataset owns (and frees) what it is given
    const net = model([dense({ units: 8, activation: 'tanh' }), dense({ units: 1 })], {
      inputShape: [2],
      seed: 1,
    });
    const run = await fit(net, data, {
      epochs: 8,
      batchSize: 20,
      loss: 'bce',
      optimizer: { name: 'adam', learningRate: 0.05 },
      validation: data,
    });
    for (const logs of run.history) {
      expect(logs.accuracy).toBeGreaterThanOrEqual(0);
      expect(logs.accuracy).toBeLessThanOrEqual(1);
      expect(logs.valAccuracy).toBeDefined();
    }
    expect(run.history.at(-1)?.valAccuracy).toBeGreaterThan(0.9); // a linearly separable set
    const result = await evaluate(net, data, { loss: binaryCrossEntropy() });
    const byHand = tf.tidy(() => {
      const logits = net.apply(x, { training: false });
      return tf
        .mean(tf.cast(tf.equal(tf.greater(logits, 0), tf.greater(y, 0.5)), 'float32'))
        .dataSync()[0] as number;
    });
    expect(result.accuracy).toBeCloseTo(byHand, 6);
    expect(result.accuracy).toBeCloseTo(run.history.at(-1)?.valAccuracy as number, 10);
    // from probabilities: a model ending in a sigmoid, read with fromLogits: false, thresholds at ½
    const sigmoidNet = model([dense({ units: 1, activation: 'sigmoid' })], { inputShape: [2], seed: 2 });
    const fromProbabilities = await evaluate(sigmoidNet, data, {
      loss: binaryCrossEntropy({ fromLogits: false }),
    });
    const probabilitiesByHand = tf.tidy(() => {
      const p = sigmoidNet.apply(x, { training: false });
      return tf
        .mean(tf.cast(tf.equal(tf.greater(p, 0.5), tf.greater(y, 0.5)), 'float32'))
        .dataSync()[0] as number;
    });
    expect(fromProbabilities.accuracy).toBeCloseTo(probabilitiesByHand, 6);
    data.dispose();
    tf.dispose([x, y]);
    net.dispose();
    sigmoidNet.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('MSE reports no accuracy', async () => {
    const x = tf.randomNormal([16, 2], 0, 1, 'float32', 4);
    const y = tf.randomNormal([16, 1], 0, 1, 'float32', 5);
    const net = model([dense({ units: 1 })], { inputShape: [2], seed: 1 });
    const data = tensorDataset(x, y);
    const result = await evaluate(net, data, { loss: 'mse' });
    expect(result.accuracy).toBeUndefined();
    const run = await fit(net, data, { epochs: 1, loss: 'mse' });
    expect(run.history[0]?.accuracy).toBeUndefined();
    data.dispose();
    net.dispose();
  });
});

describe('fit, evaluate and diagnoseModel check the labels against the loss before a step', () => {
  const tiny = (units: number) =>
    model([dense({ units: 4, activation: 'relu' }), dense({ units })], { inputShape: [2], seed: 1 });

  test('softmax cross-entropy on a one-output model is refused up front, the weights untouched', async () => {
    const net = tiny(1);
    const data = arrayDataset(
      [
        [0, 1],
        [1, 0],
      ],
      [[0], [1]],
    );
    const before = tf.memory().numTensors;
    const weights = net.trainableWeights.map((w) => Array.from(w.variable.dataSync()));
    const message =
      /argument 'loss' \(softmaxCrossEntropy\) takes a softmax over the outputs, and the model has one output.*binaryCrossEntropy/;
    await expect(fit(net, data, { epochs: 1 })).rejects.toThrow(new RegExp(`^fit: ${message.source}`));
    await expect(evaluate(net, data)).rejects.toThrow(new RegExp(`^evaluate: ${message.source}`));
    expect(() => diagnoseModel(net, data)).toThrow(message);
    expect(net.trainableWeights.map((w) => Array.from(w.variable.dataSync()))).toEqual(weights);
    expect(tf.memory().numTensors).toBe(before);
    // one logit with binary cross-entropy is the yes/no model
    const run = await fit(net, data, { epochs: 1, loss: 'binaryCrossEntropy' });
    expect(run.history[0]?.accuracy).toBeDefined();
    data.dispose();
    net.dispose();
  });

  test('binary cross-entropy labels outside [0, 1] are named up front, for data and validation', async () => {
    const net = tiny(1);
    const good = arrayDataset([[0, 1]], [[1]]);
    const bad = arrayDataset(
      [
        [0, 1],
        [1, 0],
      ],
      [[1], [3]],
    );
    const before = tf.memory().numTensors;
    const expected =
      'argument \'data\' must be labels in [0, 1] (the targets of binaryCrossEntropy), got "labels from 1 to 3"';
    await expect(fit(net, bad, { epochs: 1, loss: 'bce' })).rejects.toThrow(`fit: ${expected}`);
    await expect(fit(net, good, { epochs: 1, loss: 'bce', validation: bad })).rejects.toThrow(
      /^fit: argument 'validation' must be labels in \[0, 1\]/,
    );
    await expect(evaluate(net, bad, { loss: 'bce' })).rejects.toThrow(`evaluate: ${expected}`);
    expect(tf.memory().numTensors).toBe(before);
    // MSE takes any finite target
    expect((await evaluate(net, bad, { loss: 'mse' })).accuracy).toBeUndefined();
    // a stream's labels are checked by the loss as each batch comes
    const stream = batchStream(
      function* () {
        yield { x: tf.zeros([2, 2]), y: tf.tensor2d([[0], [2]]) };
      },
      { inputShape: [2] },
    );
    await expect(fit(net, stream, { epochs: 1, loss: 'bce' })).rejects.toThrow(
      /binaryCrossEntropy: argument 'labels' must be targets in \[0, 1\], got "2 at index 1/,
    );
    good.dispose();
    bad.dispose();
    net.dispose();
  });
});

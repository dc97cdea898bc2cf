import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { expectGradientsMatchNumeric, expectNoLeakedTensors, expectTensorsClose } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  binaryCrossEntropy,
  getLoss,
  huber,
  listLosses,
  meanAbsoluteError,
  meanSquaredError,
  softmaxCrossEntropy,
} from './losses';
import { tensorDataset } from './data/dataset';
import { dense } from './layers';
import { model } from './model';
import { fit } from './training/fit';

beforeAll(async () => {
  await setupBackend();
});

const value = (t: tf.Tensor) => {
  const v = t.dataSync()[0] as number;
  t.dispose();
  return v;
};

describe('softmax cross-entropy', () => {
  test('closed form for class ids and one-hot rows, logits and probabilities', async () => {
    await expectNoLeakedTensors(() => {
      const logits = tf.tensor2d([
        [1, 2, 3],
        [0, 0, 0],
      ]);
      const ids = tf.tensor1d([2, 1], 'int32');
      const onehot = tf.tensor2d([
        [0, 0, 1],
        [0, 1, 0],
      ]);
      const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
      const expected = (lse - 3 + Math.log(3)) / 2;
      expect(value(softmaxCrossEntropy()(ids, logits))).toBeCloseTo(expected, 5);
      expect(value(softmaxCrossEntropy()(onehot, logits))).toBeCloseTo(expected, 5);
      const probs = tf.softmax(logits);
      expect(value(softmaxCrossEntropy({ fromLogits: false })(ids, probs))).toBeCloseTo(expected, 5);
      // smoothing ε: targets (1 − ε)y + ε/K
      const eps = 0.1;
      const logP = [
        [1 - lse, 2 - lse, 3 - lse],
        [-Math.log(3), -Math.log(3), -Math.log(3)],
      ];
      const t = [
        [eps / 3, eps / 3, 1 - eps + eps / 3],
        [eps / 3, 1 - eps + eps / 3, eps / 3],
      ];
      const smoothed = -(
        t.flatMap((row, i) => row.map((ti, j) => ti * logP[i]![j]!)).reduce((a, b) => a + b) / 2
      );
      expect(value(softmaxCrossEntropy({ labelSmoothing: eps })(ids, logits))).toBeCloseTo(smoothed, 5);
      expect(value(softmaxCrossEntropy({ labelSmoothing: eps, fromLogits: false })(ids, probs))).toBeCloseTo(
        smoothed,
        5,
      );
      tf.dispose([logits, ids, onehot, probs]);
    });
  });

  test('gradient matches central differences, and equals softmax − y', () => {
    const ids = tf.tensor1d([0, 2, 1], 'int32');
    const logits = tf.tensor2d([
      [0.3, -1, 2],
      [1, 1, -0.5],
      [0.2, 0.1, 0],
    ]);
    expectGradientsMatchNumeric((z) => softmaxCrossEntropy({ labelSmoothing: 0.2 })(ids, z), [logits]);
    const g = tf.grad((z: tf.Tensor) => softmaxCrossEntropy()(ids, z))(logits);
    const expected = tf.div(tf.sub(tf.softmax(logits), tf.oneHot(ids, 3)), 3);
    expectTensorsClose(g, expected, { atol: 1e-6 });
    tf.dispose([g, expected]);
    expectGradientsMatchNumeric(
      (p) => softmaxCrossEntropy({ fromLogits: false })(ids, tf.softmax(p)),
      [logits],
    );
    tf.dispose([ids, logits]);
  });

  test('bad hyper-parameters and shapes are named', () => {
    expect(() => softmaxCrossEntropy({ labelSmoothing: 1 })).toThrow(/labelSmoothing/);
    expect(() => softmaxCrossEntropy({ labelSmoothing: -0.1 })).toThrow(/labelSmoothing/);
    const logits = tf.zeros([2, 3]);
    const wrong = tf.tensor1d([0, 1, 2], 'int32');
    expect(() => softmaxCrossEntropy()(wrong, logits)).toThrow(/labels/);
    tf.dispose([logits, wrong]);
  });
});

describe('binary cross-entropy and MSE', () => {
  test('closed form from logits and probabilities; stable for large logits', () => {
    const z = tf.tensor2d([
      [2, -1],
      [0, 50],
    ]);
    const y = tf.tensor2d([
      [1, 0],
      [1, 0],
    ]);
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    const terms = [-Math.log(sig(2)), -Math.log(1 - sig(-1)), -Math.log(0.5), 50 + Math.log1p(Math.exp(-50))];
    const expected = terms.reduce((a, b) => a + b) / 4;
    expect(value(binaryCrossEntropy()(y, z))).toBeCloseTo(expected, 4);
    const p = tf.tensor2d([[0.8, 0.3]]);
    const y1 = tf.tensor2d([[1, 0]]);
    expect(value(binaryCrossEntropy({ fromLogits: false })(y1, p))).toBeCloseTo(
      (-Math.log(0.8) - Math.log(0.7)) / 2,
      5,
    );
    expectGradientsMatchNumeric(
      (logits) => binaryCrossEntropy()(y, logits),
      [
        tf.tensor2d([
          [2, -1],
          [0, 3],
        ]),
      ],
    );
    tf.dispose([z, y, p, y1]);
  });

  test('MSE closed form, gradient, and shape check', () => {
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.tensor1d([1, 0, 0]);
    expect(value(meanSquaredError()(a, b))).toBeCloseTo((0 + 4 + 9) / 3, 6);
    expectGradientsMatchNumeric((o) => meanSquaredError()(a, o), [tf.tensor1d([0.5, 1, -1])]);
    const c = tf.zeros([2]);
    expect(() => meanSquaredError()(a, c)).toThrow(/labels/);
    // outputs are a model's: float32 (int32 ones are no differentiable prediction)
    const ints = tf.tensor1d([1, 0, 0], 'int32');
    expect(() => meanSquaredError()(a, ints)).toThrow(
      /^meanSquaredError: argument 'outputs' must be a float32 tensor/,
    );
    expect(() => binaryCrossEntropy()(b, ints)).toThrow(
      /^binaryCrossEntropy: argument 'outputs' must be a float32/,
    );
    tf.dispose([a, b, c, ints]);
  });

  test('MAE closed form, gradient ±1/n, and shape check', async () => {
    await expectNoLeakedTensors(() => {
      const y = tf.tensor2d([
        [1, 2],
        [3, -4],
      ]);
      const z = tf.tensor2d([
        [1.5, 0],
        [3, 1],
      ]);
      expect(value(meanAbsoluteError()(y, z))).toBeCloseTo((0.5 + 2 + 0 + 5) / 4, 6);
      // d/dz |y − z| / n = sign(z − y) / n, away from the kink at z = y
      const grad = tf.grad((o: tf.Tensor) => meanAbsoluteError()(y, o))(z);
      expect(Array.from(grad.dataSync())).toEqual([0.25, -0.25, 0, 0.25]);
      const at = tf.tensor2d([
        [0.5, 2.5],
        [2, 0],
      ]);
      expectGradientsMatchNumeric((o) => meanAbsoluteError()(y, o), [at]);
      // the labels' gradient is the outputs' negated
      const dy = tf.grad((l: tf.Tensor) => meanAbsoluteError()(l, z))(y);
      expect(Array.from(dy.dataSync())).toEqual([-0.25, 0.25, -0, -0.25]);
      const wrong = tf.zeros([4]);
      expect(() => meanAbsoluteError()(y, wrong)).toThrow(
        "meanAbsoluteError: argument 'labels' must be shape [4] (the outputs' shape)",
      );
      tf.dispose([y, z, grad, wrong, at, dy]);
    });
  });

  test("Huber: ½r² within δ, δ(|r| − ½δ) beyond, continuous with its slope at δ; MSE's half for small errors, MAE's slope for large", async () => {
    await expectNoLeakedTensors(() => {
      const y = tf.tensor1d([0, 0, 0, 0, 0]);
      const z = tf.tensor1d([0.5, -1, 2, -3, 0]);
      // δ = 1: 0.125, 0.5 (at δ both branches agree), 1.5, 2.5, 0
      expect(value(huber()(y, z))).toBeCloseTo((0.125 + 0.5 + 1.5 + 2.5 + 0) / 5, 6);
      // δ = 2: 0.125, 0.5, 2 (at δ), 4, 0
      expect(value(huber({ delta: 2 })(y, z))).toBeCloseTo((0.125 + 0.5 + 2 + 4 + 0) / 5, 6);
      expect(huber({ delta: 2 }).getConfig()).toEqual({ delta: 2 });
      // the gradient is r/n within δ and δ·sign(r)/n beyond: an outlier pulls no harder than δ
      const grad = tf.grad((o: tf.Tensor) => huber({ delta: 1 })(y, o))(z);
      [0.1, -0.2, 0.2, -0.2, 0].forEach((g, i) => expect(grad.dataSync()[i]).toBeCloseTo(g, 6));
      // small errors: half the squared error; large ones: δ·|r| − ½δ²
      const small = tf.tensor1d([0.01, -0.02]);
      const zeros = tf.zeros([2]);
      expect(value(huber()(zeros, small))).toBeCloseTo(value(meanSquaredError()(zeros, small)) / 2, 8);
      const at = tf.tensor1d([0.2, -0.3, 1.7, -2.2, 0.9]);
      expectGradientsMatchNumeric((o) => huber({ delta: 0.5 })(y, o), [at]);
      tf.dispose([y, z, grad, small, zeros, at]);
    });
  });

  test('Huber refuses a δ that is not a positive finite number, and options it does not know', () => {
    for (const delta of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '1'])
      expect(() => huber({ delta: delta as number })).toThrow(
        `huber: argument 'delta' must be a number > 0, got`,
      );
    expect(() => huber({ beta: 1 } as never)).toThrow(/huber.*beta/);
    expect(() => getLoss('mae', { delta: 1 })).toThrow(/meanAbsoluteError.*delta/);
  });
});

describe('labels and outputs that do not suit the loss', () => {
  test('binary cross-entropy takes targets in [0, 1], in every call (streams, evaluate, direct use)', async () => {
    await expectNoLeakedTensors(() => {
      const z = tf.tensor2d([[0.3], [-1]]);
      const three = tf.tensor2d([[1], [3]]);
      const negative = tf.tensor2d([[-0.5], [0]]);
      const nan = tf.tensor2d([[Number.NaN], [0]]);
      expect(() => binaryCrossEntropy()(three, z)).toThrow(
        'binaryCrossEntropy: argument \'labels\' must be targets in [0, 1], got "3 at index 1 of a float32 tensor of shape [2, 1]"',
      );
      const p = tf.sigmoid(z);
      expect(() => binaryCrossEntropy({ fromLogits: false })(negative, p)).toThrow(/-0\.5 at index 0/);
      expect(() => binaryCrossEntropy()(nan, z)).toThrow(/NaN at index 0/);
      // soft targets and the edges are targets
      const soft = tf.tensor2d([[0], [0.9]]);
      expect(Number.isFinite(value(binaryCrossEntropy()(soft, z)))).toBe(true);
      expect(binaryCrossEntropy().labelRange).toEqual([0, 1]);
      expect(meanSquaredError().labelRange).toBeUndefined();
      tf.dispose([z, three, negative, nan, soft, p]);
    });
  });

  test('softmax cross-entropy over one output is refused: its softmax is 1 and the loss 0 whatever the weights', async () => {
    await expectNoLeakedTensors(() => {
      const one = tf.tensor2d([[0.2], [0.9]]);
      const rows = tf.tensor2d([[1], [1]]);
      expect(() => softmaxCrossEntropy()(rows, one)).toThrow(
        /^softmaxCrossEntropy: argument 'logits' must be logits over at least 2 classes/,
      );
      expect(() => softmaxCrossEntropy({ fromLogits: false })(rows, one)).toThrow(
        /^softmaxCrossEntropy: argument 'outputs' must be probabilities over at least 2 classes.*binaryCrossEntropy/,
      );
      tf.dispose([one, rows]);
    });
  });
});

test('losses by name, with aliases; unknown names list the known ones', () => {
  expect(listLosses()).toEqual([
    'binaryCrossEntropy',
    'huber',
    'meanAbsoluteError',
    'meanSquaredError',
    'softmaxCrossEntropy',
  ]);
  expect(getLoss('mse').name).toBe('meanSquaredError');
  expect(getLoss('mae').name).toBe('meanAbsoluteError');
  expect(getLoss('huberLoss', { delta: 0.5 }).getConfig()).toEqual({ delta: 0.5 });
  expect(getLoss('sparseCategoricalCrossentropy', { labelSmoothing: 0.1 }).getConfig()).toMatchObject({
    labelSmoothing: 0.1,
  });
  expect(getLoss('crossEntropy').classification).toBe(true);
  expect(() => getLoss('hinge')).toThrow(/softmaxCrossEntropy/);
  // Keras's short name; the registry's kind is plural in its message ('losses', not 'losss')
  expect(getLoss('bce').name).toBe('binaryCrossEntropy');
  expect(() => getLoss('hinge')).toThrow(
    "Unknown loss 'hinge'. Known losses: binaryCrossEntropy, huber, meanAbsoluteError, meanSquaredError, softmaxCrossEntropy.",
  );
});

test('a line with outliers: fit with Huber or MAE finds it where MSE is pulled off by the outliers', async () => {
  await expectNoLeakedTensors(async () => {
    // y = 2x + 1 on 64 points, four of them 40 too high
    const xs = Array.from({ length: 64 }, (_, i) => -1 + (2 * i) / 63);
    const ys = xs.map((x, i) => 2 * x + 1 + (i % 16 === 3 ? 40 : 0));
    const x = tf.tensor2d(xs, [64, 1]);
    const y = tf.tensor2d(ys, [64, 1]);
    const data = tensorDataset(x, y);
    const intercept = async (loss: string) => {
      const net = model([dense({ units: 1 })], { inputShape: [1], seed: 1 });
      const run = await fit(net, data, {
        epochs: 300,
        batchSize: 64,
        loss,
        optimizer: { name: 'adam', learningRate: 0.05 },
        seed: 1,
      });
      expect(run.history.at(-1)?.loss).toBeLessThan(run.history[0]?.loss as number);
      const bias = net.weights.find((w) => w.name.endsWith('bias'))!.variable.dataSync()[0] as number;
      net.dispose();
      return bias;
    };
    // MSE's intercept moves by the outliers' mean, 4·40/64 = 2.5; Huber's and MAE's stay near 1
    expect(Math.abs((await intercept('mse')) - 1)).toBeGreaterThan(2);
    expect(Math.abs((await intercept('huber')) - 1)).toBeLessThan(0.3);
    expect(Math.abs((await intercept('mae')) - 1)).toBeLessThan(0.3);
    data.dispose();
    tf.dispose([x, y]);
  });
});

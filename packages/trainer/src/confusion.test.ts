/** The confusion matrix against predictions counted by hand, and the report's figures in closed form. */
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { setupBackend } from '@gradwell/core';
import { expectNoLeakedTensors } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  classificationReport,
  confidentMistakes,
  confusionMatrix,
  endsInSoftmax,
  mostConfused,
} from './confusion';
import { arrayDataset, batchStream, tensorDataset } from './data/dataset';
import { activation, dense } from './layers';
import { model } from './model';

beforeAll(async () => {
  await setupBackend();
});

describe('classificationReport', () => {
  test('precision, recall, F1 and their macro means in closed form; an absent class is left out', () => {
    const matrix = [
      [5, 1, 0],
      [2, 3, 1],
      [0, 0, 0], // never a label, predicted once: precision 0, recall 0 (no support), counted in the means
    ];
    const report = classificationReport(matrix);
    expect(report.examples).toBe(12);
    expect(report.accuracy).toBeCloseTo(8 / 12, 12);
    const expected = [
      { precision: 5 / 7, recall: 5 / 6, f1: 10 / 13, support: 6 },
      { precision: 3 / 4, recall: 1 / 2, f1: 0.6, support: 6 },
      { precision: 0, recall: 0, f1: 0, support: 0 },
    ];
    report.perClass.forEach((figures, i) => {
      const want = expected[i]!;
      expect(figures.support).toBe(want.support);
      for (const key of ['precision', 'recall', 'f1'] as const)
        expect(figures[key]).toBeCloseTo(want[key], 12);
    });
    expect(report.macro.precision).toBeCloseTo((5 / 7 + 3 / 4) / 3, 12);
    expect(report.macro.recall).toBeCloseTo((5 / 6 + 1 / 2) / 3, 12);
    expect(report.macro.f1).toBeCloseTo((10 / 13 + 0.6) / 3, 12);
    // a fourth class that is neither a label nor a prediction changes no mean
    const wider = classificationReport([...matrix.map((r) => [...r, 0]), [0, 0, 0, 0]]);
    expect(wider.macro).toEqual(report.macro);
    expect(wider.perClass[3]).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(report.matrix).toEqual(matrix);
    expect(report.matrix).not.toBe(matrix); // a copy
  });

  test('invariants on any matrix of counts (property)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 6 })
          .chain((k) =>
            fc.array(fc.array(fc.nat(50), { minLength: k, maxLength: k }), { minLength: k, maxLength: k }),
          ),
        (matrix) => {
          const report = classificationReport(matrix);
          const total = matrix.flat().reduce((s, c) => s + c, 0);
          const trace = matrix.reduce((s, r, i) => s + r[i]!, 0);
          expect(report.examples).toBe(total);
          expect(report.accuracy).toBeCloseTo(total === 0 ? 0 : trace / total, 12);
          expect(report.perClass.reduce((s, c) => s + c.support, 0)).toBe(total);
          for (const c of report.perClass) {
            for (const v of [c.precision, c.recall, c.f1]) expect(v >= 0 && v <= 1).toBe(true);
            // F1 lies between precision and recall's smaller and larger (their harmonic mean)
            expect(c.f1).toBeLessThanOrEqual(Math.max(c.precision, c.recall) + 1e-12);
            expect(c.f1).toBeGreaterThanOrEqual(Math.min(c.precision, c.recall) - 1e-12);
          }
        },
      ),
    );
  });

  test('a matrix that is not square counts is refused, naming where', () => {
    expect(() => classificationReport([[1]])).toThrow(
      /^classificationReport: argument 'matrix' must be a square array of rows of counts/,
    );
    expect(() => classificationReport([[1, 2], [3]])).toThrow(/got "row 1 of 1 values in a 2-row matrix"/);
    expect(() =>
      classificationReport([
        [1, -2],
        [3, 4],
      ]),
    ).toThrow(/got "-2 at \[0\]\[1\]"/);
    expect(() =>
      classificationReport([
        [1, 2],
        [Number.NaN, 4],
      ]),
    ).toThrow(/got "NaN at \[1\]\[0\]"/);
    expect(() =>
      classificationReport([
        [1, 2.5],
        [3, 4],
      ]),
    ).toThrow(/got "2\.5 at \[0\]\[1\]"/);
    expect(() => classificationReport('no' as unknown as number[][])).toThrow(/got "no"/);
  });
});

describe('mostConfused', () => {
  test('the largest off-diagonal cells, most first, ties by label then prediction, with their share of the label', () => {
    const matrix = [
      [5, 2, 0],
      [2, 3, 4],
      [0, 1, 9],
    ];
    expect(mostConfused(matrix)).toEqual([
      { label: 1, predicted: 2, count: 4, ofLabel: 4 / 9 },
      { label: 0, predicted: 1, count: 2, ofLabel: 2 / 7 },
      { label: 1, predicted: 0, count: 2, ofLabel: 2 / 9 },
      { label: 2, predicted: 1, count: 1, ofLabel: 1 / 10 },
    ]);
    expect(mostConfused(matrix, 2).map((c) => c.count)).toEqual([4, 2]);
    expect(mostConfused(matrix, 0)).toEqual([]);
    expect(
      mostConfused([
        [3, 0],
        [0, 4],
      ]),
    ).toEqual([]);
  });

  test('the same as sorting every off-diagonal cell by hand (property)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 5 })
          .chain((k) =>
            fc.array(fc.array(fc.nat(6), { minLength: k, maxLength: k }), { minLength: k, maxLength: k }),
          ),
        fc.nat(8),
        (matrix, count) => {
          const cells = matrix
            .flatMap((row, i) => row.map((n, j) => [i, j, n] as const))
            .filter(([i, j, n]) => i !== j && n > 0)
            .sort((a, b) => b[2] - a[2] || a[0] - b[0] || a[1] - b[1])
            .slice(0, count);
          expect(mostConfused(matrix, count).map((c) => [c.label, c.predicted, c.count])).toEqual(cells);
        },
      ),
    );
  });

  test('bad input is named', () => {
    expect(() => mostConfused([[1]])).toThrow(/^mostConfused: argument 'matrix' must be a square array/);
    expect(() =>
      mostConfused(
        [
          [1, 0],
          [0, 1],
        ],
        -1,
      ),
    ).toThrow(/^mostConfused: argument 'count' must be a non-negative integer/);
  });
});

describe('confusionMatrix', () => {
  /** What the matrix must be: predictions made in one call and counted on the host. */
  function byHand(net: ReturnType<typeof model>, x: tf.Tensor, labels: number[], k: number): number[][] {
    const said = tf.tidy(() => tf.argMax(net.apply(x, { training: false }), -1).dataSync());
    const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    labels.forEach((label, i) => matrix[label]![said[i]!]!++);
    return matrix;
  }

  test('equals the counts by hand, for class ids and one-hot rows, in batches that do not divide the set', async () => {
    const net = model([dense({ units: 8, activation: 'relu' }), dense({ units: 4 })], {
      inputShape: [5],
      seed: 3,
    });
    const n = 103;
    const x = tf.randomNormal([n, 5], 0, 1, 'float32', 11);
    const labels = Array.from({ length: n }, (_, i) => (i * 7) % 4);
    const expected = byHand(net, x, labels, 4);
    await expectNoLeakedTensors(async () => {
      const ids = tensorDataset(x.clone(), tf.tensor1d(labels, 'int32'));
      const fromIds = await confusionMatrix(net, ids, { batchSize: 16 });
      expect(fromIds.matrix).toEqual(expected);
      expect(fromIds).toEqual(classificationReport(expected));
      const rows = tensorDataset(
        x.clone(),
        tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 4), 'float32')),
      );
      expect((await confusionMatrix(net, rows)).matrix).toEqual(expected);
      ids.dispose();
      rows.dispose();
    });
    // the same through a stream of batches
    const stream = batchStream(
      function* () {
        for (let start = 0; start < n; start += 40) {
          const size = Math.min(40, n - start);
          yield {
            x: tf.slice(x, [start, 0], [size, 5]),
            y: tf.tensor1d(labels.slice(start, start + size), 'int32'),
          };
        }
      },
      { inputShape: [5] },
    );
    const before = tf.memory().numTensors;
    expect((await confusionMatrix(net, stream)).matrix).toEqual(expected);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    net.dispose();
  });

  test('bad input is named and leaves nothing behind', async () => {
    const net = model([dense({ units: 3 })], { inputShape: [2], seed: 1 });
    const one = model([dense({ units: 1 })], { inputShape: [2], seed: 1 });
    const data = arrayDataset(
      [
        [0, 1],
        [1, 0],
      ],
      [0, 2],
    );
    const wide = arrayDataset([[0, 1, 2]], [0]);
    const outOfRange = arrayDataset([[0, 1]], [3]);
    const before = tf.memory().numTensors;
    await expect(confusionMatrix(net, data, { batchSize: 0 })).rejects.toThrow(
      "confusionMatrix: argument 'batchSize' must be a positive integer, got 0",
    );
    await expect(confusionMatrix(net, data, { batch: 2 } as never)).rejects.toThrow(/batch.*batchSize/);
    await expect(confusionMatrix(net, wide)).rejects.toThrow(
      "confusionMatrix: argument 'data' must be examples of shape [2] (the model's input)",
    );
    await expect(confusionMatrix(one, data)).rejects.toThrow(/^confusionMatrix: .*the model has one output/);
    await expect(confusionMatrix(net, outOfRange)).rejects.toThrow(
      /argument 'data' must be class ids in \[0, 3\) \(the model has 3 outputs\)/,
    );
    const badStream = batchStream(
      function* () {
        yield { x: tf.zeros([2, 2]), y: tf.tensor1d([0, 5], 'int32') };
      },
      { inputShape: [2] },
    );
    await expect(confusionMatrix(net, badStream)).rejects.toThrow(
      /^confusionMatrix: argument 'data' must be class ids in \[0, 3\) .*got "the label 5 of example 1 of batch 0/,
    );
    const empty = batchStream(() => [], { inputShape: [2] });
    await expect(confusionMatrix(net, empty)).rejects.toThrow(/has no examples/);
    expect(tf.memory().numTensors).toBe(before);
    for (const d of [data, wide, outOfRange]) d.dispose();
    net.dispose();
    one.dispose();
  });
});

describe('confidentMistakes', () => {
  const net = () =>
    model([dense({ units: 8, activation: 'tanh' }), dense({ units: 4 })], { inputShape: [5], seed: 5 });

  /** The wrong predictions by hand: all probabilities at once, sorted on the host. */
  function byHand(m: ReturnType<typeof model>, x: tf.Tensor, labels: number[], count: number) {
    const p = tf.tidy(() => tf.softmax(m.apply(x, { training: false })).arraySync() as number[][]);
    return p
      .map((row, index) => {
        const predicted = row.indexOf(Math.max(...row));
        return { index, label: labels[index]!, predicted, confidence: row[predicted]! };
      })
      .filter((m) => m.predicted !== m.label)
      .sort((a, b) => b.confidence - a.confidence || a.index - b.index)
      .slice(0, count);
  }

  test('the surest wrong predictions across batches, as found by hand; for logits and for a softmax model', async () => {
    const logits = net();
    const n = 97;
    const x = tf.randomNormal([n, 5], 0, 1, 'float32', 21);
    const labels = Array.from({ length: n }, (_, i) => (i * 5) % 4);
    const expected = byHand(logits, x, labels, 10);
    expect(expected).toHaveLength(10);
    const data = tensorDataset(x.clone(), tf.tensor1d(labels, 'int32'));
    await expectNoLeakedTensors(async () => {
      const found = await confidentMistakes(logits, data, { count: 10, batchSize: 16 });
      expect(found.map(({ index, label, predicted }) => ({ index, label, predicted }))).toEqual(
        expected.map(({ index, label, predicted }) => ({ index, label, predicted })),
      );
      found.forEach((m, i) => expect(m.confidence).toBeCloseTo(expected[i]!.confidence, 5));
      // more than there are: every mistake, surest first
      const all = await confidentMistakes(logits, data, { count: 1000, batchSize: 32 });
      expect(all.length).toBe(byHand(logits, x, labels, 1000).length);
      expect(all.length).toBe(
        n - (await confusionMatrix(logits, data)).matrix.reduce((s, r, i) => s + r[i]!, 0),
      );
    });
    // the same weights ending in a softmax: probabilities out, read as they are
    const probabilities = model(
      [dense({ units: 8, activation: 'tanh' }), dense({ units: 4 }), activation('softmax')],
      {
        inputShape: [5],
        seed: 9,
      },
    );
    probabilities.weights.forEach((w, i) => w.variable.assign(logits.weights[i]!.variable));
    expect(endsInSoftmax(probabilities)).toBe(true);
    expect(endsInSoftmax(logits)).toBe(false);
    const again = await confidentMistakes(probabilities, data, { count: 10 });
    expect(again.map((m) => m.index)).toEqual(expected.map((m) => m.index));
    again.forEach((m, i) => expect(m.confidence).toBeCloseTo(expected[i]!.confidence, 5));
    // read as logits (wrongly), the confidences are those of a second softmax: lower
    const twice = await confidentMistakes(probabilities, data, { count: 10, fromLogits: true });
    expect(twice[0]!.confidence).toBeLessThan(again[0]!.confidence);
    data.dispose();
    x.dispose();
    logits.dispose();
    probabilities.dispose();
  });

  test('a model that gets everything right has no mistakes; bad options are named', async () => {
    const m = net();
    const x = tf.randomNormal([20, 5], 0, 1, 'float32', 2);
    const right = tf.tidy(() => tf.argMax(m.apply(x, { training: false }), -1));
    const data = tensorDataset(x, right);
    expect(await confidentMistakes(m, data)).toEqual([]);
    const before = tf.memory().numTensors;
    await expect(confidentMistakes(m, data, { count: 0 })).rejects.toThrow(
      "confidentMistakes: argument 'count' must be a positive integer, got 0",
    );
    await expect(confidentMistakes(m, data, { fromLogits: 'yes' } as never)).rejects.toThrow(
      /confidentMistakes: argument 'fromLogits' must be/,
    );
    await expect(confidentMistakes(m, data, { top: 3 } as never)).rejects.toThrow(/unknown option 'top'/);
    expect(tf.memory().numTensors).toBe(before);
    data.dispose();
    m.dispose();
  });
});

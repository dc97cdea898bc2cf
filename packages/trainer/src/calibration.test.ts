/** Calibration figures in closed form and against a brute-force count on the host; the model-level pass. */
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { setupBackend } from '@gradwell/core';
import { expectNoLeakedTensors } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { calibration, calibrationReport, type CalibrationReport } from './calibration';
import { batchStream, tensorDataset } from './data/dataset';
import { activation, dense } from './layers';
import { model } from './model';

beforeAll(async () => {
  await setupBackend();
});

/** The report counted example by example in double precision (bins as float32 arithmetic places them). */
function byHand(probabilities: number[][], labels: number[], bins: number): CalibrationReport {
  const table = Array.from({ length: bins }, () => ({ count: 0, right: 0, sure: 0 }));
  let nll = 0;
  let brier = 0;
  probabilities.forEach((p, i) => {
    const label = labels[i]!;
    const top = p.indexOf(Math.max(...p));
    const confidence = p[top]!;
    const bin = table[Math.min(bins - 1, Math.floor(Math.fround(Math.fround(confidence) * bins)))]!;
    bin.count++;
    bin.sure += confidence;
    if (top === label) bin.right++;
    nll -= Math.log(Math.max(p[label]!, 1e-7));
    brier += p.reduce((s, q, k) => s + (q - (k === label ? 1 : 0)) ** 2, 0);
  });
  const n = labels.length;
  const filled = table.filter((b) => b.count > 0);
  const gap = (b: { count: number; right: number; sure: number }) =>
    Math.abs(b.right / b.count - b.sure / b.count);
  return {
    examples: n,
    accuracy: table.reduce((s, b) => s + b.right, 0) / n,
    meanConfidence: table.reduce((s, b) => s + b.sure, 0) / n,
    ece: filled.reduce((s, b) => s + (b.count / n) * gap(b), 0),
    mce: Math.max(...filled.map(gap)),
    nll: nll / n,
    brier: brier / n,
    bins: table.map((b, i) => ({
      lower: i / bins,
      upper: (i + 1) / bins,
      count: b.count,
      accuracy: b.count === 0 ? null : b.right / b.count,
      confidence: b.count === 0 ? null : b.sure / b.count,
    })),
  };
}

function expectReportsClose(got: CalibrationReport, want: CalibrationReport, digits = 5): void {
  expect(got.examples).toBe(want.examples);
  for (const key of ['accuracy', 'meanConfidence', 'ece', 'mce', 'nll', 'brier'] as const)
    expect(got[key], key).toBeCloseTo(want[key], digits);
  got.bins.forEach((bin, i) => {
    const other = want.bins[i]!;
    expect([bin.lower, bin.upper, bin.count]).toEqual([other.lower, other.upper, other.count]);
    for (const key of ['accuracy', 'confidence'] as const)
      if (other[key] === null) expect(bin[key]).toBeNull();
      else expect(bin[key]).toBeCloseTo(other[key], digits);
  });
}

describe('calibrationReport', () => {
  const p = [
    [0.9, 0.1], // right, sure .9
    [0.8, 0.2], // wrong (label 1), sure .8
    [0.3, 0.7], // right, .7
    [0.6, 0.4], // right, .6
  ];
  const labels = [0, 1, 1, 0];

  test('ECE, MCE, NLL and Brier in closed form; logits and one-hot rows give the same', async () => {
    const expected = {
      examples: 4,
      accuracy: 0.75,
      meanConfidence: 0.75,
      // bin [0.6, 0.8): .6 and .7, both right (gap .35); bin [0.8, 1]: .8 wrong, .9 right (gap .35)
      ece: 0.35,
      mce: 0.35,
      nll: -(Math.log(0.9) + Math.log(0.2) + Math.log(0.7) + Math.log(0.6)) / 4,
      brier: (0.02 + 1.28 + 0.18 + 0.32) / 4,
    };
    const probabilities = tf.tensor2d(p);
    const ids = tf.tensor1d(labels, 'int32');
    const logits = tf.log(probabilities);
    const rows = tf.cast(tf.oneHot(ids, 2), 'float32');
    await expectNoLeakedTensors(() => {
      const report = calibrationReport(probabilities, ids, { bins: 5, fromLogits: false });
      expect(report).toMatchObject({ examples: 4 });
      for (const [key, value] of Object.entries(expected))
        expect(report[key as keyof typeof expected], key).toBeCloseTo(value, 6);
      expect(report.bins.map((b) => b.count)).toEqual([0, 0, 0, 2, 2]);
      expect(report.bins[0]).toEqual({ lower: 0, upper: 0.2, count: 0, accuracy: null, confidence: null });
      expect(report.bins[3]!.accuracy).toBe(1);
      expect(report.bins[4]!.confidence).toBeCloseTo(0.85, 6);
      expectReportsClose(calibrationReport(logits, ids, { bins: 5 }), report);
      expectReportsClose(calibrationReport(probabilities, rows, { bins: 5, fromLogits: false }), report);
    });
    tf.dispose([probabilities, ids, logits, rows]);
  });

  test('a temperature divides the logits (of probabilities: their logarithms) before the softmax', () => {
    const logits = tf.tensor2d([
      [2, -1, 0.5],
      [0.2, 0.1, -3],
      [-1, 3, 1],
    ]);
    const ids = tf.tensor1d([0, 1, 1], 'int32');
    const scaled = tf.softmax(tf.div(logits, 2.5));
    const probabilities = tf.softmax(logits);
    const want = calibrationReport(scaled, ids, { fromLogits: false, bins: 4 });
    expectReportsClose(calibrationReport(logits, ids, { temperature: 2.5, bins: 4 }), want);
    expectReportsClose(
      calibrationReport(probabilities, ids, { temperature: 2.5, bins: 4, fromLogits: false }),
      want,
    );
    tf.dispose([logits, ids, scaled, probabilities]);
  });

  test('equals the count by hand on any logits (property); ECE ≤ MCE, Brier in [0, 2]', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 5 })
          .chain((k) =>
            fc.tuple(
              fc.constant(k),
              fc.array(
                fc.tuple(
                  fc.array(fc.float({ min: -6, max: 6, noNaN: true }), { minLength: k, maxLength: k }),
                  fc.nat(k - 1),
                ),
                { minLength: 1, maxLength: 40 },
              ),
              fc.integer({ min: 1, max: 20 }),
            ),
          ),
        ([k, rows, bins]) => {
          const logits = tf.tensor2d(
            rows.map((r) => r[0]),
            [rows.length, k],
          );
          const probabilities = tf.softmax(logits);
          const labels = rows.map((r) => r[1]);
          const ids = tf.tensor1d(labels, 'int32');
          const p = probabilities.arraySync();
          const report = calibrationReport(probabilities, ids, { bins, fromLogits: false });
          tf.dispose([logits, probabilities, ids]);
          expectReportsClose(report, byHand(p, labels, bins));
          expect(report.ece).toBeLessThanOrEqual(report.mce + 1e-12);
          expect(report.brier).toBeGreaterThanOrEqual(0);
          expect(report.brier).toBeLessThanOrEqual(2 + 1e-6);
          expect(report.bins.reduce((s, b) => s + b.count, 0)).toBe(rows.length);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('bad input is named', () => {
    const p = tf.tensor2d([
      [0.5, 0.5],
      [1.5, -0.5],
    ]);
    const ids = tf.tensor1d([0, 1], 'int32');
    const nan = tf.tensor2d([
      [0, Number.NaN],
      [1, 0],
    ]);
    expect(() => calibrationReport(p, ids, { fromLogits: false })).toThrow(
      /^calibrationReport: argument 'outputs' must be probabilities in \[0, 1\].*got "1\.5 at index 2"/,
    );
    expect(() => calibrationReport(p, ids, { bins: 0 })).toThrow(
      /argument 'bins' must be a positive integer/,
    );
    expect(() => calibrationReport(p, ids, { temperature: 0 })).toThrow(
      /argument 'temperature' must be a number > 0/,
    );
    expect(() => calibrationReport(p, ids, { batchSize: 2 } as never)).toThrow(/batchSize/);
    expect(() => calibrationReport(nan, ids)).toThrow(/argument 'outputs' must be .*finite/);
    expect(() => calibrationReport(p, tf.tensor1d([0, 2], 'int32'))).toThrow(
      /argument 'labels' must be class ids below numClasses = 2/,
    );
    expect(() => calibrationReport(p, tf.tensor1d([0], 'int32'))).toThrow(/\[2\] class ids or \[2, 2\] rows/);
    expect(() => calibrationReport(tf.ones([2, 1]), ids)).toThrow(/\[n ≥ 1, classes ≥ 2\]/);
    expect(() => calibrationReport(tf.ones([2]), ids)).toThrow(/a tensor of rank 2/);
    tf.dispose([p, ids, nan]);
  });
});

describe('calibration', () => {
  const n = 75;
  const labels = Array.from({ length: n }, (_, i) => (i * 5) % 3);
  let net: ReturnType<typeof model>;
  let x: tf.Tensor;
  beforeAll(() => {
    net = model([dense({ units: 8, activation: 'tanh' }), dense({ units: 3 })], { inputShape: [4], seed: 2 });
    x = tf.mul(tf.randomNormal([n, 4], 0, 1, 'float32', 5), 3);
  });

  test('equals the report on all outputs at once, for ids, rows and a stream, in batches not dividing the set', async () => {
    const [outputs, ids] = [net.apply(x, { training: false }), tf.tensor1d(labels, 'int32')];
    const want = calibrationReport(outputs, ids, { temperature: 0.7 });
    tf.dispose([outputs, ids]);
    await expectNoLeakedTensors(async () => {
      const byIds = tensorDataset(x.clone(), tf.tensor1d(labels, 'int32'));
      expectReportsClose(await calibration(net, byIds, { batchSize: 16, temperature: 0.7 }), want);
      const rows = tensorDataset(
        x.clone(),
        tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 3), 'float32')),
      );
      expectReportsClose(await calibration(net, rows, { temperature: 0.7 }), want);
      byIds.dispose();
      rows.dispose();
      const stream = batchStream(
        function* () {
          for (let start = 0; start < n; start += 20) {
            const size = Math.min(20, n - start);
            yield {
              x: tf.slice(x, [start, 0], [size, 4]),
              y: tf.tensor1d(labels.slice(start, start + size), 'int32'),
            };
          }
        },
        { inputShape: [4] },
      );
      expectReportsClose(await calibration(net, stream, { temperature: 0.7 }), want);
    });
  });

  test('a model ending in a softmax is read as probabilities', async () => {
    const softmaxNet = model(
      [dense({ units: 8, activation: 'tanh' }), dense({ units: 3 }), activation('softmax')],
      { inputShape: [4], seed: 2 },
    );
    const ids = tensorDataset(x.clone(), tf.tensor1d(labels, 'int32'));
    expectReportsClose(await calibration(softmaxNet, ids), await calibration(net, ids));
    ids.dispose();
    softmaxNet.dispose();
  });

  test('bad input is named; an empty stream is refused', async () => {
    const ids = tensorDataset(x.clone(), tf.tensor1d(labels, 'int32'));
    await expect(calibration(net, ids, { batchSize: 0 })).rejects.toThrow(
      /'batchSize' must be a positive integer/,
    );
    await expect(calibration(net, ids, { bins: 2.5 })).rejects.toThrow(/'bins' must be a positive integer/);
    await expect(calibration(net, ids, { fromLogits: 'yes' as never })).rejects.toThrow(
      /'fromLogits' must be true or false/,
    );
    const regressor = model([dense({ units: 1 })], { inputShape: [4], seed: 1 });
    await expect(calibration(regressor, ids)).rejects.toThrow(/^calibration: /);
    const empty = batchStream(function* () {}, { inputShape: [4] });
    await expect(calibration(net, empty)).rejects.toThrow(/has no examples/);
    ids.dispose();
    regressor.dispose();
  });
});

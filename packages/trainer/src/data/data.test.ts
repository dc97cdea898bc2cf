import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { encodeIdx as idx, expectNoLeakedTensors } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { arrayDataset, batchStream, hostDataset, tensorDataset } from './dataset';
import { splitDataset, subset } from './subsets';
import { datasetFromIdx, datasetFromPixels } from './digits';
import { decodeIdx, parseIdxHeader } from './idx';
import { blobs, spirals } from './synthetic';

beforeAll(async () => {
  await setupBackend();
});

describe('tensorDataset and friends', () => {
  test('validates shapes, dtypes, finiteness and labels, naming the argument', () => {
    const x = tf.zeros([3, 2]);
    const y = tf.tensor1d([0, 1, 2], 'int32');
    const ds = tensorDataset(x, y);
    expect(ds).toMatchObject({ size: 3, inputShape: [2], numClasses: 3 });
    const b = ds.batch([2, 0]);
    expect(Array.from(b.y.dataSync())).toEqual([2, 0]);
    tf.dispose([b.x, b.y]);
    ds.dispose();
    const nan = tf.tensor2d([[0, Number.NaN]]);
    const one = tf.tensor1d([0], 'int32');
    expect(() => tensorDataset(nan, one)).toThrow(/'x'.*finite/);
    const short = tf.zeros([2, 2]);
    expect(() => tensorDataset(short, one)).toThrow(/'y'.*2 rows/);
    const neg = tf.tensor1d([-1, 0], 'int32');
    expect(() => tensorDataset(short, neg)).toThrow(/class ids/);
    const big = tf.tensor1d([0, 5], 'int32');
    expect(() => tensorDataset(short, big, { numClasses: 3 })).toThrow(/numClasses = 3/);
    const ints = tf.zeros([2, 2], 'int32');
    expect(() => tensorDataset(ints, big)).toThrow(/float32/);
    tf.dispose([nan, one, short, neg, big, ints]);
  });

  test('labels: NaN or infinite ones are named as the maker calls them, float class ids are refused, the range is kept', async () => {
    await expectNoLeakedTensors(() => {
      const rows = tf.tensor2d([[0], [Number.NaN]]);
      expect(() => tensorDataset(tf.zeros([2, 2]), rows)).toThrow(
        /^tensorDataset: argument 'y' must be finite values, got "NaN at index 1"/,
      );
      expect(() => arrayDataset([[1, 2]], [[Number.POSITIVE_INFINITY]])).toThrow(
        /^arrayDataset: argument 'y' must be finite values/,
      );
      // an Int32Array would have made 2.5 a 2 and NaN a 0 without a word
      expect(() => arrayDataset([[1], [2]], [0, 2.5])).toThrow(
        /^arrayDataset: argument 'y' must be class ids.*2\.5/,
      );
      expect(() => arrayDataset([[1], [2]], [0, Number.NaN])).toThrow(
        /^arrayDataset: argument 'y' must be class ids.*NaN/,
      );
      expect(() => arrayDataset([[1, 2], [3]], [0, 1])).toThrow(
        /^arrayDataset: argument 'x' must be a multiple of 2/,
      );
      expect(() =>
        hostDataset(new Float32Array([1]), new Float32Array([Number.NaN]), [1], { labelShape: [1] }),
      ).toThrow(/^hostDataset: argument 'labels' must be finite values/);
      expect(arrayDataset([[1], [2], [3]], [[0.25], [1], [-2]]).labelRange).toEqual([-2, 1]);
      expect(arrayDataset([[1], [2]], [3, 1]).labelRange).toEqual([1, 3]);
      expect(
        hostDataset(new Float32Array(0), new Float32Array(0), [1], { labelShape: [1] }).labelRange,
      ).toBeUndefined();
      rows.dispose();
    });
  });

  test('arrays, subsets and seeded splits', async () => {
    await expectNoLeakedTensors(() => {
      const ds = arrayDataset(
        [
          [1, 2],
          [3, 4],
          [5, 6],
          [7, 8],
        ],
        [0, 1, 1, 0],
      );
      expect(ds.inputShape).toEqual([2]);
      const part = subset(ds, 1, 2);
      expect(Array.from(part.x.dataSync())).toEqual([3, 4, 5, 6]);
      const s1 = splitDataset(ds, { validation: 0.5, seed: 3 });
      const s2 = splitDataset(ds, { validation: 0.5, seed: 3 });
      expect(Array.from(s1.validation.x.dataSync())).toEqual(Array.from(s2.validation.x.dataSync()));
      expect(s1.train.size + s1.validation.size).toBe(4);
      expect(() => subset(ds, 3, 2)).toThrow(/count/);
      expect(() => splitDataset(ds, { validation: 1 })).toThrow(/validation/);
      expect(() => arrayDataset(new Float32Array(5), [0], { inputShape: [2] })).toThrow(/multiple of 2/);
      expect(() => arrayDataset(new Float32Array(4), [0, 1])).toThrow(/inputShape/);
      const regression = arrayDataset([[1], [2]], [[0.5], [1.5]]);
      expect(regression.y.shape).toEqual([2, 1]);
      for (const d of [ds, part, s1.train, s1.validation, s2.train, s2.validation, regression]) d.dispose();
    });
  });

  test.each(['wasm', 'cpu'] as const)(
    'on %s, each batch keeps its own values when later batches reuse the scratch array',
    async (backend) => {
      await setupBackend({ backend });
      try {
        await expectNoLeakedTensors(() => {
          const ds = hostDataset(
            Float32Array.from({ length: 12 }, (_, i) => i),
            Int32Array.from([0, 1, 2, 0, 1, 2]),
            [2],
          );
          const first = ds.batch([5, 0, 3]);
          const second = ds.batch([1, 2]);
          const third = ds.batch([4, 4, 4]);
          expect(Array.from(first.x.dataSync())).toEqual([10, 11, 0, 1, 6, 7]);
          expect(Array.from(first.y.dataSync())).toEqual([2, 0, 0]);
          expect(Array.from(second.x.dataSync())).toEqual([2, 3, 4, 5]);
          expect(Array.from(third.x.dataSync())).toEqual([8, 9, 8, 9, 8, 9]);
          tf.dispose([first.x, first.y, second.x, second.y, third.x, third.y]);
          ds.dispose();
        });
      } finally {
        await setupBackend();
      }
    },
  );

  test('batchStream checks its argument', () => {
    expect(() => batchStream(42 as never, { inputShape: [2] })).toThrow(/batches/);
  });
});

describe('synthetic sets', () => {
  test('spirals and blobs: shapes, classes, determinism by seed', () => {
    const a = spirals({ classes: 4, pointsPerClass: 25, seed: 1 });
    const b = spirals({ classes: 4, pointsPerClass: 25, seed: 1 });
    const c = spirals({ classes: 4, pointsPerClass: 25, seed: 2 });
    expect(a).toMatchObject({ size: 100, inputShape: [2], numClasses: 4 });
    expect(Array.from(a.x.dataSync())).toEqual(Array.from(b.x.dataSync()));
    expect(Array.from(a.x.dataSync())).not.toEqual(Array.from(c.x.dataSync()));
    // radius grows from 0 to 1 along each arm
    const xs = a.x.dataSync();
    expect(Math.hypot(xs[0]!, xs[1]!)).toBeCloseTo(0, 6);
    expect(Math.hypot(xs[48]!, xs[49]!)).toBeCloseTo(1, 5);
    const g = blobs({ classes: 2, pointsPerClass: 500, dimensions: 3, spread: 0.5, seed: 4 });
    expect(g.x.shape).toEqual([1000, 3]);
    const firstClass = tf.slice(g.x, [0, 0], [500, 3]);
    const std = tf.moments(tf.sub(firstClass, tf.mean(firstClass, 0))).variance;
    expect(Math.sqrt(std.dataSync()[0]!)).toBeCloseTo(0.5, 1);
    expect(() => spirals({ classes: 0 })).toThrow(/classes/);
    expect(() => blobs({ spread: -1 })).toThrow(/spread/);
    tf.dispose([firstClass, std]);
    for (const d of [a, b, c, g]) d.dispose();
  });
});

describe('idx', () => {
  test('idx headers: shape, offsets and clear errors', () => {
    const file = idx([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIdxHeader(file)).toEqual({ shape: [2, 2, 2], dataOffset: 16 });
    expect(Array.from(decodeIdx(file).data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => decodeIdx(file.slice(0, 18), 'x.idx')).toThrow(/x.idx: holds 2 bytes/);
    expect(() => parseIdxHeader(Uint8Array.from([0, 0, 0x0d, 1]), 'floats')).toThrow(/unsigned-byte/);
    const ds = datasetFromIdx(idx([2, 1, 2], [0, 255, 51, 102]), idx([2], [3, 7]), { flat: true });
    expect(ds.x.shape).toEqual([2, 2]);
    expect(Array.from(ds.x.dataSync())).toEqual(Array.from(Float32Array.from([0, 1, 0.2, 0.4])));
    ds.dispose();
  });

  test('datasetFromPixels names a wrong argument before a tensor is made', () => {
    const before = tf.memory().numTensors;
    const bytes = new Uint8Array(8);
    const labels = Uint8Array.from([1, 2]);
    const call = (pixels: unknown, ids: unknown, shape: unknown) => () =>
      datasetFromPixels(pixels as Uint8Array, ids as Uint8Array, shape as number[]);
    expect(call([0, 1], labels, [2, 2])).toThrow(
      "datasetFromPixels: argument 'pixels' must be a Uint8Array of bytes, got",
    );
    expect(call(bytes, [1, 2], [2, 2])).toThrow(/^datasetFromPixels: argument 'labels' must be a Uint8Array/);
    expect(call(bytes, labels, { shape: [2, 2] })).toThrow(
      /^datasetFromPixels: argument 'imageShape' must be \[height, width\] of grey images/,
    );
    expect(call(bytes, labels, [2, 0])).toThrow(/^datasetFromPixels: argument 'imageShape\[1\]'/);
    expect(call(bytes, labels, [3, 2])).toThrow(
      'datasetFromPixels: images: 2 labels need 12 pixels of [3, 2], got 8.',
    );
    expect(call(bytes, Uint8Array.from([1, 12]), [2, 2])).toThrow(
      "datasetFromPixels: argument 'labels[1]' must be a class id below 10, got 12",
    );
    expect(tf.memory().numTensors).toBe(before);
    const ds = datasetFromPixels(bytes, labels, [2, 2]);
    expect(ds.x.shape).toEqual([2, 2, 2, 1]);
    ds.dispose();
  });
});

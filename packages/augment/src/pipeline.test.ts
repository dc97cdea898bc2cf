import * as tf from '@tensorflow/tfjs-core';
import { createRandom, setupBackend } from '@gradwell/core';
import { expectNoLeakedTensors, expectTensorsClose } from '@gradwell/test-utils';
import { describe, expect, test } from 'vitest';
import { cutmix, mixup, sampleBeta } from './mixing';
import { eraseRectangles, fitPcaLighting, randomErasing } from './photometric';
import { compose, listAugmentationSteps, pipelineFromJSON, stepChangesSize, type StepSpec } from './pipeline';

const STEPS = [
  { type: 'flipHorizontal', p: 0.5 },
  { type: 'randomResizedCrop', params: { size: [16, 16] } },
  { type: 'colorJitter', params: { brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 } },
  { type: 'randomErasing', p: 0.5, params: { value: 0 } },
];

describe('pipelines', () => {
  test('the same seed gives the same batch on wasm and cpu; JSON round-trips; describe lists the steps', async () => {
    await setupBackend();
    const images = createRandom(1).uniformTensor([6, 24, 20, 3]);
    const outputs: number[][] = [];
    for (const backend of ['wasm', 'cpu'] as const) {
      await setupBackend({ backend });
      const pipeline = compose(STEPS, { seed: 42 });
      const y = await expectNoLeakedTensors(() => {
        const out = pipeline.apply(images);
        const values = Array.from(out.dataSync());
        expect(out.shape).toEqual([6, 16, 16, 3]);
        out.dispose();
        return values;
      });
      outputs.push(y);
    }
    expectTensorsClose(outputs[0] as number[], outputs[1] as number[], { atol: 1e-5, rtol: 0 });
    const json = JSON.parse(JSON.stringify(compose(STEPS, { seed: 42 }).toJSON())) as {
      seed: number;
      steps: typeof STEPS;
    };
    const again = Array.from(pipelineFromJSON(json).apply(images).dataSync());
    expectTensorsClose(again, outputs[1] as number[], { atol: 1e-5, rtol: 0 });
    expect(compose(STEPS).describe()[0]).toBe('flipHorizontal (p = 0.5)');
    expect(listAugmentationSteps()).toContain('randomResizedCrop');
  });

  test('p applies per image: with p = 0.5 about half the images are flipped', async () => {
    await setupBackend();
    const images = tf.tile(tf.reshape(tf.range(0, 4), [1, 1, 4, 1]), [200, 1, 1, 1]);
    const out = compose([{ type: 'flipHorizontal', p: 0.5 }], { seed: 3 }).apply(images);
    const flipped = tf
      .sum(tf.cast(tf.equal(tf.slice(out, [0, 0, 0, 0], [-1, 1, 1, 1]), 3), 'int32'))
      .dataSync()[0] as number;
    expect(flipped).toBeGreaterThan(70);
    expect(flipped).toBeLessThan(130);
  });

  test('bad specs are clear errors', () => {
    expect(() => compose([{ type: 'flipDiagonal' }])).toThrow(
      /Unknown augmentation step 'flipDiagonal'.*Known augmentation steps: brightness/,
    );
    expect(() => compose([{ type: 'randomCrop', p: 0.5, params: { size: [2, 2] } }])).toThrow(
      "compose: step 0 ('randomCrop') changes the image size, so it must apply to every image (p = 1), got p = 0.5.",
    );
    expect(() => compose([{ type: 'flipVertical', p: 2 }])).toThrow(
      "compose: argument 'steps[0].p' must be a number in [0, 1], got 2",
    );
  });

  test('a key a step does not take is refused when composing, never ignored (JSON pipelines, the CLI)', () => {
    expect(() => compose([{ type: 'flipHorizontal', prob: 0.5 } as StepSpec])).toThrow(
      "compose: steps[0] ('flipHorizontal'): unknown option 'prob' (did you mean 'p'?); its options are type, p, params.",
    );
    expect(() => compose([{ type: 'randomCrop', params: { size: [2, 2], paddig: 1 } }])).toThrow(
      "compose: steps[0] ('randomCrop') params: unknown option 'paddig' (did you mean 'padding'?); its options are size, padding.",
    );
    expect(() => compose([{ type: 'grayscale', params: { factor: 1 } }])).toThrow(
      "compose: steps[0] ('grayscale') params: unknown option 'factor'; it takes no options.",
    );
    // randomErasing's probability is the step's p, not a param
    expect(() => compose([{ type: 'randomErasing', params: { p: 0.5 } }])).toThrow(
      "compose: steps[0] ('randomErasing') params: unknown option 'p'; its options are scale, ratio, value.",
    );
    expect(() => compose([{ type: 'hue', params: 0.1 } as unknown as StepSpec])).toThrow(
      "compose: steps[0] ('hue') params: argument 'options' must be an object of options { factor }, got 0.1",
    );
  });

  test("every step's params are the options its function takes", () => {
    const image = tf.fill([1, 4, 4, 3], 0.5);
    const params: Record<string, Record<string, unknown>> = {
      crop: { top: 0, left: 0, height: 2, width: 2 },
      randomCrop: { size: [2, 2], padding: 1 },
      randomResizedCrop: { size: [2, 2], scale: [0.5, 1], ratio: [0.75, 1.33] },
      randomRescale: { range: [0.5, 1] },
      rescale: { factor: 0.5, method: 'nearest' },
      colorJitter: { brightness: 0.1, contrast: 0.1, saturation: 0.1, hue: 0.1 },
      brightness: { factor: 0.1 },
      contrast: { factor: 1.1 },
      saturation: { factor: 1.1 },
      hue: { factor: 0.1 },
      randomErasing: { scale: [0.1, 0.2], ratio: [0.5, 2], value: 0 },
    };
    for (const type of listAugmentationSteps()) {
      const out = compose([{ type, params: params[type] ?? {} }]).apply(image);
      expect(out.rank, type).toBe(4);
      out.dispose();
    }
    image.dispose();
  });
});

describe('batch mixing, PCA lighting, erasing', () => {
  test('mixup and cutmix mix the labels with the weight of the images', async () => {
    await setupBackend();
    const images = tf.concat([tf.zeros([1, 4, 4, 1]), tf.ones([1, 4, 4, 1])]);
    const labels = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const mixed = mixup(images, labels, { alpha: 0.4 }, createRandom(5));
    // Each image is a constant λ·own + (1 − λ)·partner; its label row carries the same weights.
    const firstPixel = tf.slice(mixed.images, [0, 0, 0, 0], [-1, 1, 1, 1]).dataSync() as Float32Array;
    const labelOfOnes = tf.slice(mixed.labels, [0, 1], [-1, 1]).dataSync() as Float32Array;
    expectTensorsClose(firstPixel, labelOfOnes, { atol: 1e-6, rtol: 0 });
    const cut = cutmix(images, labels, { alpha: 1 }, createRandom(6));
    const share = tf.mean(tf.slice(cut.images, [0, 0, 0, 0], [1, -1, -1, -1])).dataSync()[0] as number;
    const partnerIsOther =
      (tf.slice(cut.labels, [0, 1], [1, 1]).dataSync()[0] as number) > 0 || cut.lambda === 1;
    expect(partnerIsOther || share === 0).toBe(true);
    const source = createRandom(11);
    const beta = Array.from({ length: 20000 }, () => sampleBeta(2, 5, source));
    expect(Math.abs(beta.reduce((a, b) => a + b, 0) / beta.length - 2 / 7)).toBeLessThan(0.01);
  });

  test('PCA lighting adds one RGB offset per image along the fitted components; erasing fills a rectangle', async () => {
    await setupBackend();
    const random = createRandom(7);
    const images = random.uniformTensor([8, 6, 6, 3]);
    const lighting = await fitPcaLighting(images);
    expect(lighting.eigenvalues[0]).toBeGreaterThanOrEqual(lighting.eigenvalues[2] as number);
    const lit = lighting.apply(images, createRandom(8));
    const delta = tf.sub(lit, images);
    // The offset is constant over each image's pixels.
    expect(tf.max(tf.sub(tf.max(delta, [1, 2]), tf.min(delta, [1, 2]))).dataSync()[0]).toBeLessThan(1e-6);
    expectTensorsClose(lighting.applyWith(images, new Array(8).fill([0, 0, 0])), images, {
      rtol: 0,
      atol: 0,
    });
    const exact = eraseRectangles(tf.ones([1, 4, 4, 1]), [[1, 3, 0, 2]], 0);
    expect(Array.from(exact.dataSync())).toEqual([1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1]);
    const rescaled = compose([{ type: 'randomRescale', params: { range: [0.5, 0.5] } }]).apply(
      tf.ones([2, 8, 6, 3]),
    );
    expect(rescaled.shape).toEqual([2, 4, 3, 3]);
    const erased = randomErasing(tf.ones([4, 10, 10, 3]), { p: 1, value: 0 }, createRandom(9));
    const zeros = tf.sum(tf.cast(tf.equal(erased, 0), 'int32'), [1, 2, 3]).dataSync();
    expect(Array.from(zeros).every((z) => z > 0 && z % 3 === 0)).toBe(true);
  });
});

describe('stepChangesSize', () => {
  test('crops and rescales change the size; flips and colour steps do not; unknown names list the known', () => {
    expect(
      ['crop', 'randomCrop', 'randomResizedCrop', 'randomRescale', 'rescale'].map(stepChangesSize),
    ).toEqual([true, true, true, true, true]);
    expect(['flipHorizontal', 'colorJitter', 'grayscale', 'randomErasing'].map(stepChangesSize)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(() => stepChangesSize('nope')).toThrow(/nope.*flipHorizontal/s);
  });
});

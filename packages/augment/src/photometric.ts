/**
 * Random photometric augmentations: colour jitter with factors drawn per image, PCA colour augmentation
 * ("fancy PCA", Krizhevsky et al. 2012) and random erasing (Zhong et al. 2020).
 */
import {
  add,
  cast,
  fill,
  greaterEqual,
  less,
  logicalAnd,
  matMul,
  mul,
  range,
  reshape,
  sub,
  sum,
  tensor1d,
  tensor2d,
  tidy,
  type Tensor,
  type Rank,
} from '@tensorflow/tfjs-core';
import {
  assertFiniteNumber,
  assertInRange,
  assertKnownOptions,
  GradwellArgumentError,
  type RandomSource,
  assertRandomSource,
  assertRequiredOptions,
} from '@gradwell/core';
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation } from './color';
import { symmetricEigen } from './eigen';
import { onBatch, onRgbBatch } from './images';
import { batchesOf, type Dataset } from './normalizer';

export interface ColorJitterOptions {
  /** Brightness factor drawn from [max(0, 1 − b), 1 + b]; default 0. */
  brightness?: number;
  contrast?: number;
  saturation?: number;
  /** Hue shift drawn from [−h, h], h ≤ 0.5; default 0. */
  hue?: number;
}

/**
 * torchvision's ColorJitter with one draw per image. The four adjustments are applied in a fixed order
 * (brightness, contrast, saturation, hue); torchvision shuffles the order per call.
 */
export function colorJitter(images: Tensor, options: ColorJitterOptions, random: RandomSource): Tensor {
  assertRequiredOptions('colorJitter', options, ['brightness', 'contrast', 'saturation', 'hue']);
  const { brightness = 0, contrast = 0, saturation = 0, hue = 0 } = options;
  assertRandomSource('colorJitter', random);
  for (const [name, value] of Object.entries({ brightness, contrast, saturation }))
    assertInRange('colorJitter', name, value, { min: 0 });
  assertInRange('colorJitter', 'hue', hue, { min: 0, max: 0.5 });
  return onRgbBatch('colorJitter', images, (x) =>
    tidy(() => {
      const n = x.shape[0];
      const draw = (spread: number) =>
        Array.from({ length: n }, () => random.uniform(Math.max(0, 1 - spread), 1 + spread));
      let y: Tensor = x;
      if (brightness > 0) y = adjustBrightness(y, draw(brightness));
      if (contrast > 0) y = adjustContrast(y, draw(contrast));
      if (saturation > 0) y = adjustSaturation(y, draw(saturation));
      if (hue > 0)
        y = adjustHue(
          y,
          Array.from({ length: n }, () => random.uniform(-hue, hue)),
        );
      return y;
    }),
  );
}

export interface PcaLighting {
  /** Eigenvalues of the RGB covariance, descending. */
  readonly eigenvalues: number[];
  /** Eigenvectors as columns, row-major 3×3. */
  readonly eigenvectors: number[];
  /** Adds Σᵢ αᵢλᵢpᵢ with αᵢ ~ N(0, std²) drawn per image (default std 0.1, as in the paper). */
  apply(images: Tensor, random: RandomSource, options?: { std?: number }): Tensor;
  /** The functional form: the given α (three per image). */
  applyWith(images: Tensor, alphas: ReadonlyArray<readonly [number, number, number]>): Tensor;
}

/** Fits the 3×3 covariance of the RGB values over a dataset and its eigendecomposition. */
export async function fitPcaLighting(dataset: Dataset): Promise<PcaLighting> {
  const sums = new Float64Array(3);
  const products = new Float64Array(9);
  let count = 0;
  for await (const batch of batchesOf(dataset)) {
    const [s, p] = tidy((): [Tensor, Tensor] => {
      const pixels = reshape<Rank.R2>(batch, [-1, 3]);
      return [sum(pixels, 0), matMul(pixels, pixels, true, false)];
    });
    Array.from(s.dataSync() as Float32Array).forEach((v, i) => (sums[i] = (sums[i] as number) + v));
    Array.from(p.dataSync() as Float32Array).forEach((v, i) => (products[i] = (products[i] as number) + v));
    count += batch.size / 3;
    s.dispose();
    p.dispose();
  }
  const meanRgb = Array.from(sums, (v) => v / count);
  const covariance = Array.from(
    products,
    (v, i) => v / count - (meanRgb[Math.floor(i / 3)] as number) * (meanRgb[i % 3] as number),
  );
  const { values, vectors } = symmetricEigen(covariance, 3);
  const eigenvalues = Array.from(values);
  const eigenvectors = Array.from(vectors);
  const applyWithAlphas = (
    images: Tensor,
    alphas: ReadonlyArray<readonly [number, number, number]>,
  ): Tensor =>
    onRgbBatch('pcaLighting', images, (x) =>
      tidy(() => {
        const n = x.shape[0];
        if (alphas.length !== n) {
          throw new GradwellArgumentError('pcaLighting', 'alphas', `${n} triples (one per image)`, alphas);
        }
        const offsets = alphas.map((alpha) => {
          const weights = eigenvalues.map((lambda, k) => (alpha[k] as number) * lambda);
          return [0, 1, 2].map((channel) =>
            weights.reduce((total, w, k) => total + w * (eigenvectors[channel * 3 + k] as number), 0),
          );
        });
        return add(x, reshape(tensor2d(offsets, [n, 3]), [n, 1, 1, 3]));
      }),
    );
  return {
    eigenvalues,
    eigenvectors,
    applyWith: applyWithAlphas,
    apply(images, random, options = {}) {
      assertRandomSource('pcaLighting', random);
      assertKnownOptions('pcaLighting', options, ['std']);
      const { std = 0.1 } = options;
      assertInRange('pcaLighting', 'std', std, { min: 0 });
      const n = images.rank === 4 ? images.shape[0] : 1;
      const alphas = Array.from(
        { length: n },
        () => [random.normal(0, std), random.normal(0, std), random.normal(0, std)] as const,
      );
      return applyWithAlphas(images, alphas);
    },
  };
}

export interface RandomErasingOptions {
  /** Probability per image; default 0.5. */
  p?: number;
  /** Erased area as a share of the image; default [0.02, 0.33]. */
  scale?: [number, number];
  /** Aspect ratio of the erased rectangle; default [0.3, 3.3]. */
  ratio?: [number, number];
  /** Fill value, or 'random' for uniform noise; default 0. */
  value?: number | 'random';
}

/** Random erasing: a random rectangle per image replaced by a value or noise (one mask op for the batch). */
export function randomErasing(images: Tensor, options: RandomErasingOptions, random: RandomSource): Tensor {
  assertRequiredOptions('randomErasing', options, ['p', 'scale', 'ratio', 'value']);
  const { p = 0.5, scale = [0.02, 0.33], ratio = [0.3, 3.3], value = 0 } = options;
  assertRandomSource('randomErasing', random);
  assertInRange('randomErasing', 'p', p, { min: 0, max: 1 });
  if (value !== 'random') assertFiniteNumber('randomErasing', 'value', value);
  assertInRange('randomErasing', 'scale', scale[1], { min: scale[0], max: 1 });
  return onBatch('randomErasing', images, (x) =>
    tidy(() => {
      const [n, h, w] = x.shape;
      const boxes = Array.from({ length: n }, () => {
        if (random.next() >= p) return [0, 0, 0, 0];
        for (let attempt = 0; attempt < 10; attempt++) {
          const area = h * w * random.uniform(scale[0], scale[1]);
          const aspect = Math.exp(random.uniform(Math.log(ratio[0]), Math.log(ratio[1])));
          const eh = Math.round(Math.sqrt(area * aspect));
          const ew = Math.round(Math.sqrt(area / aspect));
          if (eh < h && ew < w && eh > 0 && ew > 0) {
            const top = random.nextInt(h - eh + 1);
            const left = random.nextInt(w - ew + 1);
            return [top, top + eh, left, left + ew];
          }
        }
        return [0, 0, 0, 0];
      });
      return eraseRectangles(
        x,
        boxes as Array<[number, number, number, number]>,
        value === 'random' ? random.uniformTensor(x.shape) : value,
      );
    }),
  );
}

/**
 * The functional form of random erasing: per image, the rectangle [top, bottom) × [left, right) (all zero
 * for none) is replaced by `value` (a number, or a tensor of the images' shape).
 */
export function eraseRectangles(
  images: Tensor,
  boxes: ReadonlyArray<readonly [number, number, number, number]>,
  value: number | Tensor = 0,
): Tensor {
  return onBatch('eraseRectangles', images, (x) =>
    tidy(() => {
      const [n, h, w] = x.shape;
      if (boxes.length !== n)
        throw new GradwellArgumentError('eraseRectangles', 'boxes', `${n} boxes (one per image)`, boxes);
      const column = (k: number) => reshape(tensor1d(boxes.map((b) => b[k] as number)), [n, 1, 1, 1]);
      const rows = reshape(range(0, h), [1, h, 1, 1]);
      const cols = reshape(range(0, w), [1, 1, w, 1]);
      const inside = logicalAnd(
        logicalAnd(greaterEqual(rows, column(0)), less(rows, column(1))),
        logicalAnd(greaterEqual(cols, column(2)), less(cols, column(3))),
      );
      const replacement = typeof value === 'number' ? fill(x.shape, value) : value;
      // x + mask·(replacement − x): the [n, h, w, 1] mask broadcasts over the channels.
      return add(x, mul(cast(inside, 'float32'), sub(replacement, x)));
    }),
  );
}

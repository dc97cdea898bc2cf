/**
 * Geometric augmentations, batched: flips (the lecture's four panels: original, horizontal, vertical,
 * both), crops at explicit or random offsets (exact pixels, by batched gathers), random resized crops
 * (torchvision's RandomResizedCrop sampling) and rescaling by a factor.
 */
import {
  add,
  gather,
  image,
  pad,
  range,
  reshape,
  reverse,
  tensor1d,
  tensor2d,
  tidy,
  zeros,
  type Tensor,
} from '@tensorflow/tfjs-core';
import {
  assertInRange,
  assertKnownOptions,
  assertRequiredOptions,
  assertNonNegativeInteger,
  assertOneOf,
  assertPositiveInteger,
  GradwellArgumentError,
  type RandomSource,
  assertRandomSource,
} from '@gradwell/core';
import { assertImages, onBatch } from './images';

/** Mirror left–right. */
export const flipHorizontal = (images: Tensor): Tensor =>
  onBatch('flipHorizontal', images, (x) => reverse(x, 2));

/** Mirror top–bottom. */
export const flipVertical = (images: Tensor): Tensor => onBatch('flipVertical', images, (x) => reverse(x, 1));

/** Per-image windows [top, left] of size [height, width]: rows and columns taken by two batched gathers. */
export function cropAt(
  images: Tensor,
  tops: readonly number[],
  lefts: readonly number[],
  [height, width]: [number, number],
): Tensor {
  return onBatch('crop', images, (x) => {
    const [n, h, w, c] = x.shape;
    if (tops.length !== n || lefts.length !== n)
      throw new Error(`crop: ${n} images need ${n} offsets, got ${tops.length}.`);
    if (height > h || width > w) {
      throw new GradwellArgumentError('crop', 'size', `at most the image size [${h}, ${w}]`, [height, width]);
    }
    tops.forEach((t, i) => {
      if (t < 0 || t + height > h || (lefts[i] as number) < 0 || (lefts[i] as number) + width > w) {
        throw new Error(
          `crop: window ${i} at [${t}, ${lefts[i]}] of size [${height}, ${width}] leaves the [${h}, ${w}] image.`,
        );
      }
    });
    if (n === 0) return zeros([0, height, width, c]); // a batch of none crops to none
    return tidy(() => {
      const rows = add(reshape(tensor1d(tops as number[], 'int32'), [n, 1]), range(0, height, 1, 'int32'));
      const cols = add(reshape(tensor1d(lefts as number[], 'int32'), [n, 1]), range(0, width, 1, 'int32'));
      return gather(gather(x, rows, 1, 1), cols, 2, 1);
    });
  });
}

/** The same window for every image. */
export function crop(
  images: Tensor,
  options: { top: number; left: number; height: number; width: number },
): Tensor {
  assertRequiredOptions('crop', options, ['top', 'left', 'height', 'width']);
  const { top, left, height, width } = options;
  assertImages('crop', images);
  for (const [name, value] of Object.entries({ top, left })) assertNonNegativeInteger('crop', name, value);
  for (const [name, value] of Object.entries({ height, width })) assertPositiveInteger('crop', name, value);
  const n = images.rank === 4 ? images.shape[0] : 1;
  return cropAt(images, new Array<number>(n).fill(top), new Array<number>(n).fill(left), [height, width]);
}

/** A random window of `size` per image, after optional zero `padding` on every side (the CIFAR recipe). */
export function randomCrop(
  images: Tensor,
  options: { size: [number, number]; padding?: number },
  random: RandomSource,
): Tensor {
  assertRequiredOptions('randomCrop', options, ['size', 'padding']);
  assertRandomSource('randomCrop', random);
  const { size, padding = 0 } = options;
  assertNonNegativeInteger('randomCrop', 'padding', padding);
  size.forEach((s) => assertPositiveInteger('randomCrop', 'size', s));
  return onBatch('randomCrop', images, (x) =>
    tidy(() => {
      const padded =
        padding > 0
          ? pad(x, [
              [0, 0],
              [padding, padding],
              [padding, padding],
              [0, 0],
            ])
          : x;
      const [n, h, w] = padded.shape;
      if (size[0] > h || size[1] > w) {
        throw new GradwellArgumentError(
          'randomCrop',
          'size',
          `at most the padded image size [${h}, ${w}]`,
          size,
        );
      }
      const tops = Array.from({ length: n }, () => random.nextInt(h - size[0] + 1));
      const lefts = Array.from({ length: n }, () => random.nextInt(w - size[1] + 1));
      return cropAt(padded, tops, lefts, size);
    }),
  );
}

export interface RandomResizedCropOptions {
  /** Output [height, width]. */
  size: [number, number];
  /** Range of the crop's area as a share of the image; default [0.08, 1] (torchvision). */
  scale?: [number, number];
  /** Range of the crop's aspect ratio w/h; default [3/4, 4/3]. */
  ratio?: [number, number];
}

/** torchvision's RandomResizedCrop: per image, up to 10 draws of (area, log-uniform ratio), else a centre crop. */
export function sampleResizedCropBox(
  h: number,
  w: number,
  scale: [number, number],
  ratio: [number, number],
  random: RandomSource,
): [number, number, number, number] {
  const area = h * w;
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * random.uniform(scale[0], scale[1]);
    const aspect = Math.exp(random.uniform(Math.log(ratio[0]), Math.log(ratio[1])));
    const cw = Math.round(Math.sqrt(target * aspect));
    const ch = Math.round(Math.sqrt(target / aspect));
    if (cw > 0 && ch > 0 && cw <= w && ch <= h)
      return [random.nextInt(h - ch + 1), random.nextInt(w - cw + 1), ch, cw];
  }
  const aspect = w / h;
  const [ch, cw] =
    aspect < ratio[0]
      ? [Math.round(w / ratio[0]), w]
      : aspect > ratio[1]
        ? [h, Math.round(h * ratio[1])]
        : [h, w];
  return [Math.floor((h - ch) / 2), Math.floor((w - cw) / 2), ch, cw];
}

export function randomResizedCrop(
  images: Tensor,
  options: RandomResizedCropOptions,
  random: RandomSource,
): Tensor {
  assertRequiredOptions('randomResizedCrop', options, ['size', 'scale', 'ratio']);
  const { size, scale = [0.08, 1], ratio = [3 / 4, 4 / 3] } = options;
  assertRandomSource('randomResizedCrop', random);
  size.forEach((s) => assertPositiveInteger('randomResizedCrop', 'size', s));
  assertInRange('randomResizedCrop', 'scale', scale[0], { min: 0, max: 1, minInclusive: false });
  assertInRange('randomResizedCrop', 'scale', scale[1], { min: scale[0], max: 1 });
  assertInRange('randomResizedCrop', 'ratio', ratio[0], { min: 0, minInclusive: false });
  assertInRange('randomResizedCrop', 'ratio', ratio[1], { min: ratio[0] });
  return onBatch('randomResizedCrop', images, (x) =>
    tidy(() => {
      const [n, h, w] = x.shape;
      const boxes = Array.from({ length: n }, () => {
        const [top, left, ch, cw] = sampleResizedCropBox(h, w, scale, ratio, random);
        // cropAndResize boxes are normalised pixel-centre coordinates.
        return [
          top / Math.max(h - 1, 1),
          left / Math.max(w - 1, 1),
          (top + ch - 1) / Math.max(h - 1, 1),
          (left + cw - 1) / Math.max(w - 1, 1),
        ];
      });
      return image.cropAndResize(
        x,
        tensor2d(boxes, [n, 4]),
        tensor1d(
          Array.from({ length: n }, (_, i) => i),
          'int32',
        ),
        size,
        'bilinear',
      );
    }),
  );
}

/**
 * Rescales the batch by one factor drawn from U[range] (one per batch: the images of a batch share a size);
 * the random form of {@link rescaleBy}.
 */
export function randomRescale(
  images: Tensor,
  options: { range: [number, number] },
  random: RandomSource,
): Tensor {
  assertRequiredOptions('randomRescale', options, ['range']);
  assertRandomSource('randomRescale', random);
  const { range } = options;
  assertInRange('randomRescale', 'range', range[0], { min: 0, minInclusive: false });
  assertInRange('randomRescale', 'range', range[1], { min: range[0] });
  return rescaleBy(images, random.uniform(range[0], range[1]));
}

/**
 * Rescales by `factor`: the output is [round(H·factor), round(W·factor)] (at least 1), resampled bilinearly
 * (half-pixel centres, as PIL and torchvision do) or by nearest neighbour.
 */
export function rescaleBy(
  images: Tensor,
  factor: number,
  options: { method?: 'bilinear' | 'nearest' } = {},
): Tensor {
  assertKnownOptions('rescaleBy', options, ['method']);
  const { method = 'bilinear' } = options;
  assertInRange('rescaleBy', 'factor', factor, { min: 0, minInclusive: false });
  assertOneOf('rescaleBy', 'method', method, ['bilinear', 'nearest']);
  return onBatch('rescaleBy', images, (x) => {
    const size: [number, number] = [
      Math.max(1, Math.round(x.shape[1] * factor)),
      Math.max(1, Math.round(x.shape[2] * factor)),
    ];
    return method === 'bilinear'
      ? image.resizeBilinear(x, size, false, true)
      : image.resizeNearestNeighbor(x, size, false, true);
  });
}

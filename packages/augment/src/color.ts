/**
 * Colour jitter with torchvision's functional definitions on [0, 1] RGB images, so results compare with
 * that reference; each function takes one factor, or one per image:
 *
 *   adjustBrightness(x, f) = clamp(f·x)                    f ≥ 0 (0 black, 1 unchanged)
 *   adjustContrast(x, f)   = clamp(f·x + (1 − f)·mean(gray(x)))     (mean over the whole image)
 *   adjustSaturation(x, f) = clamp(f·x + (1 − f)·gray(x))
 *   adjustHue(x, h)        = x with its HSV hue shifted by h ∈ [−0.5, 0.5] (turns of the colour wheel)
 *   toGrayscale(x)         = 0.2989·R + 0.587·G + 0.114·B, repeated on 3 channels
 */
import {
  add,
  cast,
  clipByValue,
  equal,
  floor,
  logicalAnd,
  maximum,
  mean,
  minimum,
  mul,
  notEqual,
  onesLike,
  reshape,
  matMul,
  tensor2d,
  sub,
  tensor1d,
  tidy,
  tile,
  where,
  div,
  type Tensor,
  type Tensor4D,
  type Rank,
} from '@tensorflow/tfjs-core';
import { assertInRange, GradwellArgumentError } from '@gradwell/core';
import { onRgbBatch } from './images';

export type Factor = number | readonly number[];

/** A factor per image as a [n, 1, 1, 1] tensor (validated). */
function perImage(context: string, factor: Factor, n: number, range: { min: number; max?: number }): Tensor {
  if (typeof factor !== 'number' && !Array.isArray(factor))
    throw new GradwellArgumentError(context, 'factor', `one number or ${n} (one per image)`, factor);
  const values: number[] =
    typeof factor === 'number' ? new Array<number>(n).fill(factor) : [...(factor as readonly number[])];
  if (values.length !== n)
    throw new GradwellArgumentError(context, 'factor', `one number or ${n} (one per image)`, factor);
  values.forEach((v) => assertInRange(context, 'factor', v, range));
  return reshape(tensor1d(values), [n, 1, 1, 1]);
}

const clamp = (x: Tensor) => clipByValue(x, 0, 1);
const blend = (x: Tensor, other: Tensor, f: Tensor) => clamp(add(mul(f, x), mul(sub(1, f), other)));

const SELECT = [
  [[1], [0], [0]],
  [[0], [1], [0]],
  [[0], [0], [1]],
];

/**
 * The channels of an NHWC RGB batch as three [n, h, w, 1] tensors, each a [pixels, 3]·[3, 1] product
 * that XNNPACK runs fast. tfjs 4.22's wasm kernels for channel-axis SplitV (4.6 s for 64×224×224×3),
 * Slice (≈0.3–1 s per channel) and Concat are far slower.
 */
function channels(x: Tensor): [Tensor, Tensor, Tensor] {
  const pixels = reshape<Rank.R2>(x, [-1, 3]);
  const shape = [...x.shape.slice(0, -1), 1];
  return SELECT.map((selector) => reshape(matMul(pixels, tensor2d(selector)), shape)) as [
    Tensor,
    Tensor,
    Tensor,
  ];
}

/** Three [n, h, w, 1] channels back into one RGB batch, by [pixels, 1]·[1, 3] products. */
function mergeChannels(r: Tensor, g: Tensor, b: Tensor): Tensor {
  const shape = [...r.shape.slice(0, -1), 3];
  const spread = (channel: Tensor, k: number) =>
    matMul(
      reshape<Rank.R2>(channel, [-1, 1]),
      tensor2d([[k === 0 ? 1 : 0, k === 1 ? 1 : 0, k === 2 ? 1 : 0]]),
    );
  return reshape(add(add(spread(r, 0), spread(g, 1)), spread(b, 2)), shape);
}

/** Luma of RGB images, [n, h, w, 1]. */
export function grayscaleChannel(x: Tensor4D): Tensor {
  return tidy(() => {
    const [r, g, b] = channels(x);
    return add(add(mul(r, 0.2989), mul(g, 0.587)), mul(b, 0.114));
  });
}

export const toGrayscale = (images: Tensor): Tensor =>
  onRgbBatch('toGrayscale', images, (x) => tidy(() => tile(grayscaleChannel(x), [1, 1, 1, 3])));

export const adjustBrightness = (images: Tensor, factor: Factor): Tensor =>
  onRgbBatch('adjustBrightness', images, (x) =>
    tidy(() => clamp(mul(x, perImage('adjustBrightness', factor, x.shape[0], { min: 0 })))),
  );

export const adjustContrast = (images: Tensor, factor: Factor): Tensor =>
  onRgbBatch('adjustContrast', images, (x) =>
    tidy(() =>
      blend(
        x,
        mean(grayscaleChannel(x), [1, 2, 3], true),
        perImage('adjustContrast', factor, x.shape[0], { min: 0 }),
      ),
    ),
  );

export const adjustSaturation = (images: Tensor, factor: Factor): Tensor =>
  onRgbBatch('adjustSaturation', images, (x) =>
    tidy(() => blend(x, grayscaleChannel(x), perImage('adjustSaturation', factor, x.shape[0], { min: 0 }))),
  );

/**
 * RGB → HSV as torchvision's `_rgb2hsv` (h in [0, 1)): NHWC RGB in, [h, s, v] each [n, h, w, 1] out (its
 * intermediates freed).
 */
export function rgbToHsv(x: Tensor4D): [Tensor, Tensor, Tensor] {
  return tidy(() => rgbToHsvUntidy(x));
}

function rgbToHsvUntidy(x: Tensor4D): [Tensor, Tensor, Tensor] {
  const [r, g, b] = channels(x);
  const maxc = maximum(maximum(r, g), b);
  const minc = minimum(minimum(r, g), b);
  const same = equal(maxc, minc);
  const chroma = sub(maxc, minc);
  const ones = onesLike(maxc);
  const s = div(chroma, where(same, ones, maxc));
  const divisor = where(same, ones, chroma);
  const rc = div(sub(maxc, r), divisor);
  const gc = div(sub(maxc, g), divisor);
  const bc = div(sub(maxc, b), divisor);
  const isR = equal(maxc, r);
  const isG = logicalAnd(equal(maxc, g), notEqual(maxc, r));
  const isB = logicalAnd(notEqual(maxc, g), notEqual(maxc, r));
  const h = add(
    add(mul(cast(isR, 'float32'), sub(bc, gc)), mul(cast(isG, 'float32'), add(2, sub(rc, bc)))),
    mul(cast(isB, 'float32'), add(4, sub(gc, rc))),
  );
  const turns = add(div(h, 6), 1);
  return [sub(turns, floor(turns)), s, maxc];
}

/** HSV → RGB as torchvision's `_hsv2rgb` (its intermediates freed). */
export function hsvToRgb(h: Tensor, s: Tensor, v: Tensor): Tensor {
  return tidy(() => hsvToRgbUntidy(h, s, v));
}

function hsvToRgbUntidy(h: Tensor, s: Tensor, v: Tensor): Tensor {
  const scaled = mul(h, 6);
  const sector = floor(scaled);
  const f = sub(scaled, sector);
  const i = sub(sector, mul(floor(div(sector, 6)), 6)); // sector mod 6
  const p = clamp(mul(v, sub(1, s)));
  const q = clamp(mul(v, sub(1, mul(s, f))));
  const t = clamp(mul(v, sub(1, mul(s, sub(1, f)))));
  const pick = (values: [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor]) =>
    values.reduceRight<Tensor>((rest, value, k) => where(equal(i, k), value, rest), values[5]);
  return mergeChannels(pick([v, q, p, p, t, v]), pick([t, v, v, q, p, p]), pick([p, p, t, v, v, q]));
}

export const adjustHue = (images: Tensor, factor: Factor): Tensor =>
  onRgbBatch('adjustHue', images, (x) =>
    tidy(() => {
      const shift = perImage('adjustHue', factor, x.shape[0], { min: -0.5, max: 0.5 });
      const [h, s, v] = rgbToHsv(x);
      const turned = add(h, shift);
      return hsvToRgb(sub(turned, floor(turned)), s, v);
    }),
  );

/**
 * The lecture's sample normalisations, as pure functions:
 * - maxNorm:    I / V_max
 * - minMaxNorm: (I − V_min) / (V_max − V_min), per image or per channel
 * - rescale:    I / V_max · R_f
 * - standardize: per-sample zero mean, unit variance (x − μ)/max(σ, 1/√n), as tf.image.per_image_standardization
 * V_max / V_min default to each image's own maximum / minimum; pass `maxValue` (e.g. 255) for a fixed one.
 */
import {
  clone,
  div,
  max,
  maximum,
  min,
  moments,
  mul,
  sqrt,
  sub,
  tidy,
  type Tensor,
} from '@tensorflow/tfjs-core';
import { assertInRange, assertKnownOptions, assertRequiredOptions, assertOneOf } from '@gradwell/core';
import { onBatch } from './images';

const PER_IMAGE = [1, 2, 3];
const PER_CHANNEL = [1, 2];

export function maxNorm(images: Tensor, options: { maxValue?: number } = {}): Tensor {
  assertKnownOptions('maxNorm', options, ['maxValue']);
  const { maxValue } = options;
  if (maxValue !== undefined) assertInRange('maxNorm', 'maxValue', maxValue, { min: 0, minInclusive: false });
  return onBatch('maxNorm', images, (x) =>
    tidy(() => div(x, maxValue ?? maximum(max(x, PER_IMAGE, true), 1e-12))),
  );
}

export function minMaxNorm(images: Tensor, options: { per?: 'image' | 'channel' } = {}): Tensor {
  assertKnownOptions('minMaxNorm', options, ['per']);
  const { per = 'image' } = options;
  assertOneOf('minMaxNorm', 'per', per, ['image', 'channel']);
  const axes = per === 'image' ? PER_IMAGE : PER_CHANNEL;
  return onBatch('minMaxNorm', images, (x) =>
    tidy(() => {
      if (x.shape[0] === 0) return clone(x); // per channel, the range of no images is not defined
      const lo = min(x, axes, true);
      return div(sub(x, lo), maximum(sub(max(x, axes, true), lo), 1e-12));
    }),
  );
}

export function rescale(images: Tensor, options: { factor: number; maxValue?: number }): Tensor {
  assertRequiredOptions('rescale', options, ['factor', 'maxValue']);
  const { factor, maxValue } = options;
  assertInRange('rescale', 'factor', factor, { min: 0, minInclusive: false });
  return onBatch('rescale', images, (x) =>
    tidy(() => mul(maxNorm(x, maxValue === undefined ? {} : { maxValue }), factor)),
  );
}

export function standardize(images: Tensor): Tensor {
  return onBatch('standardize', images, (x) =>
    tidy(() => {
      const { mean, variance } = moments(x, PER_IMAGE, true);
      const n = x.size / x.shape[0];
      return div(sub(x, mean), maximum(sqrt(variance), 1 / Math.sqrt(n)));
    }),
  );
}

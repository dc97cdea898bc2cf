/**
 * Image conventions: NHWC float tensors; a single HWC image is accepted and returned as HWC. Values are
 * in [0, 1] unless a function says otherwise (the colour adjustments follow torchvision's functional
 * `adjust_*` on [0, 1] images and clamp to that range).
 */
import { expandDims, squeeze, tidy, type Tensor, type Tensor4D } from '@tensorflow/tfjs-core';
import { assertTensor, GradwellArgumentError } from '@gradwell/core';

/** Runs `f` on a batch; a rank-3 image goes in as a batch of one and comes back as rank 3. */
export function onBatch(context: string, images: Tensor, f: (batch: Tensor4D) => Tensor): Tensor {
  assertImages(context, images);
  if (images.rank === 4) return f(images as Tensor4D);
  return tidy(() => squeeze(f(expandDims<Tensor4D>(images, 0)), [0]));
}

/** The same, for functions that need RGB images (3 channels). */
export function onRgbBatch(context: string, images: Tensor, f: (batch: Tensor4D) => Tensor): Tensor {
  assertImages(context, images);
  if (images.shape[images.rank - 1] !== 3)
    throw new GradwellArgumentError(context, 'images', 'RGB images (3 channels)', images);
  return onBatch(context, images, f);
}

/** A float32 HWC image or NHWC batch whose images are not empty (a batch of none is fine). */
export function assertImages(context: string, images: unknown): asserts images is Tensor {
  assertTensor(context, 'images', images, { ranks: [3, 4], dtypes: ['float32'] });
  const image = images.rank === 4 ? images.shape.slice(1) : images.shape;
  if (image.some((d) => d === 0))
    throw new GradwellArgumentError(context, 'images', 'images of at least one pixel and channel', images);
}

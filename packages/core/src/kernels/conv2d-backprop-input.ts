/**
 * `Conv2DBackpropInput` for wasm. tfjs 4.22's wasm kernel is a scalar loop (~10× slower than a forward
 * conv). Where gradwell's SIMD kernels run and a filter's taps (kh·kw·ci) are a multiple of 8, this is a
 * matrix product and a scatter (col2im):
 *
 * cols[(n, oy, ox), (ky, kx, ci)] = Σ_co dy[n, oy, ox, co] · W[ky, kx, ci, co]     (dy · Wᵀ)
 * dx[n, oy·sh + ky·dh − top, ox·sw + kx·dw − left, ci] += cols[(n, oy, ox), (ky, kx, ci)]
 *
 * — exactly the multiply-adds the gradient needs, where a conv of the padded dy also multiplies the
 * padding's zeros (1.4× the work for the benchmark CNN's 3×3 conv of 13×13 images; s² times it at stride
 * s). Where there are images enough, both run for a few images at a time (`columnsToImages`), their
 * columns still in cache when they are scattered, each thread on its own images; otherwise the product
 * of all images is shared among the kernel threads, then the scatter by images. The columns are made
 * for at most MAX_COLUMN_BYTES of images at a time.
 *
 * Elsewhere it is a forward conv (gradwell's SIMD `Conv2D` where it fits, XNNPACK's elsewhere):
 * dx = conv2d(dy with s−1 zeros inserted between rows/columns, W rotated 180° with in/out channels
 * swapped), stride 1, padding (k − 1 − pad) on each side. It is also the forward of `conv2dTranspose`.
 */
import type { backend_util } from '@tensorflow/tfjs-core';
import {
  Conv2DBackpropInput,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { convInfoOf, type ConvAttrs } from './conv-info';
import {
  type KernelArgs,
  type KernelCalls,
  composeKernels,
  cropForPadding,
  insertZeros,
} from './kernel-calls';
import { chunkOf } from './simd/direct-mat-mul';
import {
  FLOAT_BYTES,
  heapOffset,
  makeFloatOutput,
  simdKernelsFor,
  simdKernelThreads,
  withInt32Scratch,
  type SimdKernels,
} from './simd/simd-kernels';

/** The columns of at most this many bytes at a time (whole images; at least one image). */
export const MAX_COLUMN_BYTES = 32 << 20;

/** Images whose columns are made at a time, or 0 where the product-and-scatter path does not fit. */
export function columnImages(info: backend_util.Conv2DInfo): number {
  const { batchSize, outHeight, outWidth, outChannels, inChannels, filterHeight, filterWidth } = info;
  const taps = filterHeight * filterWidth * inChannels;
  const imageBytes = outHeight * outWidth * taps * FLOAT_BYTES;
  if (taps % 8 !== 0 || batchSize * outHeight * outWidth * outChannels * taps === 0) return 0;
  return Math.min(batchSize, Math.floor(MAX_COLUMN_BYTES / imageBytes));
}

/**
 * A group's columns (`columnsToImages`) at most, in bytes: whole images, at least one. Against the
 * product of all 64 images of the benchmark CNN's second conv and then their scatter (8.9 MB of
 * columns), groups of 4 images (557 KB) ran the op 1.05–1.20× as fast on one thread and 1.09–1.22× on
 * two, bit for bit the same (2-vCPU VM, alternated in one process; docs/measurements/targets-2-core.md);
 * groups of one image (139 KB) gained less (1.06×: 121 output pixels leave a tile of 4 rows part
 * empty), and of 8 (1.1 MB) nothing on two threads.
 */
export const GROUP_COLUMN_BYTES = 640 << 10;

/**
 * Images per group of `columnsToImages` for `images` images of `imageBytes` bytes of columns each on
 * `threads` threads: as many as GROUP_COLUMN_BYTES holds (at least one), and, on more than one thread,
 * few enough that each thread has two groups at least; 0 where the images are too few for that (then the
 * product of all images is shared, then the scatter).
 */
export function imagesPerGroup(imageBytes: number, images: number, threads: number): number {
  const byCache = Math.max(1, Math.floor(GROUP_COLUMN_BYTES / imageBytes));
  return Math.min(byCache, images, threads > 1 ? Math.floor(images / (2 * threads)) : images);
}

/** `col2im`'s arguments after `images`: inHeight … padLeft. */
type ScatterGeometry =
  Parameters<SimdKernels['col2im']> extends [number, number, number, ...infer R] ? R : never;

function scatterGeometry(info: backend_util.Conv2DInfo): ScatterGeometry {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
  return [
    ...[inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth],
    ...[strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo.top, padInfo.left],
  ] as ScatterGeometry;
}

function byColumns(
  calls: KernelCalls,
  simd: SimdKernels,
  dy: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
  perGroup: number,
): TensorInfo {
  const { backend } = calls;
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels: k } = info;
  const taps = info.filterHeight * info.filterWidth * inChannels;
  const pixels = outHeight * outWidth;
  // bytes an image of dy, of columns and of dx
  const [dyImage, colsImage, dxImage] = [pixels * k, pixels * taps, inHeight * inWidth * inChannels].map(
    (floats) => floats * FLOAT_BYTES,
  ) as [number, number, number];
  const weights = calls.track(makeFloatOutput(backend, [k, taps], false).out);
  simd.transpose(heapOffset(backend, filter), heapOffset(backend, weights), taps, k); // Wᵀ: [co, taps]
  const threads = simdKernelThreads(backend);
  const group = imagesPerGroup(colsImage, perGroup, threads);
  // room for a group's columns on one thread; shared, each block's group starts at its first image's room
  const roomImages = group > 0 && threads <= 1 ? group : perGroup;
  const cols = calls.track(makeFloatOutput(backend, [roomImages * pixels, taps], false).out);
  const dx = calls.track(makeFloatOutput(backend, [batchSize, inHeight, inWidth, inChannels], false).out);
  const [dyAt, weightsAt, colsAt, dxAt] = [dy, weights, cols, dx].map((t) => heapOffset(backend, t)) as [
    number,
    number,
    number,
    number,
  ];
  const chunk = chunkOf(k);
  // the byte offset in dy of each output pixel of a group (or of all images), rounded up to 4 entries
  const rows = (group > 0 ? group : perGroup) * pixels;
  const offsets = Array.from({ length: Math.ceil(rows / 4) * 4 }, (_, i) =>
    i < rows ? i * k * FLOAT_BYTES : 0,
  );
  const geometry = scatterGeometry(info);
  // after the offsets, for `columnsToImages`: k's chunks, k per chunk and col2im's geometry
  const scratch = group > 0 ? [...offsets, k / chunk, chunk, ...geometry] : offsets;
  withInt32Scratch(backend, scratch, (offsetsAt) => {
    for (let first = 0; first < batchSize; first += perGroup) {
      const images = Math.min(perGroup, batchSize - first);
      const [dyFirst, dxFirst] = [dyAt + first * dyImage, dxAt + first * dxImage];
      if (group > 0) {
        // a group of images at a time, its columns scattered while in cache; whole groups per thread
        const geometryAt = offsetsAt + offsets.length * 4;
        // prettier-ignore
        simd.columnsToImages(
          dyFirst, weightsAt, colsAt, offsetsAt, dxFirst, images, group, geometryAt, taps, dyImage, colsImage, dxImage,
        );
      } else {
        // too few images for two groups a thread: the product of all (shared), then the scatter
        // prettier-ignore
        simd.productAtB(
          dyFirst, weightsAt, colsAt, offsetsAt, images * pixels, taps, k / chunk, 1, chunk, chunk * FLOAT_BYTES, 0, FLOAT_BYTES,
        );
        simd.col2im(colsAt, dxFirst, images, ...geometry);
      }
    }
  });
  return dx;
}

function byForwardConv(
  calls: KernelCalls,
  dy: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
) {
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { inHeight, inWidth } = info;
  const dilated = insertZeros(calls, dy, sh, sw); // [n, ho·sh, wo·sw, co]
  const [, dilatedHeight, dilatedWidth] = dilated.shape as [number, number, number, number];
  const flipped = calls.run('Reverse', { x: filter }, { dims: [0, 1] });
  const swapped = calls.transpose(flipped, [0, 1, 3, 2]); // [kh, kw, co, ci]
  const { top, left } = info.padInfo;
  const window = cropForPadding(
    calls,
    dilated,
    kh - 1 - top,
    inHeight + top - dilatedHeight,
    kw - 1 - left,
    inWidth + left - dilatedWidth,
  );
  return calls.run(
    'Conv2D',
    { x: window.x, filter: swapped },
    { strides: [1, 1], pad: window.pad, dataFormat: 'NHWC', dilations: [1, 1] },
  );
}

function conv2dBackpropInput({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { inputShape } = attrs as unknown as { inputShape: [number, number, number, number] };
  const info = convInfoOf('Conv2DBackpropInput', inputShape, filter.shape, attrs as unknown as ConvAttrs);
  const simd = dy.dtype === 'float32' && filter.dtype === 'float32' ? simdKernelsFor(backend) : undefined;
  const perGroup = simd === undefined ? 0 : columnImages(info);
  return composeKernels(backend, 'wasm', (calls) =>
    simd !== undefined && perGroup > 0
      ? byColumns(calls, simd, dy, filter, info, perGroup)
      : byForwardConv(calls, dy, filter, info),
  );
}

export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as KernelFunc,
};

/**
 * `Conv2DBackpropInput` for wasm. tfjs 4.22's wasm kernel is a scalar loop (~10× slower than a forward
 * conv). Where gradwell's SIMD kernels run, this is a matrix product and a scatter (col2im):
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
 * The product's columns come in tiles of 8: where the filter's taps (kh·kw·ci) are not a multiple of 8
 * (an image's few channels: 9 taps for a 3 × 3 filter of a grey image, 27 of an RGB one; LeNet-5's C3's 150),
 * Wᵀ gets zero columns up to the next multiple, and col2im skips the columns they make. The forward
 * conv that ran there before, of dy by the flipped filter, has ci outputs a pixel and ran at 1.3–9
 * GFLOP/s on XNNPACK (the figures at `byColumns`).
 *
 * Where gradwell's SIMD kernels do not run, it is a forward conv (XNNPACK's):
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
import { cachedTable, convInfoOf, type ConvAttrs } from './conv-info';
import {
  type KernelArgs,
  type KernelCalls,
  composeKernels,
  cropForPadding,
  insertZeros,
} from './kernel-calls';
import { chunkOf } from './simd/direct-mat-mul';
import { wholeTiles } from './simd/product-blocks';
import {
  copyHeapBytes,
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

/** Images whose columns are made at a time, or 0 where there is nothing to compute. */
export function columnImages(info: backend_util.Conv2DInfo): number {
  const { batchSize, outHeight, outWidth, outChannels, inChannels, filterHeight, filterWidth } = info;
  const taps = wholeTiles(filterHeight * filterWidth * inChannels);
  const imageBytes = outHeight * outWidth * taps * FLOAT_BYTES;
  if (batchSize * outHeight * outWidth * outChannels * taps === 0) return 0;
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
  Parameters<SimdKernels['col2im']> extends [number, number, number, ...infer R, number] ? R : never;

function scatterGeometry(info: backend_util.Conv2DInfo): ScatterGeometry {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
  return [
    ...[inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth],
    ...[strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo.top, padInfo.left],
  ] as ScatterGeometry;
}

/** Scratch tables by geometry: the same layer (every step of a training run) reuses its table. */
const scratchTables = new Map<string, Int32Array>();

/**
 * The int32 scratch of `byColumns`: the byte offset in dy of each of `rows` output pixels (k values
 * apart), rounded up to 4 entries; then, for `columnsToImages`, k's chunks, k per chunk and col2im's
 * `geometry`. Made once per geometry: made each call, for 14 grey 28 × 28 images (9464 offsets), it
 * took a sixth of the op's 3 ms (a CPU profile).
 */
function scratchOf(rows: number, k: number, geometry: ScatterGeometry | undefined): Int32Array {
  return cachedTable(scratchTables, [rows, k, ...(geometry ?? [])].join(','), () => {
    const offsets = Math.ceil(rows / 4) * 4;
    const table = new Int32Array(offsets + (geometry === undefined ? 0 : 2 + geometry.length));
    for (let i = 0; i < rows; i++) table[i] = i * k * FLOAT_BYTES;
    if (geometry !== undefined) {
      const chunk = chunkOf(k);
      table.set([k / chunk, chunk, ...geometry], offsets);
    }
    return table;
  });
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
  const filterTaps = info.filterHeight * info.filterWidth * inChannels;
  // The columns of a pixel: the taps in whole tiles. Where they were not, XNNPACK's conv of the padded
  // dy ran before; against it (one thread of the 2-vCPU VM, alternated in one process:
  // bench/conv-input-grad-ab.mjs): MNIST's first conv, 64 grey 28 × 28 images from 32 channels (9 taps
  // in 16 columns), 3.3–5.4 ms against 13.0–18.8; LeNet-5's C3 (150 taps in 152) 1.9–3.4 against
  // 3.6–6.2; CIFAR's first conv (27 taps in 32) 1.9–2.5× as fast; a generator's RGB head
  // (`conv2dTranspose`, 5 × 5, stride 2) 1.5–2.5 ms against 17–26.
  const taps = wholeTiles(filterTaps);
  const pixels = outHeight * outWidth;
  // bytes an image of dy, of columns and of dx
  const [dyImage, colsImage, dxImage] = [pixels * k, pixels * taps, inHeight * inWidth * inChannels].map(
    (floats) => floats * FLOAT_BYTES,
  ) as [number, number, number];
  const weights = calls.track(makeFloatOutput(backend, [k, taps], false).out);
  let w = filter; // W: [taps, co], with zero rows where the taps are padded
  if (taps !== filterTaps) {
    w = calls.track(makeFloatOutput(backend, [taps, k], true).out);
    copyHeapBytes(backend, heapOffset(backend, filter), heapOffset(backend, w), filterTaps * k * FLOAT_BYTES);
  }
  simd.transpose(heapOffset(backend, w), heapOffset(backend, weights), taps, k); // Wᵀ: [co, taps]
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
  const rows = (group > 0 ? group : perGroup) * pixels;
  const geometry = scatterGeometry(info);
  const offsets = Math.ceil(rows / 4) * 4;
  withInt32Scratch(backend, scratchOf(rows, k, group > 0 ? geometry : undefined), (offsetsAt) => {
    for (let first = 0; first < batchSize; first += perGroup) {
      const images = Math.min(perGroup, batchSize - first);
      const [dyFirst, dxFirst] = [dyAt + first * dyImage, dxAt + first * dxImage];
      if (group > 0) {
        // a group of images at a time, its columns scattered while in cache; whole groups per thread
        const geometryAt = offsetsAt + offsets * 4;
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
        simd.col2im(colsAt, dxFirst, images, ...geometry, taps * FLOAT_BYTES);
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

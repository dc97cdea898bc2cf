/**
 * `Conv2DBackpropFilter` for wasm, which tfjs 4.22 lacks (so no conv net trains on wasm without it).
 *
 * dW[i, j, ci, co] = Σ_{n,y,x} x[n, y·s + i − padTop, x·s + j − padLeft, ci] · dy[n, y, x, co]
 *
 * is itself a convolution: with the batch moved into the channel slot, xᵀ = x[ci, h, w, n] convolved
 * with dyᵀ = dy[y, x, n, co] as the filter, at stride 1 and dilation s (the forward stride), gives
 * out[ci, i, j, co]. XNNPACK runs that conv, so the filter gradient costs about one forward conv.
 *
 * Where gradwell's SIMD kernels run, the product is computed directly instead (output channels padded
 * to a multiple of 8 where they are not one: `filterGradientOnProduct`):
 * dW[(i, j, ci), co] = Σ_pixels x[pixel + tap(i, j, ci)] · dy[pixel, co], tiles of 4 taps × 8
 * output channels, one image at a time (so its x and dy stay in cache), with no transposes and no
 * packing of the (new every step) dy: 5–7× the composed conv on one thread for a first layer (9 taps),
 * 2× for the benchmark CNN's second (288 taps, 45 GFLOP/s); on a threaded backend its taps are shared
 * among gradwell's kernel workers (kernel-pool.ts; see docs/measurements).
 */
import {
  type backend_util,
  Conv2DBackpropFilter,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { convInfoOf, filterGradientWindow, type ConvAttrs } from './conv-info';
import { type KernelArgs, type KernelCalls, composeKernels } from './kernel-calls';
import {
  FLOAT_BYTES,
  heapOffset,
  makeFloatOutput,
  simdKernelsFor,
  withInt32Scratch,
  type SimdKernels,
} from './simd/simd-kernels';
import { sumGroups, wholeTiles } from './simd/product-blocks';

/**
 * Filter gradients of at most this many values (taps × output channels) are summed in groups of images.
 * Cut into blocks of taps and channels, as larger products are (product-blocks.ts), such a gradient left
 * each thread a few tiles that each swept every image of x and dy (the benchmark CNN's first layer:
 * 9 taps × 32 channels, 12 tiles; 1.06 ms on one thread, 1.29 on two): groups of images read each
 * image once, on one thread.
 */
export const MAX_GROUPED_OUTPUTS = 4096;

/**
 * The product over `images` images into dW (`out`): for a small filter gradient, each group of images
 * into its own copy of dW (shared among the kernel threads) and the copies then added in order; for
 * any other, one product whose blocks of taps and channels are shared.
 */
function sumOverImages(
  calls: KernelCalls,
  simd: SimdKernels,
  args: Parameters<SimdKernels['productAtB']>,
): void {
  const [a, b, out, offsets, taps, channels, images, ...rest] = args;
  if (taps * channels > MAX_GROUPED_OUTPUTS || images < 2) {
    simd.productAtB(...args);
    return;
  }
  const { per, groups: used } = sumGroups(images); // the same groups on every thread count
  const copies = makeFloatOutput(calls.backend, [used, taps, channels], false);
  calls.track(copies.out);
  simd.productGroups(a, b, copies.offset, offsets, taps, channels, used, per, images, ...rest);
  simd.columnSums(copies.offset, out, used, taps * channels, 1);
}

/**
 * Channels added to x's pixels (zeros, never read) so that its pixels are not a multiple of 512 bytes
 * apart: the product reads x a pixel at a time, and a pixel stride of 8 × 64-byte lines and more puts a
 * sweep's lines in 8 of L1's 64 sets or fewer, where they evict each other (x of 256 channels: 4 sets
 * for 169 lines an image of 13 × 13). One line more a pixel spreads them over all the sets. x is copied
 * for its spatial padding anyway (for 'same'; an unpadded x is copied for this alone, a small part of
 * the work). The same sums in the same order: the gradient is the same, bit for bit. One thread of the
 * 2-vCPU Xeon, 3 × 3 filters, batch 32 (bench/filter-grad-padding-ab.mjs): 256 channels on 13 × 13
 * 1.11–1.18× ('valid' 1.04–1.41×), 384 1.08–1.17×, 512 on 8 × 8 1.05–1.20×, 128 on 13 × 13 and 14 × 14
 * 1.05–1.13× (on 28 × 28 0.97–1.04×: a sweep of 784 pixels overflows L1 either way); two threads
 * 1.05–1.14× (docs/measurements/targets-2-core.md).
 */
export function pixelPadding(inChannels: number): number {
  return inChannels % 128 === 0 ? 16 : 0;
}

function directFilterGradient(
  calls: KernelCalls,
  simd: SimdKernels,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
  filterShape: [number, number, number, number],
): TensorInfo {
  const { backend } = calls;
  const [, inHeight, inWidth, inChannels] = x.shape as [number, number, number, number];
  const window = filterGradientWindow(calls, x, info, inHeight, inWidth);
  const pad: Array<[number, number]> = [...window.pad.slice(0, 3), [0, pixelPadding(inChannels)]];
  const padded = pad.flat().some((p) => p > 0) ? calls.pad(window.x, pad) : window.x;
  // stride: the floats from one pixel of the padded x to the next
  const [, height, width, stride] = padded.shape as [number, number, number, number];
  const { filterHeight: kh, filterWidth: kw, dilationHeight: dh, dilationWidth: dw } = info;
  const taps = kh * kw * inChannels;
  const offsets = new Int32Array(Math.ceil(taps / 4) * 4); // the padding entries stay 0, a valid offset
  for (let i = 0, m = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let ci = 0; ci < inChannels; ci++, m++)
        offsets[m] = ((i * dh * width + j * dw) * stride + ci) * FLOAT_BYTES;
  // No pixels (an empty batch or output): the gradient is all zeros and the kernel writes nothing.
  const pixels = info.batchSize * info.outHeight * info.outWidth;
  const { out, offset } = makeFloatOutput(backend, filterShape, pixels === 0);
  if (pixels === 0 || taps === 0) return out;
  withInt32Scratch(backend, offsets, (offsetsAt) =>
    sumOverImages(calls, simd, [
      heapOffset(backend, padded),
      heapOffset(backend, dy),
      offset,
      offsetsAt,
      taps,
      filterShape[3],
      info.batchSize,
      info.outHeight,
      info.outWidth,
      height * width * stride * FLOAT_BYTES,
      info.strideHeight * width * stride * FLOAT_BYTES,
      info.strideWidth * stride * FLOAT_BYTES,
    ]),
  );
  return out;
}

/**
 * `directFilterGradient` for any output channels: where they are not whole tiles of the product
 * (LeNet-5's first conv: 6; an RGB or one-channel output layer: 3 or 1), dy gets zero channels up to
 * them and the gradient's extra columns are dropped (`copyRows`: tfjs's wasm `Slice` of the last axis
 * goes a value at a time). Against XNNPACK's composed conv, which ran there before (one thread of the
 * 2-vCPU VM, alternated in one process: bench/few-channel-convs-ab.mjs): LeNet-5's first conv
 * 1.19–1.33× as fast, an RGB output layer 1.57–1.74×, a one-channel one 1.59–1.81×, 12 filters on RGB
 * 1.59–1.85×.
 */
function filterGradientOnProduct(
  calls: KernelCalls,
  simd: SimdKernels,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
  filterShape: [number, number, number, number],
): TensorInfo {
  const [kh, kw, ci, co] = filterShape;
  const wide = wholeTiles(co);
  if (wide === co) return directFilterGradient(calls, simd, x, dy, info, filterShape);
  const dyWide = calls.pad(dy, [
    [0, 0],
    [0, 0],
    [0, 0],
    [0, wide - co],
  ]);
  const gradient = calls.track(directFilterGradient(calls, simd, x, dyWide, info, [kh, kw, ci, wide]));
  const { out, offset } = makeFloatOutput(calls.backend, filterShape, false);
  simd.copyRows(
    heapOffset(calls.backend, gradient),
    offset,
    kh * kw * ci,
    co * FLOAT_BYTES,
    wide * FLOAT_BYTES,
  );
  return out;
}

function conv2dBackpropFilter({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { filterShape } = attrs as unknown as { filterShape: [number, number, number, number] };
  const info = convInfoOf('Conv2DBackpropFilter', x.shape, filterShape, attrs as unknown as ConvAttrs);
  const simd = x.dtype === 'float32' && dy.dtype === 'float32' ? simdKernelsFor(backend) : undefined;
  if (simd !== undefined)
    return composeKernels(backend, 'wasm', (calls) =>
      filterGradientOnProduct(calls, simd, x, dy, info, filterShape),
    );
  return composeKernels(backend, 'wasm', (calls) => {
    const { strideHeight: sh, strideWidth: sw } = info;
    const [, inHeight, inWidth] = x.shape as [number, number, number, number];
    const xT = calls.transpose(x, [3, 1, 2, 0]); // [ci, h, w, n]
    const dyT = calls.transpose(dy, [1, 2, 0, 3]); // [y, x, n, co]
    const window = filterGradientWindow(calls, xT, info, inHeight, inWidth);
    const out = calls.run(
      'Conv2D',
      { x: window.x, filter: dyT },
      { strides: [1, 1], pad: window.pad, dataFormat: 'NHWC', dilations: [sh, sw] },
    ); // [ci, kh, kw, co]
    return calls.transpose(out, [1, 2, 0, 3]);
  });
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};

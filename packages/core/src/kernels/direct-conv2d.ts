/**
 * `Conv2D` on wasm through gradwell's SIMD product where it runs (float32, NHWC, output channels a
 * multiple of 8; fewer than 4 input channels only where it has as many threads as XNNPACK), tfjs's XNNPACK
 * kernel elsewhere. A convolution is a product over the filter's taps:
 *
 * y[(n, oy, ox), co] = Σ_{i, j, ci} x[n, oy·sh + i·dh, ox·sw + j·dw, ci] · W[(i, j, ci), co]
 *
 * `productAtB` computes it in place: the output pixels are its rows (each row's offset is the pixel's
 * window corner in the padded input), the taps its k, and the filter, stored [kh, kw, ci, co], is already
 * its right operand row by row. The taps are walked as kh rows of kw × ci adjacent values in one sweep
 * (`sweepOf`), or, with a dilated width, as kh chunks of kw × ci positions. Nothing is packed (XNNPACK
 * packs every new filter, and in training every filter is new after each update) and, on a threaded
 * backend, the pixels are shared among gradwell's kernel workers. A wide layer's filter (megabytes: 3 × 3
 * × 256 × 256 is 2.4 MB) is swept in segments of at most 512 KB, each for every pixel (kernels.wat), so
 * it is read from L2 rather than from L3 for every four pixels. `Conv2DBackpropInput` runs on the same
 * product (conv2d-backprop-input.ts), as dy · Wᵀ and a scatter.
 */
import type { backend_util, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { cachedTable, convInfoOf, filterGradientWindow, type ConvAttrs } from './conv-info';
import { type KernelArgs, type KernelCalls, composeKernels } from './kernel-calls';
import {
  FLOAT_BYTES,
  heapOffset,
  makeFloatOutput,
  simdKernelsFor,
  simdKernelThreads,
  withInt32Scratch,
  xnnpackThreads,
  type SimdKernels,
} from './simd/simd-kernels';

/**
 * Input channels from which a conv takes gradwell's product even where XNNPACK has more threads (a
 * threaded backend whose kernel workers did not start): its second conv, 32 channels, 5.8 against 8.0 ms
 * on one thread each, the 64-channel backward-input conv 7.9 against 11.1.
 */
const MIN_IN_CHANNELS = 4;

/**
 * Whether a conv of `inChannels` input channels takes gradwell's product, which runs on `productThreads`
 * (its kernel pool), rather than XNNPACK on `xnnpackThreads`: from MIN_IN_CHANNELS always, and below it
 * wherever the product runs on at least as many threads. So each output is summed in the same order at
 * every thread count: XNNPACK's sums differ in their last bits, and a CNN whose first conv went to
 * XNNPACK on one thread and to the product on two trained to other bits. With one input channel the
 * product's k runs in chunks of kw, short for its tiles, and it still keeps pace with XNNPACK on one
 * thread (the benchmark CNN's first layer 2.22–2.31 ms against 2.25–2.31 on the 2-vCPU Xeon; 1.45
 * against 1.39 on the AMD EPYC VM); on more it shares them, where XNNPACK keeps one thread beside the
 * kernel workers and its first conv did not scale (2.39 ms on one thread, 2.17 on eight).
 */
export function convTakesDirect(inChannels: number, xnnpackThreads: number, productThreads: number): boolean {
  return productThreads > 0 && (inChannels >= MIN_IN_CHANNELS || productThreads >= xnnpackThreads);
}

/** Row offsets by geometry: the same conv (every step of a training run) reuses its table. */
const offsetTables = new Map<string, Int32Array>();

/** Byte offsets of each output pixel's window corner in the padded input [n, height, width, ci]. */
function pixelOffsets(
  info: backend_util.Conv2DInfo,
  height: number,
  width: number,
  inChannels: number,
): Int32Array {
  const { batchSize, outHeight, outWidth, strideHeight: sh, strideWidth: sw } = info;
  const key = [batchSize, outHeight, outWidth, height, width, inChannels, sh, sw].join(',');
  return cachedTable(offsetTables, key, () => {
    const pixels = batchSize * outHeight * outWidth;
    const table = new Int32Array(Math.ceil(pixels / 4) * 4); // the padding entries stay 0, a valid offset
    for (let n = 0, m = 0; n < batchSize; n++)
      for (let oy = 0; oy < outHeight; oy++)
        for (let ox = 0; ox < outWidth; ox++, m++)
          table[m] = ((n * height + oy * sh) * width + ox * sw) * inChannels * FLOAT_BYTES;
    return table;
  });
}

export function directConv2D(
  calls: KernelCalls,
  simd: SimdKernels,
  x: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { backend } = calls;
  const [, inHeight, inWidth, inChannels] = x.shape as [number, number, number, number];
  const { filterHeight: kh, filterWidth: kw, dilationHeight: dh, dilationWidth: dw } = info;
  const pixels = info.batchSize * info.outHeight * info.outWidth;
  const taps = kh * kw * inChannels;
  // No taps: the output is all zeros and the kernel writes nothing.
  const { out, offset } = makeFloatOutput(backend, info.outShape, taps === 0);
  calls.track(out); // freed if anything below throws
  if (pixels === 0 || taps === 0) return out;
  const window = filterGradientWindow(calls, x, info, inHeight, inWidth);
  const padded = window.pad.flat().some((p) => p > 0) ? calls.pad(window.x, window.pad) : window.x;
  const [, height, width] = padded.shape as [number, number, number, number];
  withInt32Scratch(backend, pixelOffsets(info, height, width, inChannels), (offsetsAt) =>
    simd.productAtB(
      heapOffset(backend, padded),
      heapOffset(backend, filter),
      offset,
      offsetsAt,
      pixels,
      info.outChannels,
      ...sweepOf(kh, kw, dh, dw, width * inChannels * FLOAT_BYTES, inChannels),
    ),
  );
  return out;
}

/**
 * How `productAtB` walks a filter's taps (its chunks, rows and columns per chunk, and the byte steps
 * between chunks, rows and columns) for a pixel's window in a padded input of `rowBytes` a row. Without a
 * dilated width, a filter row's kw × ci taps are adjacent in the input: the whole filter is one chunk of
 * kh rows of kw·ci columns, every output summed in one sweep. With a dilated width, kh chunks of kw rows
 * of ci columns: the kernel stores each output's partial sum after a chunk and reads it back for the next
 * (the same sums in the same order, either way: bit for bit the same outputs). On one thread of the 2-vCPU
 * Xeon, alternated in one process (`conv2d` of random inputs), one sweep against chunks: the benchmark
 * CNN's first conv ([64, 28, 28, 1] · [3, 3, 1, 32], three taps a chunk) 3.06–3.92 against 4.68–5.92 ms
 * (1.51–1.57×; 1.33–1.40× on two threads), its second ([64, 13, 13, 32] · [3, 3, 32, 64]) 1.02–1.05×.
 */
export function sweepOf(
  kh: number,
  kw: number,
  dh: number,
  dw: number,
  rowBytes: number,
  inChannels: number,
): [chunks: number, rows: number, columns: number, chunkBytes: number, rowStep: number, colStep: number] {
  if (dw === 1) return [1, kh, kw * inChannels, 0, dh * rowBytes, FLOAT_BYTES];
  return [kh, kw, inChannels, dh * rowBytes, dw * inChannels * FLOAT_BYTES, FLOAT_BYTES];
}

/** `Conv2D` that takes gradwell's SIMD product where it fits and `original` (XNNPACK) elsewhere. */
export function createConv2DConfig(original: KernelConfig): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { inputs, attrs, backend } = args;
    const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
    const simd =
      x.dtype === 'float32' &&
      filter.dtype === 'float32' &&
      x.shape.length === 4 &&
      filter.shape.length === 4 &&
      (filter.shape[3] as number) % 8 === 0 &&
      convTakesDirect(filter.shape[2] as number, xnnpackThreads(backend), simdKernelThreads(backend)) &&
      (attrs as unknown as ConvAttrs).dataFormat !== 'NCHW'
        ? simdKernelsFor(backend)
        : undefined;
    if (simd === undefined) return original.kernelFunc(args) as TensorInfo;
    const info = convInfoOf('Conv2D', x.shape, filter.shape, attrs as unknown as ConvAttrs);
    return composeKernels(backend, 'wasm', (calls) => directConv2D(calls, simd, x, filter, info));
  };
  return { ...original, kernelFunc: kernelFunc as unknown as KernelFunc };
}

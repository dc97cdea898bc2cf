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
 * s). Both passes are shared among the kernel threads, the scatter by images. The columns are made a
 * group of images at a time, at most MAX_COLUMN_BYTES.
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
  const { filterHeight: kh, filterWidth: kw, padInfo } = info;
  const taps = kh * kw * inChannels;
  const imageRows = outHeight * outWidth;
  const weights = calls.track(makeFloatOutput(backend, [k, taps], false).out);
  simd.transpose(heapOffset(backend, filter), heapOffset(backend, weights), taps, k); // Wᵀ: [co, taps]
  const cols = calls.track(makeFloatOutput(backend, [perGroup * imageRows, taps], false).out);
  const dx = calls.track(makeFloatOutput(backend, [batchSize, inHeight, inWidth, inChannels], false).out);
  const [dyAt, weightsAt, colsAt, dxAt] = [dy, weights, cols, dx].map((t) => heapOffset(backend, t)) as [
    number,
    number,
    number,
    number,
  ];
  const offsets = new Int32Array(Math.ceil((perGroup * imageRows) / 4) * 4);
  for (let i = 0; i < perGroup * imageRows; i++) offsets[i] = i * k * FLOAT_BYTES;
  const chunk = chunkOf(k);
  withInt32Scratch(backend, offsets, (offsetsAt) => {
    for (let first = 0; first < batchSize; first += perGroup) {
      const images = Math.min(perGroup, batchSize - first);
      const rows = images * imageRows;
      simd.productAtB(
        dyAt + first * imageRows * k * FLOAT_BYTES,
        weightsAt,
        colsAt,
        offsetsAt,
        rows,
        taps,
        k / chunk,
        1,
        chunk,
        chunk * FLOAT_BYTES,
        0,
        FLOAT_BYTES,
      );
      simd.col2im(
        colsAt,
        dxAt + first * inHeight * inWidth * inChannels * FLOAT_BYTES,
        images,
        inHeight,
        inWidth,
        inChannels,
        outHeight,
        outWidth,
        kh,
        kw,
        info.strideHeight,
        info.strideWidth,
        info.dilationHeight,
        info.dilationWidth,
        padInfo.top,
        padInfo.left,
      );
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

/**
 * `Conv2DBackpropInput` for wasm. tfjs 4.22's wasm kernel is a scalar loop (~10× slower than a forward
 * conv); this one is a forward conv (gradwell's SIMD `Conv2D` where it fits, XNNPACK's elsewhere):
 *
 * dx = conv2d(dy with s−1 zeros inserted between rows/columns, W rotated 180° with in/out channels
 * swapped), stride 1, padding (k − 1 − pad) on each side.
 *
 * It is also the forward of `conv2dTranspose`.
 */
import {
  Conv2DBackpropInput,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { convInfoOf, type ConvAttrs } from './conv-info';
import { type KernelArgs, composeKernels, cropForPadding, insertZeros } from './kernel-calls';

function conv2dBackpropInput({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { inputShape } = attrs as unknown as { inputShape: [number, number, number, number] };
  const info = convInfoOf('Conv2DBackpropInput', inputShape, filter.shape, attrs as unknown as ConvAttrs);
  return composeKernels(backend, 'wasm', (calls) => {
    const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
    const [, inHeight, inWidth] = inputShape;
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
  });
}

export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as KernelFunc,
};

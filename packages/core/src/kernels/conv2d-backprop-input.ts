/**
 * `Conv2DBackpropInput` for wasm. tfjs 4.22's wasm kernel is a scalar loop (~10× slower than a forward
 * conv); this one is a forward conv that XNNPACK runs:
 *
 * dx = conv2d(dy with s−1 zeros inserted between rows/columns, W rotated 180° with in/out channels
 * swapped), stride 1, padding (k − 1 − pad) on each side.
 *
 * It is also the forward of `conv2dTranspose`.
 */
import {
  backend_util,
  Conv2DBackpropInput,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { type KernelArgs, composeKernels, cropForPadding, insertZeros } from './kernel-calls';

interface Conv2DBackpropInputAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

function conv2dBackpropInput({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
    attrs as unknown as Conv2DBackpropInputAttrs;
  if (dataFormat === 'NCHW') {
    throw new Error(
      "gradwell: Conv2DBackpropInput on wasm supports dataFormat 'NHWC' only (as wasm's Conv2D does).",
    );
  }
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
  );
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

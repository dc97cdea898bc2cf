/**
 * `Conv2DBackpropFilter` for wasm, which tfjs 4.22 lacks (so no conv net trains on wasm without it).
 *
 * dW[i, j, ci, co] = Σ_{n,y,x} x[n, y·s + i − padTop, x·s + j − padLeft, ci] · dy[n, y, x, co]
 *
 * is itself a convolution: with the batch moved into the channel slot, xᵀ = x[ci, h, w, n] convolved
 * with dyᵀ = dy[y, x, n, co] as the filter, at stride 1 and dilation s (the forward stride), gives
 * out[ci, i, j, co]. XNNPACK runs that conv, so the filter gradient costs about one forward conv.
 */
import {
  Conv2DBackpropFilter,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { convInfoOf, filterGradientWindow, type ConvAttrs } from './conv-info';
import { type KernelArgs, composeKernels } from './kernel-calls';

function conv2dBackpropFilter({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { filterShape } = attrs as unknown as { filterShape: [number, number, number, number] };
  const info = convInfoOf('Conv2DBackpropFilter', x.shape, filterShape, attrs as unknown as ConvAttrs);
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

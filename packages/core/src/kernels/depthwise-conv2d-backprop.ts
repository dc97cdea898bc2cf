/**
 * `DepthwiseConv2dNativeBackpropInput` and `...BackpropFilter` for wasm (tfjs 4.22 has neither), both
 * built on wasm's depthwise forward conv. Filter [kh, kw, c, m], dy [n, ho, wo, c·m].
 *
 * Input: dx[n, h, w, c] = Σ_m depthwise(dy with stride zeros inserted, W rotated 180°)[n, h, w, c·m + m],
 * at stride 1 and the forward dilation.
 *
 * Filter: treating every (channel, example) pair as one depthwise channel of a single image,
 * x[h, w, c·n] convolved with dy[y, x, c·n, m] as the filter, at stride = forward dilation and
 * dilation = forward stride, gives out[i, j, (c·n)·m]; summing over n gives dW[i, j, c, m].
 */
import {
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { convInfoOf, filterGradientWindow, type ConvAttrs } from './conv-info';
import { type KernelArgs, composeKernels, cropForPadding, insertZeros } from './kernel-calls';

interface DepthwiseBackpropAttrs extends ConvAttrs {
  inputShape?: [number, number, number, number];
  filterShape?: [number, number, number, number];
}

function depthwiseBackpropInput({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const typed = attrs as unknown as DepthwiseBackpropAttrs;
  const inputShape = typed.inputShape as [number, number, number, number];
  const info = convInfoOf('DepthwiseConv2dNativeBackpropInput', inputShape, filter.shape, typed, true);
  return composeKernels(backend, 'wasm', (calls) => {
    const [kh, kw, channels, multiplier] = filter.shape as [number, number, number, number];
    const [n, inHeight, inWidth] = inputShape;
    const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
    const dilated = insertZeros(calls, dy, sh, sw);
    const [, dilatedHeight, dilatedWidth] = dilated.shape as [number, number, number, number];
    const flipped = calls.run('Reverse', { x: filter }, { dims: [0, 1] });
    const perChannel = calls.reshape(flipped, [kh, kw, channels * multiplier, 1]);
    const { top, left } = info.padInfo;
    const window = cropForPadding(
      calls,
      dilated,
      (kh - 1) * dh - top,
      inHeight + top - dilatedHeight,
      (kw - 1) * dw - left,
      inWidth + left - dilatedWidth,
    );
    const out = calls.run(
      'DepthwiseConv2dNative',
      { x: window.x, filter: perChannel },
      { strides: [1, 1], pad: window.pad, dilations: [dh, dw] },
    ); // [n, h, w, c·m]
    if (multiplier === 1) return out;
    return calls.sum(calls.reshape(out, [n, inHeight, inWidth, channels, multiplier]), [4]);
  });
}

function depthwiseBackpropFilter({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const typed = attrs as unknown as DepthwiseBackpropAttrs;
  const filterShape = typed.filterShape as [number, number, number, number];
  const info = convInfoOf('DepthwiseConv2dNativeBackpropFilter', x.shape, filterShape, typed, true);
  return composeKernels(backend, 'wasm', (calls) => {
    const [kh, kw, channels, multiplier] = filterShape;
    const [n, inHeight, inWidth] = x.shape as [number, number, number, number];
    const {
      strideHeight: sh,
      strideWidth: sw,
      dilationHeight: dh,
      dilationWidth: dw,
      outHeight,
      outWidth,
    } = info;
    const image = calls.reshape(calls.transpose(x, [1, 2, 3, 0]), [1, inHeight, inWidth, channels * n]);
    const dy5 = calls.reshape(dy, [n, outHeight, outWidth, channels, multiplier]);
    const dyFilter = calls.reshape(calls.transpose(dy5, [1, 2, 3, 0, 4]), [
      outHeight,
      outWidth,
      channels * n,
      multiplier,
    ]);
    const window = filterGradientWindow(calls, image, info, inHeight, inWidth);
    const out = calls.run(
      'DepthwiseConv2dNative',
      { x: window.x, filter: dyFilter },
      { strides: [dh, dw], pad: window.pad, dilations: [sh, sw] },
    ); // [1, kh, kw, c·n·m]
    return calls.sum(calls.reshape(out, [kh, kw, channels, n, multiplier]), [3]);
  });
}

export const depthwiseConv2dBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInput as unknown as KernelFunc,
};

export const depthwiseConv2dBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilter as unknown as KernelFunc,
};

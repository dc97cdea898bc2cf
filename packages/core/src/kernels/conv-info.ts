/**
 * What the convolution kernels share: reading a conv kernel's attributes into tfjs's `Conv2DInfo`
 * (NHWC only, as wasm's forward convs), cutting the input window that a filter gradient correlates with
 * dy, and keeping the offset tables a conv's geometry gives.
 */
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { cropForPadding, type KernelCalls } from './kernel-calls';

type Shape4 = [number, number, number, number];

/** The attributes every conv-gradient kernel gets (dilations only for depthwise; dataFormat only for Conv2D). */
export interface ConvAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: [number, number] | number;
  dataFormat?: 'NHWC' | 'NCHW';
}

/** `Conv2DInfo` of a forward conv with input `xShape` and `filterShape`; NCHW is refused, naming the kernel. */
export function convInfoOf(
  kernelName: string,
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: ConvAttrs,
  depthwise = false,
): backend_util.Conv2DInfo {
  if (attrs.dataFormat === 'NCHW')
    throw new Error(`gradwell: ${kernelName} on wasm supports dataFormat 'NHWC' only (as wasm's convs do).`);
  return backend_util.computeConv2DInfo(
    xShape as Shape4,
    filterShape as Shape4,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
  );
}

/**
 * The window of an NHWC `image` (of spatial size inHeight × inWidth) that the forward conv of `info` read:
 * padded by the conv's top/left padding and cut (or zero-padded) to exactly the extent a filter-gradient
 * correlation at stride = dilation and dilation = stride needs.
 */
export function filterGradientWindow(
  calls: KernelCalls,
  image: TensorInfo,
  info: backend_util.Conv2DInfo,
  inHeight: number,
  inWidth: number,
) {
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw, outHeight, outWidth } = info;
  const neededHeight = (kh - 1) * dh + (outHeight - 1) * sh + 1;
  const neededWidth = (kw - 1) * dw + (outWidth - 1) * sw + 1;
  const { top, left } = info.padInfo;
  return cropForPadding(calls, image, top, neededHeight - inHeight - top, left, neededWidth - inWidth - left);
}

/** Tables kept by `cachedTable`, per cache, at most (past it the cache starts again). */
const MAX_TABLES = 64;

/**
 * The int32 table for `key` in `tables` (a conv's offsets by its geometry: every step of a training run
 * uses the same), made by `make` the first time.
 */
export function cachedTable(
  tables: Map<string, Int32Array>,
  key: string,
  make: () => Int32Array,
): Int32Array {
  let table = tables.get(key);
  if (table === undefined) {
    table = make();
    if (tables.size >= MAX_TABLES) tables.clear();
    tables.set(key, table);
  }
  return table;
}

/** Decodes the attributes of tfjs's 2-D pooling-gradient kernels (MaxPoolGrad, AvgPoolGrad). */
import { backend_util, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { PoolSizes, PoolSteps } from './simd/kernel-exports';

interface Pool2dAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function poolInfo(input: TensorInfo, attrs: NamedAttrMap): backend_util.Conv2DInfo {
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as Pool2dAttrs;
  return backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
}

/** A pooling's sizes and steps as gradwell's SIMD pooling kernels take them (simd/kernel-exports.ts). */
export function poolSizes(info: backend_util.Conv2DInfo): PoolSizes {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  return [batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth];
}

export function poolSteps(info: backend_util.Conv2DInfo): PoolSteps {
  return [info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left];
}

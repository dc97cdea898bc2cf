/**
 * `MaxPoolGrad` for wasm. tfjs 4.22's wasm kernel starts its running max at FLT_MIN (+1.18e-38), not −∞,
 * so a window whose values are all ≤ 0 (common right after a ReLU) passes no gradient at all. This
 * kernel routes each dy to the first maximum of its window in row-major scan order, as the cpu backend
 * and TensorFlow do.
 */
import { backend_util, MaxPoolGrad, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { makeOutput, readValues } from './backend-values';
import type { KernelArgs } from './kernel-calls';

interface MaxPoolGradAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function maxPoolGrad({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const x = readValues(backend, input);
  const dyValues = readValues(backend, dy);
  const best = new Float64Array(channels);
  const bestAt = new Int32Array(channels);
  return makeOutput(backend, input.shape, 'float32', (dx) => {
    let dyIndex = 0;
    for (let b = 0; b < batchSize; b++) {
      const imageOffset = b * inHeight * inWidth * channels;
      for (let yR = 0; yR < outHeight; yR++) {
        const rowStart = yR * strideHeight - top;
        const rowFrom = Math.max(0, rowStart);
        const rowTo = Math.min(inHeight, rowStart + filterHeight);
        for (let yC = 0; yC < outWidth; yC++) {
          const colStart = yC * strideWidth - left;
          const colFrom = Math.max(0, colStart);
          const colTo = Math.min(inWidth, colStart + filterWidth);
          best.fill(Number.NEGATIVE_INFINITY);
          bestAt.fill(-1);
          for (let r = rowFrom; r < rowTo; r++) {
            for (let c = colFrom; c < colTo; c++) {
              const pixel = imageOffset + (r * inWidth + c) * channels;
              for (let d = 0; d < channels; d++) {
                const value = x[pixel + d] as number;
                if (value > (best[d] as number)) {
                  best[d] = value;
                  bestAt[d] = pixel + d;
                }
              }
            }
          }
          for (let d = 0; d < channels; d++, dyIndex++) {
            const at = bestAt[d] as number;
            if (at >= 0) dx[at] = (dx[at] as number) + (dyValues[dyIndex] as number);
          }
        }
      }
    }
  });
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};

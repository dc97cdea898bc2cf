/**
 * `AvgPoolGrad` for wasm and cpu. The forward average divides each window's sum by the number of
 * in-bounds elements (padding excluded), but tfjs 4.22's gradient kernels divide by the full window
 * size on both backends, so every border gradient of a 'same'-padded average pool is wrong. Here each
 * dy is spread evenly over the in-bounds elements of its window.
 */
import { AvgPoolGrad, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { makeOutput } from './backend-values';
import type { KernelArgs } from './kernel-calls';
import { poolInfo } from './pool-info';

function avgPoolGrad({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const info = poolInfo(input, attrs);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  return makeOutput(backend, input.shape, 'float32', [dy], (dx, dyValues = dx) => {
    let dyIndex = 0;
    for (let b = 0; b < batchSize; b++) {
      const imageOffset = b * inHeight * inWidth * channels;
      for (let yR = 0; yR < outHeight; yR++) {
        const rowFrom = Math.max(0, yR * strideHeight - top);
        const rowTo = Math.min(inHeight, yR * strideHeight - top + filterHeight);
        for (let yC = 0; yC < outWidth; yC++, dyIndex += channels) {
          const colFrom = Math.max(0, yC * strideWidth - left);
          const colTo = Math.min(inWidth, yC * strideWidth - left + filterWidth);
          const share = 1 / ((rowTo - rowFrom) * (colTo - colFrom));
          for (let r = rowFrom; r < rowTo; r++) {
            for (let c = colFrom; c < colTo; c++) {
              const pixel = imageOffset + (r * inWidth + c) * channels;
              for (let d = 0; d < channels; d++)
                dx[pixel + d] = (dx[pixel + d] as number) + (dyValues[dyIndex + d] as number) * share;
            }
          }
        }
      }
    }
  });
}

export const avgPoolGradConfigs: KernelConfig[] = ['wasm', 'cpu'].map((backendName) => ({
  kernelName: AvgPoolGrad,
  backendName,
  kernelFunc: avgPoolGrad as unknown as KernelFunc,
}));

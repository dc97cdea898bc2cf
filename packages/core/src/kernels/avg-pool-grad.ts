/**
 * `AvgPoolGrad` for wasm and cpu. The forward average divides each window's sum by the number of
 * in-bounds elements (padding excluded), but tfjs 4.22's gradient kernels divide by the full window
 * size on both backends, so every border gradient of a 'same'-padded average pool is wrong. Here each
 * dy is spread evenly over the in-bounds elements of its window: dy times the window's share, 1 / its
 * in-bounds elements, in float32 arithmetic (share, product and sums each rounded to float32), so that
 * gradwell's SIMD kernel on wasm (`avgPoolGradWindows`, shared among the kernel threads by image) and the
 * JavaScript loop (the cpu backend, a runtime without SIMD, `setSimdKernels(false)`) agree bit for bit.
 */
import { AvgPoolGrad, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { backend_util } from '@tensorflow/tfjs-core';
import { makeOutput } from './backend-values';
import type { KernelArgs } from './kernel-calls';
import { poolInfo, poolSizes, poolSteps } from './pool-info';
import { heapOffset, makeFloatOutput, simdKernelsFor } from './simd/simd-kernels';

type Values = ArrayLike<number> & { [index: number]: number };

function spread(info: backend_util.Conv2DInfo, dy: Values, dx: Values): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const { fround } = Math;
  let dyIndex = 0;
  for (let b = 0; b < batchSize; b++) {
    const imageOffset = b * inHeight * inWidth * channels;
    for (let yR = 0; yR < outHeight; yR++) {
      const rowFrom = Math.max(0, yR * strideHeight - top);
      const rowTo = Math.min(inHeight, yR * strideHeight - top + filterHeight);
      for (let yC = 0; yC < outWidth; yC++, dyIndex += channels) {
        const colFrom = Math.max(0, yC * strideWidth - left);
        const colTo = Math.min(inWidth, yC * strideWidth - left + filterWidth);
        const share = fround(1 / ((rowTo - rowFrom) * (colTo - colFrom)));
        for (let r = rowFrom; r < rowTo; r++) {
          for (let c = colFrom; c < colTo; c++) {
            const pixel = imageOffset + (r * inWidth + c) * channels;
            for (let d = 0; d < channels; d++)
              dx[pixel + d] = fround((dx[pixel + d] as number) + fround((dy[dyIndex + d] as number) * share));
          }
        }
      }
    }
  }
}

function avgPoolGrad({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const info = poolInfo(input, attrs);
  const simd = dy.dtype === 'float32' ? simdKernelsFor(backend) : undefined;
  if (simd !== undefined) {
    const { out, offset } = makeFloatOutput(
      backend,
      input.shape,
      info.outShape.some((d) => d <= 0),
    );
    if (info.outShape.every((d) => d > 0))
      simd.avgPoolGradWindows(heapOffset(backend, dy), offset, ...poolSizes(info), ...poolSteps(info));
    return out;
  }
  return makeOutput(backend, input.shape, 'float32', [dy], (dx, dyValues = dx) => spread(info, dyValues, dx));
}

export const avgPoolGradConfigs: KernelConfig[] = ['wasm', 'cpu'].map((backendName) => ({
  kernelName: AvgPoolGrad,
  backendName,
  kernelFunc: avgPoolGrad as unknown as KernelFunc,
}));

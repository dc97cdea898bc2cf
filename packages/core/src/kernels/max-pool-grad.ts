/**
 * `MaxPoolGrad` for wasm. tfjs 4.22's wasm kernel starts its running max at FLT_MIN (+1.18e-38), not −∞,
 * so a window whose values are all ≤ 0 (common right after a ReLU) sends its gradient to the window's
 * first element instead of its maximum. This kernel routes each dy to the first maximum of its window
 * in row-major scan order, as the cpu backend and TensorFlow do, the maximum taken as the cpu backend
 * and gradwell's `MaxPool` (max-pool.ts) take it: from −∞, by strictly greater values, so a NaN is never
 * taken and a window with no value above −∞ passes no gradient on. On wasm with SIMD, gradwell's kernels
 * route it (shared among the kernel threads by image): `maxPoolGradDisjoint` for disjoint unpadded windows
 * (the usual 2×2, stride 2) whose channels are a multiple of 4, `maxPoolGradWindows` for any others
 * (overlapping, padded, any channel count), which a JavaScript loop routed before: AlexNet's pool of
 * [64, 27, 27, 96] (3 × 3, stride 2) took it 55 ms, the kernel 6 on one thread (targets-2-core.md,
 * fifteenth session). The JavaScript loops remain for a runtime without SIMD and `setSimdKernels(false)`.
 */
import type { backend_util } from '@tensorflow/tfjs-core';
import { MaxPoolGrad, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { makeOutput } from './backend-values';
import { heapOffset, makeFloatOutput, simdKernelsFor } from './simd/simd-kernels';
import type { KernelArgs } from './kernel-calls';
import { poolIsDisjoint, windowsDisjoint } from './max-pool';
import { poolInfo, poolSizes, poolSteps } from './pool-info';

type Values = ArrayLike<number> & { [index: number]: number };

/** Each output's window is disjoint from the others and lies inside the image. */
function routeDisjoint(info: backend_util.Conv2DInfo, x: Values, dy: Values, dx: Values): void {
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels: channels,
    outHeight,
    outWidth,
    filterHeight,
    filterWidth,
  } = info;
  const rowStride = inWidth * channels;
  let dyIndex = 0;
  for (let b = 0; b < batchSize; b++) {
    const image = b * inHeight * rowStride;
    for (let yR = 0; yR < outHeight; yR++) {
      for (let yC = 0; yC < outWidth; yC++) {
        const corner = image + yR * filterHeight * rowStride + yC * filterWidth * channels;
        for (let d = 0; d < channels; d++, dyIndex++) {
          let bestAt = -1;
          let best = Number.NEGATIVE_INFINITY;
          for (let r = 0; r < filterHeight; r++) {
            for (let c = 0; c < filterWidth; c++) {
              const at = corner + r * rowStride + c * channels + d;
              const value = x[at] as number;
              if (value > best) {
                best = value;
                bestAt = at;
              }
            }
          }
          if (bestAt >= 0) dx[bestAt] = (dx[bestAt] as number) + (dy[dyIndex] as number);
        }
      }
    }
  }
}

/** Any windows: strided, overlapping, padded. */
function routeGeneral(info: backend_util.Conv2DInfo, x: Values, dy: Values, dx: Values): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const best = new Float64Array(channels);
  const bestAt = new Int32Array(channels);
  let dyIndex = 0;
  for (let b = 0; b < batchSize; b++) {
    const imageOffset = b * inHeight * inWidth * channels;
    for (let yR = 0; yR < outHeight; yR++) {
      const rowFrom = Math.max(0, yR * strideHeight - top);
      const rowTo = Math.min(inHeight, yR * strideHeight - top + filterHeight);
      for (let yC = 0; yC < outWidth; yC++) {
        const colFrom = Math.max(0, yC * strideWidth - left);
        const colTo = Math.min(inWidth, yC * strideWidth - left + filterWidth);
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
          if (at >= 0) dx[at] = (dx[at] as number) + (dy[dyIndex] as number);
        }
      }
    }
  }
}

function maxPoolGrad({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const info = poolInfo(input, attrs);
  const disjoint = poolIsDisjoint(info);
  const simd = simdKernelsFor(backend);
  if (simd !== undefined && input.dtype === 'float32' && dy.dtype === 'float32') {
    // zeroed first where the kernel writes only the windows' positions and some lie outside every one
    // (`maxPoolGradWindows` zeroes each image's dx itself, while in cache and shared among the threads)
    const zeroed =
      disjoint &&
      (info.outHeight * info.filterHeight !== info.inHeight ||
        info.outWidth * info.filterWidth !== info.inWidth);
    const { out, offset } = makeFloatOutput(backend, input.shape, zeroed);
    if (!info.outShape.every((d) => d > 0)) return out;
    const [xAt, dyAt] = [heapOffset(backend, input), heapOffset(backend, dy)];
    if (disjoint) simd.maxPoolGradDisjoint(xAt, dyAt, offset, ...poolSizes(info));
    else simd.maxPoolGradWindows(xAt, dyAt, offset, ...poolSizes(info), ...poolSteps(info));
    return out;
  }
  return makeOutput(backend, input.shape, 'float32', [input, dy], (dx, x = dx, dyValues = dx) => {
    (windowsDisjoint(info) ? routeDisjoint : routeGeneral)(info, x, dyValues, dx);
  });
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};

/**
 * `MaxPool` on wasm through gradwell's SIMD kernel for the usual windows (disjoint and unpadded: stride =
 * window, `valid` padding or none needed; float32, channels a multiple of 4), tfjs's XNNPACK kernel for
 * every other. XNNPACK runs on one thread beside gradwell's kernel workers, so its pooling did not scale:
 * the benchmark CNN's two pools took 0.94 ms a step on one thread and 1.06 on two (step-profile-2-core.md,
 * twelfth session). gradwell's kernel shares the images among the pool's threads and where it has fewer
 * threads than XNNPACK (a threaded backend whose kernel workers did not start) XNNPACK keeps the op.
 *
 * A maximum is exact, so the values are XNNPACK's, except for NaN: this takes the maximum as tfjs's cpu
 * backend does (from −∞, by strictly greater values: a NaN is never taken, and a window of NaNs gives
 * −∞), which is also where `MaxPoolGrad` (max-pool-grad.ts) routes each gradient.
 */
import type { backend_util, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs } from './kernel-calls';
import { poolInfo } from './pool-info';
import {
  heapOffset,
  makeFloatOutput,
  simdKernelsFor,
  simdKernelThreads,
  xnnpackThreads,
} from './simd/simd-kernels';

export const MAX_POOL_KERNEL = 'MaxPool';

/** Whether gradwell's kernel takes a pooling: disjoint unpadded windows, channels a multiple of 4. */
export function poolTakesSimd(info: backend_util.Conv2DInfo): boolean {
  const { top, left, bottom, right } = info.padInfo;
  return (
    info.strideHeight === info.filterHeight &&
    info.strideWidth === info.filterWidth &&
    top + left + bottom + right === 0 &&
    info.inChannels % 4 === 0
  );
}

export function createMaxPoolConfig(original: KernelConfig): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs as { x: TensorInfo };
    const simd =
      x.dtype === 'float32' && x.shape.length === 4 && simdKernelThreads(backend) >= xnnpackThreads(backend)
        ? simdKernelsFor(backend)
        : undefined;
    const info = simd === undefined ? undefined : poolInfo(x, attrs);
    if (simd === undefined || info === undefined || !poolTakesSimd(info))
      return original.kernelFunc(args) as TensorInfo;
    const { out, offset } = makeFloatOutput(backend, [...info.outShape], false);
    if (info.outShape.every((d) => d > 0))
      simd.maxPoolDisjoint(
        heapOffset(backend, x),
        offset,
        info.batchSize,
        info.inHeight,
        info.inWidth,
        info.inChannels,
        info.outHeight,
        info.outWidth,
        info.filterHeight,
        info.filterWidth,
      );
    return out;
  };
  return { ...original, kernelFunc: kernelFunc as unknown as KernelFunc };
}

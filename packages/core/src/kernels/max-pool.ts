/**
 * `MaxPool` on wasm through gradwell's SIMD kernels: `maxPoolDisjoint` for the usual windows (disjoint and
 * unpadded: stride = window, `valid` padding or none needed; channels a multiple of 4), `maxPoolWindows`
 * for every other (overlapping as AlexNet's 3 × 3 windows of stride 2, padded as a ResNet stem's, any
 * channel count). XNNPACK, which tfjs runs them on, runs on one thread beside gradwell's kernel workers, so
 * its pooling did not scale: the benchmark CNN's two pools took 0.94 ms a step on one thread and 1.06 on
 * two (step-profile-2-core.md, twelfth session). gradwell's kernels share the images among the pool's
 * threads; where it has fewer threads than XNNPACK (a threaded backend whose kernel workers did not start)
 * XNNPACK keeps the op, as it keeps any input but float32 of rank 4.
 *
 * A maximum is exact, so the values are XNNPACK's, except for NaN: this takes the maximum as tfjs's cpu
 * backend does (from −∞, by strictly greater values: a NaN is never taken, and a window of NaNs gives
 * −∞), which is also where `MaxPoolGrad` (max-pool-grad.ts) routes each gradient.
 */
import type { backend_util, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs } from './kernel-calls';
import { poolInfo, poolSizes, poolSteps } from './pool-info';
import {
  heapOffset,
  makeFloatOutput,
  simdKernelsFor,
  simdKernelThreads,
  xnnpackThreads,
} from './simd/simd-kernels';

export const MAX_POOL_KERNEL = 'MaxPool';

/** Whether a pooling's windows are disjoint and unpadded (stride = window, nothing padded). */
export function windowsDisjoint(info: backend_util.Conv2DInfo): boolean {
  const { top, left, bottom, right } = info.padInfo;
  return (
    info.strideHeight === info.filterHeight &&
    info.strideWidth === info.filterWidth &&
    top + left + bottom + right === 0
  );
}

/**
 * Whether a pooling's windows are disjoint and unpadded and its channels a multiple of 4: what
 * `maxPoolDisjoint` and `maxPoolGradDisjoint` take (`maxPoolWindows` and `maxPoolGradWindows` take any).
 */
export function poolIsDisjoint(info: backend_util.Conv2DInfo): boolean {
  return windowsDisjoint(info) && info.inChannels % 4 === 0;
}

export function createMaxPoolConfig(original: KernelConfig): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs as { x: TensorInfo };
    const simd =
      x.dtype === 'float32' && x.shape.length === 4 && simdKernelThreads(backend) >= xnnpackThreads(backend)
        ? simdKernelsFor(backend)
        : undefined;
    if (simd === undefined) return original.kernelFunc(args) as TensorInfo;
    const info = poolInfo(x, attrs);
    const { out, offset } = makeFloatOutput(backend, [...info.outShape], false);
    if (!info.outShape.every((d) => d > 0)) return out;
    const xAt = heapOffset(backend, x);
    if (poolIsDisjoint(info)) simd.maxPoolDisjoint(xAt, offset, ...poolSizes(info));
    else simd.maxPoolWindows(xAt, offset, ...poolSizes(info), ...poolSteps(info));
    return out;
  };
  return { ...original, kernelFunc: kernelFunc as unknown as KernelFunc };
}

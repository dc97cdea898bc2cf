/**
 * Installs (and, for benchmarks against stock tfjs, removes) gradwell's training kernels: the kernels
 * the wasm backend lacks, the ones it computes wrongly, the slow ones made fast, the large element-wise
 * ones shared among gradwell's kernel threads, and the cpu backend's wrong resize and average-pool
 * gradients. Idempotent; replaced kernels keep their setup function, so this works before or after the
 * backend is initialised.
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { avgPoolGradConfigs } from './avg-pool-grad';
import { BIAS_ADD_KERNEL, biasReluConfig, createBiasAddConfig } from './bias-add';
import { biasReluGradKernelConfig } from './bias-relu-grad';
import { COLUMN_REDUCTION_KERNELS, createColumnReductionConfig } from './column-reductions';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input';
import { cpuDelegatedConfigs } from './delegate-to-cpu';
import {
  depthwiseConv2dBackpropFilterConfig,
  depthwiseConv2dBackpropInputConfig,
} from './depthwise-conv2d-backprop';
import { createConv2DConfig } from './direct-conv2d';
import { createFastMatMulConfig, FAST_MAT_MUL_KERNELS } from './fast-mat-mul';
import { createGatherConfig } from './gather-batch-dims';
import { createIdentityConfig, IDENTITY_KERNEL } from './identity';
import { createMaxPoolConfig, MAX_POOL_KERNEL } from './max-pool';
import { maxPoolGradConfig } from './max-pool-grad';
import { oneHotConfig } from './one-hot';
import { reluGradConfig } from './relu-grad';
import { resizeBilinearGradConfig } from './resize-bilinear-grad';
import { createSharedBinaryConfig, SHARED_BINARY_OPS, type SharedBinaryKernel } from './shared-binary';
import { softmaxCrossEntropyConfigs } from './softmax-cross-entropy';
import { createTransposeConfig, TRANSPOSE_KERNEL } from './transpose';
import { resizeNearestNeighborGradConfigs } from './resize-nearest-neighbor-grad';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';

/** The kernel each install replaced (undefined where there was none), by `backend/kernel`. */
const replaced = new Map<string, KernelConfig | undefined>();

function keyOf(config: KernelConfig): string {
  return `${config.backendName}/${config.kernelName}`;
}

function replaceKernel(config: KernelConfig, original: KernelConfig | undefined): void {
  if (original !== undefined) unregisterKernel(config.kernelName, config.backendName);
  registerKernel({ ...config, setupFunc: original?.setupFunc, disposeFunc: original?.disposeFunc });
  replaced.set(keyOf(config), original);
}

/** The element-wise kernels gradwell wraps only to share them among threads (`Add` has more to it). */
const SHARED_ONLY = (Object.keys(SHARED_BINARY_OPS) as SharedBinaryKernel[]).filter(
  (name) => name !== BIAS_ADD_KERNEL,
);

/** The kernels gradwell installs, as `backend/kernel` names. */
export function listTrainingKernels(): string[] {
  return [
    ...staticConfigs().map(keyOf),
    ...FAST_MAT_MUL_KERNELS.map((name) => `wasm/${name}`),
    ...COLUMN_REDUCTION_KERNELS.map((name) => `wasm/${name}`),
    'wasm/GatherV2',
    'wasm/Conv2D',
    `wasm/${BIAS_ADD_KERNEL}`,
    `wasm/${TRANSPOSE_KERNEL}`,
    `wasm/${IDENTITY_KERNEL}`,
    ...SHARED_ONLY.map((name) => `wasm/${name}`),
  ].sort();
}

function staticConfigs(): KernelConfig[] {
  return [
    conv2dBackpropFilterConfig,
    conv2dBackpropInputConfig,
    depthwiseConv2dBackpropInputConfig,
    depthwiseConv2dBackpropFilterConfig,
    unsortedSegmentSumConfig,
    maxPoolGradConfig,
    reluGradConfig,
    biasReluConfig,
    biasReluGradKernelConfig,
    oneHotConfig,
    ...softmaxCrossEntropyConfigs,
    ...resizeNearestNeighborGradConfigs,
    resizeBilinearGradConfig,
    ...avgPoolGradConfigs,
    ...cpuDelegatedConfigs,
  ];
}

export function installTrainingKernels(): void {
  if (replaced.size > 0) return;
  for (const config of staticConfigs())
    replaceKernel(config, getKernel(config.kernelName, config.backendName));
  for (const name of FAST_MAT_MUL_KERNELS) {
    const original = getKernel(name, 'wasm');
    if (original !== undefined) replaceKernel(createFastMatMulConfig(original), original);
  }
  for (const name of COLUMN_REDUCTION_KERNELS) {
    const original = getKernel(name, 'wasm');
    if (original !== undefined) replaceKernel(createColumnReductionConfig(original), original);
  }
  const gather = getKernel('GatherV2', 'wasm');
  if (gather !== undefined) replaceKernel(createGatherConfig(gather), gather);
  const conv = getKernel('Conv2D', 'wasm');
  if (conv !== undefined) replaceKernel(createConv2DConfig(conv), conv);
  const maxPool = getKernel(MAX_POOL_KERNEL, 'wasm');
  if (maxPool !== undefined) replaceKernel(createMaxPoolConfig(maxPool), maxPool);
  const transpose = getKernel(TRANSPOSE_KERNEL, 'wasm');
  if (transpose !== undefined) replaceKernel(createTransposeConfig(transpose), transpose);
  const add = getKernel(BIAS_ADD_KERNEL, 'wasm');
  if (add !== undefined) replaceKernel(createSharedBinaryConfig(createBiasAddConfig(add), 'Add'), add);
  for (const name of SHARED_ONLY) {
    const original = getKernel(name, 'wasm');
    if (original !== undefined) replaceKernel(createSharedBinaryConfig(original, name), original);
  }
  const identity = getKernel(IDENTITY_KERNEL, 'wasm');
  if (identity !== undefined) replaceKernel(createIdentityConfig(identity), identity);
}

/** Restores tfjs's own kernels (used by the benchmarks to measure stock tfjs side by side). */
export function uninstallTrainingKernels(): void {
  for (const [key, original] of replaced) {
    const [backendName, kernelName] = key.split('/') as [string, string];
    unregisterKernel(kernelName, backendName);
    if (original !== undefined) registerKernel(original);
  }
  replaced.clear();
}

export function trainingKernelsInstalled(): boolean {
  return replaced.size > 0;
}

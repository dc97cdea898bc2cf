/**
 * Makes `tf.grad`, `tf.variableGrads` and `optimizer.minimize` work with tfjs-core alone, in Node (ESM
 * and CJS) and in bundlers, without tfjs-layers or the tfjs union package. It registers tfjs-core's own
 * gradient definitions (bundled at build time, see build/tfjs-gradients-plugin.ts) where none is
 * registered yet, and always installs gradwell's corrections of the ones tfjs-core 4.22 gets wrong or
 * lacks. Idempotent.
 */
import { getGradient, registerGradient, type GradConfig } from '@tensorflow/tfjs-core';
import { tfjsGradientConfigs } from '#tfjs-gradient-configs';
import { batchMatMulGradConfig } from './batch-mat-mul-grad';
import { biasReluGradConfig, biasReluGradGradConfig } from './bias-relu';
import { gatherGradConfig } from './gather-grad';
import { mirrorPadGradConfig } from './mirror-pad-grad';
import { prodGradConfig } from './prod-grad';
import { reluGradConfigs } from './relu-grad';
import { softmaxCrossEntropyGradConfig } from './softmax-cross-entropy';
import { zeroGradientConfigs } from './zero-gradients';

/**
 * gradwell's own gradients: replacements for tfjs-core's `Prod` and `GatherV2` (they call chained tensor
 * methods tfjs-core alone lacks), `BatchMatMul` (broadcast batches) and `MirrorPad` (drops the reflected
 * parts), the zero gradients of comparisons, `Relu`'s in one kernel where the backend has it (the
 * same values as tfjs-core's), and those of gradwell's own bias-and-ReLU and softmax cross-entropy
 * kernels.
 */
export const CORRECTED_GRADIENTS: readonly GradConfig[] = [
  prodGradConfig,
  gatherGradConfig,
  batchMatMulGradConfig,
  mirrorPadGradConfig,
  ...zeroGradientConfigs,
  ...reluGradConfigs,
  biasReluGradConfig,
  biasReluGradGradConfig,
  softmaxCrossEntropyGradConfig,
];

export function listGradientConfigs(): readonly GradConfig[] {
  const corrected = new Set(CORRECTED_GRADIENTS.map((c) => c.kernelName));
  return [...tfjsGradientConfigs.filter((c) => !corrected.has(c.kernelName)), ...CORRECTED_GRADIENTS];
}

let corrected = false;

/** Registers every gradient not registered yet and installs the corrections; returns how many it registered. */
export function registerGradients(): number {
  let registered = 0;
  for (const config of tfjsGradientConfigs) {
    if (getGradient(config.kernelName) !== undefined) continue;
    registerGradient(config);
    registered++;
  }
  if (!corrected) {
    for (const config of CORRECTED_GRADIENTS) registerGradient(config);
    registered += CORRECTED_GRADIENTS.length;
    corrected = true;
  }
  return registered;
}

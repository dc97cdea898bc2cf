/**
 * tfjs-core's own gradient definitions, bundled at build time by `build/tfjs-gradients-plugin.ts` and
 * wired to tfjs-core's public API. Imported by the rest of core as `#tfjs-gradient-configs`.
 */
import type { GradConfig } from '@tensorflow/tfjs-core';
import { gradientConfigs } from 'tfjs-core-gradients:all';

export const tfjsGradientConfigs: readonly GradConfig[] = gradientConfigs;

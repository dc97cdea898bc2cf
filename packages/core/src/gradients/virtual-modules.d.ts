declare module 'tfjs-core-gradients:all' {
  import type { GradConfig } from '@tensorflow/tfjs-core';
  export const gradientConfigs: GradConfig[];
}

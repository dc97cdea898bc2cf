/**
 * `ResizeBilinearGrad` for the cpu backend: tfjs 4.22's returns a gradient with height and width
 * swapped for non-square images, which the engine rejects. Each dy pixel is split between the four
 * source pixels the forward interpolated, with the forward's weights (the mapping is restated from the
 * cpu forward kernel). The wasm kernel is correct and stays.
 */
import {
  ResizeBilinearGrad,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { makeOutput } from './backend-values';
import type { KernelArgs } from './kernel-calls';
import type { ResizeAttrs } from './resize-nearest-neighbor-grad';

interface Taps {
  low: Int32Array;
  high: Int32Array;
  fraction: Float64Array;
}

/** For each output index: the two source indices and the interpolation weight of the second. */
export function bilinearTaps(
  oldSize: number,
  newSize: number,
  { alignCorners, halfPixelCenters }: ResizeAttrs,
): Taps {
  const effectiveIn = alignCorners && newSize > 1 ? oldSize - 1 : oldSize;
  const effectiveOut = alignCorners && newSize > 1 ? newSize - 1 : newSize;
  const ratio = effectiveIn / effectiveOut;
  const taps: Taps = {
    low: new Int32Array(newSize),
    high: new Int32Array(newSize),
    fraction: new Float64Array(newSize),
  };
  for (let i = 0; i < newSize; i++) {
    const source = halfPixelCenters ? ratio * (i + 0.5) - 0.5 : ratio * i;
    const low = Math.max(0, Math.floor(source));
    taps.low[i] = low;
    taps.high[i] = Math.min(oldSize - 1, Math.ceil(source));
    taps.fraction[i] = source - low;
  }
  return taps;
}

function resizeBilinearGrad({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { images, dy } = inputs as { images: TensorInfo; dy: TensorInfo };
  const typed = attrs as unknown as ResizeAttrs;
  const [batch, oldHeight, oldWidth, channels] = images.shape as [number, number, number, number];
  const [, newHeight, newWidth] = dy.shape as [number, number, number, number];
  const rows = bilinearTaps(oldHeight, newHeight, typed);
  const cols = bilinearTaps(oldWidth, newWidth, typed);
  return makeOutput(backend, images.shape, 'float32', [dy], (dx, dyValues = dx) => {
    let from = 0;
    for (let b = 0; b < batch; b++) {
      const image = b * oldHeight;
      for (let r = 0; r < newHeight; r++) {
        const rf = rows.fraction[r] as number;
        const top = (image + (rows.low[r] as number)) * oldWidth;
        const bottom = (image + (rows.high[r] as number)) * oldWidth;
        for (let c = 0; c < newWidth; c++, from += channels) {
          const cf = cols.fraction[c] as number;
          const left = cols.low[c] as number;
          const right = cols.high[c] as number;
          const targets = [
            [(top + left) * channels, (1 - rf) * (1 - cf)],
            [(top + right) * channels, (1 - rf) * cf],
            [(bottom + left) * channels, rf * (1 - cf)],
            [(bottom + right) * channels, rf * cf],
          ] as const;
          for (const [to, weight] of targets) {
            for (let d = 0; d < channels; d++)
              dx[to + d] = (dx[to + d] as number) + (dyValues[from + d] as number) * weight;
          }
        }
      }
    }
  });
}

export const resizeBilinearGradConfig: KernelConfig = {
  kernelName: ResizeBilinearGrad,
  backendName: 'cpu',
  kernelFunc: resizeBilinearGrad as unknown as KernelFunc,
};

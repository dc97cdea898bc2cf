/**
 * `ResizeNearestNeighborGrad` for wasm and cpu: every dy pixel flows back to the one source pixel the
 * forward resize copied it from (the cpu/wasm forward's mapping, restated below). tfjs 4.22's cpu
 * kernel gets batches after the first wrong.
 */
import {
  ResizeNearestNeighborGrad,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { makeOutput } from './backend-values';
import type { KernelArgs } from './kernel-calls';

/** The resize kernels' attributes (shared with the bilinear gradient). */
export interface ResizeAttrs {
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

/** The source index the forward nearest-neighbour resize reads for output index `i`. */
export function nearestSourceIndex(
  i: number,
  oldSize: number,
  newSize: number,
  { alignCorners, halfPixelCenters }: ResizeAttrs,
): number {
  const effectiveIn = alignCorners && newSize > 1 ? oldSize - 1 : oldSize;
  const effectiveOut = alignCorners && newSize > 1 ? newSize - 1 : newSize;
  const ratio = effectiveIn / effectiveOut;
  const fraction = halfPixelCenters ? ratio * (i + 0.5) : ratio * i;
  const nearest = Math.min(oldSize - 1, alignCorners ? Math.round(fraction) : Math.floor(fraction));
  return halfPixelCenters ? Math.max(0, nearest) : nearest;
}

function resizeNearestNeighborGrad({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { images, dy } = inputs as { images: TensorInfo; dy: TensorInfo };
  const typed = attrs as unknown as ResizeAttrs;
  const [batch, oldHeight, oldWidth, channels] = images.shape as [number, number, number, number];
  const [, newHeight, newWidth] = dy.shape as [number, number, number, number];
  const rows = Array.from({ length: newHeight }, (_, r) =>
    nearestSourceIndex(r, oldHeight, newHeight, typed),
  );
  const cols = Array.from({ length: newWidth }, (_, c) => nearestSourceIndex(c, oldWidth, newWidth, typed));
  return makeOutput(backend, images.shape, 'float32', [dy], (out, dyValues = out) => {
    let from = 0;
    for (let b = 0; b < batch; b++) {
      for (let r = 0; r < newHeight; r++) {
        const rowOffset = (b * oldHeight + (rows[r] as number)) * oldWidth;
        for (let c = 0; c < newWidth; c++) {
          const to = (rowOffset + (cols[c] as number)) * channels;
          for (let d = 0; d < channels; d++)
            out[to + d] = (out[to + d] as number) + (dyValues[from++] as number);
        }
      }
    }
  });
}

export const resizeNearestNeighborGradConfigs: KernelConfig[] = ['wasm', 'cpu'].map((backendName) => ({
  kernelName: ResizeNearestNeighborGrad,
  backendName,
  kernelFunc: resizeNearestNeighborGrad as unknown as KernelFunc,
}));

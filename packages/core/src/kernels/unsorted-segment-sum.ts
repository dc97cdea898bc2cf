/**
 * `UnsortedSegmentSum` for wasm (missing in tfjs 4.22): the gradient of `gather`, i.e. of every
 * embedding lookup. out[s, ...] = Σ_{i : ids[i] = s} x[i, ...]; ids outside [0, numSegments) are
 * dropped, as in TensorFlow.
 */
import {
  UnsortedSegmentSum,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { makeOutput } from './backend-values';
import type { KernelArgs } from './kernel-calls';

function unsortedSegmentSum({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs as unknown as { numSegments: number };
  const innerShape = x.shape.slice(segmentIds.shape.length);
  const inner = innerShape.reduce((a, b) => a * b, 1);
  const dtype = x.dtype === 'int32' ? 'int32' : 'float32';
  return makeOutput(backend, [numSegments, ...innerShape], dtype, [x, segmentIds], (out, values, ids) => {
    if (values === undefined || ids === undefined) return;
    for (let i = 0; i < ids.length; i++) {
      const segment = ids[i] as number;
      if (segment < 0 || segment >= numSegments) continue;
      const from = i * inner;
      const to = segment * inner;
      for (let k = 0; k < inner; k++) out[to + k] = (out[to + k] as number) + (values[from + k] as number);
    }
  });
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};

/**
 * `GatherV2` with `batchDims` > 0 on wasm: tfjs 4.22's wasm kernel returns rows of the wrong batch entry
 * for some shapes (e.g. x [2, 5, 6, 3], indices [2, 3], axis 1: entry 1 reads entry 0's rows). Here the
 * batch axes are flattened into one, and each batch entry is one plain (batchDims = 0) gather by the
 * original kernel; results are concatenated. batchDims = 0, the common case, goes straight through.
 */
import { type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { composeKernels, type KernelArgs } from './kernel-calls';

export function createGatherConfig(original: KernelConfig): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { inputs, attrs, backend } = args;
    const { x, indices } = inputs as { x: TensorInfo; indices: TensorInfo };
    const { axis, batchDims } = attrs as unknown as { axis: number; batchDims: number };
    const rank = x.shape.length;
    const resolvedAxis = axis < 0 ? axis + rank : axis;
    const resolvedBatchDims = batchDims < 0 ? batchDims + indices.shape.length : batchDims;
    if (resolvedBatchDims === 0) return original.kernelFunc(args) as TensorInfo;
    return composeKernels(backend, 'wasm', (calls) => {
      const batch = x.shape.slice(0, resolvedBatchDims).reduce((a, b) => a * b, 1);
      const xRest = x.shape.slice(resolvedBatchDims);
      const indexRest = indices.shape.slice(resolvedBatchDims);
      const x2 = calls.reshape(x, [batch, ...xRest]);
      const i2 = calls.reshape(indices, [batch, ...indexRest]);
      const pieces = Array.from({ length: batch }, (_, b) => {
        const xb = calls.reshape(calls.slice(x2, [b, ...xRest.map(() => 0)], [1, ...xRest]), xRest);
        const ib = calls.reshape(
          calls.slice(i2, [b, ...indexRest.map(() => 0)], [1, ...indexRest]),
          indexRest.length ? indexRest : [1],
        );
        const gathered = calls.run(
          'GatherV2',
          { x: xb, indices: ib },
          { axis: resolvedAxis - resolvedBatchDims, batchDims: 0 },
          original,
        );
        return calls.reshape(gathered, [1, ...gathered.shape]);
      });
      const joined =
        pieces.length === 1
          ? (pieces[0] as TensorInfo)
          : calls.run('Concat', pieces as unknown as Record<string, TensorInfo>, { axis: 0 });
      const outShape = [
        ...x.shape.slice(0, resolvedAxis),
        ...indices.shape.slice(resolvedBatchDims),
        ...x.shape.slice(resolvedAxis + 1),
      ];
      return calls.reshape(joined, outShape);
    });
  };
  return { ...original, kernelFunc: kernelFunc as unknown as KernelFunc };
}

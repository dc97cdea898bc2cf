/**
 * `OneHot` for wasm: tfjs 4.22's wasm kernel ignores `dtype`, so float32 one-hots come out as integer
 * bit patterns (1 reads as 1.4e-45). Indices outside [0, depth) give an all-`offValue` row, as in TF.
 */
import { OneHot, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { makeOutput } from './backend-values';
import type { KernelArgs } from './kernel-calls';

interface OneHotAttrs {
  depth: number;
  onValue: number;
  offValue: number;
  dtype: 'float32' | 'int32';
}

function oneHot({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { indices } = inputs as { indices: TensorInfo };
  const { depth, onValue, offValue, dtype } = attrs as unknown as OneHotAttrs;
  return makeOutput(backend, [...indices.shape, depth], dtype, [indices], (out, ids) => {
    if (offValue !== 0) out.fill(offValue);
    for (let i = 0; i < (ids as Int32Array).length; i++) {
      const id = (ids as Int32Array)[i] as number;
      if (id >= 0 && id < depth) out[i * depth + id] = onValue;
    }
  });
}

export const oneHotConfig: KernelConfig = {
  kernelName: OneHot,
  backendName: 'wasm',
  kernelFunc: oneHot as unknown as KernelFunc,
};

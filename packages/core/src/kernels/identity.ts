/**
 * `Identity` on wasm without a copy. tfjs's engine clones every tensor a gradient saves for the backward
 * pass (the inputs and outputs of each recorded op), and clone runs `Identity`, which tfjs 4.22's wasm
 * backend implements as a new buffer and a copy: 31 copies of activations per CNN training step (1.6–2.6 ms
 * on the benchmark VM), 21 per MLP step. Tensors are immutable and the wasm backend counts references to
 * a buffer (its own `Reshape` shares the input's), so the result shares the input's buffer and raises its
 * count, as tfjs's cpu backend does for `Identity`. Strings go to tfjs's kernel.
 */
import {
  Identity,
  type DataId,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { KernelArgs } from './kernel-calls';

interface CountingBackend {
  incRef(dataId: DataId): void;
}

export function createIdentityConfig(original: KernelConfig): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { inputs, backend } = args;
    const { x } = inputs as { x: TensorInfo };
    const counting = backend as unknown as Partial<CountingBackend>;
    if (x.dtype === 'string' || typeof counting.incRef !== 'function')
      return original.kernelFunc(args) as TensorInfo;
    counting.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  return { ...original, kernelFunc: kernelFunc as unknown as KernelFunc };
}

export const IDENTITY_KERNEL = Identity;

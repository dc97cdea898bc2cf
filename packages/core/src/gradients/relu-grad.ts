/**
 * `Relu`'s gradient in one kernel where the backend has gradwell's `GradwellReluGrad` (wasm), tfjs-core's
 * own `mul(dy, cast(step(x), 'float32'))` everywhere else — the same values either way (see
 * kernels/relu-grad.ts). The kernel has a gradient of its own, so second derivatives still work.
 */
import {
  cast,
  engine,
  getBackend,
  getKernel,
  mul,
  Relu,
  step,
  zerosLike,
  type GradConfig,
  type Tensor,
} from '@tensorflow/tfjs-core';
import { RELU_GRAD } from '../kernels/relu-grad';

/** dy · step(x): ReLU's gradient at x of the upstream gradient dy. */
export function reluGrad(dy: Tensor, x: Tensor): Tensor {
  if (dy.dtype === 'float32' && x.dtype === 'float32' && getKernel(RELU_GRAD, getBackend()) !== undefined)
    return engine().runKernel<Tensor>(RELU_GRAD, { dy, x });
  return mul(dy, cast(step(x), 'float32'));
}

export const reluGradConfigs: GradConfig[] = [
  {
    kernelName: Relu,
    inputsToSave: ['x'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
      const [x] = saved as [Tensor];
      return { x: () => reluGrad(dy as Tensor, x) };
    },
  },
  {
    // linear in dy (its derivative is step(x)), and flat in x almost everywhere
    kernelName: RELU_GRAD,
    inputsToSave: ['x'],
    gradFunc: (ddy: Tensor | Tensor[], saved: Tensor[]) => {
      const [x] = saved as [Tensor];
      return { dy: () => reluGrad(ddy as Tensor, x), x: () => zerosLike(x) };
    },
  },
];

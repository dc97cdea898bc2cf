/**
 * relu(x + bias) as one op: gradwell's `GradwellBiasRelu` kernel where the backend has it (wasm), tfjs's
 * `relu(add(x, bias))` everywhere else. A dense or conv layer with a bias and ReLU calls it under a
 * gradient tape, where tfjs's fused ops fall back to `Add` then `Relu`: one pass over the activation
 * instead of two, and the tape keeps the output alone instead of the sum as well.
 *
 * Its gradient is tfjs's for the composition, from the output y: ReLU's gradient dz = dy · step(y) (y > 0
 * exactly where the sum is, and NaN exactly where it is), dx = dz, and the bias's the sum of dz over every
 * axis but the last, as tfjs's `Add` gradient sums a broadcast operand. Where the backend has
 * `GradwellBiasReluGrad` (wasm) both come from one pass (kernels/bias-relu-grad.ts); that kernel has a
 * gradient of its own, so second derivatives still work.
 */
import {
  add,
  engine,
  getBackend,
  getKernel,
  relu,
  reshape,
  sum,
  zerosLike,
  type GradConfig,
  type Tensor,
} from '@tensorflow/tfjs-core';
import { BIAS_RELU, isLastAxisBias } from '../kernels/bias-add';
import { BIAS_RELU_GRAD } from '../kernels/bias-relu-grad';
import { reluGrad } from './relu-grad';

/**
 * relu(x + bias) with `bias` along x's last axis (x float32 of rank ≥ 2, bias of x's last dimension, any
 * leading dimensions 1).
 */
export function biasRelu<T extends Tensor>(x: T, bias: Tensor): T {
  if (x.dtype !== 'float32' || bias.dtype !== 'float32')
    throw new TypeError(`biasRelu: x and bias must be float32; got ${x.dtype} and ${bias.dtype}.`);
  if (!isLastAxisBias(x, bias))
    throw new Error(
      `biasRelu: bias must have x's last dimension (x of rank ≥ 2); got x [${x.shape.join(', ')}] and ` +
        `bias [${bias.shape.join(', ')}].`,
    );
  if (getKernel(BIAS_RELU, getBackend()) === undefined) return relu(add(x, bias)) as T;
  return engine().runKernel<T>(BIAS_RELU, { x, bias });
}

export const biasReluGradConfig: GradConfig = {
  kernelName: BIAS_RELU,
  inputsToSave: ['bias'],
  outputsToSave: [true],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
    const [bias, y] = saved as [Tensor, Tensor];
    const upstream = dy as Tensor;
    if (upstream.dtype === 'float32' && getKernel(BIAS_RELU_GRAD, getBackend()) !== undefined) {
      const [dz, db] = engine().runKernel<Tensor[]>(BIAS_RELU_GRAD, { dy: upstream, y });
      return { x: () => dz as Tensor, bias: () => reshape(db as Tensor, bias.shape) };
    }
    const dz = reluGrad(upstream, y);
    const axes = Array.from({ length: y.rank - 1 }, (_, i) => i);
    return { x: () => dz, bias: () => reshape(sum(dz, axes), bias.shape) };
  },
};

/**
 * `GradwellBiasReluGrad`'s own gradient: linear in dy, dz's derivative is step(y) and the bias
 * gradient's the same broadcast along the rows, so ∂/∂dy = reluGrad(ddz + ddb, y); flat in y almost
 * everywhere.
 */
export const biasReluGradGradConfig: GradConfig = {
  kernelName: BIAS_RELU_GRAD,
  inputsToSave: ['y'],
  gradFunc: (dys: Tensor | Tensor[], saved: Tensor[]) => {
    const [ddz, ddb] = dys as [Tensor, Tensor];
    const [y] = saved as [Tensor];
    return { dy: () => reluGrad(add(ddz, ddb), y), y: () => zerosLike(y) };
  },
};

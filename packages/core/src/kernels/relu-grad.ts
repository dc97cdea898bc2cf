/**
 * ReLU's gradient as one kernel on wasm. tfjs-core's gradient of `Relu` is
 * `mul(dy, cast(step(x), 'float32'))`: three passes over the activation with a new buffer each (on the
 * benchmark CNN's first activation, [64, 26, 26, 32], 1.6 ms of a training step on the 2-vCPU VM).
 * `GradwellReluGrad` computes the same, dy · step(x) with step(x) = 1 where x > 0, NaN where x is NaN and
 * 0 elsewhere, one float32 product per value, so the result equals tfjs's bit for bit: gradwell's SIMD
 * kernel where it runs, a JavaScript loop otherwise. Registered for wasm only; `reluGrad` (the gradient
 * core registers for `Relu`) runs tfjs's composition on every other backend.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { makeOutput } from './backend-values';
import type { KernelArgs } from './kernel-calls';
import { heapOffset, makeFloatOutput, simdKernelsFor } from './simd/simd-kernels';

/** The kernel's name: inputs `dy` and `x` (float32, one shape), no attributes. */
export const RELU_GRAD = 'GradwellReluGrad';

/** dy · step(x) value by value, as tfjs's step and multiply compute it. */
function reluGradLoop(
  out: ArrayLike<number> & { [i: number]: number },
  dy: ArrayLike<number>,
  x: ArrayLike<number>,
) {
  for (let i = 0; i < out.length; i++) {
    const xi = x[i] as number;
    out[i] = (dy[i] as number) * (Number.isNaN(xi) ? Number.NaN : xi > 0 ? 1 : 0);
  }
}

function reluGradKernel(args: KernelArgs): TensorInfo {
  const { inputs, backend } = args;
  const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
  if (dy.dtype !== 'float32' || x.dtype !== 'float32')
    throw new Error(`${RELU_GRAD}: dy and x must be float32, got ${dy.dtype} and ${x.dtype}.`);
  if (dy.shape.length !== x.shape.length || dy.shape.some((d, i) => d !== x.shape[i]))
    throw new Error(
      `${RELU_GRAD}: dy and x must have one shape, got [${dy.shape.join(',')}] and [${x.shape.join(',')}].`,
    );
  const simd = simdKernelsFor(backend);
  if (simd === undefined)
    return makeOutput(backend, [...x.shape], 'float32', [dy, x], (out, dyValues, xValues) =>
      reluGradLoop(out, dyValues, xValues),
    );
  const { out, offset } = makeFloatOutput(backend, [...x.shape], false);
  const count = x.shape.reduce((p, d) => p * d, 1);
  if (count > 0) simd.reluGrad(heapOffset(backend, dy), heapOffset(backend, x), offset, count);
  return out;
}

export const reluGradConfig: KernelConfig = {
  kernelName: RELU_GRAD,
  backendName: 'wasm',
  kernelFunc: reluGradKernel as unknown as KernelFunc,
};

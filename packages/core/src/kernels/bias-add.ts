/**
 * `Add` of a tensor and a bias along its last axis on wasm: the forward pass of every dense and conv
 * layer in training (tfjs runs a fused product or convolution with a ReLU unfused under a gradient tape:
 * product, `Add` of the bias, `Relu`). tfjs 4.22's wasm kernel broadcasts the bias element by element,
 * at about 1 ns a value (1.4 ms for the benchmark CNN's first [64, 26, 26, 32] activation on the 2-vCPU
 * VM); gradwell's SIMD kernel adds it four lanes at a time, one float32 addition per value as tfjs's,
 * so the result is the same bit for bit. Either operand may be the bias: float32, of the other's last
 * dimension, its other dimensions (if any) 1, and of no higher rank. Every other `Add` goes to tfjs's
 * kernel unchanged.
 *
 * `GradwellBiasRelu` is the same pass with ReLU applied to each sum before it is stored: a dense or conv
 * layer's bias and ReLU under a gradient tape, where tfjs runs them as `Add` then `Relu` (two passes over
 * the activation and a buffer each). ReLU here is y where y > 0 or y is NaN, +0 elsewhere: tfjs's wasm
 * `Relu` to the bit, except that it turns a NaN whose sign bit is set into 0 (XNNPACK takes the integer
 * maximum of the bits) where this keeps it NaN, as tfjs's cpu backend does.
 */
import { Add, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { makeOutput } from './backend-values';
import type { KernelArgs } from './kernel-calls';
import { heapOffset, makeFloatOutput, simdKernelsFor } from './simd/simd-kernels';

/** Whether `bias` broadcasts over `x` along x's last axis alone (so x's shape is the result's). */
export function isLastAxisBias(x: TensorInfo, bias: TensorInfo): boolean {
  const cols = x.shape[x.shape.length - 1];
  return (
    x.shape.length >= 2 &&
    bias.shape.length >= 1 &&
    bias.shape.length <= x.shape.length &&
    cols !== undefined &&
    cols > 0 &&
    bias.shape[bias.shape.length - 1] === cols &&
    bias.shape.slice(0, -1).every((d) => d === 1)
  );
}

export function createBiasAddConfig(original: KernelConfig): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { inputs, backend } = args;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const float = a.dtype === 'float32' && b.dtype === 'float32';
    const [x, bias] = !float ? [] : isLastAxisBias(a, b) ? [a, b] : isLastAxisBias(b, a) ? [b, a] : [];
    const simd = x === undefined ? undefined : simdKernelsFor(backend);
    if (simd === undefined || x === undefined || bias === undefined)
      return original.kernelFunc(args) as TensorInfo;
    const cols = x.shape[x.shape.length - 1] as number;
    const rows = x.shape.slice(0, -1).reduce((p, d) => p * d, 1);
    const { out, offset } = makeFloatOutput(backend, [...x.shape], false);
    if (rows > 0) simd.biasAdd(heapOffset(backend, x), heapOffset(backend, bias), offset, rows, cols, 0);
    return out;
  };
  return { ...original, kernelFunc: kernelFunc as unknown as KernelFunc };
}

/** The fused kernel's name: inputs `x` (float32, rank ≥ 2) and `bias` (its last dimension), no attributes. */
export const BIAS_RELU = 'GradwellBiasRelu';

const shapeOf = (info: TensorInfo) => `[${info.shape.join(', ')}]`;

function biasReluKernel(args: KernelArgs): TensorInfo {
  const { inputs, backend } = args;
  const { x, bias } = inputs as { x: TensorInfo; bias: TensorInfo };
  if (x.dtype !== 'float32' || bias.dtype !== 'float32')
    throw new Error(`${BIAS_RELU}: x and bias must be float32, got ${x.dtype} and ${bias.dtype}.`);
  if (!isLastAxisBias(x, bias))
    throw new Error(
      `${BIAS_RELU}: bias must be x's last dimension (x of rank ≥ 2), got x ${shapeOf(x)} and bias ${shapeOf(bias)}.`,
    );
  const cols = x.shape[x.shape.length - 1] as number;
  const rows = x.shape.slice(0, -1).reduce((p, d) => p * d, 1);
  const simd = simdKernelsFor(backend);
  if (simd === undefined)
    return makeOutput(backend, [...x.shape], 'float32', [x, bias], (out, xs, bs) => {
      for (let i = 0; i < out.length; i++) {
        const y = Math.fround((xs[i] as number) + (bs[i % cols] as number));
        out[i] = y > 0 || Number.isNaN(y) ? y : 0;
      }
    });
  const { out, offset } = makeFloatOutput(backend, [...x.shape], false);
  if (rows > 0) simd.biasAdd(heapOffset(backend, x), heapOffset(backend, bias), offset, rows, cols, 1);
  return out;
}

export const biasReluConfig: KernelConfig = {
  kernelName: BIAS_RELU,
  backendName: 'wasm',
  kernelFunc: biasReluKernel as unknown as KernelFunc,
};

export const BIAS_ADD_KERNEL = Add;

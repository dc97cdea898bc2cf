/**
 * `Sum` and `Mean` over leading axes on wasm — the bias gradient of every dense and conv layer (Σ over
 * batch, rows and columns of dy) and batch normalisation's per-channel statistics. tfjs 4.22's wasm
 * kernels first transpose the reduced axes to the end (a full copy of the tensor) and then reduce each
 * output's values one by one; gradwell's SIMD kernel reads the tensor once, in place, adding rows of
 * channels four lanes at a time. Every other reduction (trailing or interleaved axes, int32, fewer than
 * four outputs, no SIMD) goes to tfjs's kernel unchanged.
 */
import { Mean, Sum, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs } from './kernel-calls';
import { heapOffset, makeFloatOutput, simdKernelsFor } from './simd/simd-kernels';

/** Fewer outputs than one SIMD lane-group: tfjs's own reduction is as good. */
const MIN_COLUMNS = 4;

/** How many leading axes `axis` reduces, when it is exactly the first k axes (k ≥ 1); otherwise 0. */
export function leadingAxes(axis: number | number[], rank: number): number {
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a));
  const unique = [...new Set(axes)].sort((a, b) => a - b);
  return unique.length > 0 && unique.every((a, i) => a === i) && unique.length === axes.length
    ? unique.length
    : 0;
}

export function createColumnReductionConfig(original: KernelConfig): KernelConfig {
  const mean = original.kernelName === Mean;
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { inputs, attrs, backend } = args;
    const { x } = inputs as { x: TensorInfo };
    const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const k = x.dtype === 'float32' ? leadingAxes(axis, rank) : 0;
    const rows = x.shape.slice(0, k).reduce((a, b) => a * b, 1);
    const cols = x.shape.slice(k).reduce((a, b) => a * b, 1);
    const simd = k > 0 && k < rank && rows > 0 && cols >= MIN_COLUMNS ? simdKernelsFor(backend) : undefined;
    if (simd === undefined) return original.kernelFunc(args) as TensorInfo;
    const shape = keepDims ? x.shape.map((d, i) => (i < k ? 1 : d)) : x.shape.slice(k);
    const { out, offset } = makeFloatOutput(backend, shape, false);
    simd.columnSums(heapOffset(backend, x), offset, rows, cols, mean ? rows : 1);
    return out;
  };
  return { ...original, kernelFunc: kernelFunc as unknown as KernelFunc };
}

export const COLUMN_REDUCTION_KERNELS = [Sum, Mean] as const;

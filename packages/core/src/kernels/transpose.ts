/**
 * `Transpose` on wasm for the permutation every dense layer's backward pass needs: the last two axes
 * swapped (a matrix, or each matrix of a batch). tfjs 4.22's wasm kernel moves one value at a time
 * through a general N-d index walk (0.70 ms for a 512 × 256 weight on the benchmark VM); gradwell's SIMD
 * kernel transposes 4 × 4 blocks in registers (0.04 ms). The values are moved, not computed, so the
 * result is the same bit for bit. Every other permutation, dtype or tiny matrix goes to tfjs's kernel.
 */
import { Transpose, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs } from './kernel-calls';
import { FLOAT_BYTES, heapOffset, makeFloatOutput, simdKernelsFor } from './simd/simd-kernels';

/** Below this many values per matrix tfjs's kernel is as quick (one 4 × 4 block). */
const MIN_VALUES = 16;

/** Whether `perm` swaps the last two axes and keeps the others in place. */
export function swapsLastTwo(perm: readonly number[]): boolean {
  const rank = perm.length;
  return (
    rank >= 2 &&
    perm[rank - 2] === rank - 1 &&
    perm[rank - 1] === rank - 2 &&
    perm.slice(0, -2).every((axis, i) => axis === i)
  );
}

export function createTransposeConfig(original: KernelConfig): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { inputs, attrs, backend } = args;
    const { x } = inputs as { x: TensorInfo };
    const { perm } = attrs as unknown as { perm: number[] };
    const rank = x.shape.length;
    const [rows, cols] = x.shape.slice(-2) as [number, number];
    const simd =
      x.dtype === 'float32' && swapsLastTwo(perm) && rows * cols >= MIN_VALUES
        ? simdKernelsFor(backend)
        : undefined;
    if (simd === undefined) return original.kernelFunc(args) as TensorInfo;
    const batch = x.shape.slice(0, -2).reduce((a, b) => a * b, 1);
    const { out, offset } = makeFloatOutput(backend, [...x.shape.slice(0, rank - 2), cols, rows], false);
    const from = heapOffset(backend, x);
    const bytes = rows * cols * FLOAT_BYTES;
    for (let b = 0; b < batch; b++) simd.transpose(from + b * bytes, offset + b * bytes, rows, cols);
    return out;
  };
  return { ...original, kernelFunc: kernelFunc as unknown as KernelFunc };
}

export const TRANSPOSE_KERNEL = Transpose;

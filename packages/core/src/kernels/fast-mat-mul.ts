/**
 * Fast `BatchMatMul` and `_FusedMatMul` on wasm for every transposition and batch case.
 *
 * tfjs 4.22's wasm kernel takes XNNPACK's fast path only for untransposed, batch-1 operands; every other
 * case falls to a scalar loop about 20× slower, and the backward pass of every dense layer is exactly
 * such a case (dW = xᵀ·dy, dx = dy·Wᵀ). This wrapper makes the operands fit the fast path (an explicit
 * transpose is one memory pass; a batch against a shared matrix is one tall matrix), runs per batch
 * when each matrix is big enough to pay for it, and hands anything else to the original kernel. The
 * arithmetic of each product is unchanged.
 */
import { BatchMatMul, _FusedMatMul, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { type KernelArgs, composeKernels, type KernelCalls } from './kernel-calls';

/** Below this many multiply-adds per matrix, the original batched loop beats slicing per batch. */
const PER_BATCH_MIN_WORK = 16_384;

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  [other: string]: unknown;
}

function swapLastTwo(calls: KernelCalls, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return calls.transpose(x, perm);
}

function batchSize(x: TensorInfo): number {
  return x.shape.slice(0, -2).reduce((p, d) => p * d, 1);
}

export function createFastMatMulConfig(original: KernelConfig): KernelConfig {
  const fused = original.kernelName === _FusedMatMul;
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { inputs, attrs, backend } = args;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as MatMulAttrs;
    if (a.dtype !== "float32" || b.dtype !== "float32") return original.kernelFunc(args as never) as TensorInfo;
    return composeKernels(backend, 'wasm', (calls) => {
      const left = transposeA ? swapLastTwo(calls, a) : a;
      const right = transposeB ? swapLastTwo(calls, b) : b;
      const plainAttrs = { ...attrs, transposeA: false, transposeB: false };
      const run = (x: TensorInfo, y: TensorInfo, extra = {}) =>
        calls.run(original.kernelName, { ...inputs, a: x, b: y, ...extra }, plainAttrs, original);
      const batchLeft = batchSize(left);
      const batchRight = batchSize(right);
      if (fused || (batchLeft <= 1 && batchRight <= 1)) return run(left, right);
      const [m, k] = left.shape.slice(-2) as [number, number];
      const n = right.shape[right.shape.length - 1] as number;
      const outShape = [...(batchLeft >= batchRight ? left : right).shape.slice(0, -2), m, n];
      if (batchRight === 1 && right.shape.length === 2) {
        // A batch against one shared matrix is a single tall product.
        const tall = run(calls.reshape(left, [batchLeft * m, k]), right);
        return calls.reshape(tall, outShape);
      }
      if (batchLeft !== batchRight || m * k * n < PER_BATCH_MIN_WORK) return run(left, right);
      const left3 = calls.reshape(left, [batchLeft, m, k]);
      const right3 = calls.reshape(right, [batchRight, k, n]);
      const products = Array.from({ length: batchLeft }, (_, i) =>
        run(calls.slice(left3, [i, 0, 0], [1, m, k]), calls.slice(right3, [i, 0, 0], [1, k, n])),
      );
      const joined = calls.run('Concat', products as unknown as Record<string, TensorInfo>, { axis: 0 });
      return calls.reshape(joined, outShape);
    });
  };
  return { ...original, kernelFunc: kernelFunc as unknown as KernelFunc };
}

export const FAST_MAT_MUL_KERNELS = [BatchMatMul, _FusedMatMul] as const;

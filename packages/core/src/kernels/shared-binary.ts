/**
 * Float32 `Add`, `Sub`, `Multiply` and `RealDiv` on wasm shared among gradwell's kernel threads, where
 * the pass is large enough to share (sliced-kernels.ts): two operands of one shape, or one of them a
 * single value. tfjs's wasm kernels run these on XNNPACK's pool, which keeps one thread while gradwell's
 * kernel workers run: on a machine of many cores the update of tfjs's own optimisers (`tf.train.sgd`'s
 * `Multiply` and `Add` over each variable) was the part of the benchmark MLP's step that did not scale
 * (docs/measurements/threads-16-core.md). Each value is one IEEE operation, as XNNPACK computes it, so
 * the result is the same bit for bit. Every other call (one thread, a small pass, another dtype, a
 * broadcast of more than a single value) goes to the kernel this one wraps, unchanged.
 */
import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs } from './kernel-calls';
import { heapOffset, makeFloatOutput, simdKernelPoolFor, simdKernelsFor } from './simd/simd-kernels';
import { sharesPass } from './simd/sliced-kernels';

/** The kernels shared, and each one's `op` in `binaryOp` (kernels.wat). */
export const SHARED_BINARY_OPS = { Add: 0, Sub: 1, Multiply: 2, RealDiv: 3 } as const;
export type SharedBinaryKernel = keyof typeof SHARED_BINARY_OPS;

const sizeOf = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

/** `fallback` (tfjs's kernel, or a gradwell kernel over it) with its large float32 passes shared. */
export function createSharedBinaryConfig(fallback: KernelConfig, kernel: SharedBinaryKernel): KernelConfig {
  const op = SHARED_BINARY_OPS[kernel];
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { inputs, backend } = args;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const pool = a.dtype === 'float32' && b.dtype === 'float32' ? simdKernelPoolFor(backend) : undefined;
    const [aSize, bSize] = [sizeOf(a.shape), sizeOf(b.shape)];
    const count = Math.max(aSize, bSize);
    const sameShape = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
    const aScalar = !sameShape && aSize === 1 ? 1 : 0;
    const bScalar = !sameShape && bSize === 1 ? 1 : 0;
    const fits = sameShape || aScalar + bScalar === 1;
    const simd = simdKernelsFor(backend);
    if (
      pool === undefined ||
      simd === undefined ||
      !fits ||
      !sharesPass(count * 4 * (3 - aScalar - bScalar), pool.polls)
    )
      return fallback.kernelFunc(args) as TensorInfo;
    const shape = sameShape ? [...a.shape] : backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const { out, offset } = makeFloatOutput(backend, shape, false);
    simd.binaryOp(heapOffset(backend, a), heapOffset(backend, b), offset, count, op, aScalar, bScalar);
    return out;
  };
  return { ...fallback, kernelFunc: kernelFunc as unknown as KernelFunc };
}

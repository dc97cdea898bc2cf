/**
 * A plain float32 product C = A'·B' (A' = A or Aᵀ, B' = B or Bᵀ, one matrix each) on gradwell's SIMD
 * kernel `productAtB`: C[i, j] = Σ_k A'[i, k]·B'[k, j] as a sweep over k with A' read by rows and B'
 * row by row. Aᵀ and Bᵀ are transposed first, one memory pass each (SIMD, in cache): A' read in place
 * down its stored columns ran the product at 24–28 GFLOP/s against 36–38 by rows (one thread,
 * relaxed SIMD, the MLP's weight gradients 784×128·128×512 and 512×128·128×256, against a transpose of
 * 14–21 µs). The sums run in the same order either way. Tiles of 4 rows × 8 columns in eight vector
 * accumulators; k in chunks so a chunk of A' and B' stays in cache. Nothing is packed, which is what makes it pay in training: XNNPACK packs the
 * right operand of every product, and in training every weight is a new tensor after each update.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelCalls } from '../kernel-calls';
import { FLOAT_BYTES, heapOffset, makeFloatOutput, withInt32Scratch, type SimdKernels } from './simd-kernels';

/** k per chunk, at most: a chunk's rows of B' (k × 8 floats per tile) and of A' stay in L1. */
const K_CHUNK = 128;

/** The largest divisor of k that is at most K_CHUNK (k itself when k is small or prime-ish). */
export function chunkOf(k: number): number {
  if (k <= K_CHUNK) return k;
  for (let c = K_CHUNK; c >= 16; c--) if (k % c === 0) return c;
  return k;
}

/** Whether `directMatMul` takes these operands: 2-D (or batch-1) float32, n a multiple of 8. */
export function directMatMulFits(a: TensorInfo, b: TensorInfo, transposeB: boolean): boolean {
  const single = (x: TensorInfo) => x.shape.slice(0, -2).every((d) => d === 1);
  const n = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  return (
    a.dtype === 'float32' &&
    b.dtype === 'float32' &&
    a.shape.length >= 2 &&
    b.shape.length >= 2 &&
    single(a) &&
    single(b) &&
    n !== undefined &&
    n % 8 === 0 &&
    n > 0
  );
}

export function directMatMul(
  calls: KernelCalls,
  simd: SimdKernels,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): TensorInfo {
  const { backend } = calls;
  const left = transposeA ? calls.transpose(calls.reshape(a, a.shape.slice(-2)), [1, 0]) : a;
  const [m, k] = left.shape.slice(-2) as [number, number];
  const right = transposeB ? calls.transpose(calls.reshape(b, b.shape.slice(-2)), [1, 0]) : b;
  const n = right.shape[right.shape.length - 1] as number;
  const batchShape = (a.shape.length >= b.shape.length ? a : b).shape.slice(0, -2);
  // With k = 0 the product is all zeros and the kernel writes nothing.
  const { out, offset } = makeFloatOutput(backend, [...batchShape, m, n], k === 0);
  if (k === 0 || m === 0) return out;
  const offsets = new Int32Array(Math.ceil(m / 4) * 4); // padding entries stay 0, a valid offset
  for (let i = 0; i < m; i++) offsets[i] = i * k * FLOAT_BYTES; // row i of A'; k steps across it
  const kStep = FLOAT_BYTES;
  const chunk = chunkOf(k);
  withInt32Scratch(backend, offsets, (offsetsAt) =>
    simd.productAtB(
      heapOffset(backend, left),
      heapOffset(backend, right),
      offset,
      offsetsAt,
      m,
      n,
      k / chunk, // chunks ("images")
      1,
      chunk, // k per chunk ("pixels")
      chunk * kStep,
      0,
      kStep,
    ),
  );
  return out;
}

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
import {
  BatchMatMul,
  _FusedMatMul,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { type KernelArgs, composeKernels, type KernelCalls } from './kernel-calls';
import { directMatMul, directMatMulFits } from './simd/direct-mat-mul';
import { simdKernelThreads, simdKernelsFor, xnnpackThreads } from './simd/simd-kernels';

/** Below this many multiply-adds per matrix, the original batched loop beats slicing per batch. */
const PER_BATCH_MIN_WORK = 16_384;

/**
 * Relative cost per element, measured on tfjs 4.22 wasm: an explicit transpose (~2.5 ns) and XNNPACK's
 * packing of the right-hand operand the first time it sees a tensor (~12 ns, with a transpose of its own).
 */
const TRANSPOSE_COST = 1;
const PACK_COST = 5;

/**
 * Operands already seen by this kernel. One that comes back (weights at inference, a fixed batch) is
 * taken as reused: the direct form lets XNNPACK pack it once and serve it from its cache afterwards. In
 * training every weight is a new tensor after each update, so the cheaper unpacked form is chosen.
 */
const seenOperands = new WeakSet<object>();

/**
 * Whether to compute C = A'·B' as (B'ᵀ·A'ᵀ)ᵀ: with [m, k]·[k, n] operands, the swapped form packs A'ᵀ
 * (k·m) instead of B' (k·n), needs a transpose of whichever input is not already stored transposed, and
 * one of C.
 */
export function prefersSwapped(
  m: number,
  k: number,
  n: number,
  transposeA: boolean,
  transposeB: boolean,
  packed: { a: boolean; b: boolean } = { a: false, b: false },
): boolean {
  const direct =
    TRANSPOSE_COST * ((transposeA ? m * k : 0) + (transposeB ? k * n : 0)) +
    (packed.b && !transposeB ? 0 : PACK_COST * k * n);
  const swapped =
    TRANSPOSE_COST * ((transposeB ? 0 : k * n) + (transposeA ? 0 : m * k) + m * n) +
    (packed.a && transposeA ? 0 : PACK_COST * k * m);
  return swapped < direct;
}

/**
 * Whether gradwell's SIMD product beats XNNPACK here: when it runs on at least as many threads
 * (`productThreads`, from its kernel pool) as XNNPACK (`xnnpackThreads`). On one thread each it does for
 * every shape measured (the benchmark MLP's products, 128×784·784×512 in each transposition: 38–43
 * GFLOP/s vs XNNPACK's 26–31 with a new operand and 35 with one it has packed before; the MLP step
 * 17.3 → 12.8 ms), since nothing is packed. On one thread against XNNPACK's two (no pool) it was even
 * alone and no faster in a step (two models stepped alternately: 17.5 vs 19.9 ms, then 19.1 vs 17.7 ms),
 * and on more cores XNNPACK pulls ahead.
 */
export function prefersDirect(xnnpackThreads: number, productThreads: number): boolean {
  return productThreads >= xnnpackThreads;
}

type EpilogueStep = (calls: KernelCalls, x: TensorInfo) => TensorInfo;

/**
 * What `_FusedMatMul` does after the product, as kernel calls: bias, then the activation; undefined for
 * an activation this does not know (the original kernel then runs the whole op).
 */
function fusedEpilogue(
  inputs: Record<string, unknown>,
  attrs: Record<string, unknown>,
): EpilogueStep[] | undefined {
  const { bias, preluActivationWeights: alpha } = inputs as {
    bias?: TensorInfo;
    preluActivationWeights?: TensorInfo;
  };
  const steps: EpilogueStep[] = [];
  if (bias !== undefined) steps.push((calls, x) => calls.run('Add', { a: x, b: bias }));
  const activation = (attrs.activation as string | undefined) ?? 'linear';
  const simple: Record<string, string> = { relu: 'Relu', relu6: 'Relu6', elu: 'Elu', sigmoid: 'Sigmoid' };
  const kernel = simple[activation];
  if (kernel !== undefined) steps.push((calls, x) => calls.run(kernel, { x }));
  else if (activation === 'leakyrelu')
    steps.push((calls, x) => calls.run('LeakyRelu', { x }, { alpha: attrs.leakyreluAlpha ?? 0.2 }));
  else if (activation === 'prelu' && alpha !== undefined)
    steps.push((calls, x) => calls.run('Prelu', { x, alpha }));
  else if (activation !== 'linear') return undefined;
  return steps;
}

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
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return original.kernelFunc(args) as TensorInfo;
    const epilogue = fused ? fusedEpilogue(inputs, attrs) : [];
    const simd =
      epilogue !== undefined && directMatMulFits(a, b, transposeB) ? simdKernelsFor(backend) : undefined;
    if (
      simd !== undefined &&
      epilogue !== undefined &&
      prefersDirect(xnnpackThreads(backend), simdKernelThreads(backend))
    ) {
      seenOperands.add(a.dataId);
      seenOperands.add(b.dataId);
      return composeKernels(backend, 'wasm', (calls) =>
        epilogue.reduce(
          (x, step) => step(calls, x),
          calls.track(directMatMul(calls, simd, a, b, transposeA, transposeB)),
        ),
      );
    }
    return composeKernels(backend, 'wasm', (calls) => {
      const plainAttrs = { ...attrs, transposeA: false, transposeB: false };
      const run = (x: TensorInfo, y: TensorInfo) =>
        calls.run(original.kernelName, { ...inputs, a: x, b: y }, plainAttrs, original);
      if (!fused && batchSize(a) <= 1 && batchSize(b) <= 1 && a.shape.length === 2 && b.shape.length === 2) {
        const [m, k] = (transposeA ? [a.shape[1], a.shape[0]] : a.shape) as [number, number];
        const n = (transposeB ? b.shape[0] : b.shape[1]) as number;
        const packed = { a: seenOperands.has(a.dataId), b: seenOperands.has(b.dataId) };
        seenOperands.add(a.dataId);
        seenOperands.add(b.dataId);
        if (prefersSwapped(m, k, n, transposeA, transposeB, packed)) {
          const left = transposeB ? b : calls.transpose(b, [1, 0]); // B'ᵀ
          const right = transposeA ? a : calls.transpose(a, [1, 0]); // A'ᵀ
          return calls.transpose(run(left, right), [1, 0]);
        }
      }
      const left = transposeA ? swapLastTwo(calls, a) : a;
      const right = transposeB ? swapLastTwo(calls, b) : b;
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

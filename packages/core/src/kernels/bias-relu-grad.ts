/**
 * The gradient of `GradwellBiasRelu` (relu(x + bias), a dense or conv layer's bias and ReLU) as one
 * kernel on wasm: dz = dy · step(y) for x, as `GradwellReluGrad` computes it (the same bits), and the
 * bias's gradient, the sum of dz over every axis but the last, in the same pass. It used to be
 * `GradwellReluGrad` and then `Sum`: a second pass over dz (the benchmark CNN's first activation,
 * [64, 26, 26, 32], 5.5 MB) that ran on one thread.
 *
 * The sum runs over groups of rows — at most SUM_GROUPS, a number that does not depend on the thread
 * count (product-blocks.ts) — each group's rows added in order into a row of its own, then those rows added in order: the
 * groups can be shared among gradwell's kernel threads, and the bias gradient is the same bit for bit on
 * any number of threads, and with the SIMD kernels off (the same groups as a JavaScript loop).
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { makeOutput } from './backend-values';
import type { KernelArgs } from './kernel-calls';
import { sumGroups } from './simd/product-blocks';
import { heapOffset, makeFloatOutput, simdKernelsFor } from './simd/simd-kernels';

/** The kernel's name: inputs `dy` and `y` (float32, one shape of rank ≥ 2); outputs dz and the bias's gradient. */
export const BIAS_RELU_GRAD = 'GradwellBiasReluGrad';

const shapeOf = (info: TensorInfo) => `[${info.shape.join(', ')}]`;

/** dz and the groups' column sums in JavaScript, in the SIMD kernel's order. */
function reluGradSumsLoop(dz: Float32Array, dy: Float32Array, y: Float32Array, cols: number, per: number) {
  const rows = dz.length / cols;
  const sums = new Float32Array(Math.ceil(rows / per) * cols);
  for (let r = 0; r < rows; r++) {
    const group = Math.floor(r / per) * cols;
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const yi = y[i] as number;
      const z = (dy[i] as number) * (Number.isNaN(yi) ? Number.NaN : yi > 0 ? 1 : 0);
      dz[i] = z;
      sums[group + c] = (sums[group + c] as number) + z;
    }
  }
  return sums;
}

function biasReluGradKernel(args: KernelArgs): TensorInfo[] {
  const { inputs, backend } = args;
  const { dy, y } = inputs as { dy: TensorInfo; y: TensorInfo };
  if (dy.dtype !== 'float32' || y.dtype !== 'float32')
    throw new Error(`${BIAS_RELU_GRAD}: dy and y must be float32, got ${dy.dtype} and ${y.dtype}.`);
  if (y.shape.length < 2 || dy.shape.length !== y.shape.length || dy.shape.some((d, i) => d !== y.shape[i]))
    throw new Error(
      `${BIAS_RELU_GRAD}: dy and y must have one shape of rank ≥ 2, got ${shapeOf(dy)} and ${shapeOf(y)}.`,
    );
  const cols = y.shape[y.shape.length - 1] as number;
  const rows = y.shape.slice(0, -1).reduce((p, d) => p * d, 1);
  const { per, groups } = sumGroups(rows);
  const simd = simdKernelsFor(backend);
  if (simd === undefined) {
    let sums = new Float32Array(0);
    const dz = makeOutput(backend, [...y.shape], 'float32', [dy, y], (out, dyValues, yValues) => {
      sums = reluGradSumsLoop(
        out as Float32Array,
        dyValues as Float32Array,
        yValues as Float32Array,
        cols,
        per,
      );
    });
    const db = makeOutput(backend, [cols], 'float32', [], (out) => {
      for (let g = 0; g < groups; g++)
        for (let c = 0; c < cols; c++) out[c] = (out[c] as number) + (sums[g * cols + c] as number);
    });
    return [dz, db];
  }
  const dz = makeFloatOutput(backend, [...y.shape], false);
  const db = makeFloatOutput(backend, [cols], rows * cols === 0);
  if (rows * cols === 0) return [dz.out, db.out];
  const copies = makeFloatOutput(backend, [groups, cols], false);
  try {
    // prettier-ignore
    simd.reluGradSums(
      heapOffset(backend, dy), heapOffset(backend, y), dz.offset, copies.offset, groups, per, rows, cols,
    );
    simd.columnSums(copies.offset, db.offset, groups, cols, 1);
  } finally {
    backend.disposeData(copies.out.dataId);
  }
  return [dz.out, db.out];
}

export const biasReluGradKernelConfig: KernelConfig = {
  kernelName: BIAS_RELU_GRAD,
  backendName: 'wasm',
  kernelFunc: biasReluGradKernel as unknown as KernelFunc,
};

/**
 * `GradwellBiasReluGrad` (bias-relu-grad.ts): the SIMD function `reluGradSums` equals a JavaScript
 * reference bit for bit on a plain and a shared memory (row tails, a short last group, NaN, ±∞, −0);
 * through tfjs the gradient of `biasRelu` runs it in place of `GradwellReluGrad` and `Sum`, with x's
 * gradient tfjs's to the bit and the bias's the rows summed in groups, the same with the SIMD kernels off
 * and close to the cpu backend's; its second derivatives equal the composition's; its errors name what
 * came; nothing leaks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expectSameFloats, seededFloats } from '@gradwell/test-utils';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { biasRelu, setupBackend, setSimdKernels } from '../index';
import { BIAS_RELU_GRAD } from './bias-relu-grad';
import { sumGroups } from './simd/product-blocks';
import { bareSimdKernels } from './simd/bare-kernels';

const SPECIAL = [Number.NaN, Infinity, -Infinity, -0, 0, 1e-45, -2];

/** Seeded floats in [-2, 2); with `special`, every seventh one of SPECIAL. */
const values = (count: number, seed: number, special = false): Float32Array =>
  seededFloats(count, seed, { scale: 2, ...(special ? { special: SPECIAL, every: 7, at: 3 } : {}) });

/** dz = dy · step(y) and each group's column sums (rows in order from +0), in float32. */
function reference(dy: Float32Array, y: Float32Array, cols: number, per: number) {
  const rows = y.length / cols;
  const dz = dy.map((d, i) => {
    const v = y[i] as number;
    return Math.fround(d * (Number.isNaN(v) ? Number.NaN : v > 0 ? 1 : 0));
  });
  const groups = Math.ceil(rows / per);
  const sums = new Float32Array(groups * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const at = Math.floor(r / per) * cols + c;
      sums[at] = Math.fround((sums[at] as number) + (dz[r * cols + c] as number));
    }
  return { dz, sums };
}

describe.each([false, true])('reluGradSums (shared memory: %s)', (shared) => {
  const { kernels, heap } = bareSimdKernels(shared);

  test.each([
    [1, 4, 1],
    [7, 3, 2],
    [10, 37, 3],
    [33, 32, 4],
    [64, 5, 64],
    [9, 1, 9],
  ])('%i rows × %i columns in groups of %i rows: dz and each group’s sums, to the bit', (rows, cols, per) => {
    const groups = Math.ceil(rows / per);
    for (const special of [false, true]) {
      const dy = values(rows * cols, rows + cols, special);
      const y = values(rows * cols, 3 * rows + cols, special);
      const n = rows * cols;
      const at = { dy: 16, y: 16 + n + 4, dz: 16 + 2 * (n + 4), sums: 16 + 3 * (n + 4) }; // in floats
      heap().set(dy, at.dy);
      heap().set(y, at.y);
      heap().fill(12_345, at.dz, at.sums + groups * cols + 4);
      kernels.reluGradSums(at.dy * 4, at.y * 4, at.dz * 4, at.sums * 4, groups, per, rows, cols);
      const expected = reference(dy, y, cols, per);
      expectSameFloats(heap().subarray(at.dz, at.dz + n), expected.dz);
      expectSameFloats(heap().subarray(at.sums, at.sums + groups * cols), expected.sums);
      expect(heap()[at.sums + groups * cols]).toBe(12_345); // nothing written past the last group
    }
  });
});

describe('through tfjs on wasm', () => {
  beforeAll(async () => {
    await setupBackend({ backend: 'wasm', threads: 1 });
  });
  afterEach(async () => {
    setSimdKernels(true);
    await setupBackend({ backend: 'wasm', threads: 1 });
  });

  const grads = (xShape: number[], seed: number) =>
    tf.tidy(() => {
      const size = xShape.reduce((a, d) => a * d, 1);
      const cols = xShape[xShape.length - 1] as number;
      const x = tf.tensor(values(size, seed), xShape);
      const b = tf.tensor1d(values(cols, seed + 1));
      const c = tf.tensor(values(size, seed + 2), xShape);
      // c as the upstream gradient: the only kernels backwards are the gradient's own
      const f = (u: tf.Tensor, v: tf.Tensor) => biasRelu(u, v);
      return tf
        .grads(f)([x, b], c)
        .map((g) => g.dataSync().slice() as Float32Array);
    });

  test.each([[[64, 26, 26, 32]], [[64, 11, 11, 64]], [[128, 512]], [[37, 9]]])(
    'biasRelu of %j: one kernel for both gradients; the bias’s summed in groups of rows',
    async (shape) => {
      const kernels = (await tf.profile(() => grads(shape, 5))).kernels.map((k) => k.name);
      expect(kernels).toContain(BIAS_RELU_GRAD);
      expect(kernels).not.toContain('GradwellReluGrad');
      expect(kernels).not.toContain('Sum');
      const [dx, db] = grads(shape, 5) as [Float32Array, Float32Array];
      const cols = shape[shape.length - 1] as number;
      const groups = sumGroups(dx.length / cols);
      const sums = reference(
        dx,
        dx.map(() => 1),
        cols,
        groups.per,
      ).sums; // dx summed in the kernel's groups
      const expected = new Float32Array(cols);
      for (let g = 0; g < groups.groups; g++)
        for (let c = 0; c < cols; c++)
          expected[c] = Math.fround((expected[c] as number) + (sums[g * cols + c] as number));
      expectSameFloats(db, expected);
      setSimdKernels(false);
      const [loopDx, loopDb] = grads(shape, 5) as [Float32Array, Float32Array];
      setSimdKernels(true);
      expectSameFloats(loopDx, dx);
      expectSameFloats(loopDb, db);
      await setupBackend({ backend: 'cpu' });
      const [cpuDx, cpuDb] = grads(shape, 5) as [Float32Array, Float32Array];
      expectSameFloats(dx, cpuDx);
      cpuDb.forEach((v, i) => {
        const scale = Math.max(1, Math.abs(v), Math.sqrt(dx.length / cols));
        if (Math.abs((db[i] as number) - v) > 1e-5 * scale)
          throw new Error(`bias ${i}: ${db[i]} against ${v}`);
      });
    },
  );

  test('second derivatives through the kernel (by x and by the bias) equal the composition’s on cpu', async () => {
    const second = () =>
      tf.tidy(() => {
        const x = tf.tensor2d(values(40, 9), [8, 5]);
        const b = tf.tensor1d(values(5, 10));
        const c = tf.tensor2d(values(40, 11), [8, 5]);
        const w = tf.tensor1d(values(5, 12));
        // g(x, b) = Σ w · ∂/∂b Σ (biasRelu(x, b))², then its gradients by x and b
        const inner = (u: tf.Tensor, v: tf.Tensor) =>
          tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(c, tf.square(biasRelu(p, q)))))([u, v]);
        const outer = (u: tf.Tensor, v: tf.Tensor) => {
          const [gx, gb] = inner(u, v) as [tf.Tensor, tf.Tensor];
          return tf.add(tf.sum(tf.mul(w, gb)), tf.sum(tf.mul(c, gx)));
        };
        return tf
          .grads(outer)([x, b])
          .map((g) => g.dataSync().slice());
      });
    const onWasm = second();
    await setupBackend({ backend: 'cpu' });
    const onCpu = second();
    onWasm.forEach((values, i) =>
      values.forEach((v, j) => expect(v).toBeCloseTo(onCpu[i]?.[j] as number, 4)),
    );
  });

  test('the kernel refuses other dtypes and shapes, naming them; nothing leaks', () => {
    const before = tf.memory().numTensors;
    const run = (dy: tf.Tensor, y: tf.Tensor) => () => tf.engine().runKernel(BIAS_RELU_GRAD, { dy, y });
    tf.tidy(() => {
      expect(run(tf.ones([4, 3], 'int32'), tf.ones([4, 3]))).toThrow(
        `${BIAS_RELU_GRAD}: dy and y must be float32, got int32 and float32.`,
      );
      expect(run(tf.ones([4, 3]), tf.ones([3, 4]))).toThrow(
        `${BIAS_RELU_GRAD}: dy and y must have one shape of rank ≥ 2, got [4, 3] and [3, 4].`,
      );
      expect(run(tf.ones([4]), tf.ones([4]))).toThrow(/one shape of rank ≥ 2, got \[4\] and \[4\]/);
    });
    tf.tidy(() => grads([64, 26, 26, 32], 3));
    expect(tf.memory().numTensors).toBe(before);
  });
});

/**
 * The bias `Add` and ReLU's gradient on wasm (bias-add.ts, relu-grad.ts, gradients/relu-grad.ts): the
 * SIMD functions equal a JavaScript reference bit for bit (row tails, NaN, ±∞, −0 included); through tfjs
 * the kernels equal tfjs's own composition on the same backend and on cpu, with the SIMD kernels on and
 * off; other `Add`s and other backends keep tfjs's kernels; nothing leaks; second derivatives still work.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { setupBackend, setSimdKernels, installTrainingKernels, uninstallTrainingKernels } from '../index';
import { reluGrad } from '../gradients/relu-grad';
import { isLastAxisBias } from './bias-add';
import { RELU_GRAD } from './relu-grad';
import { SIMD_KERNELS_PLAIN } from './simd/simd-binary.generated';
import type { SimdKernels } from './simd/simd-kernels';

const SPECIAL = [Number.NaN, Infinity, -Infinity, -0, 0, 1e-45, -1e-45, 3.5, -2];

/** Seeded floats in [-2, 2), every seventh one of SPECIAL. */
function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = i % 7 === 3 ? (SPECIAL[(state >>> 8) % SPECIAL.length] as number) : (state / 2 ** 32) * 4 - 2;
  }
  return out;
}

/** Float32 values compared bit for bit (NaN with NaN: payloads may differ). */
function expectSameFloats(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  const bits = (v: number) => (Number.isNaN(v) ? 'NaN' : new Uint32Array(new Float32Array([v]).buffer)[0]);
  for (let i = 0; i < expected.length; i++) {
    if (bits(actual[i] as number) !== bits(expected[i] as number))
      throw new Error(`value ${i}: ${actual[i]} instead of ${expected[i]}`);
  }
}

describe('the SIMD functions against JavaScript', () => {
  const memory = new WebAssembly.Memory({ initial: 64 });
  const module = new WebAssembly.Module(Buffer.from(SIMD_KERNELS_PLAIN, 'base64'));
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdKernels;
  const heap = () => new Float32Array(memory.buffer);

  test.each([
    [1, 4],
    [3, 7],
    [5, 32],
    [2, 10],
    [4, 1],
    [0, 8],
  ])('biasAdd of %i rows × %i columns: x[r, c] + bias[c], the row tails too', (rows, cols) => {
    const x = values(rows * cols, rows + 11 * cols);
    const bias = values(cols, cols);
    const at = { x: 64, bias: 64 + x.length * 4 + 16, out: 64 + x.length * 4 + 16 + bias.length * 4 + 16 };
    heap().set(x, at.x / 4);
    heap().set(bias, at.bias / 4);
    heap().fill(Number.NaN, at.out / 4, at.out / 4 + x.length + 4);
    kernels.biasAdd(at.x, at.bias, at.out, rows, cols);
    const expected = x.map((v, i) => Math.fround(v + (bias[i % cols] as number)));
    expectSameFloats(heap().slice(at.out / 4, at.out / 4 + x.length), expected);
    expect(Number.isNaN(heap()[at.out / 4 + x.length] as number)).toBe(true); // nothing past the end
    kernels.biasAdd(at.x, at.bias, at.x, rows, cols); // in place
    expectSameFloats(heap().slice(at.x / 4, at.x / 4 + x.length), expected);
  });

  test.each([0, 1, 3, 4, 5, 64, 67])('reluGrad of %i values: dy · step(x), NaN where x is NaN', (count) => {
    const dy = values(count, 7 + count);
    const x = values(count, 99 + count);
    const at = { dy: 64, x: 64 + count * 4 + 16, out: 64 + 2 * (count * 4 + 16) };
    heap().set(dy, at.dy / 4);
    heap().set(x, at.x / 4);
    heap().fill(Number.NaN, at.out / 4, at.out / 4 + count + 4);
    kernels.reluGrad(at.dy, at.x, at.out, count);
    const step = (v: number) => (Number.isNaN(v) ? Number.NaN : v > 0 ? 1 : 0);
    const expected = dy.map((v, i) => Math.fround(v * step(x[i] as number)));
    expectSameFloats(heap().slice(at.out / 4, at.out / 4 + count), expected);
    if (count > 0) expect(Number.isNaN(heap()[at.out / 4 + count] as number)).toBe(true);
    // −0 from a negative dy where x ≤ 0, NaN from ±∞ where x ≤ 0, as tfjs's multiply gives
    heap().set([-3, Infinity, 2], at.dy / 4);
    heap().set([-1, -1, Number.NaN], at.x / 4);
    kernels.reluGrad(at.dy, at.x, at.out, 3);
    expect(Object.is(heap()[at.out / 4], -0)).toBe(true);
    expect(Number.isNaN(heap()[at.out / 4 + 1] as number)).toBe(true);
    expect(Number.isNaN(heap()[at.out / 4 + 2] as number)).toBe(true);
  });
});

describe('isLastAxisBias', () => {
  const info = (shape: number[]) => ({ dataId: {}, shape, dtype: 'float32' as const });
  test('a bias of the last dimension, its other dimensions 1, of no higher rank', () => {
    expect(isLastAxisBias(info([64, 26, 26, 32]), info([32]))).toBe(true);
    expect(isLastAxisBias(info([5, 3]), info([1, 3]))).toBe(true);
    expect(isLastAxisBias(info([2, 3, 4]), info([1, 1, 4]))).toBe(true);
    expect(isLastAxisBias(info([4, 3]), info([4, 1]))).toBe(false);
    expect(isLastAxisBias(info([4, 3]), info([4, 3]))).toBe(false);
    expect(isLastAxisBias(info([3]), info([3]))).toBe(false);
    expect(isLastAxisBias(info([4, 3]), info([1, 1, 3]))).toBe(false);
    expect(isLastAxisBias(info([4, 3]), info([]))).toBe(false);
    expect(isLastAxisBias(info([4, 0]), info([0]))).toBe(false);
  });
});

describe('through tfjs', () => {
  beforeAll(async () => {
    await setupBackend({ backend: 'wasm', threads: 1 });
  });
  afterEach(async () => {
    setSimdKernels(true);
    await setupBackend({ backend: 'wasm', threads: 1 });
  });

  /** f's values on wasm with the SIMD kernels on and off, and on cpu. */
  async function everywhere(f: () => tf.Tensor) {
    const on = tf.tidy(() => f().dataSync().slice());
    setSimdKernels(false);
    const off = tf.tidy(() => f().dataSync().slice());
    setSimdKernels(true);
    await setupBackend({ backend: 'cpu' });
    const cpu = tf.tidy(() => f().dataSync().slice());
    await setupBackend({ backend: 'wasm', threads: 1 });
    return { on, off, cpu };
  }

  test.each([
    [[64, 26, 26, 32], [32]],
    [[5, 3], [3]],
    [
      [7, 10],
      [1, 10],
    ],
    [
      [2, 3, 4],
      [1, 1, 4],
    ],
    [
      [4, 3],
      [4, 1],
    ], // not a bias: tfjs's kernel
    [
      [4, 3],
      [4, 3],
    ], // same shapes: tfjs's kernel
  ])('Add of %j and %j, either way round: as tfjs computes it, bit for bit', async (xShape, bShape) => {
    const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
    const make = () => ({
      x: tf.tensor(values(size(xShape), 3), xShape),
      b: tf.tensor(values(size(bShape), 5), bShape),
    });
    const forward = await everywhere(() => {
      const { x, b } = make();
      return tf.add(x, b);
    });
    const backward = await everywhere(() => {
      const { x, b } = make();
      return tf.add(b, x);
    });
    for (const r of [forward, backward]) {
      expectSameFloats(r.on, r.cpu);
      expectSameFloats(r.off, r.cpu);
    }
    expectSameFloats(forward.on, backward.on);
  });

  test('int32 Adds and empty tensors go through', () => {
    const sum = tf.add(
      tf.tensor2d(
        [
          [1, 2],
          [3, 4],
        ],
        [2, 2],
        'int32',
      ),
      tf.tensor1d([10, 20], 'int32'),
    );
    expect(sum.dtype).toBe('int32');
    expect(Array.from(sum.dataSync())).toEqual([11, 22, 13, 24]);
    const empty = tf.add(tf.zeros([0, 3]), tf.ones([3]));
    expect(empty.shape).toEqual([0, 3]);
    tf.dispose([sum, empty]);
  });

  test('ReLU gradient: one GradwellReluGrad on wasm, tfjs-core composition on cpu, the same values', async () => {
    const count = 64 * 13 * 13 * 8 + 3;
    const x = () => tf.tensor1d(values(count, 21));
    const dy = () => tf.tensor1d(values(count, 22));
    const grads = await everywhere(() => tf.grad((t: tf.Tensor) => tf.relu(t))(x(), dy()));
    const composed = await everywhere(() => tf.mul(dy(), tf.cast(tf.step(x()), 'float32')));
    for (const g of [grads.on, grads.off, grads.cpu, composed.on]) expectSameFloats(g, composed.cpu);
    expectSameFloats(grads.off, composed.cpu);

    const kernelsOf = async () => {
      const info = await tf.profile(() => tf.grad((t: tf.Tensor) => tf.relu(t))(x(), dy()));
      return info.kernels.map((k) => k.name);
    };
    expect(await kernelsOf()).toContain(RELU_GRAD);
    expect(await kernelsOf()).not.toContain('Step');
    await setupBackend({ backend: 'cpu' });
    expect(await kernelsOf()).toContain('Step');
    expect(await kernelsOf()).not.toContain(RELU_GRAD);
    await setupBackend({ backend: 'wasm', threads: 1 });
    uninstallTrainingKernels(); // stock tfjs: the composition
    try {
      expect(await kernelsOf()).toContain('Step');
    } finally {
      installTrainingKernels();
    }
  });

  test('second derivatives through the kernel equal the composition’s (cpu)', async () => {
    const x = () => tf.tensor1d([-1.5, -0.25, 0.5, 2, 3]);
    const c = () => tf.tensor1d([1, -2, 3, 0.5, -1]);
    // d/dx Σ c·g(x) with g = ∂/∂x Σ relu(x)², which runs reluGrad on 2·relu(x)
    const second = () =>
      tf.grad((t: tf.Tensor) =>
        tf.sum(tf.mul(c(), tf.grad((u: tf.Tensor) => tf.sum(tf.square(tf.relu(u))))(t))),
      )(x());
    const r = await everywhere(second);
    expectSameFloats(r.on, r.cpu);
    expectSameFloats(r.on, [0, 0, 6, 1, -2]); // 2·c·step(x)
    // and by dy directly: ∂/∂dy Σ reluGrad(dy, x) = step(x)
    const byDy = await everywhere(() => tf.grad((dy: tf.Tensor) => tf.sum(reluGrad(dy, x())))(tf.ones([5])));
    expectSameFloats(byDy.on, [0, 0, 1, 1, 1]);
    expectSameFloats(byDy.cpu, [0, 0, 1, 1, 1]);
  });

  test('the kernel refuses other dtypes and shapes, naming them', () => {
    const run = (dy: tf.Tensor, x: tf.Tensor) => () => tf.engine().runKernel(RELU_GRAD, { dy, x });
    const f = tf.zeros([2, 3]);
    expect(run(f, tf.zeros([2, 3], 'int32'))).toThrow(
      `${RELU_GRAD}: dy and x must be float32, got float32 and int32.`,
    );
    expect(run(f, tf.zeros([3, 2]))).toThrow(
      `${RELU_GRAD}: dy and x must have one shape, got [2,3] and [3,2].`,
    );
    // int32 through the gradient takes the composition
    const g = tf.grad((t: tf.Tensor) => tf.relu(t))(tf.tensor1d([-1, 2]), tf.tensor1d([3, 4]));
    expect(Array.from(g.dataSync())).toEqual([0, 4]);
  });

  test('no tensors left behind by the bias Add, the gradient, or a training step through both', () => {
    const before = tf.memory().numTensors;
    const w = tf.tidy(() => tf.variable(tf.tensor2d(values(12, 1), [4, 3])));
    const b = tf.tidy(() => tf.variable(tf.tensor1d(values(3, 2))));
    const x = tf.tensor2d(values(20, 3), [5, 4]);
    const optimizer = tf.train.sgd(0.1);
    for (let i = 0; i < 3; i++)
      optimizer.minimize(() => tf.sum(tf.relu(tf.add(tf.matMul(x, w), b))), false, [w, b]);
    tf.dispose([w, b, x]);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

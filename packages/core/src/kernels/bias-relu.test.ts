/**
 * The bias `Add` and ReLU's gradient on wasm (bias-add.ts, relu-grad.ts, gradients/relu-grad.ts): the
 * SIMD functions equal a JavaScript reference bit for bit (row tails, NaN, ±∞, −0 included); through tfjs
 * the kernels equal tfjs's own composition on the same backend and on cpu, with the SIMD kernels on and
 * off; other `Add`s and other backends keep tfjs's kernels; nothing leaks; second derivatives still work.
 * `biasRelu` (gradients/bias-relu.ts) and the layers that run it under a tape: the values and gradients of
 * relu(add(x, bias)), one kernel in place of two, its errors.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expectSameFloats, seededFloats } from '@gradwell/test-utils';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  biasRelu,
  Conv2d,
  Dense,
  setupBackend,
  setSimdKernels,
  installTrainingKernels,
  uninstallTrainingKernels,
} from '../index';
import { reluGrad } from '../gradients/relu-grad';
import { BIAS_RELU, isLastAxisBias } from './bias-add';
import { sumGroups } from './simd/product-blocks';
import { RELU_GRAD } from './relu-grad';
import { SIMD_KERNELS_PLAIN } from './simd/simd-binary.generated';
import type { SimdKernels } from './simd/simd-kernels';

const SPECIAL = [Number.NaN, Infinity, -Infinity, -0, 0, 1e-45, -1e-45, 3.5, -2];

/** Seeded floats in [-2, 2), every seventh one of SPECIAL. */
const values = (count: number, seed: number): Float32Array =>
  seededFloats(count, seed, { scale: 2, special: SPECIAL, every: 7, at: 3 });

/** Column sums of `values` ([rows, cols]) in bias-relu-grad.ts's groups of rows, as float32. */
function groupedColumnSums(values: Float32Array, cols: number): Float32Array {
  const rows = values.length / cols;
  const { per, groups } = sumGroups(rows);
  const out = new Float32Array(cols);
  for (let c = 0; c < cols; c++)
    for (let g = 0; g < groups; g++) {
      let s = 0;
      for (let r = g * per; r < Math.min(rows, (g + 1) * per); r++)
        s = Math.fround(s + (values[r * cols + c] as number));
      out[c] = Math.fround((out[c] as number) + s);
    }
  return out;
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
  ])(
    'biasAdd of %i rows × %i columns: x[r, c] + bias[c], then ReLU or not, the row tails too',
    (rows, cols) => {
      for (const relu of [0, 1]) {
        const x = values(rows * cols, rows + 11 * cols);
        const bias = values(cols, cols);
        const at = {
          x: 64,
          bias: 64 + x.length * 4 + 16,
          out: 64 + x.length * 4 + 16 + bias.length * 4 + 16,
        };
        heap().set(x, at.x / 4);
        heap().set(bias, at.bias / 4);
        heap().fill(Number.NaN, at.out / 4, at.out / 4 + x.length + 4);
        kernels.biasAdd(at.x, at.bias, at.out, rows, cols, relu);
        const sums = x.map((v, i) => Math.fround(v + (bias[i % cols] as number)));
        // ReLU: the sum where > 0 or NaN, +0 elsewhere (−0 too)
        const expected = relu === 0 ? sums : sums.map((y) => (y > 0 || Number.isNaN(y) ? y : 0));
        expectSameFloats(heap().slice(at.out / 4, at.out / 4 + x.length), expected);
        expect(Number.isNaN(heap()[at.out / 4 + x.length] as number)).toBe(true); // nothing past the end
        kernels.biasAdd(at.x, at.bias, at.x, rows, cols, relu); // in place
        expectSameFloats(heap().slice(at.x / 4, at.x / 4 + x.length), expected);
      }
    },
  );

  test('biasAdd with ReLU: −0, negative sums and −∞ give +0; NaN of either sign stays NaN', () => {
    const bits = new Uint32Array([0x80000000, 0xbf800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x80000001]);
    heap().set(new Float32Array(bits.buffer), 16);
    heap().fill(0, 32, 38); // bias 0
    kernels.biasAdd(64, 128, 256, 1, 6, 1);
    kernels.biasAdd(64, 128, 320, 6, 1, 1); // the same one by one
    for (const out of [256, 320]) {
      const got = new Uint32Array(heap().buffer, out, 6);
      expect(Array.from(got.slice(0, 3))).toEqual([0, 0, 0]);
      expect(Number.isNaN(heap()[out / 4 + 3] as number) && Number.isNaN(heap()[out / 4 + 4] as number)).toBe(
        true,
      );
      expect(got[5]).toBe(0);
    }
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

  describe('biasRelu: relu(x + bias) in one kernel under a tape', () => {
    const shapes: Array<[number[], number[]]> = [
      [[8, 13, 13, 32], [32]],
      [[5, 7], [7]],
      [
        [3, 2, 5],
        [1, 1, 5],
      ],
    ];
    const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
    const operands = (xShape: number[], bShape: number[]) => ({
      x: tf.tensor(values(size(xShape), 31), xShape),
      b: tf.tensor(values(size(bShape), 32), bShape),
      c: tf.tensor(values(size(xShape), 33), xShape),
    });
    /** The value and the gradients by x and bias of Σ c · g(x, bias). */
    const withGrads = (g: (x: tf.Tensor, b: tf.Tensor) => tf.Tensor, xShape: number[], bShape: number[]) =>
      tf.tidy(() => {
        const { x, b, c } = operands(xShape, bShape);
        const [dx, db] = tf.grads((u: tf.Tensor, v: tf.Tensor) => tf.sum(tf.mul(c, g(u, v))))([x, b]);
        return [g(x, b), dx, db].map((t) => (t as tf.Tensor).dataSync().slice());
      });

    test.each(shapes)(
      "x %j, bias %j: the values and x's gradient of relu(add(x, bias)) bit for bit, the bias's summed in groups of rows",
      async (xs, bs) => {
        const fused = withGrads(biasRelu, xs, bs);
        const composed = withGrads((x, b) => tf.relu(tf.add(x, b)), xs, bs);
        const sums = tf.tidy(() => {
          const { x, b } = operands(xs, bs);
          return tf.add(x, b).dataSync().slice();
        });
        setSimdKernels(false);
        const loop = withGrads(biasRelu, xs, bs);
        setSimdKernels(true);
        await setupBackend({ backend: 'cpu' });
        const cpu = withGrads((x, b) => tf.relu(tf.add(x, b)), xs, bs);
        const cpuOp = withGrads(biasRelu, xs, bs); // no kernel on cpu: the composition itself
        const [y, dx, db] = fused as [Float32Array, Float32Array, Float32Array];
        loop.forEach((part, i) => expectSameFloats(part, fused[i] as Float32Array));
        // tfjs's wasm Relu gives 0 for a NaN sum with its sign bit set (∞ − ∞ here); this keeps it NaN
        const nan = Array.from(sums, Number.isNaN);
        expectSameFloats(
          y.map((v, i) => (nan[i] ? 0 : v)),
          (composed[0] as Float32Array).map((v, i) => (nan[i] ? 0 : v)),
        );
        expect(nan.every((isNaN, i) => !isNaN || Number.isNaN(y[i] as number))).toBe(true);
        // x's gradient is tfjs's to the bit; the bias's is dx summed in groups of rows (bias-relu-grad.ts)
        expectSameFloats(dx, composed[1] as Float32Array);
        expectSameFloats(db, groupedColumnSums(dx, bs[bs.length - 1] as number));
        // against the cpu backend: the values and x's gradient to the bit, the bias's summed in cpu's order
        expectSameFloats(y, cpu[0] as Float32Array);
        expectSameFloats(dx, cpu[1] as Float32Array);
        cpuOp.forEach((part, i) => expectSameFloats(part, cpu[i] as Float32Array));
        (cpu[2] as Float32Array).forEach((v, i) => {
          const got = db[i] as number;
          if (Number.isNaN(v) ? !Number.isNaN(got) : Math.abs(got - v) > 1e-3 * Math.max(1, Math.abs(v)))
            throw new Error(`bias gradient ${i}: ${got} against cpu's ${v}`);
        });
      },
    );

    test('a NaN sum of either sign stays NaN, and so does its gradient (tfjs wasm’s Relu gives 0 for −NaN)', () => {
      const negativeNaN = new Float32Array(
        new Uint32Array([0xffc00000, 0x7fc00000, 0xbf800000, 0x3f800000]).buffer,
      );
      const x = tf.tensor2d(negativeNaN, [1, 4]);
      const b = tf.zeros([4]);
      const y = Array.from(biasRelu(x, b).dataSync());
      expect(y.map((v) => (Number.isNaN(v) ? 'NaN' : v))).toEqual(['NaN', 'NaN', 0, 1]);
      const dx = tf
        .grad((u: tf.Tensor) => tf.sum(biasRelu(u, b)))(x)
        .dataSync();
      expect(Array.from(dx).map((v) => (Number.isNaN(v) ? 'NaN' : v))).toEqual(['NaN', 'NaN', 0, 1]);
      expect(tf.relu(x).dataSync()[0]).toBe(0); // what it would be through tfjs's wasm Relu
      tf.dispose([x, b]);
    });

    test('Dense and Conv2d with a bias and ReLU run it under a tape, tfjs’s fused kernel without one', async () => {
      const dense = new Dense({
        units: 8,
        activation: { name: 'relu', apply: (t) => tf.relu(t), fused: 'relu' },
      });
      const conv = new Conv2d({
        filters: 4,
        kernelSize: 3,
        activation: { name: 'relu', apply: (t) => tf.relu(t), fused: 'relu' },
      });
      const cases: Array<[Dense | Conv2d, tf.Tensor]> = [
        [dense, tf.randomUniform([6, 5], -1, 1, 'float32', 41)],
        [conv, tf.randomUniform([2, 6, 6, 3], -1, 1, 'float32', 42)],
      ];
      for (const [layer, x] of cases) {
        layer.build(x.shape.slice(1));
        const kernelsOf = async (f: () => tf.Tensor | tf.Tensor[]) =>
          (await tf.profile(f)).kernels.map((k) => k.name);
        const taped = await kernelsOf(() => tf.grad((u: tf.Tensor) => tf.sum(layer.apply(u)))(x));
        expect(taped).toContain(BIAS_RELU);
        expect(taped).not.toContain('Relu');
        const plain = await kernelsOf(() => layer.apply(x));
        expect(plain).not.toContain(BIAS_RELU);
        // the same values either way, and the gradients of the composition
        const bias = layer.weights.find((w) => w.name.endsWith('bias'));
        const kernel = layer.weights.find((w) => w.name.endsWith('kernel'));
        if (bias === undefined || kernel === undefined) throw new Error('the layer has no kernel or bias');
        const composed = (u: tf.Tensor, k: tf.Tensor, b: tf.Tensor) =>
          tf.relu(
            tf.add(
              layer instanceof Dense
                ? tf.matMul(u as tf.Tensor2D, k as tf.Tensor2D)
                : tf.conv2d(u as tf.Tensor4D, k as tf.Tensor4D, 1, 'valid'),
              b,
            ),
          );
        const [k, b] = [kernel.variable, bias.variable];
        const viaLayer = tf.tidy(() =>
          tf
            .grads((u: tf.Tensor) => tf.sum(tf.square(layer.apply(u))))([x])
            .map((g) => g.dataSync().slice()),
        );
        const viaOps = tf.tidy(() =>
          tf
            .grads((u: tf.Tensor) => tf.sum(tf.square(composed(u, k, b))))([x])
            .map((g) => g.dataSync().slice()),
        );
        expectSameFloats(viaLayer[0] as Float32Array, viaOps[0] as Float32Array);
        const values1 = tf.tidy(() => layer.apply(x).dataSync().slice());
        const values2 = tf.tidy(() => composed(x, k, b).dataSync().slice());
        values1.forEach((v, i) => expect(v).toBeCloseTo(values2[i] as number, 5));
        x.dispose();
      }
      dense.dispose();
      conv.dispose();
    });

    test('bad input is refused, naming what came', () => {
      const x = tf.zeros([4, 3]);
      expect(() => biasRelu(x, tf.zeros([4]))).toThrow(
        "biasRelu: bias must have x's last dimension (x of rank ≥ 2); got x [4, 3] and bias [4].",
      );
      expect(() => biasRelu(tf.zeros([3]), tf.zeros([3]))).toThrow('got x [3] and bias [3]');
      expect(() => biasRelu(x, tf.zeros([3], 'int32'))).toThrow(
        'biasRelu: x and bias must be float32; got float32 and int32.',
      );
      expect(() => tf.engine().runKernel(BIAS_RELU, { x, bias: tf.zeros([2]) })).toThrow(
        `${BIAS_RELU}: bias must be x's last dimension (x of rank ≥ 2), got x [4, 3] and bias [2].`,
      );
    });

    test('no tensors left by the op, its gradient, or training steps of a layer through it', () => {
      const before = tf.memory().numTensors;
      const layer = new Dense({
        units: 6,
        activation: { name: 'relu', apply: (t) => tf.relu(t), fused: 'relu' },
      });
      layer.build([4]);
      const x = tf.tensor2d(values(20, 3), [5, 4]);
      const optimizer = tf.train.sgd(0.1);
      const variables = layer.trainableWeights.map((w) => w.variable);
      for (let i = 0; i < 3; i++) optimizer.minimize(() => tf.sum(layer.apply(x)), false, variables);
      tf.tidy(() => {
        tf.grads((u: tf.Tensor, b: tf.Tensor) => tf.sum(biasRelu(u, b)))([x, tf.ones([4])]);
      });
      tf.dispose(x);
      optimizer.dispose();
      layer.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});

/**
 * `fusedAdamUpdate`, `fusedMomentumUpdate` and `fusedSgdUpdate`: an optimiser's step in one SIMD pass,
 * against its closed form on a first step and against tfjs's own operations (bit for bit on wasm) over
 * many; new buffers, never writes in place (a clone and tfjs's per-tensor caches stay right); nothing
 * changed and false where it cannot run.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createRandom,
  fusedAdamUpdate,
  fusedMomentumUpdate,
  fusedSgdUpdate,
  setSimdKernels,
  setupBackend,
} from '../index';
import type { AdamStepCoefficients, MomentumStepCoefficients } from './fused-updates';

beforeAll(async () => {
  await setupBackend({ backend: 'wasm', threads: 1 });
});
afterAll(() => setSimdKernels(true));

const f = Math.fround;

/** tfjs-core's AdamOptimizer.applyGradients for one variable, as its source writes it. */
function tfjsAdam(
  w: tf.Variable,
  g: tf.Tensor,
  m: tf.Variable,
  v: tf.Variable,
  s: AdamStepCoefficients,
): void {
  tf.tidy(() => {
    const newM = tf.add(tf.mul(m, s.beta1), tf.mul(g, 1 - s.beta1));
    const newV = tf.add(tf.mul(v, s.beta2), tf.mul(tf.square(g), 1 - s.beta2));
    const mHat = tf.div(newM, tf.sub(1, tf.scalar(1 - s.c1)));
    const vHat = tf.div(newV, tf.sub(1, tf.scalar(1 - s.c2)));
    m.assign(newM);
    v.assign(newV);
    w.assign(tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), s.epsilon)), -s.learningRate), w));
  });
}

/** Coefficients of step t (1-based) as tfjs's optimiser holds them: β^t kept in float32. */
function coefficients(t: number, learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999): AdamStepCoefficients {
  let acc1 = f(beta1);
  let acc2 = f(beta2);
  for (let i = 1; i < t; i++) {
    acc1 = f(acc1 * f(beta1));
    acc2 = f(acc2 * f(beta2));
  }
  return { learningRate, beta1, beta2, epsilon: 1e-7, c1: f(1 - acc1), c2: f(1 - acc2) };
}

const values = (t: tf.Tensor) => Array.from(t.dataSync());
/** A variable that owns its buffer (the tensor it is made from is freed). */
const variable = (make: () => tf.Tensor) => tf.tidy(() => tf.variable(make()));

describe('fusedAdamUpdate on wasm', () => {
  test('a first step from zero moments is w − η·g/(|g| + ε), m = (1−β₁)g, v = (1−β₂)g²', () => {
    const before = tf.memory().numTensors;
    const g0 = [0.5, -2, 1e-3, 3, -0.25, 7];
    const w = variable(() => tf.tensor1d([1, 2, 3, 4, 5, 6]));
    const g = tf.tensor1d(g0);
    const [m, v] = [variable(() => tf.zeros([6])), variable(() => tf.zeros([6]))];
    expect(fusedAdamUpdate(w, g, m, v, coefficients(1, 0.01))).toBe(true);
    values(w).forEach((x, i) => {
      const gi = g0[i] as number;
      expect(x).toBeCloseTo(i + 1 - (0.01 * gi) / (Math.abs(gi) + 1e-7), 6);
    });
    values(m).forEach((x, i) => expect(x).toBeCloseTo(0.1 * (g0[i] as number), 6));
    values(v).forEach((x, i) => expect(x).toBeCloseTo(0.001 * (g0[i] as number) ** 2, 6));
    tf.dispose([w, g, m, v]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test('thirty steps equal tfjs’s operations bit for bit, for sizes with and without a 4-value tail', () => {
    const random = createRandom(11);
    for (const shape of [[128, 9], [7, 5], [3], [64]]) {
      const start = random.uniformTensor(shape);
      const [w1, w2] = [tf.variable(start), tf.variable(start)];
      const zeros = () => variable(() => tf.zeros(shape));
      const [m1, v1, m2, v2] = [zeros(), zeros(), zeros(), zeros()];
      for (let t = 1; t <= 30; t++) {
        const g = tf.tidy(() => tf.sub(random.uniformTensor(shape), 0.5));
        const s = coefficients(t);
        tfjsAdam(w1, g, m1, v1, s);
        expect(fusedAdamUpdate(w2, g, m2, v2, s)).toBe(true);
        g.dispose();
      }
      expect(values(w2)).toEqual(values(w1));
      expect(values(m2)).toEqual(values(m1));
      expect(values(v2)).toEqual(values(v1));
      tf.dispose([start, w1, w2, m1, v1, m2, v2]);
    }
  });

  test('the variable takes a new buffer: a clone keeps its values, a cached product sees the new ones', () => {
    const before = tf.memory().numTensors;
    const w = variable(() => tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]));
    const [m, v] = [variable(() => tf.zeros([3, 2])), variable(() => tf.zeros([3, 2]))];
    const g = tf.ones([3, 2]);
    const x = tf.ones([1, 3]);
    const bias = tf.zeros([2]);
    // tfjs's wasm _FusedMatMul packs its weight operand once per tensor id (XNNPACK) and reuses it
    const product = () => tf.tidy(() => values(tf.fused.matMul({ a: x, b: w, bias })));
    expect(product()).toEqual([9, 12]);
    const snapshot = tf.clone(w); // shares w's buffer (gradwell's Identity)
    fusedAdamUpdate(w, g, m, v, coefficients(1, 0.5));
    expect(values(snapshot)).toEqual([1, 2, 3, 4, 5, 6]);
    const updated = values(w);
    updated.forEach((value, i) => expect(value).toBeCloseTo(i + 1 - 0.5, 5));
    const expected = [0, 1].map(
      (j) => (updated[j] as number) + (updated[2 + j] as number) + (updated[4 + j] as number),
    );
    product().forEach((value, j) => expect(value).toBeCloseTo(expected[j] as number, 5));
    tf.dispose([w, m, v, g, x, bias, snapshot]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test('false and nothing changed where it cannot run: int32, another shape, SIMD off; an empty variable is done', () => {
    const w = variable(() => tf.tensor1d([1, 2, 3, 4]));
    const [m, v] = [variable(() => tf.zeros([4])), variable(() => tf.zeros([4]))];
    const before = tf.memory().numTensors;
    const ints = tf.tensor1d([1, 1, 1, 1], 'int32');
    const other = tf.ones([2, 2]);
    const g = tf.ones([4]);
    expect(fusedAdamUpdate(w, ints, m, v, coefficients(1))).toBe(false);
    expect(fusedAdamUpdate(w, other, m, v, coefficients(1))).toBe(false);
    setSimdKernels(false);
    expect(fusedAdamUpdate(w, g, m, v, coefficients(1))).toBe(false);
    setSimdKernels(true);
    expect(values(w)).toEqual([1, 2, 3, 4]);
    expect(values(m)).toEqual([0, 0, 0, 0]);
    const e = variable(() => tf.zeros([0, 3]));
    const z = tf.zeros([0, 3]);
    expect(fusedAdamUpdate(e, z, e, e, coefficients(1))).toBe(true);
    tf.dispose([ints, other, g, w, m, v, e, z]);
    expect(tf.memory().numTensors).toBe(before - 3);
  });
});

/** tfjs-core's MomentumOptimizer.applyGradients for one variable, as its source writes it. */
function tfjsMomentum(w: tf.Variable, g: tf.Tensor, a: tf.Variable, s: MomentumStepCoefficients): void {
  tf.tidy(() => {
    const [m, c] = [tf.scalar(s.momentum), tf.scalar(-s.learningRate)];
    const next = tf.add(tf.mul(m, a), g);
    const value = s.nesterov ? tf.add(tf.mul(c, tf.add(g, tf.mul(next, m))), w) : tf.add(tf.mul(c, next), w);
    a.assign(next);
    w.assign(value);
  });
}

describe('fusedMomentumUpdate on wasm', () => {
  test('a first step from a zero accumulation is w − η·g, or w − η·(1 + μ)·g with Nesterov', () => {
    const before = tf.memory().numTensors;
    for (const nesterov of [false, true]) {
      const w = variable(() => tf.tensor1d([1, 2, 3, 4, 5]));
      const a = variable(() => tf.zeros([5]));
      const g0 = [0.5, -2, 1e-3, 3, -0.25];
      const g = tf.tensor1d(g0);
      expect(fusedMomentumUpdate(w, g, a, { learningRate: 0.1, momentum: 0.9, nesterov })).toBe(true);
      values(a).forEach((x, i) => expect(x).toBeCloseTo(g0[i] as number, 6));
      const factor = nesterov ? 1.9 : 1;
      values(w).forEach((x, i) => expect(x).toBeCloseTo(i + 1 - 0.1 * factor * (g0[i] as number), 6));
      tf.dispose([w, a, g]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  test('thirty steps equal tfjs’s operations bit for bit, plain and Nesterov, with and without a tail', () => {
    const random = createRandom(12);
    for (const nesterov of [false, true]) {
      for (const shape of [[128, 9], [7, 5], [2]]) {
        const start = random.uniformTensor(shape);
        const [w1, w2] = [tf.variable(start), tf.variable(start)];
        const [a1, a2] = [variable(() => tf.zeros(shape)), variable(() => tf.zeros(shape))];
        const s = { learningRate: 0.05, momentum: 0.9, nesterov };
        for (let t = 0; t < 30; t++) {
          const g = tf.tidy(() => tf.sub(random.uniformTensor(shape), 0.5));
          tfjsMomentum(w1, g, a1, s);
          expect(fusedMomentumUpdate(w2, g, a2, s)).toBe(true);
          g.dispose();
        }
        expect(values(w2)).toEqual(values(w1));
        expect(values(a2)).toEqual(values(a1));
        tf.dispose([start, w1, w2, a1, a2]);
      }
    }
  });

  test('false and nothing changed where it cannot run; a clone of the variable keeps its values', () => {
    const before = tf.memory().numTensors;
    const w = variable(() => tf.tensor1d([1, 2, 3, 4]));
    const a = variable(() => tf.zeros([4]));
    const s = { learningRate: 0.5, momentum: 0.5, nesterov: false };
    const ints = tf.tensor1d([1, 1, 1, 1], 'int32');
    const other = tf.ones([2, 2]);
    const g = tf.ones([4]);
    expect(fusedMomentumUpdate(w, ints, a, s)).toBe(false);
    expect(fusedMomentumUpdate(w, other, a, s)).toBe(false);
    setSimdKernels(false);
    expect(fusedMomentumUpdate(w, g, a, s)).toBe(false);
    setSimdKernels(true);
    expect(values(w)).toEqual([1, 2, 3, 4]);
    expect(values(a)).toEqual([0, 0, 0, 0]);
    const snapshot = tf.clone(w);
    expect(fusedMomentumUpdate(w, g, a, s)).toBe(true);
    expect(values(snapshot)).toEqual([1, 2, 3, 4]);
    expect(values(w)).toEqual([0.5, 1.5, 2.5, 3.5]);
    tf.dispose([w, a, ints, other, snapshot, g]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('fusedSgdUpdate on wasm', () => {
  test('a step is w − η·g; thirty equal tfjs’s add(mul(−η, g), w) bit for bit, with and without a tail', () => {
    const before = tf.memory().numTensors;
    const w = variable(() => tf.tensor1d([1, 2, 3, 4, 5]));
    const g0 = [0.5, -2, 1e-3, 3, -0.25];
    const g = tf.tensor1d(g0);
    expect(fusedSgdUpdate(w, g, { learningRate: 0.1 })).toBe(true);
    values(w).forEach((x, i) => expect(x).toBeCloseTo(i + 1 - 0.1 * (g0[i] as number), 6));
    tf.dispose([w, g]);
    expect(tf.memory().numTensors).toBe(before);
    const random = createRandom(13);
    for (const shape of [[128, 9], [7, 5], [2]]) {
      const start = random.uniformTensor(shape);
      const [w1, w2] = [tf.variable(start), tf.variable(start)];
      for (let t = 0; t < 30; t++) {
        const grad = tf.tidy(() => tf.sub(random.uniformTensor(shape), 0.5));
        tf.tidy(() => w1.assign(tf.add(tf.mul(tf.scalar(-0.05), grad), w1)));
        expect(fusedSgdUpdate(w2, grad, { learningRate: 0.05 })).toBe(true);
        grad.dispose();
      }
      expect(values(w2)).toEqual(values(w1));
      tf.dispose([start, w1, w2]);
    }
  });

  test('false and nothing changed where it cannot run; a clone keeps its values; an empty variable is done', () => {
    const before = tf.memory().numTensors;
    const w = variable(() => tf.tensor1d([1, 2, 3, 4]));
    const ints = tf.tensor1d([1, 1, 1, 1], 'int32');
    const other = tf.ones([2, 2]);
    const g = tf.ones([4]);
    expect(fusedSgdUpdate(w, ints, { learningRate: 0.5 })).toBe(false);
    expect(fusedSgdUpdate(w, other, { learningRate: 0.5 })).toBe(false);
    setSimdKernels(false);
    expect(fusedSgdUpdate(w, g, { learningRate: 0.5 })).toBe(false);
    setSimdKernels(true);
    expect(values(w)).toEqual([1, 2, 3, 4]);
    const snapshot = tf.clone(w);
    expect(fusedSgdUpdate(w, g, { learningRate: 0.5 })).toBe(true);
    expect(values(snapshot)).toEqual([1, 2, 3, 4]);
    expect(values(w)).toEqual([0.5, 1.5, 2.5, 3.5]);
    const e = variable(() => tf.zeros([0, 3]));
    const z = tf.zeros([0, 3]);
    expect(fusedSgdUpdate(e, z, { learningRate: 0.5 })).toBe(true);
    tf.dispose([w, ints, other, snapshot, g, e, z]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

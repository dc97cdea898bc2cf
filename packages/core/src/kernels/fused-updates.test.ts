/**
 * `fusedAdamUpdate`, `fusedMomentumUpdate`, `fusedSgdUpdate`, `fusedRmspropUpdate` and
 * `fusedAdagradUpdate`: an optimiser's step in one SIMD pass,
 * against its closed form on a first step and against tfjs's own operations (bit for bit on wasm) over
 * many; new buffers, never writes in place (a clone and tfjs's per-tensor caches stay right); nothing
 * changed and false where it cannot run.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createRandom,
  fusedAdagradUpdate,
  fusedAdamUpdate,
  fusedMomentumUpdate,
  fusedRmspropUpdate,
  fusedSgdUpdate,
  setSimdKernels,
  setupBackend,
} from '../index';
import type {
  AdagradStepCoefficients,
  AdamStepCoefficients,
  MomentumStepCoefficients,
  RmspropStepCoefficients,
} from './fused-updates';

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

/** tfjs-core's RMSPropOptimizer.applyGradients for one variable, as its source writes it. */
function tfjsRmsprop(
  w: tf.Variable,
  g: tf.Tensor,
  ms: tf.Variable,
  mom: tf.Variable,
  s: RmspropStepCoefficients,
  mg?: tf.Variable,
): void {
  tf.tidy(() => {
    const newMs = tf.add(tf.mul(ms, s.decay), tf.mul(tf.square(g), 1 - s.decay));
    let denominator = tf.sqrt(tf.add(newMs, s.epsilon));
    if (mg !== undefined) {
      const newMg = tf.add(tf.mul(mg, s.decay), tf.mul(g, 1 - s.decay));
      denominator = tf.sqrt(tf.sub(newMs, tf.add(tf.square(newMg), s.epsilon)));
      mg.assign(newMg);
    }
    const newMom = tf.add(tf.mul(mom, s.momentum), tf.div(tf.mul(g, s.learningRate), denominator));
    ms.assign(newMs);
    mom.assign(newMom);
    w.assign(tf.sub(w, newMom));
  });
}

describe('fusedRmspropUpdate on wasm', () => {
  test('a first step from zero slots: s = (1−ρ)g², a = η·g/√(s + ε); centered: ḡ = (1−ρ)g, a = η·g/√(ρ(1−ρ)g² − ε)', () => {
    const before = tf.memory().numTensors;
    const g0 = [0.5, -2, 0.25, 3, -0.75, 7];
    const [rate, rho] = [0.01, 0.9];
    for (const centered of [false, true]) {
      const w = variable(() => tf.tensor1d([1, 2, 3, 4, 5, 6]));
      const g = tf.tensor1d(g0);
      const [ms, mom, mg] = [0, 1, 2].map(() => variable(() => tf.zeros([6]))) as [
        tf.Variable,
        tf.Variable,
        tf.Variable,
      ];
      const step = { learningRate: rate, decay: rho, momentum: 0.9, epsilon: 1e-7 };
      expect(fusedRmspropUpdate(w, g, ms, mom, step, centered ? mg : undefined)).toBe(true);
      const spread = (gi: number) =>
        centered ? rho * (1 - rho) * gi * gi - 1e-7 : (1 - rho) * gi * gi + 1e-7;
      values(w).forEach((x, i) => {
        const gi = g0[i] as number;
        expect(x).toBeCloseTo(i + 1 - (rate * gi) / Math.sqrt(spread(gi)), 5);
      });
      values(ms).forEach((x, i) => expect(x).toBeCloseTo((1 - rho) * (g0[i] as number) ** 2, 6));
      values(mom).forEach((x, i) =>
        expect(x).toBeCloseTo((rate * (g0[i] as number)) / Math.sqrt(spread(g0[i] as number)), 5),
      );
      values(mg).forEach((x, i) => expect(x).toBeCloseTo(centered ? (1 - rho) * (g0[i] as number) : 0, 6));
      tf.dispose([w, g, ms, mom, mg]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  test('thirty steps equal tfjs’s operations bit for bit: plain and centered, with and without momentum and a tail', () => {
    const random = createRandom(14);
    for (const centered of [false, true]) {
      for (const momentum of [0, 0.9]) {
        for (const shape of [[128, 9], [7, 5], [3]]) {
          const start = random.uniformTensor(shape);
          const [w1, w2] = [tf.variable(start), tf.variable(start)];
          const zeros = () => variable(() => tf.zeros(shape));
          const [ms1, mom1, mg1, ms2, mom2, mg2] = [zeros(), zeros(), zeros(), zeros(), zeros(), zeros()];
          const s = { learningRate: 0.002, decay: 0.9, momentum, epsilon: 1e-7 };
          for (let t = 0; t < 30; t++) {
            const g = tf.tidy(() => tf.sub(random.uniformTensor(shape), 0.5));
            tfjsRmsprop(w1, g, ms1, mom1, s, centered ? mg1 : undefined);
            expect(fusedRmspropUpdate(w2, g, ms2, mom2, s, centered ? mg2 : undefined)).toBe(true);
            g.dispose();
          }
          expect(values(w2)).toEqual(values(w1));
          expect(values(ms2)).toEqual(values(ms1));
          expect(values(mom2)).toEqual(values(mom1));
          expect(values(mg2)).toEqual(values(mg1));
          tf.dispose([start, w1, w2, ms1, mom1, mg1, ms2, mom2, mg2]);
        }
      }
    }
  });

  test('false and nothing changed where it cannot run; a clone keeps its values; an empty variable is done', () => {
    const before = tf.memory().numTensors;
    const w = variable(() => tf.tensor1d([1, 2, 3, 4]));
    const [ms, mom, mg] = [0, 1, 2].map(() => variable(() => tf.zeros([4]))) as [
      tf.Variable,
      tf.Variable,
      tf.Variable,
    ];
    const s = { learningRate: 0.5, decay: 0.75, momentum: 0, epsilon: 1e-7 };
    const ints = tf.tensor1d([1, 1, 1, 1], 'int32');
    const other = tf.ones([2, 2]);
    const g = tf.ones([4]);
    const otherSlot = variable(() => tf.zeros([2, 2]));
    expect(fusedRmspropUpdate(w, ints, ms, mom, s)).toBe(false);
    expect(fusedRmspropUpdate(w, other, ms, mom, s)).toBe(false);
    expect(fusedRmspropUpdate(w, g, ms, mom, s, otherSlot)).toBe(false);
    setSimdKernels(false);
    expect(fusedRmspropUpdate(w, g, ms, mom, s)).toBe(false);
    setSimdKernels(true);
    expect(values(w)).toEqual([1, 2, 3, 4]);
    expect([...values(ms), ...values(mom), ...values(mg)]).toEqual(Array<number>(12).fill(0));
    const snapshot = tf.clone(w);
    expect(fusedRmspropUpdate(w, g, ms, mom, s)).toBe(true);
    expect(values(snapshot)).toEqual([1, 2, 3, 4]);
    // s = 0.25, a = 0.5 / √(0.25 + ε) ≈ 1
    values(w).forEach((x, i) => expect(x).toBeCloseTo(i, 5));
    const e = variable(() => tf.zeros([0, 3]));
    const z = tf.zeros([0, 3]);
    expect(fusedRmspropUpdate(e, z, e, e, s, e)).toBe(true);
    tf.dispose([w, ms, mom, mg, ints, other, g, otherSlot, snapshot, e, z]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** tfjs-core's AdagradOptimizer.applyGradients for one variable, as its source writes it. */
function tfjsAdagrad(w: tf.Variable, g: tf.Tensor, c: tf.Variable, s: AdagradStepCoefficients): void {
  tf.tidy(() => {
    const next = tf.add(c, tf.square(g));
    c.assign(next);
    w.assign(tf.add(tf.mul(tf.div(g, tf.sqrt(tf.add(next, s.epsilon))), -s.learningRate), w));
  });
}

describe('fusedAdagradUpdate on wasm', () => {
  test('a first step from c₀ = 0.1 is c = 0.1 + g², w − η·g/√(c + ε); thirty equal tfjs’s operations bit for bit', () => {
    const before = tf.memory().numTensors;
    const g0 = [0.5, -2, 1e-3, 3, -0.25];
    const w = variable(() => tf.tensor1d([1, 2, 3, 4, 5]));
    const c = variable(() => tf.fill([5], 0.1));
    const g = tf.tensor1d(g0);
    expect(fusedAdagradUpdate(w, g, c, { learningRate: 0.1, epsilon: 1e-7 })).toBe(true);
    values(c).forEach((x, i) => expect(x).toBeCloseTo(0.1 + (g0[i] as number) ** 2, 6));
    values(w).forEach((x, i) => {
      const gi = g0[i] as number;
      expect(x).toBeCloseTo(i + 1 - (0.1 * gi) / Math.sqrt(0.1 + gi * gi + 1e-7), 6);
    });
    tf.dispose([w, c, g]);
    expect(tf.memory().numTensors).toBe(before);
    const random = createRandom(15);
    for (const shape of [[128, 9], [7, 5], [2]]) {
      const start = random.uniformTensor(shape);
      const [w1, w2] = [tf.variable(start), tf.variable(start)];
      const [c1, c2] = [variable(() => tf.fill(shape, 0.1)), variable(() => tf.fill(shape, 0.1))];
      const s = { learningRate: 0.05, epsilon: 1e-7 };
      for (let t = 0; t < 30; t++) {
        const grad = tf.tidy(() => tf.sub(random.uniformTensor(shape), 0.5));
        tfjsAdagrad(w1, grad, c1, s);
        expect(fusedAdagradUpdate(w2, grad, c2, s)).toBe(true);
        grad.dispose();
      }
      expect(values(w2)).toEqual(values(w1));
      expect(values(c2)).toEqual(values(c1));
      tf.dispose([start, w1, w2, c1, c2]);
    }
  });

  test('false and nothing changed where it cannot run; a clone keeps its values; an empty variable is done', () => {
    const before = tf.memory().numTensors;
    const w = variable(() => tf.tensor1d([1, 2, 3, 4]));
    const c = variable(() => tf.zeros([4]));
    const s = { learningRate: 0.5, epsilon: 1e-7 };
    const ints = tf.tensor1d([1, 1, 1, 1], 'int32');
    const other = tf.ones([2, 2]);
    const g = tf.ones([4]);
    expect(fusedAdagradUpdate(w, ints, c, s)).toBe(false);
    expect(fusedAdagradUpdate(w, other, c, s)).toBe(false);
    setSimdKernels(false);
    expect(fusedAdagradUpdate(w, g, c, s)).toBe(false);
    setSimdKernels(true);
    expect(values(w)).toEqual([1, 2, 3, 4]);
    expect(values(c)).toEqual([0, 0, 0, 0]);
    const snapshot = tf.clone(w);
    expect(fusedAdagradUpdate(w, g, c, s)).toBe(true);
    expect(values(snapshot)).toEqual([1, 2, 3, 4]);
    values(w).forEach((x, i) => expect(x).toBeCloseTo(i + 0.5, 5));
    const e = variable(() => tf.zeros([0, 3]));
    const z = tf.zeros([0, 3]);
    expect(fusedAdagradUpdate(e, z, e, s)).toBe(true);
    tf.dispose([w, c, ints, other, snapshot, g, e, z]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

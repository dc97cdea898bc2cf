import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { DecoupledWeightDecay } from '@gradwell/regularizers';
import { expectNoLeakedTensors } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { dense } from './layers';
import { model } from './model';
import {
  createOptimizer,
  defaultLearningRate,
  disposeOptimizer,
  getLearningRate,
  OPTIMIZER_NAMES,
  setLearningRate,
} from './optimizers';
import { clipByGlobalNorm, globalNormOf } from './gradient-clipping';
import { cosineDecay, exponentialDecay, linearWarmup, oneCycle, stepDecay } from './schedules';
import { disposeOptimizerState, getOptimizerState, setOptimizerState } from './optimizer-state';

beforeAll(async () => {
  await setupBackend();
});

describe('createOptimizer', () => {
  test('each name makes its tfjs optimiser with the documented default rate', () => {
    const classes = {
      sgd: 'SGD',
      momentum: 'Momentum',
      adam: 'Adam',
      rmsprop: 'RMSProp',
      adagrad: 'Adagrad',
      lars: 'Lars',
      lamb: 'Lamb',
    };
    for (const name of OPTIMIZER_NAMES) {
      const o = createOptimizer(name);
      expect((o.constructor as unknown as { className: string }).className).toBe(classes[name]);
      const rate = name === 'lars' ? 1 : ['adam', 'rmsprop', 'lamb'].includes(name) ? 0.001 : 0.01;
      expect(getLearningRate(o)).toBe(rate);
      expect(defaultLearningRate(name)).toBe(rate);
      o.dispose();
    }
    const adamw = createOptimizer({ name: 'adam', learningRate: 0.002, weightDecay: 0.01 });
    expect(Object.getPrototypeOf(adamw)).toBe(DecoupledWeightDecay.prototype);
    adamw.dispose();
  });

  test('bad names and hyper-parameters are refused with the argument named', () => {
    expect(() => createOptimizer('adamw' as 'adam')).toThrow(/name.*sgd/s);
    expect(() => defaultLearningRate('adamw' as 'adam')).toThrow(/defaultLearningRate.*'name'.*lamb/s);
    expect(() => createOptimizer({ name: 'sgd', learningRate: 0 })).toThrow(/learningRate/);
    expect(() => createOptimizer({ name: 'momentum', momentum: 1 })).toThrow(/momentum/);
    expect(() => createOptimizer({ name: 'adam', beta2: 1.5 })).toThrow(/beta2/);
    expect(() => createOptimizer({ name: 'adam', weightDecay: -1 })).toThrow(/weightDecay/);
  });

  test('setLearningRate changes the next SGD step (closed form) and reaches a decay wrapper', async () => {
    await expectNoLeakedTensors(() => {
      const initial = tf.tensor1d([1, 2]);
      const w = tf.variable(initial);
      const sgd = createOptimizer('sgd');
      setLearningRate(sgd, 0.5);
      const g = tf.tensor1d([1, -2]);
      sgd.applyGradients({ [w.name]: g });
      expect(Array.from(w.dataSync())).toEqual([0.5, 3]);
      const adamw = createOptimizer({ name: 'adam', weightDecay: 0.1 }) as DecoupledWeightDecay;
      setLearningRate(adamw, 0.05);
      expect(adamw.learningRate).toBe(0.05);
      expect(getLearningRate(adamw.base)).toBe(0.05);
      expect(() => setLearningRate(sgd, -1)).toThrow(/learningRate/);
      sgd.dispose();
      adamw.dispose();
      tf.dispose([w, g, initial]);
    });
  });
});

test("disposeOptimizer frees every tensor, including the scalar tfjs's momentum optimiser leaks", async () => {
  for (const name of OPTIMIZER_NAMES) {
    await expectNoLeakedTensors(() => {
      const initial = tf.zeros([2]);
      const w = tf.variable(initial);
      const g = tf.ones([2]);
      const o = createOptimizer({ name, weightDecay: name === 'adam' ? 0.1 : 0 });
      o.applyGradients({ [w.name]: g });
      disposeOptimizer(o);
      tf.dispose([w, g, initial]);
    });
  }
});

describe('schedules', () => {
  test('step, exponential, cosine and warm-up follow their formulas', () => {
    const step = stepDecay({ initial: 1, factor: 0.1, every: 2 });
    expect([0, 9, 10, 19, 20, 40].map((s) => step.rate(s, 10))).toEqual([1, 1, 1, 1, 0.1, 0.1 ** 2]);
    expect(stepDecay({ initial: 1, every: 3, unit: 'step', factor: 0.5 }).rate(7, 100)).toBe(0.25);
    expect(exponentialDecay({ initial: 2, rate: 0.5, decaySteps: 10 }).rate(5, 1)).toBeCloseTo(
      2 * 0.5 ** 0.5,
      12,
    );
    const cos = cosineDecay({ initial: 1, totalSteps: 100, final: 0.1 });
    expect(cos.rate(0, 1)).toBeCloseTo(1, 12);
    expect(cos.rate(50, 1)).toBeCloseTo(0.55, 12);
    expect(cos.rate(100, 1)).toBeCloseTo(0.1, 12);
    expect(cos.rate(500, 1)).toBeCloseTo(0.1, 12);
    const warm = linearWarmup({ warmupSteps: 4, then: cos });
    expect([0, 1, 3].map((s) => warm.rate(s, 1))).toEqual([0.25, 0.5, 1]);
    expect(warm.rate(4 + 50, 1)).toBeCloseTo(0.55, 12);
    expect(linearWarmup({ warmupSteps: 2, then: 0.1 }).rate(9, 1)).toBe(0.1);
  });

  test("one-cycle: PyTorch 1.13's OneCycleLR rates step by step (cos annealing), the final rate after the end", () => {
    // torch.optim.lr_scheduler.OneCycleLR(max_lr=1, total_steps=10), then (0.1, 7, pct_start=0.25,
    // div_factor=10, final_div_factor=100), cycle_momentum=False: the rate before each of the steps.
    const torch = [
      0.040000000000000036, 0.52, 1.0, 0.9504846320134737, 0.8117456539497631, 0.6112620219362893,
      0.38874197806371075, 0.18825834605023697, 0.049519367986526286, 4e-6,
    ];
    const ours = oneCycle({ maxRate: 1, totalSteps: 10 });
    torch.forEach((rate, step) => expect(ours.rate(step, 3)).toBeCloseTo(rate, 12));
    const shortRamp = [
      0.009999999999999995, 0.09944209976994517, 0.08666594099789983, 0.06116492065111791,
      0.03180121583289857, 0.008779373222916066, 0.0001,
    ];
    const other = oneCycle({
      maxRate: 0.1,
      totalSteps: 7,
      pctStart: 0.25,
      divFactor: 10,
      finalDivFactor: 100,
    });
    shortRamp.forEach((rate, step) => expect(other.rate(step, 1)).toBeCloseTo(rate, 12));
    expect(ours.rate(25, 3)).toBe(1 / 25 / 1e4);
    // The peak on a whole step (0.2 × 10 − 1 = 1): exactly maxRate there; PyTorch's 0/0 at a peak of 0 is maxRate.
    expect(oneCycle({ maxRate: 2, totalSteps: 10, pctStart: 0.2 }).rate(1, 1)).toBe(2);
    expect(oneCycle({ maxRate: 2, totalSteps: 10, pctStart: 0.1 }).rate(0, 1)).toBe(2);
    expect(oneCycle({ maxRate: 2, totalSteps: 1 }).rate(0, 1)).toBe(2 / 25 / 1e4);
    expect(ours.getConfig()).toEqual({
      maxRate: 1,
      totalSteps: 10,
      pctStart: 0.3,
      divFactor: 25,
      finalDivFactor: 1e4,
    });
  });

  test('out-of-range schedule parameters are refused', () => {
    expect(() => stepDecay({ initial: 1, every: 0 })).toThrow(/every/);
    expect(() => cosineDecay({ initial: 1, totalSteps: 10, final: 2 })).toThrow(/final/);
    expect(() => linearWarmup({ warmupSteps: 1.5, then: 1 })).toThrow(/warmupSteps/);
    expect(() => exponentialDecay({ initial: 1, rate: 1.5, decaySteps: 1 })).toThrow(/rate/);
    expect(() => oneCycle({ maxRate: 1, totalSteps: 10, pctStart: 1 })).toThrow(
      "oneCycle: argument 'pctStart' must be a number in (0, 1), got 1",
    );
    expect(() => oneCycle({ maxRate: 0, totalSteps: 10 })).toThrow("argument 'maxRate' must be a number > 0");
    expect(() => oneCycle({ maxRate: 1, totalSteps: 10, divFactor: 0.5 })).toThrow(
      "argument 'divFactor' must be a number ≥ 1",
    );
    expect(() => oneCycle({ maxRate: 1, totalSteps: 0 })).toThrow(/totalSteps/);
    expect(() => oneCycle({ max_lr: 1, totalSteps: 5 } as never)).toThrow(/max_lr/);
  });
});

describe('clipByGlobalNorm', () => {
  test('scales all gradients by maxNorm/‖g‖ only when the norm exceeds it', async () => {
    await expectNoLeakedTensors(() => {
      const a = tf.tensor1d([3, 0]);
      const b = tf.tensor1d([0, 4]);
      const { clipped, globalNorm } = clipByGlobalNorm([a, b], 1);
      expect(globalNorm.dataSync()[0]).toBeCloseTo(5, 6);
      expect(Array.from(clipped[0]!.dataSync())).toEqual([expect.closeTo(0.6, 6), 0]);
      expect(Array.from(clipped[1]!.dataSync())).toEqual([0, expect.closeTo(0.8, 6)]);
      const kept = clipByGlobalNorm([a, b], 10);
      expect(Array.from(kept.clipped[1]!.dataSync())).toEqual([0, 4]);
      const n = globalNormOf([a, b]);
      expect(n.dataSync()[0]).toBeCloseTo(5, 6);
      tf.dispose([a, b, globalNorm, ...clipped, kept.globalNorm, ...kept.clipped, n]);
      expect(() => clipByGlobalNorm([], 1)).toThrow(/gradients/);
      // the norm of no tensors, or of something else, is named rather than failing inside tf.addN
      const one = tf.scalar(1);
      const before = tf.memory().numTensors;
      expect(() => globalNormOf([])).toThrow(
        "globalNormOf: argument 'tensors' must be a non-empty list of tensors, got []",
      );
      expect(() => globalNormOf([one, 2] as never)).toThrow(/^globalNormOf: argument 'tensors\[1\]'/);
      expect(tf.memory().numTensors).toBe(before);
      one.dispose();
    });
  });
});

describe('optimiser state', () => {
  const specs = [
    { name: 'adam' },
    { name: 'momentum' },
    { name: 'rmsprop' },
    { name: 'rmsprop', centered: true, momentum: 0.5 },
    { name: 'adagrad' },
    { name: 'sgd' },
    { name: 'lamb', weightDecay: 0.01 },
    { name: 'lars', weightDecay: 0.01 },
  ] as const;
  for (const spec of specs) {
    const { name } = spec;
    const label =
      'centered' in spec
        ? 'rmsprop (centered, momentum 0.5)'
        : 'weightDecay' in spec
          ? `${name} (λ 0.01)`
          : name;
    test(`${label}: restored into a fresh model and optimiser, the next steps are bit-identical`, async () => {
      const make = () =>
        model([dense({ units: 5, activation: 'tanh' }), dense({ units: 2 })], { inputShape: [3], seed: 3 });
      const x = tf.randomNormal([8, 3], 0, 1, 'float32', 1);
      const lossOf = (m: ReturnType<typeof make>) => () => tf.mean<tf.Scalar>(tf.square(m.apply(x)));
      const stepOn = (m: ReturnType<typeof make>, o: tf.Optimizer) => {
        const { value, grads } = tf.variableGrads(
          lossOf(m),
          m.trainableWeights.map((w) => w.variable),
        );
        o.applyGradients(grads);
        const v = value.dataSync()[0] as number;
        tf.dispose([value, ...Object.values(grads)]);
        return v;
      };
      const a = make();
      const optA = createOptimizer({ ...spec, learningRate: 0.05 });
      for (let i = 0; i < 3; i++) stepOn(a, optA);
      const state = await getOptimizerState(optA, a.weights);
      expect(state.iterations).toBe(3);
      expect(state.order.every((n) => n.startsWith('dense'))).toBe(true);
      const b = make();
      b.weights.forEach((w, i) => w.variable.assign(a.weights[i]!.variable));
      const optB = createOptimizer({ ...spec, learningRate: 0.05 });
      await setOptimizerState(optB, state, b.weights);
      disposeOptimizerState(state);
      const before = tf.memory().numTensors;
      const lossesA = [stepOn(a, optA), stepOn(a, optA)];
      const lossesB = [stepOn(b, optB), stepOn(b, optB)];
      expect(lossesB).toEqual(lossesA);
      expect(Array.from(b.weights[0]!.variable.dataSync())).toEqual(
        Array.from(a.weights[0]!.variable.dataSync()),
      );
      expect(tf.memory().numTensors).toBe(before);
      const wrong = await getOptimizerState(optA, a.weights);
      const sgd = createOptimizer(name === 'sgd' ? 'adam' : 'sgd');
      await expect(setOptimizerState(sgd, wrong, b.weights)).rejects.toThrow(/optimiser/);
      disposeOptimizerState(wrong);
      [optA, optB, sgd].forEach((o) => o.dispose());
      a.dispose();
      b.dispose();
      x.dispose();
    });
  }
});

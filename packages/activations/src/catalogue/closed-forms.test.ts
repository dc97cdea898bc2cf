/**
 * Every built-in's values and derivatives against closed-form references computed in float64, on a grid
 * over [−6, 6] that includes 0: |got − ref| ≤ 1e-5·max(1, |ref|).
 */
import * as tf from '@tensorflow/tfjs-core';
import { describeOnBackends, expectNoLeakedTensors } from '@gradwell/test-utils';
import { expect, test } from 'vitest';
import { getActivation } from '../registry';
import { SELU_ALPHA, SELU_SCALE } from './selu';

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return Math.sign(x) * y;
}
const sigma = (x: number) => 1 / (1 + Math.exp(-x));
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const phi = (x: number) => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
const Phi = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2));
const K = Math.sqrt(2 / Math.PI);
const u = (x: number) => K * (x + 0.044715 * x ** 3);

type Reference = [
  name: string,
  options: Record<string, number | string | boolean>,
  f: (x: number) => number,
  df: (x: number) => number,
];

const REFERENCES: Reference[] = [
  ['linear', {}, (x) => x, () => 1],
  ['step', {}, (x) => (x > 0 ? 1 : 0), () => 0],
  ['step', { straightThrough: true }, (x) => (x > 0 ? 1 : 0), () => 1],
  ['sigmoid', {}, sigma, (x) => sigma(x) * (1 - sigma(x))],
  ['tanh', {}, Math.tanh, (x) => 1 - Math.tanh(x) ** 2],
  ['relu', {}, (x) => Math.max(0, x), (x) => (x > 0 ? 1 : 0)],
  ['leakyRelu', {}, (x) => (x > 0 ? x : 0.01 * x), (x) => (x > 0 ? 1 : 0.01)],
  ['leakyRelu', { alpha: 0.1 }, (x) => (x > 0 ? x : 0.1 * x), (x) => (x > 0 ? 1 : 0.1)],
  ['elu', {}, (x) => (x > 0 ? x : Math.exp(x) - 1), (x) => (x > 0 ? 1 : Math.exp(x))],
  [
    'elu',
    { alpha: 0.5 },
    (x) => (x > 0 ? x : 0.5 * (Math.exp(x) - 1)),
    (x) => (x > 0 ? 1 : 0.5 * Math.exp(x)),
  ],
  [
    'selu',
    {},
    (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * (Math.exp(x) - 1)),
    (x) => SELU_SCALE * (x > 0 ? 1 : SELU_ALPHA * Math.exp(x)),
  ],
  [
    'celu',
    { alpha: 2 },
    (x) => Math.max(0, x) + Math.min(0, 2 * (Math.exp(x / 2) - 1)),
    (x) => (x > 0 ? 1 : Math.exp(x / 2)),
  ],
  ['gelu', {}, (x) => x * Phi(x), (x) => Phi(x) + x * phi(x)],
  [
    'gelu',
    { approximate: 'tanh' },
    (x) => 0.5 * x * (1 + Math.tanh(u(x))),
    (x) =>
      0.5 * (1 + Math.tanh(u(x))) + 0.5 * x * (1 - Math.tanh(u(x)) ** 2) * K * (1 + 3 * 0.044715 * x * x),
  ],
  [
    'mish',
    {},
    (x) => x * Math.tanh(softplus(x)),
    (x) => Math.tanh(softplus(x)) + x * (1 - Math.tanh(softplus(x)) ** 2) * sigma(x),
  ],
  ['swish', {}, (x) => x * sigma(x), (x) => sigma(x) + x * sigma(x) * (1 - sigma(x))],
  [
    'swish',
    { beta: 2 },
    (x) => x * sigma(2 * x),
    (x) => sigma(2 * x) + 2 * x * sigma(2 * x) * (1 - sigma(2 * x)),
  ],
  ['softplus', {}, softplus, sigma],
  ['softsign', {}, (x) => x / (1 + Math.abs(x)), (x) => 1 / (1 + Math.abs(x)) ** 2],
  ['hardSigmoid', {}, (x) => Math.min(Math.max(x + 3, 0), 6) / 6, (x) => (x > -3 && x < 3 ? 1 / 6 : 0)],
  [
    'hardSwish',
    {},
    (x) => (x * Math.min(Math.max(x + 3, 0), 6)) / 6,
    (x) => (x > 3 ? 1 : x > -3 ? (2 * x + 3) / 6 : 0),
  ],
  ['relu6', {}, (x) => Math.min(Math.max(x, 0), 6), (x) => (x > 0 && x <= 6 ? 1 : 0)],
];

const GRID = Array.from({ length: 121 }, (_, i) => -6 + i * 0.1);

function expectMatches(got: ArrayLike<number>, reference: (x: number) => number, label: string): void {
  GRID.forEach((x, i) => {
    const expected = reference(x);
    const error = Math.abs((got[i] as number) - expected);
    if (!(error <= 1e-5 * Math.max(1, Math.abs(expected)))) {
      throw new Error(`${label} at x = ${x.toFixed(2)}: got ${got[i]}, expected ${expected}`);
    }
  });
}

describeOnBackends('closed forms', () => {
  test.each(REFERENCES.map((r) => [`${r[0]} ${JSON.stringify(r[1])}`, r] as const))(
    '%s',
    async (_label, [name, options, f, df]) => {
      const activation = getActivation(name, options);
      await expectNoLeakedTensors(() => {
        const x = tf.tensor1d(GRID);
        const values = activation.apply(x);
        const derivatives = activation.derivative(x);
        const gradients = tf.grad((t: tf.Tensor) => tf.sum(activation.apply(t)))(x);
        expectMatches(values.dataSync(), f, `${name} f`);
        expectMatches(derivatives.dataSync(), df, `${name} f′`);
        expectMatches(gradients.dataSync(), df, `${name} gradient`);
        tf.dispose([x, values, derivatives, gradients]);
      });
    },
  );

  test('softmax and logSoftmax: closed form, rows sum to 1, finite at logits of ±1000', () => {
    const logits = [
      [1, 2, 3],
      [-1000, 0, 1000],
      [1000, 1000, -1000],
    ];
    const probabilities = getActivation('softmax').apply(tf.tensor2d(logits)).arraySync() as number[][];
    const logProbabilities = getActivation('logSoftmax').apply(tf.tensor2d(logits)).arraySync() as number[][];
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    expect(probabilities[0]?.map((p) => Number(p.toFixed(6)))).toEqual(
      [Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z].map((p) => Number(p.toFixed(6))),
    );
    expect(probabilities[1]).toEqual([0, 0, 1]);
    expect(probabilities[2]?.map((p) => Number(p.toFixed(6)))).toEqual([0.5, 0.5, 0]);
    expect(logProbabilities.flat().every((v) => Number.isFinite(v))).toBe(true);
    expect(logProbabilities[1]?.[0]).toBeCloseTo(-2000, 3);
    for (const row of probabilities) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    const diagonal = getActivation('softmax')
      .derivative(tf.tensor2d([[0, 0]]))
      .dataSync();
    expect(Array.from(diagonal)).toEqual([0.25, 0.25]);
  });

  test('softmax along another axis equals softmax of the transpose', () => {
    const x = tf.tensor2d([
      [1, 2],
      [3, 5],
    ]);
    const along0 = getActivation('softmax', { axis: 0 }).apply(x).arraySync() as number[][];
    const viaTranspose = tf.transpose(tf.softmax(tf.transpose(x))).arraySync();
    expect(along0).toEqual(viaTranspose);
  });
});

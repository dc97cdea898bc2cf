/**
 * Every choice the web lab and `gradwell train` offer trains: each activation of the catalogue (softmax and
 * logSoftmax aside: they are outputs) in the MLP and the CNN preset, each initialiser, each optimiser with
 * batch norm, dropout and label smoothing — two epochs on the wasm backend whose loss is finite and falls,
 * with no tensor left behind. Two initialisers are the lecture's counter-examples: all-equal weights
 * (zeros, constant) keep every hidden unit the same, so the loss stays at ln 10; identity fits square
 * kernels only, so the lab leaves it out and a model without one gets a named error.
 */
import * as tf from '@tensorflow/tfjs-core';
import { listActivations } from '@gradwell/activations';
import { setupBackend } from '@gradwell/core';
import { listInitializers } from '@gradwell/init';
import {
  cnnPreset,
  fit,
  mlpPreset,
  OPTIMIZER_NAMES,
  tensorDataset,
  type FitOptions,
  type Model,
  type RecipeOptions,
  type TensorDataset,
} from '@gradwell/trainer';
import { expectNoLeakedTensors } from '@gradwell/test-utils';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

let data: TensorDataset;

beforeAll(async () => {
  await setupBackend({ threads: 1 });
  // 32 random 28×28 digits-to-be, ten balanced classes: two epochs of two batches each
  const x = tf.randomUniform([32, 28, 28, 1], 0, 1, 'float32', 1);
  const y = tf.tensor1d(
    Array.from({ length: 32 }, (_, i) => i % 10),
    'int32',
  );
  data = tensorDataset(x, y, { numClasses: 10 });
});

afterAll(() => data.dispose());

/** The two epochs' mean losses of `make()`'s model on `on`; the model is disposed and nothing is left behind. */
async function losses(
  make: () => Model,
  options: Partial<FitOptions> = {},
  on: TensorDataset = data,
): Promise<number[]> {
  return expectNoLeakedTensors(async () => {
    const net = make();
    try {
      const run = await fit(net, on, {
        epochs: 2,
        batchSize: 16,
        seed: 1,
        optimizer: { name: 'adam', learningRate: 1e-3 },
        ...options,
      });
      return run.history.map((logs) => logs.loss ?? Number.NaN);
    } finally {
      net.dispose();
    }
  });
}

const falls = (l: number[]) => {
  expect(l.every(Number.isFinite), `losses ${l.join(', ')}`).toBe(true);
  expect(l[1]!, `losses ${l.join(', ')}`).toBeLessThan(l[0]!);
};

/** The lab's MLP (smaller hidden layers) or CNN with `options`. */
const preset = (kind: 'mlp' | 'cnn', options: RecipeOptions): Model =>
  kind === 'mlp' ? mlpPreset({ hidden: [32, 16], ...options }) : cnnPreset(options);
const activations = listActivations().filter((a) => !['softmax', 'logSoftmax'].includes(a));
const SYMMETRIC = ['zeros', 'constant'];

describe.each(['mlp', 'cnn'] as const)('the %s preset', (kind) => {
  test.each(activations)('trains with %s', async (activation) => {
    falls(await losses(() => preset(kind, { activation, seed: 1 })));
  });

  test.each(listInitializers().filter((i) => i !== 'identity' && !SYMMETRIC.includes(i)))(
    'trains from %s',
    async (init) => {
      falls(await losses(() => preset(kind, { init, seed: 1 })));
    },
  );

  test.each(SYMMETRIC)('from %s every hidden unit stays the same: the loss stays at ln 10', async (init) => {
    for (const loss of await losses(() => preset(kind, { init, seed: 1 })))
      expect(loss).toBeCloseTo(Math.log(10), 3);
  });

  test('identity is refused for a kernel that is not square, naming the shape', () => {
    const before = tf.memory().numTensors;
    expect(() => preset(kind, { init: 'identity' })).toThrow(
      /identity: argument 'shape' must be a square 2-D shape, got \[(784, 32|3, 3, 1, 32)\]/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});

test('identity trains where every hidden kernel is square', async () => {
  const square = tensorDataset(
    tf.randomUniform([32, 16], -1, 1, 'float32', 2),
    tf.tensor1d(
      [...Array(32).keys()].map((i) => i % 10),
      'int32',
    ),
    { numClasses: 10 },
  );
  try {
    const net = () => mlpPreset({ init: 'identity', inputShape: [16], hidden: [16, 16], seed: 1 });
    falls(await losses(net, { optimizer: { name: 'adam', learningRate: 1e-2 } }, square));
  } finally {
    square.dispose();
  }
});

test.each(OPTIMIZER_NAMES)('%s trains the MLP with batch norm, dropout and label smoothing', async (name) => {
  falls(
    await losses(() => mlpPreset({ hidden: [32], batchNorm: true, dropout: 0.2, seed: 1 }), {
      // LARS's rate multiplies η·‖W‖/‖∇W‖ (η 0.001): its own default, 1, not a plain step size
      optimizer: { name, learningRate: name === 'lars' ? 1 : 0.01 },
      labelSmoothing: 0.1,
    }),
  );
});

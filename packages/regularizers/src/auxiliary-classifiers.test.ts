import * as tf from '@tensorflow/tfjs-core';
import { Dense, flatten, sequential, setupBackend } from '@gradwell/core';
import { expectNoLeakedTensors, expectTensorsClose } from '@gradwell/test-utils';
import { beforeAll, expect, test } from 'vitest';
import { combineAuxiliaryLosses, withAuxiliaryHeads } from './auxiliary-classifiers';
import { softmaxCrossEntropy } from './label-smoothing';

beforeAll(async () => {
  await setupBackend();
});

test('auxiliary heads run in training only and add weighted losses (GoogLeNet: 0.3)', async () => {
  const base = sequential(
    [
      new Dense({ units: 8, name: 'early' }),
      new Dense({ units: 8, name: 'middle' }),
      new Dense({ units: 3, name: 'out' }),
    ],
    { inputShape: [4], seed: 1 },
  );
  const head = sequential([flatten(), new Dense({ units: 3 })], { inputShape: [8], seed: 2 });
  const model = withAuxiliaryHeads(base, [{ after: 'early', head }]);
  const x = tf.randomUniform([5, 4], -1, 1, 'float32', 3);
  const labels = tf.tensor1d([0, 1, 2, 0, 1], 'int32');

  expectTensorsClose(model.apply(x), base.apply(x), { rtol: 0, atol: 0 });
  await expectNoLeakedTensors(() => {
    const outputs = model.applyWithAuxiliary(x);
    expect(outputs.auxiliary).toHaveLength(1);
    const total = combineAuxiliaryLosses(outputs, (logits) => softmaxCrossEntropy(labels, logits));
    const main = softmaxCrossEntropy(labels, outputs.main);
    const aux = softmaxCrossEntropy(labels, outputs.auxiliary[0]?.output as tf.Tensor);
    const expected = tf.tidy(() => tf.add(main, tf.mul(0.3, aux)));
    expectTensorsClose(total, expected, { rtol: 1e-6 });
    tf.dispose([outputs.main, ...outputs.auxiliary.map((a) => a.output), total, main, aux, expected]);
  });
  // The head's gradient reaches the early layer (and the head's own weights train).
  const { grads } = tf.variableGrads(
    () => {
      const outputs = model.applyWithAuxiliary(x);
      return combineAuxiliaryLosses(outputs, (logits) => softmaxCrossEntropy(labels, logits));
    },
    model.trainableWeights.map((w) => w.variable),
  );
  expect(Object.keys(grads)).toHaveLength(base.trainableWeights.length + head.trainableWeights.length);
  expect(() => withAuxiliaryHeads(base, [{ after: 'nowhere', head }])).toThrow(/has no layer 'nowhere'/);
});

/**
 * The benchmark models of the foundation issue, on core's layers: MLP 784-512-256-10 (ReLU) and the
 * CNN conv3x3x32-maxpool-conv3x3x64-maxpool-dense128-dense10, each with one SGD step function.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  Conv2d,
  createRandom,
  Dense,
  flatten,
  fusedSgdUpdate,
  maxPool2d,
  sequential,
  simdKernelsAvailable,
  softmaxCrossEntropyWithLogits,
  trainingKernelsInstalled,
} from '@gradwell/core';

const relu = { name: 'relu', apply: (x) => tf.relu(x), fused: 'relu' };

export function makeMlp(seed = 1) {
  return sequential(
    [
      new Dense({ units: 512, activation: relu }),
      new Dense({ units: 256, activation: relu }),
      new Dense({ units: 10 }),
    ],
    {
      inputShape: [784],
      seed,
    },
  );
}

export function makeCnn(seed = 1) {
  const conv3x3 = (filters) => new Conv2d({ filters, kernelSize: 3, activation: relu });
  const head = [flatten(), new Dense({ units: 128, activation: relu }), new Dense({ units: 10 })];
  return sequential([conv3x3(32), maxPool2d(), conv3x3(64), maxPool2d(), ...head], {
    inputShape: [28, 28, 1],
    seed,
  });
}

/** A fixed synthetic batch: inputs in [0, 1) and one-hot labels. */
export function makeBatch(shape, seed = 2) {
  const random = createRandom(seed);
  const x = random.uniformTensor(shape);
  const labels = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: shape[0] }, () => random.nextInt(10)),
      'int32',
    ),
    10,
  );
  return { x, labels };
}

/**
 * tfjs's SGD optimiser with each variable's update as gradwell's one fused SIMD pass (core's
 * `fusedSgdUpdate`, what @gradwell/trainer's `sgd` runs; the same float32 operations as tfjs's `Multiply`
 * and `Add`, so the same values bit for bit) where gradwell's kernels run, tfjs's own two passes
 * elsewhere: with the SIMD kernels off (`setSimdKernels(false)`) and on stock tfjs
 * (`uninstallTrainingKernels()`). The fused passes are not tfjs kernels, so `tf.profile` does not see
 * them: `fusedUpdateTime` adds up their time (and calls) for step-profile.mjs.
 */
export const fusedUpdateTime = { ms: 0, calls: 0 };

class BenchSgdOptimizer extends tf.SGDOptimizer {
  applyGradients(variableGradients) {
    if (!trainingKernelsInstalled() || !simdKernelsAvailable(tf.engine().backend)) {
      super.applyGradients(variableGradients);
      return;
    }
    // `minimize` with a variable list passes [{ name, tensor }]; `applyGradients` also takes a map
    const named = Array.isArray(variableGradients)
      ? variableGradients
      : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const left = {};
    for (const { name, tensor } of named) {
      if (tensor == null) continue;
      const variable = tf.engine().registeredVariables[name];
      const start = performance.now();
      const fused = fusedSgdUpdate(variable, tensor, { learningRate: this.learningRate });
      fusedUpdateTime.ms += performance.now() - start;
      fusedUpdateTime.calls += 1;
      if (!fused) left[name] = tensor;
    }
    if (Object.keys(left).length > 0)
      super.applyGradients(left); // counts the iteration once
    else this.incrementIterations();
  }
}

/**
 * The step's loss: the mean of core's `softmaxCrossEntropyWithLogits` (what @gradwell/trainer's
 * `softmaxCrossEntropy` computes: one kernel each way for these logits) where gradwell's kernels are
 * installed, tfjs's `losses.softmaxCrossEntropy` on stock tfjs.
 */
function gradwellLoss(labels, logits) {
  if (!trainingKernelsInstalled()) return tf.losses.softmaxCrossEntropy(labels, logits);
  return tf.mean(softmaxCrossEntropyWithLogits(labels, logits));
}

/**
 * One SGD step (forward, backward, update); returns the loss as a number (which syncs the step).
 * `flavour`: 'gradwell' (the default), the loss as `gradwellLoss` and the update as `BenchSgdOptimizer`,
 * as gradwell's trainer runs a step; 'tfjs', tfjs's `losses.softmaxCrossEntropy` and `train.sgd`.
 */
export function makeStep(model, { x, labels }, learningRate = 0.01, flavour = 'gradwell') {
  const tfjs = flavour === 'tfjs';
  const optimizer = tfjs ? tf.train.sgd(learningRate) : new BenchSgdOptimizer(learningRate);
  const lossOf = tfjs ? (y, logits) => tf.losses.softmaxCrossEntropy(y, logits) : gradwellLoss;
  const variables = model.trainableWeights.map((w) => w.variable);
  const step = () => {
    const loss = optimizer.minimize(
      () => lossOf(labels, model.apply(x, { training: true })),
      true,
      variables,
    );
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  };
  step.dispose = () => optimizer.dispose();
  return step;
}

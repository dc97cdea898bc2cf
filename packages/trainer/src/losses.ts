/**
 * Losses: softmax cross-entropy (integer or one-hot labels, label smoothing, from logits or from
 * probabilities), binary cross-entropy from logits (or probabilities), mean squared error. Each is a
 * `Loss`: a named function of (labels, outputs) → scalar mean over the batch, plus its config.
 */
import {
  abs,
  cast,
  clipByValue,
  exp,
  log,
  log1p,
  mean,
  mul,
  neg,
  relu,
  square,
  sub,
  sum,
  tidy,
  add,
  oneHot,
  type Scalar,
  type Tensor,
} from '@tensorflow/tfjs-core';
import {
  assertInRange,
  assertTensor,
  createRegistry,
  GradwellArgumentError,
  type Registry,
  assertKnownOptions,
} from '@gradwell/core';
import { smoothLabels, softmaxCrossEntropy as softmaxCrossEntropyFromLogits } from '@gradwell/regularizers';
import { argMaxAccuracy, binaryAccuracy, type LossAccuracy } from './accuracy';

export interface Loss {
  readonly name: string;
  /** Whether the labels are classes of a softmax (class ids or rows): checked against the outputs. */
  readonly classification: boolean;
  /** How `fit` and `evaluate` count accuracy; without it, arg-max for a classification loss, else none. */
  readonly accuracy?: LossAccuracy;
  (labels: Tensor, outputs: Tensor): Scalar;
  getConfig(): Record<string, unknown>;
}

function makeLoss(
  name: string,
  classification: boolean,
  accuracy: LossAccuracy | undefined,
  config: Record<string, unknown>,
  fn: (labels: Tensor, outputs: Tensor) => Scalar,
): Loss {
  const loss = ((labels: Tensor, outputs: Tensor) => fn(labels, outputs)) as Loss;
  Object.defineProperty(loss, 'name', { value: name });
  Object.defineProperty(loss, 'classification', { value: classification });
  if (accuracy !== undefined) Object.defineProperty(loss, 'accuracy', { value: accuracy });
  loss.getConfig = () => ({ ...config });
  return loss;
}

const PROBABILITY_EPSILON = 1e-7;

export interface SoftmaxCrossEntropyOptions {
  /** ε of label smoothing (Szegedy et al. 2016): targets (1 − ε)·y + ε/K. Default 0. */
  labelSmoothing?: number;
  /** Outputs are logits (default) or probabilities (a softmax layer last). */
  fromLogits?: boolean;
}

/**
 * −Σ y·log softmax(z), averaged over the batch. Labels are class ids [batch] or one-hot rows
 * [batch, classes]; with `fromLogits: false` the outputs are probabilities (clipped to [1e-7, 1]).
 */
export function softmaxCrossEntropy(options: SoftmaxCrossEntropyOptions = {}): Loss {
  assertKnownOptions('softmaxCrossEntropy', options, ['labelSmoothing', 'fromLogits']);
  const { labelSmoothing = 0, fromLogits = true } = options;
  assertInRange('softmaxCrossEntropy', 'labelSmoothing', labelSmoothing, {
    min: 0,
    max: 1,
    maxInclusive: false,
  });
  const config = { labelSmoothing, fromLogits };
  return makeLoss('softmaxCrossEntropy', true, argMaxAccuracy, config, (labels, outputs) => {
    if (fromLogits) return softmaxCrossEntropyFromLogits(labels, outputs, { labelSmoothing });
    assertTensor('softmaxCrossEntropy', 'outputs', outputs, { ranks: [2] });
    return tidy(() => {
      const classes = outputs.shape[1] as number;
      const target = labels.rank === 1 ? oneHot(cast(labels, 'int32'), classes) : labels;
      const smoothed = labelSmoothing > 0 ? smoothLabels(target, labelSmoothing) : target;
      const logP = log(clipByValue(outputs, PROBABILITY_EPSILON, 1));
      return mean(neg(sum(mul(smoothed, logP), 1)));
    });
  });
}

/**
 * Binary cross-entropy, averaged over every output: from logits z it is max(z, 0) − z·y + log(1 + e^−|z|),
 * the form that never overflows; with `fromLogits: false` the outputs are probabilities. Its accuracy is
 * binary accuracy (each output's side of logit 0 or probability ½ against its label's side of ½).
 */
export function binaryCrossEntropy(options: { fromLogits?: boolean } = {}): Loss {
  assertKnownOptions('binaryCrossEntropy', options, ['fromLogits']);
  const { fromLogits = true } = options;
  const accuracy = binaryAccuracy(fromLogits ? 0 : 0.5);
  return makeLoss('binaryCrossEntropy', false, accuracy, { fromLogits }, (labels, outputs) => {
    checkSameShape('binaryCrossEntropy', labels, outputs);
    return tidy(() => {
      const y = cast(labels, 'float32');
      if (fromLogits) return mean(add(sub(relu(outputs), mul(outputs, y)), log1p(exp(neg(abs(outputs))))));
      const p = clipByValue(outputs, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
      return mean(neg(add(mul(y, log(p)), mul(sub(1, y), log(sub(1, p))))));
    });
  });
}

/** Mean squared error over every output. */
export function meanSquaredError(): Loss {
  return makeLoss('meanSquaredError', false, undefined, {}, (labels, outputs) => {
    checkSameShape('meanSquaredError', labels, outputs);
    return tidy(() => mean(square(sub(cast(labels, 'float32'), outputs))));
  });
}

function checkSameShape(context: string, labels: Tensor, outputs: Tensor): void {
  assertTensor(context, 'labels', labels);
  assertTensor(context, 'outputs', outputs);
  if (labels.shape.join(',') !== outputs.shape.join(',')) {
    throw new GradwellArgumentError(
      context,
      'labels',
      `shape [${outputs.shape.join(', ')}] (the outputs' shape)`,
      labels,
    );
  }
}

type LossFactory = (options: Record<string, unknown>) => Loss;
let losses: Registry<LossFactory> | undefined;

function lossRegistry(): Registry<LossFactory> {
  if (losses === undefined) {
    losses = createRegistry<LossFactory>('loss');
    losses.register('softmaxCrossEntropy', (o) => softmaxCrossEntropy(o), {
      aliases: ['crossEntropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy'],
    });
    losses.register('binaryCrossEntropy', (o) => binaryCrossEntropy(o), {
      aliases: ['binaryCrossentropy', 'bce'],
    });
    losses.register(
      'meanSquaredError',
      (o) => {
        assertKnownOptions('meanSquaredError', o, []); // getLoss('mse', { fromLogits }) is not ignored
        return meanSquaredError();
      },
      { aliases: ['mse'] },
    );
  }
  return losses;
}

/** A `loss` option: a Loss, a registered name, or undefined for softmax cross-entropy. */
export function lossOption(loss: Loss | string | undefined): Loss {
  if (loss === undefined) return softmaxCrossEntropy();
  return typeof loss === 'string' ? getLoss(loss) : loss;
}

/** A loss by name (`'softmaxCrossEntropy'`, `'binaryCrossEntropy'`, `'mse'`, or an alias). */
export function getLoss(name: string, options: Record<string, unknown> = {}): Loss {
  return lossRegistry().get(name)(options);
}

export function listLosses(): string[] {
  return lossRegistry().list();
}

/**
 * Losses: softmax cross-entropy (integer or one-hot labels, label smoothing, from logits or from
 * probabilities), binary cross-entropy from logits (or probabilities), mean squared error, mean absolute
 * error and Huber's loss. Each is a `Loss`: a named function of (labels, outputs) → scalar mean over the
 * batch, plus its config.
 */
import {
  abs,
  cast,
  clipByValue,
  customGrad,
  div,
  exp,
  log,
  log1p,
  mean,
  minimum,
  mul,
  neg,
  relu,
  sign,
  square,
  sub,
  sum,
  tidy,
  add,
  oneHot,
  type GradSaveFunc,
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
  assertBoolean,
} from '@gradwell/core';
import { smoothLabels, softmaxCrossEntropy as softmaxCrossEntropyFromLogits } from '@gradwell/regularizers';
import { argMaxAccuracy, binaryAccuracy, type LossAccuracy } from './accuracy';

export interface Loss {
  readonly name: string;
  /** Whether the labels are classes of a softmax (class ids or rows): checked against the outputs. */
  readonly classification: boolean;
  /** How `fit` and `evaluate` count accuracy; without it, arg-max for a classification loss, else none. */
  readonly accuracy?: LossAccuracy;
  /** The values its labels may take ([0, 1] for binary cross-entropy), checked before training. */
  readonly labelRange?: readonly [number, number];
  (labels: Tensor, outputs: Tensor): Scalar;
  getConfig(): Record<string, unknown>;
}

type LossTraits = Pick<Loss, 'name' | 'classification' | 'accuracy' | 'labelRange'>;

function makeLoss(
  traits: LossTraits,
  config: Record<string, unknown>,
  fn: (labels: Tensor, outputs: Tensor) => Scalar,
): Loss {
  const loss = ((labels: Tensor, outputs: Tensor) => fn(labels, outputs)) as Loss;
  for (const [key, value] of Object.entries(traits))
    if (value !== undefined) Object.defineProperty(loss, key, { value });
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
  assertBoolean('softmaxCrossEntropy', 'fromLogits', fromLogits);
  assertInRange('softmaxCrossEntropy', 'labelSmoothing', labelSmoothing, {
    min: 0,
    max: 1,
    maxInclusive: false,
  });
  const traits = { name: 'softmaxCrossEntropy', classification: true, accuracy: argMaxAccuracy };
  return makeLoss(traits, { labelSmoothing, fromLogits }, (labels, outputs) => {
    if (fromLogits) return softmaxCrossEntropyFromLogits(labels, outputs, { labelSmoothing });
    assertTensor('softmaxCrossEntropy', 'outputs', outputs, { ranks: [2] });
    if ((outputs.shape[1] as number) < 2)
      throw new GradwellArgumentError(
        'softmaxCrossEntropy',
        'outputs',
        'probabilities over at least 2 classes (for one yes/no output use binaryCrossEntropy)',
        outputs,
      );
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
  assertBoolean('binaryCrossEntropy', 'fromLogits', fromLogits);
  const traits = {
    name: 'binaryCrossEntropy',
    classification: false,
    accuracy: binaryAccuracy(fromLogits ? 0 : 0.5),
    labelRange: [0, 1] as const,
  };
  return makeLoss(traits, { fromLogits }, (labels, outputs) => {
    checkSameShape('binaryCrossEntropy', labels, outputs);
    checkTargetsInUnitRange(labels);
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
  return makeLoss({ name: 'meanSquaredError', classification: false }, {}, (labels, outputs) => {
    checkSameShape('meanSquaredError', labels, outputs);
    return tidy(() => mean(square(sub(cast(labels, 'float32'), outputs))));
  });
}

/**
 * mean |outputs − labels| with the gradient sign(r)/n: ±1/n whatever the size of the error, and 0 where an
 * output is exact (tfjs's own `abs` gradient is −1 at 0, which would push an exact output away; PyTorch's
 * L1 loss has 0 there too).
 */
const meanAbsolute = customGrad(((labels: Tensor, outputs: Tensor, save: GradSaveFunc) => {
  const residual = sub(outputs, labels);
  save([residual]);
  return {
    value: mean(abs(residual)),
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const r = saved[0] as Tensor;
      const slope = mul(dy, div(sign(r), r.size));
      return [neg(slope), slope];
    },
  };
}) as unknown as Parameters<typeof customGrad<Tensor>>[0]);

/** Mean absolute error over every output: its gradient is ±1/n whatever the size of the error. */
export function meanAbsoluteError(): Loss {
  return makeLoss({ name: 'meanAbsoluteError', classification: false }, {}, (labels, outputs) => {
    checkSameShape('meanAbsoluteError', labels, outputs);
    return tidy(() => meanAbsolute(cast(labels, 'float32'), outputs) as Scalar);
  });
}

export interface HuberOptions {
  /** Where the loss turns from quadratic to linear, > 0 (default 1, as in Keras and PyTorch). */
  delta?: number;
}

/**
 * Huber's loss over every output (Huber 1964), averaged: ½r² for an error |r| ≤ δ, δ(|r| − ½δ) beyond, so
 * an outlier pulls on the weights with a gradient of at most δ where the squared error's grows with it.
 * Computed as ½m² + δ(|r| − m) with m = min(|r|, δ): one expression, no branch.
 */
export function huber(options: HuberOptions = {}): Loss {
  assertKnownOptions('huber', options, ['delta']);
  const { delta = 1 } = options;
  assertInRange('huber', 'delta', delta, { min: 0, minInclusive: false });
  return makeLoss({ name: 'huber', classification: false }, { delta }, (labels, outputs) => {
    checkSameShape('huber', labels, outputs);
    return tidy(() => {
      const error = abs(sub(cast(labels, 'float32'), outputs));
      const quadratic = minimum(error, delta);
      return mean(add(mul(0.5, square(quadratic)), mul(delta, sub(error, quadratic))));
    });
  });
}

/**
 * Binary cross-entropy's targets are probabilities: a label of 3 gives a loss below zero that training
 * drives further down without bound. Read back and scanned on the host, as class ids are: cheaper per step
 * than a min and a max kernel and their reads.
 */
function checkTargetsInUnitRange(labels: Tensor): void {
  const values = labels.dataSync();
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (!(value >= 0 && value <= 1))
      throw new GradwellArgumentError(
        'binaryCrossEntropy',
        'labels',
        'targets in [0, 1]',
        `${value} at index ${i} of a ${labels.dtype} tensor of shape [${labels.shape.join(', ')}]`,
      );
  }
}

function checkSameShape(context: string, labels: Tensor, outputs: Tensor): void {
  assertTensor(context, 'labels', labels);
  assertTensor(context, 'outputs', outputs, { dtypes: ['float32'] }); // a model's outputs
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
    losses.register(
      'meanAbsoluteError',
      (o) => {
        assertKnownOptions('meanAbsoluteError', o, []);
        return meanAbsoluteError();
      },
      { aliases: ['mae'] },
    );
    losses.register('huber', (o) => huber(o), { aliases: ['huberLoss'] });
  }
  return losses;
}

/** A `loss` option: a Loss, a registered name, or undefined for softmax cross-entropy. */
export function lossOption(loss: Loss | string | undefined): Loss {
  if (loss === undefined) return softmaxCrossEntropy();
  return typeof loss === 'string' ? getLoss(loss) : loss;
}

/** A loss by name (`'softmaxCrossEntropy'`, `'binaryCrossEntropy'`, `'mse'`, `'mae'`, `'huber'`, or an alias). */
export function getLoss(name: string, options: Record<string, unknown> = {}): Loss {
  return lossRegistry().get(name)(options);
}

export function listLosses(): string[] {
  return lossRegistry().list();
}

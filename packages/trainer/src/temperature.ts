/**
 * Temperature scaling (Guo et al. 2017): one T > 0 dividing a classifier's logits, fitted on held-out
 * examples by minimising the mean NLL of softmax(logits / T) — convex in β = 1/T, so a bracketed Newton
 * iteration finds it. The arg-max, and so the accuracy, is unchanged; the confidences become honest.
 */
import {
  argMax,
  cast,
  concat,
  dispose,
  div,
  equal,
  logSoftmax,
  mean,
  mul,
  neg,
  oneHot,
  softmax,
  square,
  stack,
  sub,
  sum,
  tidy,
  type Tensor,
} from '@tensorflow/tfjs-core';
import {
  assertBoolean,
  assertFiniteValues,
  assertInRange,
  assertKnownOptions,
  assertPositiveInteger,
  assertTensor,
  createRandom,
  GradwellArgumentError,
  type Sequential,
} from '@gradwell/core';
import { checkClassifier, labelIds, logitsOf, truthOf } from './calibration';
import { endsInSoftmax } from './confusion';
import type { Dataset } from './data/dataset';
import { epochBatches } from './training/batches';

/** What `fitTemperature` found: T and the mean NLL of the data it was fitted on, before (T = 1) and after. */
export interface TemperatureFit {
  temperature: number;
  nllBefore: number;
  nllAfter: number;
}

/**
 * Temperature scaling fitted to `data` (held-out examples: on the training set an over-fitted model looks
 * well calibrated): the T minimising the mean NLL of softmax(logits / T). The arg-max, and so the accuracy,
 * is unchanged. A model ending in a softmax is scaled through the logarithms of its probabilities.
 */
export async function fitTemperature(
  model: Sequential,
  data: Dataset,
  options: { batchSize?: number; fromLogits?: boolean } = {},
): Promise<TemperatureFit> {
  const context = 'fitTemperature';
  assertKnownOptions(context, options, ['batchSize', 'fromLogits']);
  const { batchSize = 256, fromLogits = !endsInSoftmax(model) } = options;
  assertPositiveInteger(context, 'batchSize', batchSize);
  assertBoolean(context, 'fromLogits', fromLogits);
  const classes = checkClassifier(model, data, context);
  const logits: Tensor[] = [];
  const truth: Tensor[] = [];
  try {
    for await (const batch of epochBatches(data, 0, batchSize, false, createRandom(0), 0, {
      classes,
      context,
    })) {
      logits.push(tidy(() => logitsOf(model.apply(batch.x, { training: false }), fromLogits)));
      truth.push(truthOf(batch.y));
      dispose([batch.x, batch.y]);
    }
    if (logits.length === 0) throw new Error(`${context}: dataset '${data.name}' has no examples.`);
    const [z, y] = [concat(logits), concat(truth)];
    try {
      return fitToLogits(context, z, y);
    } finally {
      dispose([z, y]);
    }
  } finally {
    dispose([...logits, ...truth]);
  }
}

/** `fitTemperature` on logits [n, classes] already made, against class ids [n] or label rows [n, classes]. */
export function temperatureForLogits(logits: Tensor, labels: Tensor): TemperatureFit {
  const context = 'temperatureForLogits';
  assertTensor(context, 'logits', logits, { ranks: [2], dtypes: ['float32'] });
  const [n, classes] = logits.shape as [number, number];
  if (n === 0 || classes < 2)
    throw new GradwellArgumentError(context, 'logits', '[n ≥ 1, classes ≥ 2] logits', logits);
  assertFiniteValues(context, 'logits', logits);
  const truth = labelIds(context, labels, n, classes);
  try {
    return fitToLogits(context, logits, truth);
  } finally {
    truth.dispose();
  }
}

/**
 * Safeguarded Newton on β = 1/T. With p = softmax(β z), NLL(β) = mean(logsumexp(β z) − β z_label) has
 * NLL′ = mean(E_p[z] − z_label) and NLL″ = mean(Var_p[z]) ≥ 0: the root of NLL′ is bracketed, then each
 * Newton step that leaves the bracket is replaced by bisection.
 */
function fitToLogits(context: string, z: Tensor, truth: Tensor): TemperatureFit {
  const target = tidy(() => cast(oneHot(truth, z.shape[1] as number), 'float32'));
  try {
    const right = tidy(() => sum(cast(equal(argMax(z, 1), truth), 'int32')).dataSync()[0] as number);
    if (right === z.shape[0])
      throw new Error(
        `${context}: every example is predicted right, so the NLL keeps falling as T → 0 and has no minimum; ` +
          'fit the temperature on held-out examples the model sometimes gets wrong.',
      );
    const slopes = (beta: number): [number, number, number] =>
      tidy(() => {
        const scaled = mul(z, beta);
        const p = softmax(scaled);
        const expected = sum(mul(p, z), 1);
        const labelled = sum(mul(target, z), 1);
        const variance = sub(sum(mul(p, square(z)), 1), square(expected));
        const nll = neg(mean(sum(mul(target, logSoftmax(scaled)), 1)));
        const out = stack([mean(sub(expected, labelled)), mean(variance), nll]).dataSync();
        return [out[0], out[1], out[2]] as [number, number, number];
      });
    const [atZero] = slopes(0);
    if (atZero >= 0)
      throw new Error(
        `${context}: the outputs rank the labelled class no higher than the average class, so no temperature ` +
          'improves on a uniform guess; the model has not learnt this data.',
      );
    let lo = 0;
    let hi = 1;
    while (slopes(hi)[0] < 0) {
      lo = hi;
      hi *= 2;
      if (hi > 2 ** 40) throw new Error(`${context}: the NLL did not stop falling as T → 0.`);
    }
    let beta = Math.min(Math.max(1, lo), hi);
    for (let i = 0; i < 100; i++) {
      const [slope, curve] = slopes(beta);
      if (slope < 0) lo = beta;
      else hi = beta;
      const newton = curve > 0 ? beta - slope / curve : Number.NaN;
      const next = newton > lo && newton < hi ? newton : (lo + hi) / 2;
      const done = Math.abs(next - beta) <= 1e-7 * beta || hi - lo <= 1e-9 * hi;
      beta = next;
      if (done) break;
    }
    return { temperature: 1 / beta, nllBefore: slopes(1)[2], nllAfter: slopes(beta)[2] };
  } finally {
    target.dispose();
  }
}

/**
 * A classifier's probabilities at `temperature`: softmax(logits / T), where the logits of a model ending in a
 * softmax (`fromLogits: false`) are the logarithms of its probabilities (clipped at 1e-7); at T = 1 these
 * are returned as they are. For a `fitTemperature` result at prediction time.
 */
export function probabilitiesAt(
  outputs: Tensor,
  temperature: number,
  options: { fromLogits?: boolean } = {},
): Tensor {
  const context = 'probabilitiesAt';
  assertKnownOptions(context, options, ['fromLogits']);
  const { fromLogits = true } = options;
  assertBoolean(context, 'fromLogits', fromLogits);
  assertTensor(context, 'outputs', outputs, { ranks: [1, 2], dtypes: ['float32'] });
  assertInRange(context, 'temperature', temperature, { min: 0, minInclusive: false });
  if (!fromLogits && temperature === 1) return outputs.clone();
  return tidy(() => softmax(div(logitsOf(outputs, fromLogits), temperature)));
}

/**
 * How far a classifier's confidence can be trusted: reliability bins, expected and maximum calibration
 * error, negative log-likelihood and Brier score (each batch's sums made by kernels, added up on the host
 * in double precision), and temperature scaling (Guo et al. 2017: one T > 0 dividing the logits, fitted by
 * minimising the NLL, which is convex in 1/T) — the cure for the over-confidence that label smoothing and
 * the confidence penalty work against in training.
 */
import {
  argMax,
  cast,
  clipByValue,
  concat,
  dispose,
  equal,
  exp,
  floor,
  log,
  logSoftmax,
  matMul,
  max,
  minimum,
  mul,
  neg,
  onesLike,
  oneHot,
  reshape,
  slice,
  square,
  stack,
  sub,
  sum,
  tidy,
  type Tensor,
  type Tensor2D,
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
import { endsInSoftmax } from './confusion';
import { checkClassIds } from './data/host-dataset';
import type { Dataset } from './data/dataset';
import { softmaxCrossEntropy } from './losses';
import { checkData, checkLabels, epochBatches } from './training/batches';

/** One confidence bin [lower, upper): its examples, how many were right and how sure the model was. */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Share of the bin's examples predicted right; null for an empty bin. */
  accuracy: number | null;
  /** Mean top-class probability in the bin; null for an empty bin. */
  confidence: number | null;
}

export interface CalibrationReport {
  examples: number;
  accuracy: number;
  /** Mean top-class probability: above `accuracy`, the model is over-confident on the whole. */
  meanConfidence: number;
  /** Expected calibration error: Σ_b (n_b / N)·|accuracy_b − confidence_b|. */
  ece: number;
  /** Maximum calibration error: the largest |accuracy_b − confidence_b| over the non-empty bins. */
  mce: number;
  /** Mean −log p(label) (probabilities clipped at 1e-7, as the cross-entropy loss clips them). */
  nll: number;
  /** Mean Σ_k (p_k − [k = label])²: 0 for sure and right, 2 for sure and wrong. */
  brier: number;
  /** Equal-width bins over [0, 1]; a confidence of exactly 1 falls in the last. */
  bins: ReliabilityBin[];
}

export interface CalibrationOptions {
  /** Equal-width confidence bins (default 15, as Guo et al.). */
  bins?: number;
  /** Whether outputs are logits (a softmax makes them probabilities) or already probabilities. */
  fromLogits?: boolean;
  /** Divides the logits (of probabilities: their logarithms) before the softmax (default 1: as they are). */
  temperature?: number;
}

export const EPSILON = 1e-7; // as softmaxCrossEntropy clips probabilities
const SUMS = 3; // per bin: examples, right ones, confidence

/**
 * The calibration of `outputs` [n, classes] (logits, or probabilities with `fromLogits: false`) against
 * `labels`: class ids [n] or label rows [n, classes] (their arg-max is the class).
 */
export function calibrationReport(
  outputs: Tensor,
  labels: Tensor,
  options: CalibrationOptions = {},
): CalibrationReport {
  const context = 'calibrationReport';
  assertKnownOptions(context, options, ['bins', 'fromLogits', 'temperature']);
  const { bins, fromLogits, temperature } = readOptions(context, options, true);
  assertTensor(context, 'outputs', outputs, { ranks: [2], dtypes: ['float32'] });
  const [n, classes] = outputs.shape as [number, number];
  if (n === 0 || classes < 2)
    throw new GradwellArgumentError(context, 'outputs', '[n ≥ 1, classes ≥ 2] outputs', outputs);
  assertFiniteValues(context, 'outputs', outputs);
  const truth = labelIds(context, labels, n, classes);
  try {
    if (!fromLogits) {
      const values = outputs.dataSync();
      const bad = values.findIndex((p) => !(p >= 0 && p <= 1));
      if (bad >= 0)
        throw new GradwellArgumentError(
          context,
          'outputs',
          'probabilities in [0, 1] (with fromLogits: false)',
          `${values[bad]} at index ${bad}`,
        );
    }
    const sums = tidy(() => batchSums(outputs, truth, bins, fromLogits, temperature));
    const values = sums.dataSync();
    sums.dispose();
    return reportFromSums(Float64Array.from(values), bins);
  } finally {
    truth.dispose();
  }
}

/**
 * The calibration of a classifier on `data` (inference mode, in batches). Probabilities are the softmax of
 * the outputs, or the outputs themselves for a model that ends in a softmax (`endsInSoftmax`; `fromLogits`
 * overrides); `temperature` scales them as `fitTemperature` fits it.
 */
export async function calibration(
  model: Sequential,
  data: Dataset,
  options: CalibrationOptions & { batchSize?: number } = {},
): Promise<CalibrationReport> {
  const context = 'calibration';
  assertKnownOptions(context, options, ['bins', 'fromLogits', 'temperature', 'batchSize']);
  const { bins, fromLogits, temperature } = readOptions(context, options, !endsInSoftmax(model));
  const batchSize = options.batchSize ?? 256;
  assertPositiveInteger(context, 'batchSize', batchSize);
  const classes = checkClassifier(model, data, context);
  const totals = new Float64Array(bins * SUMS + 2);
  let examples = 0;
  for await (const batch of epochBatches(data, 0, batchSize, false, createRandom(0), 0, {
    classes,
    context,
  })) {
    const sums = tidy(() =>
      batchSums(model.apply(batch.x, { training: false }), truthOf(batch.y), bins, fromLogits, temperature),
    );
    const values = await sums.data();
    examples += batch.x.shape[0];
    dispose([sums, batch.x, batch.y]);
    values.forEach((v, i) => (totals[i] = (totals[i] as number) + v));
  }
  if (examples === 0) throw new Error(`calibration: dataset '${data.name}' has no examples.`);
  return reportFromSums(totals, bins);
}

function readOptions(context: string, options: CalibrationOptions, logitsDefault: boolean) {
  const { bins = 15, fromLogits = logitsDefault, temperature = 1 } = options;
  assertPositiveInteger(context, 'bins', bins);
  assertBoolean(context, 'fromLogits', fromLogits);
  assertInRange(context, 'temperature', temperature, { min: 0, minInclusive: false });
  return { bins, fromLogits, temperature };
}

/** The number of classes of a classifier fitting `data`, or a named error. */
export function checkClassifier(model: Sequential, data: Dataset, context: string): number {
  checkData(model, data, 'data', context);
  checkLabels(model, data, softmaxCrossEntropy(), 'data', context);
  return model.computeOutputShape(data.inputShape).at(-1) as number;
}

export function truthOf(y: Tensor): Tensor {
  return tidy(() => (y.rank === 2 ? argMax(y, -1) : cast(y, 'int32')));
}

export function logitsOf(outputs: Tensor, fromLogits: boolean): Tensor {
  return fromLogits ? outputs : log(clipByValue(outputs, EPSILON, 1));
}

/** Class ids [n] (int32) from `labels`, or a named error; the caller disposes them. */
export function labelIds(context: string, labels: Tensor, n: number, classes: number): Tensor {
  assertTensor(context, 'labels', labels, { ranks: [1, 2] });
  if (labels.shape[0] !== n || (labels.rank === 2 && labels.shape[1] !== classes))
    throw new GradwellArgumentError(
      context,
      'labels',
      `[${n}] class ids or [${n}, ${classes}] rows (one per row of outputs)`,
      labels,
    );
  if (labels.rank === 1) checkClassIds(labels.dataSync(), classes, context, 'labels');
  else assertFiniteValues(context, 'labels', labels);
  return truthOf(labels);
}

/** [bins × (examples, right, confidence sum)…, NLL sum, Brier sum] of one batch. */
function batchSums(
  outputs: Tensor,
  truth: Tensor,
  bins: number,
  fromLogits: boolean,
  temperature: number,
): Tensor {
  const classes = outputs.shape[1] as number;
  const asIs = !fromLogits && temperature === 1;
  const logP = asIs
    ? log(clipByValue(outputs, EPSILON, 1))
    : logSoftmax(mul(logitsOf(outputs, fromLogits), 1 / temperature));
  const p = asIs ? outputs : exp(logP);
  const confidence = max(p, 1);
  const right = cast(equal(argMax(p, 1), truth), 'float32');
  const bin = cast(minimum(floor(mul(confidence, bins)), bins - 1), 'int32');
  // [bins, n] · [n, 3]: each example adds (1, right, confidence) to its bin's row (oneHot needs depth ≥ 2)
  const byBin = slice(cast(oneHot(bin, Math.max(bins, 2)), 'float32'), [0, 0], [-1, bins]);
  const perBin = matMul(
    byBin as Tensor2D,
    stack([onesLike(confidence), right, confidence], 1) as Tensor2D,
    true,
    false,
  );
  const target = cast(oneHot(truth, classes), 'float32');
  const nll = neg(sum(mul(target, logP)));
  const brier = sum(square(sub(p, target)));
  return concat([reshape(perBin, [-1]), stack([nll, brier])]);
}

function reportFromSums(sums: Float64Array, bins: number): CalibrationReport {
  let examples = 0;
  let right = 0;
  let confident = 0;
  const table: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const [count, hits, sure] = [0, 1, 2].map((i) => sums[b * SUMS + i] as number) as [
      number,
      number,
      number,
    ];
    examples += count;
    right += hits;
    confident += sure;
    table.push({
      lower: b / bins,
      upper: (b + 1) / bins,
      count: Math.round(count),
      accuracy: count === 0 ? null : hits / count,
      confidence: count === 0 ? null : sure / count,
    });
  }
  const gaps = table.filter((b) => b.count > 0).map((b) => Math.abs(b.accuracy! - b.confidence!));
  return {
    examples: Math.round(examples),
    accuracy: right / examples,
    meanConfidence: confident / examples,
    ece: table.reduce(
      (e, b) => (b.count === 0 ? e : e + (b.count / examples) * Math.abs(b.accuracy! - b.confidence!)),
      0,
    ),
    mce: Math.max(...gaps),
    nll: (sums[bins * SUMS] as number) / examples,
    brier: (sums[bins * SUMS + 1] as number) / examples,
    bins: table,
  };
}

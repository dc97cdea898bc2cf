/**
 * Where a classifier goes wrong: the confusion matrix over a dataset (inference mode, in batches, counted
 * by tensor ops and read once), the per-class precision, recall and F1 it implies, and the wrong
 * predictions it was surest of.
 */
import {
  add,
  argMax,
  cast,
  dispose,
  fill,
  gather,
  matMul,
  max,
  notEqual,
  oneHot,
  softmax,
  tidy,
  topk,
  where,
  zeros,
  type Tensor,
  type Tensor2D,
} from '@tensorflow/tfjs-core';
import {
  assertBoolean,
  assertKnownOptions,
  assertNonNegativeInteger,
  assertPositiveInteger,
  createRandom,
  GradwellArgumentError,
  type Sequential,
} from '@gradwell/core';
import { checkData, checkLabels, epochBatches } from './training/batches';
import type { Dataset } from './data/dataset';
import { softmaxCrossEntropy } from './losses';

/** One class's figures; precision is 0 where the model never predicts the class (as scikit-learn). */
export interface ClassFigures {
  precision: number;
  recall: number;
  f1: number;
  /** Examples whose label is this class. */
  support: number;
}

export interface ClassificationReport {
  /** `matrix[label][predicted]`: examples of class `label` that the model called `predicted`. */
  matrix: number[][];
  examples: number;
  accuracy: number;
  /** Per class, in class order. */
  perClass: ClassFigures[];
  /**
   * Unweighted means over the classes that occur (as labels or predictions): a class absent from both
   * says nothing about the model and is left out, as scikit-learn leaves out labels it never sees.
   */
  macro: { precision: number; recall: number; f1: number };
}

/**
 * The confusion matrix of a classifier (outputs: logits or probabilities, one per class; its arg-max is
 * the prediction) on `data` (class ids or label rows, whose arg-max is the class), with the figures it
 * implies.
 */
export async function confusionMatrix(
  model: Sequential,
  data: Dataset,
  options: { batchSize?: number } = {},
): Promise<ClassificationReport> {
  assertKnownOptions('confusionMatrix', options, ['batchSize']);
  const batchSize = options.batchSize ?? 256;
  assertPositiveInteger('confusionMatrix', 'batchSize', batchSize);
  checkData(model, data, 'data', 'confusionMatrix');
  const loss = softmaxCrossEntropy();
  checkLabels(model, data, loss, 'data', 'confusionMatrix');
  const classes = model.computeOutputShape(data.inputShape).at(-1) as number;
  let counts: Tensor = zeros([classes, classes]);
  try {
    for await (const batch of epochBatches(data, 0, batchSize, false, createRandom(0), 0, {
      classes,
      context: 'confusionMatrix',
    })) {
      const next = tidy(() => {
        const outputs = model.apply(batch.x, { training: false });
        const truth = batch.y.rank === 2 ? argMax(batch.y, -1) : cast(batch.y, 'int32');
        const said = argMax(outputs, -1);
        // [classes, n] · [n, classes]: each example adds 1 at (label, predicted)
        const byLabel = cast(oneHot(truth, classes), 'float32') as Tensor2D;
        const byPrediction = cast(oneHot(said, classes), 'float32') as Tensor2D;
        return add(counts, matMul(byLabel, byPrediction, true, false));
      });
      dispose([counts, batch.x, batch.y]);
      counts = next;
    }
    const flat = Array.from(await counts.data(), Math.round);
    const matrix = Array.from({ length: classes }, (_, i) => flat.slice(i * classes, (i + 1) * classes));
    if (flat.every((c) => c === 0))
      throw new Error(`confusionMatrix: dataset '${data.name}' has no examples.`);
    return classificationReport(matrix);
  } finally {
    counts.dispose();
  }
}

/** A wrong prediction: the example's position in the dataset, its class, the model's, and how sure it was. */
export interface Mistake {
  index: number;
  label: number;
  predicted: number;
  /** The predicted class's probability. */
  confidence: number;
}

/**
 * Whether a model's outputs are probabilities: its last layer ends in a softmax (a Dense with
 * `activation: 'softmax'`, or an Activation layer) — as Keras models often do — rather than logits.
 */
export function endsInSoftmax(model: Sequential): boolean {
  const layers = model.getConfig().layers as Array<{
    config?: { activation?: { className?: string } | null };
  }>;
  return layers.at(-1)?.config?.activation?.className === 'softmax';
}

/**
 * The wrong predictions the model was surest of, most confident first (ties: dataset order), at most
 * `count`: where a classifier is confidently wrong — mislabelled examples, ambiguous ones, a class it
 * has not learnt. Probabilities are the softmax of the outputs, or the outputs themselves for a model
 * that ends in a softmax (`endsInSoftmax`; `fromLogits` overrides). Indexes count from the dataset's
 * first example, in its order (a stream's, as it yields them).
 */
export async function confidentMistakes(
  model: Sequential,
  data: Dataset,
  options: { count?: number; batchSize?: number; fromLogits?: boolean } = {},
): Promise<Mistake[]> {
  const context = 'confidentMistakes';
  assertKnownOptions(context, options, ['count', 'batchSize', 'fromLogits']);
  const { count = 16, batchSize = 256, fromLogits = !endsInSoftmax(model) } = options;
  assertPositiveInteger(context, 'count', count);
  assertPositiveInteger(context, 'batchSize', batchSize);
  assertBoolean(context, 'fromLogits', fromLogits);
  checkData(model, data, 'data', context);
  checkLabels(model, data, softmaxCrossEntropy(), 'data', context);
  const classes = model.computeOutputShape(data.inputShape).at(-1) as number;
  const found: Mistake[] = [];
  let offset = 0;
  for await (const batch of epochBatches(data, 0, batchSize, false, createRandom(0), 0, {
    classes,
    context,
  })) {
    const n = batch.x.shape[0];
    // the batch's k surest wrong predictions, chosen by kernels; the host merges k per batch
    const picked = tidy(() => {
      const outputs = model.apply(batch.x, { training: false });
      const probabilities = fromLogits ? softmax(outputs) : outputs;
      const truth = batch.y.rank === 2 ? argMax(batch.y, -1) : cast(batch.y, 'int32');
      const said = argMax(probabilities, -1);
      const sure = max(probabilities, -1);
      const wrong = where(notEqual(said, truth), sure, fill(sure.shape, -1));
      const { values, indices } = topk(wrong, Math.min(count, n));
      return [values, indices, gather(truth, indices), gather(said, indices)];
    });
    const [values, indices, labels, predicted] = await Promise.all(picked.map((t) => t.data()));
    dispose([...picked, batch.x, batch.y]);
    for (let i = 0; i < (values as Float32Array).length; i++) {
      const confidence = (values as Float32Array)[i] as number;
      if (confidence < 0) break; // the rest were right
      found.push({
        index: offset + ((indices as Int32Array)[i] as number),
        label: (labels as Int32Array)[i] as number,
        predicted: (predicted as Int32Array)[i] as number,
        confidence,
      });
    }
    found.sort((a, b) => b.confidence - a.confidence || a.index - b.index).splice(count);
    offset += n;
  }
  return found;
}

/** Accuracy, per-class precision / recall / F1 and their macro means, from a confusion matrix's counts. */
export function classificationReport(matrix: number[][]): ClassificationReport {
  checkMatrix(matrix);
  const k = matrix.length;
  const row = (i: number) => (matrix[i] as number[]).reduce((s, c) => s + c, 0);
  const column = (j: number) => matrix.reduce((s, r) => s + (r[j] as number), 0);
  const diagonal = (i: number) => (matrix[i] as number[])[i] as number;
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  let examples = 0;
  let correct = 0;
  const perClass: ClassFigures[] = [];
  const occurring: number[] = [];
  for (let i = 0; i < k; i++) {
    const support = row(i);
    const predicted = column(i);
    const precision = ratio(diagonal(i), predicted);
    const recall = ratio(diagonal(i), support);
    perClass.push({ precision, recall, f1: ratio(2 * precision * recall, precision + recall), support });
    examples += support;
    correct += diagonal(i);
    if (support > 0 || predicted > 0) occurring.push(i);
  }
  const mean = (key: 'precision' | 'recall' | 'f1') =>
    ratio(
      occurring.reduce((s, i) => s + (perClass[i] as ClassFigures)[key], 0),
      occurring.length,
    );
  return {
    matrix: matrix.map((r) => [...r]),
    examples,
    accuracy: ratio(correct, examples),
    perClass,
    macro: { precision: mean('precision'), recall: mean('recall'), f1: mean('f1') },
  };
}

/** An off-diagonal cell of a confusion matrix: examples of `label` that the model called `predicted`. */
export interface Confusion {
  label: number;
  predicted: number;
  count: number;
  /** `count` as a share of the label's examples. */
  ofLabel: number;
}

/**
 * The off-diagonal cells of a confusion matrix with the most examples, most first (ties: by label, then
 * prediction), at most `count`: which class the model takes for which.
 */
export function mostConfused(matrix: number[][], count = 5): Confusion[] {
  checkMatrix(matrix, 'mostConfused');
  assertNonNegativeInteger('mostConfused', 'count', count);
  return matrix
    .flatMap((row, label) => row.map((n, predicted) => ({ label, predicted, count: n })))
    .filter((cell) => cell.label !== cell.predicted && cell.count > 0)
    .sort((a, b) => b.count - a.count || a.label - b.label || a.predicted - b.predicted)
    .slice(0, count)
    .map((cell) => ({
      ...cell,
      // the row holds the cell, so its sum is ≥ count > 0
      ofLabel: cell.count / (matrix[cell.label] as number[]).reduce((s, c) => s + c, 0),
    }));
}

function checkMatrix(matrix: unknown, context = 'classificationReport'): asserts matrix is number[][] {
  const expected = 'a square array of rows of counts (non-negative integers), at least 2 × 2';
  if (!Array.isArray(matrix) || matrix.length < 2)
    throw new GradwellArgumentError(context, 'matrix', expected, matrix);
  matrix.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== matrix.length)
      throw new GradwellArgumentError(
        context,
        'matrix',
        expected,
        `row ${i} of ${Array.isArray(row) ? `${row.length} values` : typeof row} in a ${matrix.length}-row matrix`,
      );
    const bad = row.findIndex((c: unknown) => typeof c !== 'number' || !Number.isInteger(c) || c < 0);
    if (bad >= 0)
      throw new GradwellArgumentError(context, 'matrix', expected, `${String(row[bad])} at [${i}][${bad}]`);
  });
}

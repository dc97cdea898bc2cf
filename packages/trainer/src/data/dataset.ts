/**
 * Datasets for the training loop from tensors, arrays or a batch function, checked up front. The types
 * are in dataset-types.ts; examples held in JavaScript memory (`hostDataset`) in host-dataset.ts. Both are
 * re-exported here.
 */
import { any, dispose, isFinite as isFiniteOp, logicalNot, tidy, type Tensor } from '@tensorflow/tfjs-core';
import {
  assertKnownOptions,
  assertPositiveInteger,
  assertTensor,
  GradwellArgumentError,
} from '@gradwell/core';
import type { Batch, BatchStream, TensorDataset, TensorDatasetOptions } from './dataset-types';
import { checkClassIds, hostDataset, TENSOR_DATASET_KEYS } from './host-dataset';

export type { Batch, BatchStream, Dataset, TensorDataset, TensorDatasetOptions } from './dataset-types';
export { hostDataset } from './host-dataset';

/** The names of a maker's arguments in its errors: the examples are `x`, the labels `y`. */
const NAMES = (context: string) => ({ context, values: 'x', labels: 'y' });

/**
 * A dataset over tensors the dataset takes ownership of (`dispose()` frees them). Checks shapes,
 * dtypes, finiteness and label range up front, so a bad dataset fails here and not mid-training.
 */
export function tensorDataset(x: Tensor, y: Tensor, options: TensorDatasetOptions = {}): TensorDataset {
  const context = 'tensorDataset';
  assertKnownOptions(context, options, TENSOR_DATASET_KEYS);
  assertTensor(context, 'x', x);
  assertTensor(context, 'y', y);
  if (x.rank < 2)
    throw new GradwellArgumentError(
      context,
      'x',
      'a tensor of rank ≥ 2 [examples, ...inputShape]',
      `shape [${x.shape.join(', ')}]`,
    );
  if (x.shape.slice(1).some((d) => d === 0))
    throw new GradwellArgumentError(context, 'x', 'examples of a non-empty shape', x);
  if (y.shape[0] !== x.shape[0])
    throw new GradwellArgumentError(
      context,
      'y',
      `${x.shape[0]} rows (one per example of x)`,
      `shape [${y.shape.join(', ')}]`,
    );
  if (y.shape.slice(1).some((d) => d === 0))
    throw new GradwellArgumentError(context, 'y', 'labels of a non-empty shape per example', y);
  if (x.dtype !== 'float32')
    throw new GradwellArgumentError(context, 'x', 'a float32 tensor', `dtype ${x.dtype}`);
  const bad = tidy(() => any(logicalNot(isFiniteOp(x))).dataSync()[0]);
  if (bad) throw new GradwellArgumentError(context, 'x', 'finite values', 'NaN or ±Infinity among them');
  let numClasses = options.numClasses;
  if (y.rank === 1) {
    numClasses = checkClassIds(y.dataSync(), numClasses, context, 'y');
  } else if (y.rank === 2 && numClasses === undefined) {
    numClasses = y.shape[1];
  }
  if (numClasses !== undefined) assertPositiveInteger(context, 'numClasses', numClasses);
  // Move the examples to JavaScript memory: batches are then row copies, not wasm gathers (see hostDataset).
  const values = Float32Array.from(x.dataSync());
  const labelValues = y.rank === 1 ? Int32Array.from(y.dataSync()) : Float32Array.from(y.dataSync());
  const inputShape = x.shape.slice(1);
  const labelShape = y.shape.slice(1);
  dispose([x, y]);
  return hostDataset(
    values,
    labelValues,
    inputShape,
    { name: options.name, numClasses, labelShape },
    NAMES(context),
  );
}

/**
 * A dataset from plain arrays: `x` as rows (number[][]) or a flat Float32Array with `inputShape`, `y` as
 * class ids or rows of targets.
 */
export function arrayDataset(
  x: number[][] | Float32Array | number[],
  y: number[] | Int32Array | Uint8Array | number[][],
  options: TensorDatasetOptions & { inputShape?: number[] } = {},
): TensorDataset {
  assertKnownOptions('arrayDataset', options, [...TENSOR_DATASET_KEYS, 'inputShape']);
  const flat = x instanceof Float32Array || (Array.isArray(x) && typeof x[0] === 'number');
  let inputShape = options.inputShape;
  if (flat) {
    if (inputShape === undefined)
      throw new GradwellArgumentError(
        'arrayDataset',
        'inputShape',
        'the per-example shape (x is flat)',
        undefined,
      );
  } else {
    const rows = x as number[][];
    inputShape ??= [rows[0]?.length ?? 0];
  }
  const perExample = inputShape.reduce((a, b) => a * b, 1);
  const values = flat
    ? Float32Array.from(x as ArrayLike<number>)
    : Float32Array.from((x as number[][]).flat());
  if (perExample === 0 || values.length % perExample !== 0)
    throw new GradwellArgumentError(
      'arrayDataset',
      'x',
      `a multiple of ${perExample} values (inputShape [${inputShape.join(', ')}])`,
      `${values.length} values`,
    );
  if (Array.isArray(y) && Array.isArray(y[0])) {
    const rows = y as number[][];
    return hostDataset(
      values,
      Float32Array.from(rows.flat()),
      inputShape,
      { name: options.name, numClasses: options.numClasses, labelShape: [rows[0]?.length ?? 0] },
      NAMES('arrayDataset'),
    );
  }
  // Checked before the Int32Array, which would turn 2.5 into 2 and NaN into 0 without a word.
  checkClassIds(y as ArrayLike<number>, options.numClasses, 'arrayDataset', 'y');
  return hostDataset(
    values,
    Int32Array.from(y as ArrayLike<number>),
    inputShape,
    { name: options.name, numClasses: options.numClasses },
    NAMES('arrayDataset'),
  );
}

/** A stream of batches, produced anew each epoch by `batches(epoch)`. */
export function batchStream(
  batches: (epoch: number) => AsyncIterable<Batch> | Iterable<Batch>,
  options: { inputShape: number[]; numClasses?: number; name?: string },
): BatchStream {
  assertKnownOptions('batchStream', options, [...TENSOR_DATASET_KEYS, 'inputShape']);
  if (typeof batches !== 'function')
    throw new GradwellArgumentError(
      'batchStream',
      'batches',
      'a function (epoch) => iterable of { x, y }',
      batches,
    );
  return {
    kind: 'stream',
    name: options.name ?? 'stream',
    inputShape: [...options.inputShape],
    numClasses: options.numClasses,
    batches,
    dispose() {},
  };
}

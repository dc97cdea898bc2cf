/**
 * `hostDataset`: examples held in JavaScript memory, batched by row copies into a reused scratch array.
 */
import { getBackend, keep, tensor, tensor1d, type Tensor } from '@tensorflow/tfjs-core';
import { assertKnownOptions, GradwellArgumentError, optionKeys } from '@gradwell/core';
import type { TensorDataset, TensorDatasetOptions } from './dataset-types';

/** The keys of TensorDatasetOptions (every dataset maker's name and class count). */
export const TENSOR_DATASET_KEYS = optionKeys<TensorDatasetOptions>({ name: 1, numClasses: 1 });

/** The call and argument names a dataset maker's errors use. */
export interface DatasetArgumentNames {
  context: string;
  values: string;
  labels: string;
}

/**
 * Backends whose `write` copies a new tensor's values into their own memory at once (tfjs 4.22's wasm
 * backend copies into its heap): a batch can be handed to them as a view of the reused scratch array. The
 * cpu backend keeps the array it is given, so it gets a copy of its own.
 */
const COPYING_BACKENDS = new Set(['wasm']);

/**
 * A dataset whose examples live in JavaScript memory (a Float32Array of n·∏inputShape values and n
 * labels), the form loaders produce. Batches are copied row by row into new tensors — far faster than a
 * tfjs `gather` on wasm (≈ 0.2 ms vs ≈ 5 ms for 128 MNIST digits) — and the whole-set tensors `x` and `y`
 * are only made if something asks for them. One copy of the data in memory, not two.
 */
export function hostDataset(
  values: Float32Array,
  labels: Int32Array | Float32Array,
  inputShape: readonly number[],
  options: TensorDatasetOptions & { labelShape?: readonly number[] } = {},
  /** How errors name the call and its arguments, for the dataset makers that build on this one. */
  names: DatasetArgumentNames = { context: 'hostDataset', values: 'values', labels: 'labels' },
): TensorDataset {
  const { context } = names;
  assertKnownOptions(context, options, [...TENSOR_DATASET_KEYS, 'labelShape']);
  const perExample = inputShape.reduce((a, b) => a * b, 1);
  if (!(values instanceof Float32Array))
    throw new GradwellArgumentError(context, names.values, 'a Float32Array', values);
  if (perExample === 0 || values.length % perExample !== 0)
    throw new GradwellArgumentError(
      context,
      names.values,
      `a multiple of ${perExample} values (inputShape [${inputShape.join(', ')}])`,
      `${values.length} values`,
    );
  const n = values.length / perExample;
  const labelShape = options.labelShape ?? [];
  const perLabel = labelShape.reduce((a, b) => a * b, 1);
  if (labels.length !== n * perLabel)
    throw new GradwellArgumentError(
      context,
      names.labels,
      `${n * perLabel} values (${n} examples)`,
      `${labels.length} values`,
    );
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]))
      throw new GradwellArgumentError(context, names.values, 'finite values', `${values[i]} at index ${i}`);
  }
  const labelRange = rangeOf(labels, context, names.labels);
  let numClasses = options.numClasses;
  const classIds = labelShape.length === 0;
  if (classIds) {
    numClasses = checkClassIds(labels, numClasses, context, names.labels);
  } else if (numClasses === undefined && labelShape.length === 1) {
    numClasses = labelShape[0];
  }
  const ids = classIds ? Int32Array.from(labels) : Float32Array.from(labels);
  let xTensor: Tensor | undefined;
  let yTensor: Tensor | undefined;
  let scratch = new Float32Array(0);
  const makeY = (data: Int32Array | Float32Array, count: number) =>
    classIds ? tensor1d(data as Int32Array, 'int32') : tensor(data, [count, ...labelShape], 'float32');
  return {
    kind: 'tensors',
    name: options.name ?? 'dataset',
    size: n,
    inputShape: [...inputShape],
    numClasses,
    classIds: classIds ? (ids as Int32Array) : undefined,
    labelShape: [...labelShape],
    labelRange,
    get x() {
      // keep(): made lazily, possibly inside someone's tidy, it must outlive that scope.
      xTensor ??= keep(tensor(values, [n, ...inputShape], 'float32'));
      return xTensor;
    },
    get y() {
      yTensor ??= keep(makeY(ids, n));
      return yTensor;
    },
    batch(indices) {
      const count = indices.length;
      // Rows go into a reused scratch array (row by row into fresh pages is 4× slower), handed over as a
      // view where the backend copies it at once: no new 200 KB array per MNIST batch of 64 for the
      // garbage collector (on wasm its major collections came once an epoch, taking a core).
      if (scratch.length < count * perExample) scratch = new Float32Array(count * perExample);
      const ys = classIds ? new Int32Array(count * perLabel) : new Float32Array(count * perLabel);
      for (let k = 0; k < count; k++) {
        const i = indices[k] as number;
        if (!(i >= 0 && i < n))
          throw new GradwellArgumentError('batch', 'indices', `indices in [0, ${n})`, i);
        scratch.set(values.subarray(i * perExample, (i + 1) * perExample), k * perExample);
        ys.set(ids.subarray(i * perLabel, (i + 1) * perLabel), k * perLabel);
      }
      const xs = COPYING_BACKENDS.has(getBackend())
        ? scratch.subarray(0, count * perExample)
        : scratch.slice(0, count * perExample);
      return { x: tensor(xs, [count, ...inputShape], 'float32'), y: makeY(ys, count) };
    },
    dispose() {
      if (xTensor !== undefined) xTensor.dispose();
      if (yTensor !== undefined) yTensor.dispose();
      xTensor = undefined;
      yTensor = undefined;
    },
  };
}

/**
 * Checks that every label is a class id (an integer ≥ 0: 2.5 between 0 and 9 is none either) below
 * `numClasses`, or throws naming `argument` of `context` and the first offending example; returns
 * `numClasses`, or the largest id + 1 when it is not given.
 */
export function checkClassIds(
  labels: ArrayLike<number>,
  numClasses: number | undefined,
  context: string,
  argument: string,
): number {
  let hi = 0;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i] as number;
    if (!Number.isInteger(v) || v < 0)
      throw new GradwellArgumentError(context, argument, 'class ids (integers ≥ 0)', `${v} at example ${i}`);
    if (v > hi) hi = v;
  }
  const classes = numClasses ?? hi + 1;
  if (hi >= classes)
    throw new GradwellArgumentError(
      context,
      argument,
      `class ids below numClasses = ${classes}`,
      `${hi} at example ${Array.prototype.indexOf.call(labels, hi)}`,
    );
  return classes;
}

/** The smallest and largest label (undefined for none), or a named error for a NaN or infinite one. */
function rangeOf(
  labels: Int32Array | Float32Array,
  context: string,
  argument: string,
): readonly [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < labels.length; i++) {
    const value = labels[i] as number;
    if (!Number.isFinite(value))
      throw new GradwellArgumentError(context, argument, 'finite values', `${value} at index ${i}`);
    if (value < lo) lo = value;
    if (value > hi) hi = value;
  }
  return labels.length === 0 ? undefined : [lo, hi];
}

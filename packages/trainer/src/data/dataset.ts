/**
 * The dataset interface the training loop reads: an in-memory set of examples (tensors, shuffled and
 * batched by `fit`), or a stream of batches (user data too big for memory, read anew each epoch).
 */
import {
  any,
  dispose,
  getBackend,
  isFinite as isFiniteOp,
  keep,
  logicalNot,
  tensor,
  tensor1d,
  tidy,
  type Tensor,
} from '@tensorflow/tfjs-core';
import { assertPositiveInteger, assertTensor, GradwellArgumentError } from '@gradwell/core';

/**
 * Backends whose `write` copies a new tensor's values into their own memory at once (tfjs 4.22's wasm
 * backend copies into its heap): a batch can be handed to them as a view of the reused scratch array. The
 * cpu backend keeps the array it is given, so it gets a copy of its own.
 */
const COPYING_BACKENDS = new Set(['wasm']);

/** A batch: inputs [n, ...inputShape] and targets (class ids [n], or [n, ...] values). */
export interface Batch {
  x: Tensor;
  y: Tensor;
}

/** Examples held as two tensors; `fit` shuffles and slices them into batches. */
export interface TensorDataset {
  readonly kind: 'tensors';
  readonly name: string;
  readonly size: number;
  /** Per-example input shape. */
  readonly inputShape: number[];
  /** For classification: the number of classes. */
  readonly numClasses: number | undefined;
  /** The class id of every example (class-id labels only; the dataset's own copy: do not modify). */
  readonly classIds: Int32Array | undefined;
  /** Per-example label shape: [] for class ids, [k] for one-hot or probability rows. */
  readonly labelShape: number[];
  /** All inputs [size, ...inputShape] (made on first use, freed by dispose). */
  readonly x: Tensor;
  /** All targets: class ids [size] (int32) or rows [size, ...]. */
  readonly y: Tensor;
  /** The examples at these indices, as new tensors. */
  batch(indices: readonly number[] | Int32Array): Batch;
  /** Frees x and y. */
  dispose(): void;
}

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
): TensorDataset {
  const context = 'hostDataset';
  const perExample = inputShape.reduce((a, b) => a * b, 1);
  if (!(values instanceof Float32Array))
    throw new GradwellArgumentError(context, 'values', 'a Float32Array', values);
  if (perExample === 0 || values.length % perExample !== 0)
    throw new GradwellArgumentError(
      context,
      'values',
      `a multiple of ${perExample} values (inputShape [${inputShape.join(', ')}])`,
      `${values.length} values`,
    );
  const n = values.length / perExample;
  const labelShape = options.labelShape ?? [];
  const perLabel = labelShape.reduce((a, b) => a * b, 1);
  if (labels.length !== n * perLabel)
    throw new GradwellArgumentError(
      context,
      'labels',
      `${n * perLabel} values (${n} examples)`,
      `${labels.length} values`,
    );
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]))
      throw new GradwellArgumentError(context, 'values', 'finite values', `${values[i]} at index ${i}`);
  }
  let numClasses = options.numClasses;
  const classIds = labelShape.length === 0;
  if (classIds) {
    let hi = 0;
    for (let i = 0; i < labels.length; i++) {
      const v = labels[i] as number;
      if (!Number.isInteger(v) || v < 0)
        throw new GradwellArgumentError(
          context,
          'labels',
          'class ids (integers ≥ 0)',
          `${v} at example ${i}`,
        );
      if (v > hi) hi = v;
    }
    numClasses ??= hi + 1;
    if (hi >= numClasses)
      throw new GradwellArgumentError(
        context,
        'labels',
        `class ids below numClasses = ${numClasses}`,
        `${hi} at example ${labels.indexOf(hi)}`,
      );
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

/** Batches produced by a function each epoch (streaming data, data augmentation done elsewhere). */
export interface BatchStream {
  readonly kind: 'stream';
  readonly name: string;
  readonly inputShape: number[];
  readonly numClasses: number | undefined;
  /** Batches of one epoch; `fit` disposes each batch after its step. */
  batches(epoch: number): AsyncIterable<Batch> | Iterable<Batch>;
  dispose(): void;
}

export type Dataset = TensorDataset | BatchStream;

export interface TensorDatasetOptions {
  name?: string;
  /** Number of classes, for class-id labels (default: largest label + 1). */
  numClasses?: number;
}

/**
 * A dataset over tensors the dataset takes ownership of (`dispose()` frees them). Checks shapes,
 * dtypes, finiteness and label range up front, so a bad dataset fails here and not mid-training.
 */
export function tensorDataset(x: Tensor, y: Tensor, options: TensorDatasetOptions = {}): TensorDataset {
  const context = 'tensorDataset';
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
  if (x.dtype !== 'float32')
    throw new GradwellArgumentError(context, 'x', 'a float32 tensor', `dtype ${x.dtype}`);
  const bad = tidy(() => any(logicalNot(isFiniteOp(x))).dataSync()[0]);
  if (bad) throw new GradwellArgumentError(context, 'x', 'finite values', 'NaN or ±Infinity among them');
  let numClasses = options.numClasses;
  if (y.rank === 1) {
    // Every label, not just the extremes: 2.5 between 0 and 9 is no class id either.
    const labels = y.dataSync();
    let hi = 0;
    for (let i = 0; i < labels.length; i++) {
      const v = labels[i] as number;
      if (!Number.isInteger(v) || v < 0)
        throw new GradwellArgumentError(context, 'y', 'class ids (integers ≥ 0)', `${v} at example ${i}`);
      if (v > hi) hi = v;
    }
    numClasses ??= hi + 1;
    if (hi >= numClasses)
      throw new GradwellArgumentError(
        context,
        'y',
        `class ids below numClasses = ${numClasses}`,
        `${hi} at example ${Array.from(labels).indexOf(hi)}`,
      );
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
  return hostDataset(values, labelValues, inputShape, { name: options.name, numClasses, labelShape });
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
    return hostDataset(values, Float32Array.from(rows.flat()), inputShape, {
      ...options,
      labelShape: [rows[0]?.length ?? 0],
    });
  }
  return hostDataset(values, Int32Array.from(y as ArrayLike<number>), inputShape, options);
}

/** A stream of batches, produced anew each epoch by `batches(epoch)`. */
export function batchStream(
  batches: (epoch: number) => AsyncIterable<Batch> | Iterable<Batch>,
  options: { inputShape: number[]; numClasses?: number; name?: string },
): BatchStream {
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

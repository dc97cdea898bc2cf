/**
 * The dataset types the training loop reads: an in-memory set of examples (`TensorDataset`, shuffled and
 * batched by `fit`) or a stream of batches (`BatchStream`, read anew each epoch).
 */
import type { Tensor } from '@tensorflow/tfjs-core';

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
  /** The smallest and the largest label value, checked against the loss's labels before training. */
  readonly labelRange?: readonly [number, number];
  /** All inputs [size, ...inputShape] (made on first use, freed by dispose). */
  readonly x: Tensor;
  /** All targets: class ids [size] (int32) or rows [size, ...]. */
  readonly y: Tensor;
  /** The examples at these indices, as new tensors. */
  batch(indices: readonly number[] | Int32Array): Batch;
  /** Frees x and y. */
  dispose(): void;
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

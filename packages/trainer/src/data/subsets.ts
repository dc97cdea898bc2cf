/** Parts of an in-memory dataset as datasets of their own: a range of examples, a seeded train/validation split. */
import {
  assertInRange,
  assertRequiredOptions,
  assertNonNegativeInteger,
  assertPositiveInteger,
  createRandom,
  GradwellArgumentError,
} from '@gradwell/core';
import { tensorDataset, type TensorDataset } from './dataset';

/** Copies the examples at `indices` into a new host-backed dataset. */
function select(dataset: TensorDataset, indices: ArrayLike<number>): TensorDataset {
  const { x, y } = dataset.batch(Array.from(indices));
  return tensorDataset(x, y, { name: dataset.name, numClasses: dataset.numClasses });
}

/** Examples [start, start + count) as a new dataset (copies). */
export function subset(dataset: TensorDataset, start: number, count: number): TensorDataset {
  assertNonNegativeInteger('subset', 'start', start);
  assertPositiveInteger('subset', 'count', count);
  if (start + count > dataset.size)
    throw new GradwellArgumentError(
      'subset',
      'count',
      `at most ${dataset.size - start} (the dataset has ${dataset.size})`,
      count,
    );
  return select(
    dataset,
    Array.from({ length: count }, (_, i) => start + i),
  );
}

/** A seeded random split into training and validation sets (copies; the source is left as is). */
export function splitDataset(
  dataset: TensorDataset,
  options: { validation: number; seed?: number },
): { train: TensorDataset; validation: TensorDataset } {
  assertRequiredOptions('splitDataset', options, ['validation', 'seed']);
  const { validation, seed = 0 } = options;
  assertInRange('splitDataset', 'validation', validation, {
    min: 0,
    max: 1,
    minInclusive: false,
    maxInclusive: false,
  });
  const order = createRandom(seed).permutation(dataset.size);
  const cut = Math.round(dataset.size * (1 - validation));
  if (cut === 0 || cut === dataset.size)
    throw new Error(
      `splitDataset: a validation share of ${validation} of ${dataset.size} examples leaves one side empty.`,
    );
  return { train: select(dataset, order.slice(0, cut)), validation: select(dataset, order.slice(cut)) };
}

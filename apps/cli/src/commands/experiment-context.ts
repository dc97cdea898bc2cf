/** What each `gradwell experiment` definition gets: output, seed, size, plots, and MNIST subsets. */
import type { ExperimentData } from '@gradwell/trainer';
import { loadMnist } from '@gradwell/trainer/node';
import type { TopLevelSpec } from 'vega-lite';
import type { Output } from '../output';

export interface Context {
  out: Output;
  seed: number;
  quick: boolean;
  /** Training examples (defaults per experiment; --limit overrides). */
  limit: number | undefined;
  plots: Array<{ name: string; spec: TopLevelSpec }>;
}

export type Experiment = {
  description: string;
  run(context: Context): unknown;
};

export function mnist(limit: number, flat: boolean, testLimit = 1000): ExperimentData {
  return { train: loadMnist('train', { limit, flat }), test: loadMnist('test', { limit: testLimit, flat }) };
}

/** Loads MNIST subsets for `fn` and frees them afterwards, whatever happens. */
export async function withMnist<T>(
  { train, test = 1000, flat }: { train: number; test?: number; flat: boolean },
  fn: (data: ExperimentData) => Promise<T> | T,
): Promise<T> {
  const data = mnist(train, flat, test);
  try {
    return await fn(data);
  } finally {
    data.train.dispose();
    data.test.dispose();
  }
}

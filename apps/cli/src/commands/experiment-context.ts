/**
 * What an experiment definition is (run the study, then present its result) and what it gets to run:
 * the seed, the size, and MNIST subsets that are freed whatever happens.
 */
import { loadMnist } from '@gradwell/datasets';
import type { ExperimentData } from '@gradwell/trainer';
import type { TopLevelSpec } from 'vega-lite';

export interface ExperimentContext {
  seed: number;
  /** Smaller data and fewer epochs. */
  quick: boolean;
  /** Training examples (each experiment has its default; --limit overrides). */
  limit: number | undefined;
  /** Activations registered from --plugin modules (the activation comparison includes them). */
  plugins: string[];
}

/** What the terminal shows of a result, and the charts written beside results.json. */
export interface ExperimentPresentation {
  /** Lines printed before the table (e.g. the lecture's worked example). */
  intro?: string[];
  table: { head: string[]; rows: Array<Array<string | number>> };
  charts: Array<{ file: string; spec: TopLevelSpec }>;
}

export interface ExperimentDefinition<Result = unknown> {
  description: string;
  /** Draws its own random inputs instead of MNIST: `--limit` does not apply. */
  ownInputs?: true;
  /** Lines printed before the study runs (e.g. the lecture's worked example). */
  before?(): string[];
  /** Runs the study; the result is saved as results.json. */
  run(context: ExperimentContext): Promise<Result> | Result;
  present(result: Result): ExperimentPresentation;
}

/** Checks a definition's types while keeping its result type (`defineExperiment({ run, present })`). */
export function defineExperiment<Result>(definition: ExperimentDefinition<Result>): ExperimentDefinition {
  return definition;
}

/** Loads MNIST subsets for `study` and frees them afterwards, whatever happens. */
export async function withMnist<T>(
  { train, test = 1000, flat }: { train: number; test?: number; flat: boolean },
  study: (data: ExperimentData) => Promise<T> | T,
): Promise<T> {
  const data = {
    train: loadMnist('train', { limit: train, flat }),
    test: loadMnist('test', { limit: test, flat }),
  };
  try {
    return await study(data);
  } finally {
    data.train.dispose();
    data.test.dispose();
  }
}

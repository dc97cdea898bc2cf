/** What the experiments share: their data, and a short summary of a run. */
import type { TensorDataset } from '../data/dataset';

/** A training and a test set (e.g. MNIST subsets; flat [n, 784] or images). */
export interface ExperimentData {
  train: TensorDataset;
  test: TensorDataset;
}

/** Loss and accuracy at one point of a run. */
export interface CurvePoint {
  step: number;
  loss: number;
  accuracy?: number;
}

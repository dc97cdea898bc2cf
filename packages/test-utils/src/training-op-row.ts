/** One row of the training-op table, and the shorthands the row files share. */
import type { Tensor, Tensor2D, Tensor3D, Tensor4D, Tensor5D } from '@tensorflow/tfjs-core';
import { uniformValues } from './inputs';

export interface TrainingOpRow {
  name: string;
  /** Fresh inputs (seeded, the same on every call). */
  inputs: () => Tensor[];
  f: (...xs: Tensor[]) => Tensor;
  /** False for ops without a gradient (oneHot, argmax outputs). Default true. */
  differentiable?: boolean;
  /** Indices of inputs to differentiate (default: all). */
  gradInputs?: number[];
  /** Central-difference step (default 1e-2). */
  epsilon?: number;
  /** Tolerance of wasm vs cpu (default rtol 1e-4, atol 1e-4). */
  rtol?: number;
  atol?: number;
}

export const u = uniformValues;
export const as4 = (x: Tensor) => x as Tensor4D;
export const as2 = (x: Tensor) => x as Tensor2D;
export const as3 = (x: Tensor) => x as Tensor3D;
export const as5 = (x: Tensor) => x as Tensor5D;

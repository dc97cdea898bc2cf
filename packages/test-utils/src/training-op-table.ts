/**
 * The table of training ops that gradwell holds the wasm backend to: each row is a function of some
 * inputs whose forward and gradient are compared between wasm and cpu and against central
 * differences. core's op-table test runs it; the threads work reuses it.
 */
import type { TrainingOpRow } from './training-op-row';
import { CONVOLUTION_ROWS } from './training-op-rows-convolution';
import { DENSE_ROWS } from './training-op-rows-dense';

export type { TrainingOpRow } from './training-op-row';

export const TRAINING_OP_TABLE: readonly TrainingOpRow[] = [...CONVOLUTION_ROWS, ...DENSE_ROWS];

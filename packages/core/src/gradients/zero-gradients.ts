/**
 * Comparison and logical ops have zero gradient almost everywhere, but tfjs-core 4.22 registers none
 * for most of them, so any expression like `where(greater(x, 0), x, y)` fails to differentiate with
 * "gradient function not found for Greater". These register the zero gradient.
 */
import {
  Equal,
  Greater,
  Less,
  LessEqual,
  LogicalAnd,
  LogicalNot,
  LogicalOr,
  NotEqual,
  zerosLike,
  type GradConfig,
  type Tensor,
} from '@tensorflow/tfjs-core';

const binary = (kernelName: string): GradConfig => ({
  kernelName,
  inputsToSave: ['a', 'b'],
  gradFunc: (_dy: Tensor | Tensor[], saved: Tensor[]) => {
    const [a, b] = saved as [Tensor, Tensor];
    return { a: () => zerosLike(a), b: () => zerosLike(b) };
  },
});

export const zeroGradientConfigs: GradConfig[] = [
  ...[Greater, Less, LessEqual, Equal, NotEqual, LogicalAnd, LogicalOr].map(binary),
  {
    kernelName: LogicalNot,
    inputsToSave: ['x'],
    gradFunc: (_dy: Tensor | Tensor[], saved: Tensor[]) => ({ x: () => zerosLike(saved[0] as Tensor) }),
  },
];

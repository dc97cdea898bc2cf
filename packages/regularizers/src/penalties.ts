/**
 * Weight penalties added to the loss. L1 = λ·Σ|w| drives weights to exactly zero (sparsity; a Laplace
 * prior); L2 = λ·Σw² shrinks large weights (a Gaussian prior). Note the convention: L2 here is λ·Σw², not
 * λ/2·Σw² — its gradient is 2λw.
 */
import {
  abs,
  add,
  addN,
  mul,
  scalar,
  square,
  sum,
  tidy,
  type Scalar,
  type Tensor,
} from '@tensorflow/tfjs-core';
import { assertInRange, assertTensor, assertRequiredOptions } from '@gradwell/core';

export interface WeightPenalty {
  readonly className: string;
  /** The penalty of one weight tensor or the sum over several. */
  penalty(weights: Tensor | readonly Tensor[]): Scalar;
  getConfig(): Record<string, number>;
}

function total(context: string, weights: Tensor | readonly Tensor[], term: (w: Tensor) => Tensor): Scalar {
  const list: readonly Tensor[] = Array.isArray(weights)
    ? (weights as readonly Tensor[])
    : [weights as Tensor];
  list.forEach((w, i) =>
    assertTensor(context, list.length === 1 ? 'weights' : `weights[${i}]`, w, { dtypes: ['float32'] }),
  );
  return tidy(() => (list.length === 0 ? scalar(0) : (addN(list.map((w) => sum(term(w)))) as Scalar)));
}

/** λ·Σ|w|. */
export function l1(lambda: number): WeightPenalty {
  assertInRange('l1', 'lambda', lambda, { min: 0 });
  return {
    className: 'l1',
    penalty: (w) => total('l1', w, (t) => mul(lambda, abs(t))),
    getConfig: () => ({ lambda }),
  };
}

/** λ·Σw². */
export function l2(lambda: number): WeightPenalty {
  assertInRange('l2', 'lambda', lambda, { min: 0 });
  return {
    className: 'l2',
    penalty: (w) => total('l2', w, (t) => mul(lambda, square(t))),
    getConfig: () => ({ lambda }),
  };
}

/** λ₁·Σ|w| + λ₂·Σw² (the elastic net). */
export function l1l2(options: { l1?: number; l2?: number }): WeightPenalty {
  assertRequiredOptions('l1l2', options, ['l1', 'l2']);
  const { l1: lambda1 = 0, l2: lambda2 = 0 } = options;
  assertInRange('l1l2', 'l1', lambda1, { min: 0 });
  assertInRange('l1l2', 'l2', lambda2, { min: 0 });
  return {
    className: 'l1l2',
    penalty: (w) => total('l1l2', w, (t) => add(mul(lambda1, abs(t)), mul(lambda2, square(t)))),
    getConfig: () => ({ l1: lambda1, l2: lambda2 }),
  };
}

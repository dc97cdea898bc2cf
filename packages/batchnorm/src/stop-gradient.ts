/**
 * x with no gradient flowing back through it (tfjs-core has no `stopGradient` op): an identity whose
 * custom gradient is zero.
 */
import { customGrad, zerosLike, type GradSaveFunc, type Tensor } from '@tensorflow/tfjs-core';
import { assertTensor } from '@gradwell/core';

const blocked = customGrad(((x: Tensor, _save: GradSaveFunc) => ({
  value: x.clone(),
  gradFunc: (dy: Tensor) => zerosLike(dy),
})) as unknown as Parameters<typeof customGrad<Tensor>>[0]);

export function stopGradient(x: Tensor): Tensor {
  assertTensor('stopGradient', 'x', x);
  return blocked(x);
}

/**
 * Stand-ins for what the activations and init packages provide, for tests of layers that must not depend
 * on those packages: ReLU (fusable, as the activations package's is) and tanh, and a constant initialiser.
 */
import { fill, relu, tanh, type Tensor } from '@tensorflow/tfjs-core';
import type { ActivationFunction, Initializer } from '@gradwell/core';

/** ReLU and tanh as activation functions; ReLU marked fusable (`fused: 'relu'`). */
export const testActivations: { relu: ActivationFunction; tanh: ActivationFunction } = {
  relu: { name: 'relu', apply: (x: Tensor) => relu(x), fused: 'relu' },
  tanh: { name: 'tanh', apply: (x: Tensor) => tanh(x) },
};

/** An initialiser that fills every weight with `value` (config `{ value }`, class name 'constant'). */
export function constantInitializer(value: number): Initializer {
  return {
    className: 'constant',
    apply: (shape) => fill([...shape], value),
    getConfig: () => ({ value }),
  };
}

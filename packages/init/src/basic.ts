/**
 * The basic initialisers: constants and plain distributions. `constant` (and `zeros`, `ones`) make every
 * unit of a layer identical, so their gradients stay identical and they never differentiate — the
 * lecture's "weights cannot be initialised to the same value": use them for biases and scales only.
 */
import { fill, ones as tfOnes, zeros as tfZeros } from '@tensorflow/tfjs-core';
import { assertFiniteNumber, assertInRange } from '@gradwell/core';
import { checkOptions, makeInitializer, type GradwellInitializer, type NoOptions } from './initializer';

export function zeros(options?: NoOptions): GradwellInitializer {
  checkOptions('zeros', options, []);
  return makeInitializer('zeros', {}, (shape) => tfZeros(shape));
}

export function ones(options?: NoOptions): GradwellInitializer {
  checkOptions('ones', options, []);
  return makeInitializer('ones', {}, (shape) => tfOnes(shape));
}

/** Every weight `value` — the symmetric bad case for weights (see above). */
export function constant(options: { value?: number } = {}): GradwellInitializer {
  checkOptions('constant', options, ['value']);
  const { value = 0 } = options;
  assertFiniteNumber('constant', 'value', value);
  return makeInitializer('constant', { value }, (shape) => fill(shape, value));
}

/** U[min, max); the lecture's "reasonable starting spot" is the default U[−0.1, 0.1]. */
export function uniform(options: { min?: number; max?: number } = {}): GradwellInitializer {
  checkOptions('uniform', options, ['min', 'max']);
  const { min = -0.1, max = 0.1 } = options;
  assertFiniteNumber('uniform', 'min', min);
  assertInRange('uniform', 'max', max, { min, minInclusive: false });
  return makeInitializer('uniform', { min, max }, (shape, random) => random.uniformTensor(shape, min, max));
}

/** N(mean, std²). */
export function normal(options: { mean?: number; std?: number } = {}): GradwellInitializer {
  checkOptions('normal', options, ['mean', 'std']);
  const { mean = 0, std = 0.05 } = options;
  assertFiniteNumber('normal', 'mean', mean);
  assertInRange('normal', 'std', std, { min: 0 });
  return makeInitializer('normal', { mean, std }, (shape, random) => random.normalTensor(shape, mean, std));
}

/** N(mean, std²) with draws beyond two standard deviations redrawn (tfjs's truncatedNormal). */
export function truncatedNormal(options: { mean?: number; std?: number } = {}): GradwellInitializer {
  checkOptions('truncatedNormal', options, ['mean', 'std']);
  const { mean = 0, std = 0.05 } = options;
  assertFiniteNumber('truncatedNormal', 'mean', mean);
  assertInRange('truncatedNormal', 'std', std, { min: 0 });
  return makeInitializer('truncatedNormal', { mean, std }, (shape, random) =>
    random.truncatedNormalTensor(shape, mean, std),
  );
}

/**
 * Activation diagnostics from the lecture: dying ReLUs and saturation.
 */
import { abs, all, cast, lessEqual, less, mean, tidy, type Tensor } from '@tensorflow/tfjs-core';
import {
  assertBoolean,
  assertInRange,
  assertKnownOptions,
  assertTensor,
  GradwellArgumentError,
} from '@gradwell/core';
import type { Activation } from './define-activation';
import { getActivation } from './registry';

/**
 * The dying-ReLU measure: the share of units whose pre-activation is ≤ 0 for every example of the
 * batch (so a ReLU passes them no gradient). A unit is one position of the per-example shape: a
 * feature of a dense layer; with `perChannel`, a channel (last axis) of a conv layer, dead when it is
 * ≤ 0 at every example and position.
 */
export function deadUnitFraction(preActivations: Tensor, options: { perChannel?: boolean } = {}): number {
  assertKnownOptions('deadUnitFraction', options, ['perChannel']);
  const { perChannel = false } = options;
  assertTensor('deadUnitFraction', 'preActivations', preActivations);
  assertBoolean('deadUnitFraction', 'perChannel', perChannel);
  if (preActivations.size === 0)
    throw new GradwellArgumentError(
      'deadUnitFraction',
      'preActivations',
      'a non-empty tensor',
      preActivations,
    );
  if (preActivations.rank < 2)
    throw new GradwellArgumentError(
      'deadUnitFraction',
      'preActivations',
      'a [batch, ...units] tensor (rank ≥ 2)',
      preActivations,
    );
  const axes = perChannel ? Array.from({ length: preActivations.rank - 1 }, (_, i) => i) : [0];
  const fraction = tidy(() => mean(cast(all(lessEqual(preActivations, 0), axes), 'float32')));
  const value = fraction.dataSync()[0] as number;
  fraction.dispose();
  return value;
}

/**
 * The share of inputs where the activation is saturated: |f′(x)| < `threshold` (default 1e-2), the
 * regions of sigmoid and tanh that pass (almost) no gradient. `activation` is one (`getActivation('tanh')`)
 * or its name.
 */
export function saturationFraction(
  x: Tensor,
  activation: Activation | string,
  options: { threshold?: number } = {},
): number {
  assertKnownOptions('saturationFraction', options, ['threshold']);
  const { threshold = 1e-2 } = options;
  const f = typeof activation === 'string' ? getActivation(activation) : activation;
  if (f === null || typeof f !== 'object' || typeof (f as Partial<Activation>).derivative !== 'function')
    throw new GradwellArgumentError(
      'saturationFraction',
      'activation',
      "an activation (getActivation('tanh')) or its name",
      activation,
    );
  assertTensor('saturationFraction', 'x', x);
  if (x.size === 0) throw new GradwellArgumentError('saturationFraction', 'x', 'a non-empty tensor', x);
  assertInRange('saturationFraction', 'threshold', threshold, { min: 0, minInclusive: false });
  const fraction = tidy(() => mean(cast(less(abs(f.derivative(x)), threshold), 'float32')));
  const value = fraction.dataSync()[0] as number;
  fraction.dispose();
  return value;
}

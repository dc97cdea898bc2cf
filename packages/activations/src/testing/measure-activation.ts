/**
 * How fast an activation trains on the current backend: forward + backward of `sum(f(x))` on a large
 * tensor, through `apply` (the analytic derivative via tf.customGrad where the activation uses it) and
 * through autodiff of `forward` — side by side, interleaved so machine noise hits both alike, medians.
 * The numbers behind an activation's `customGradient` choice; `gradwell bench activations --plugin`
 * measures a plugin with it, the workspace benchmark every built-in.
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertKnownOptions, assertNonNegativeInteger, assertPositiveInteger } from '@gradwell/core';
import type { Activation } from '../define-activation';

export interface MeasureActivationOptions {
  /** Elements of the input tensor (default 1,000,000). */
  elements?: number;
  /** Timed runs per round, after `warmup` untimed ones (defaults 15 and 3). */
  runs?: number;
  warmup?: number;
  /** Rounds, alternating apply and autodiff (default 3); the median round counts. */
  rounds?: number;
}

export interface ActivationTiming {
  name: string;
  elements: number;
  /** Median milliseconds of forward + backward through `apply` and through autodiff of `forward`. */
  applyMs: number;
  autodiffMs: number;
  /** Whether `apply` carries the analytic derivative (otherwise apply = forward and the two are alike). */
  customGradient: boolean;
  /** Timed runs behind each median. */
  runs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function medianMs(fn: () => void, warmup: number, runs: number): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** Times forward + backward of `activation` through `apply` and through autodiff of `forward`. */
export function measureActivation(
  activation: Activation,
  options: MeasureActivationOptions = {},
): ActivationTiming {
  assertKnownOptions('measureActivation', options, ['elements', 'runs', 'warmup', 'rounds']);
  const { elements = 1_000_000, runs = 15, warmup = 3, rounds = 3 } = options;
  assertPositiveInteger('measureActivation', 'elements', elements);
  assertPositiveInteger('measureActivation', 'runs', runs);
  assertPositiveInteger('measureActivation', 'rounds', rounds);
  assertNonNegativeInteger('measureActivation', 'warmup', warmup);
  const x = tf.randomUniform([elements], -6, 6, 'float32', 1);
  const timed = (f: (t: tf.Tensor) => tf.Tensor) => () => {
    const g = tf.grad((t: tf.Tensor) => tf.sum(f(t)))(x);
    g.dataSync();
    g.dispose();
  };
  const viaApply = timed((t) => activation.apply(t));
  const viaAutodiff = timed((t) => activation.forward(t));
  const apply: number[] = [];
  const autodiff: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      apply.push(medianMs(viaApply, warmup, runs));
      autodiff.push(medianMs(viaAutodiff, warmup, runs));
    }
  } finally {
    x.dispose();
  }
  return {
    name: activation.name,
    elements,
    applyMs: median(apply),
    autodiffMs: median(autodiff),
    customGradient: activation.apply !== activation.forward,
    runs: runs * rounds,
  };
}

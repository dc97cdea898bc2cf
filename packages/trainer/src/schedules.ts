/** Learning-rate schedules: a rate per optimiser step (step decay, exponential, cosine, linear warm-up). */
import {
  assertInRange,
  assertRequiredOptions,
  assertNonNegativeInteger,
  assertOneOf,
  assertPositiveInteger,
} from '@gradwell/core';

/**
 * The schedule with its `rate` checking the step it is asked about (a NaN step would give a NaN learning
 * rate, and an optimiser silently stuck).
 */
function checked(schedule: LearningRateSchedule): LearningRateSchedule {
  return {
    ...schedule,
    rate: (step, stepsPerEpoch) => {
      assertNonNegativeInteger(`${schedule.name}.rate`, 'step', step);
      assertPositiveInteger(`${schedule.name}.rate`, 'stepsPerEpoch', stepsPerEpoch);
      return schedule.rate(step, stepsPerEpoch);
    },
  };
}

/** A learning rate as a function of the step (counted from 0 over the whole run). */
export interface LearningRateSchedule {
  readonly name: string;
  rate(step: number, stepsPerEpoch: number): number;
  getConfig(): Record<string, unknown>;
}

/** η·factor^⌊t/every⌋, with `every` in epochs (default) or steps: the classic "divide by 10 at epochs 30, 60". */
export function stepDecay(options: {
  initial: number;
  factor?: number;
  every: number;
  unit?: 'epoch' | 'step';
}): LearningRateSchedule {
  assertRequiredOptions('stepDecay', options, ['initial', 'factor', 'every', 'unit']);
  const { initial, factor = 0.1, every, unit = 'epoch' } = options;
  assertInRange('stepDecay', 'initial', initial, { min: 0, minInclusive: false });
  assertInRange('stepDecay', 'factor', factor, { min: 0, max: 1, minInclusive: false });
  assertPositiveInteger('stepDecay', 'every', every);
  assertOneOf('stepDecay', 'unit', unit, ['epoch', 'step']);
  return checked({
    name: 'stepDecay',
    rate: (step, stepsPerEpoch) => {
      const t = unit === 'epoch' ? Math.floor(step / stepsPerEpoch) : step;
      return initial * factor ** Math.floor(t / every);
    },
    getConfig: () => ({ initial, factor, every, unit }),
  });
}

/** η·γ^(t/decaySteps), smooth. */
export function exponentialDecay(options: {
  initial: number;
  rate: number;
  decaySteps: number;
}): LearningRateSchedule {
  assertRequiredOptions('exponentialDecay', options, ['initial', 'rate', 'decaySteps']);
  const { initial, rate: gamma, decaySteps } = options;
  assertInRange('exponentialDecay', 'initial', initial, { min: 0, minInclusive: false });
  assertInRange('exponentialDecay', 'rate', gamma, { min: 0, max: 1, minInclusive: false });
  assertPositiveInteger('exponentialDecay', 'decaySteps', decaySteps);
  return checked({
    name: 'exponentialDecay',
    rate: (step) => initial * gamma ** (step / decaySteps),
    getConfig: () => ({ initial, rate: gamma, decaySteps }),
  });
}

/** Cosine annealing (Loshchilov & Hutter 2017) from `initial` to `final` over `totalSteps`, then `final`. */
export function cosineDecay(options: {
  initial: number;
  totalSteps: number;
  final?: number;
}): LearningRateSchedule {
  assertRequiredOptions('cosineDecay', options, ['initial', 'totalSteps', 'final']);
  const { initial, totalSteps, final = 0 } = options;
  assertInRange('cosineDecay', 'initial', initial, { min: 0, minInclusive: false });
  assertPositiveInteger('cosineDecay', 'totalSteps', totalSteps);
  assertInRange('cosineDecay', 'final', final, { min: 0, max: initial });
  return checked({
    name: 'cosineDecay',
    rate: (step) => {
      const t = Math.min(step, totalSteps) / totalSteps;
      return final + 0.5 * (initial - final) * (1 + Math.cos(Math.PI * t));
    },
    getConfig: () => ({ initial, totalSteps, final }),
  });
}

/**
 * Linear warm-up (Goyal et al. 2017) from `start` to the target over `warmupSteps`, then the `then`
 * schedule (or constant rate), whose own step count starts after the warm-up.
 */
export function linearWarmup(options: {
  warmupSteps: number;
  then: LearningRateSchedule | number;
  start?: number;
}): LearningRateSchedule {
  assertRequiredOptions('linearWarmup', options, ['warmupSteps', 'then', 'start']);
  const { warmupSteps, then, start = 0 } = options;
  assertPositiveInteger('linearWarmup', 'warmupSteps', warmupSteps);
  if (typeof then === 'number') assertInRange('linearWarmup', 'then', then, { min: 0, minInclusive: false });
  assertInRange('linearWarmup', 'start', start, { min: 0 });
  const after = (step: number, stepsPerEpoch: number) =>
    typeof then === 'number' ? then : then.rate(step, stepsPerEpoch);
  return checked({
    name: 'linearWarmup',
    rate: (step, stepsPerEpoch) => {
      if (step >= warmupSteps) return after(step - warmupSteps, stepsPerEpoch);
      const target = after(0, stepsPerEpoch);
      return start + ((target - start) * (step + 1)) / warmupSteps;
    },
    getConfig: () => ({
      warmupSteps,
      start,
      then: typeof then === 'number' ? then : { name: then.name, config: then.getConfig() },
    }),
  });
}

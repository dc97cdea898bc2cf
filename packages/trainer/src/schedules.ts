/** Learning-rate schedules: a rate per optimiser step (step decay, exponential, cosine, linear warm-up, one-cycle). */
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

/** Cosine from `from` to `to` as `t` goes from 0 to 1 (PyTorch's `_annealing_cos`). */
const cosineBetween = (from: number, to: number, t: number) =>
  to + ((from - to) / 2) * (1 + Math.cos(Math.PI * t));

/**
 * The one-cycle policy (Smith & Topin 2019), the rate as PyTorch's `OneCycleLR` (cosine annealing) sets
 * it: from maxRate/divFactor up to `maxRate` over the first `pctStart` of `totalSteps`, then down to
 * maxRate/(divFactor·finalDivFactor) at the last step, and that rate after it. `maxRate` is the rate the
 * learning-rate range test suggests. PyTorch also cycles the momentum inversely; this schedule sets the
 * rate only (as `cycle_momentum=False`).
 */
export function oneCycle(options: {
  maxRate: number;
  totalSteps: number;
  pctStart?: number;
  divFactor?: number;
  finalDivFactor?: number;
}): LearningRateSchedule {
  const name = 'oneCycle';
  assertRequiredOptions(name, options, ['maxRate', 'totalSteps', 'pctStart', 'divFactor', 'finalDivFactor']);
  const { maxRate, totalSteps, pctStart = 0.3, divFactor = 25, finalDivFactor = 1e4 } = options;
  assertInRange(name, 'maxRate', maxRate, { min: 0, minInclusive: false });
  assertPositiveInteger(name, 'totalSteps', totalSteps);
  assertInRange(name, 'pctStart', pctStart, { min: 0, max: 1, minInclusive: false, maxInclusive: false });
  assertInRange(name, 'divFactor', divFactor, { min: 1 });
  assertInRange(name, 'finalDivFactor', finalDivFactor, { min: 1 });
  const initial = maxRate / divFactor;
  const final = initial / finalDivFactor;
  // As PyTorch: the peak at step pctStart·totalSteps − 1 (a fraction of a step allowed), the end at the last.
  const peak = pctStart * totalSteps - 1;
  const last = totalSteps - 1;
  return checked({
    name,
    rate: (step) => {
      if (step >= last) return final;
      if (step <= peak) return peak <= 0 ? maxRate : cosineBetween(initial, maxRate, step / peak);
      return cosineBetween(maxRate, final, (step - peak) / (last - peak));
    },
    getConfig: () => ({ maxRate, totalSteps, pctStart, divFactor, finalDivFactor }),
  });
}

/**
 * Optimisers by name (tfjs-core's SGD, momentum, Adam, RMSProp, Adagrad; LARS, LAMB) with decoupled weight decay, and
 * reading/setting their learning rate. (Schedules are in schedules.ts, clipping in gradient-clipping.ts,
 * state for checkpoints in optimizer-state.ts.)
 */
import type { Optimizer, Tensor } from '@tensorflow/tfjs-core';
import { assertBoolean, assertInRange, assertKnownOptions, optionKeys, assertOneOf } from '@gradwell/core';
import { DecoupledWeightDecay, withDecoupledWeightDecay } from '@gradwell/regularizers';
import { FusedAdagradOptimizer, FusedRMSPropOptimizer } from './fused-adaptive-optimizers';
import { FusedAdamOptimizer, FusedMomentumOptimizer, FusedSgdOptimizer } from './fused-optimizers';
import { LambOptimizer } from './lamb-optimizer';
import { LarsOptimizer } from './lars-optimizer';

export const OPTIMIZER_NAMES = ['sgd', 'momentum', 'adam', 'rmsprop', 'adagrad', 'lars', 'lamb'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

export interface OptimizerSpec {
  name: OptimizerName;
  /** Default 0.01 for sgd/momentum/adagrad, 0.001 for adam/rmsprop/lamb, 1 for lars (see `defaultLearningRate`). */
  learningRate?: number;
  /** Momentum coefficient (momentum, lars: default 0.9; rmsprop: default 0). */
  momentum?: number;
  /** Nesterov momentum (momentum only). */
  nesterov?: boolean;
  /** LARS's trust coefficient η: each weight matrix's rate is η·‖W‖/(‖∇W‖ + λ‖W‖) (default 0.001). */
  trustCoefficient?: number;
  /** Adam's and LAMB's β₁ (default 0.9) and β₂ (default 0.999). */
  beta1?: number;
  beta2?: number;
  /** Adam/RMSProp/LAMB ε (default 1e-7). */
  epsilon?: number;
  /** RMSProp's decay ρ (default 0.9). */
  rho?: number;
  /** Centered RMSProp: divides by the gradient's running variance instead of its mean square (default false). */
  centered?: boolean;
  /**
   * Decoupled weight decay λ (AdamW/SGDW); weights of rank ≥ 2 decay by η·λ each step. For LAMB, λ·W is
   * added to each weight matrix's step before its trust ratio, as the paper has it; for LARS, λ·W is added
   * to the gradient and λ‖W‖ to the ratio's denominator (You et al. 2017).
   */
  weightDecay?: number;
}

const SPEC_KEYS = optionKeys<OptimizerSpec>({
  name: 1,
  learningRate: 1,
  momentum: 1,
  nesterov: 1,
  trustCoefficient: 1,
  beta1: 1,
  beta2: 1,
  epsilon: 1,
  rho: 1,
  centered: 1,
  weightDecay: 1,
});

const DEFAULT_RATES: Record<OptimizerName, number> = {
  sgd: 0.01,
  momentum: 0.01,
  adam: 0.001,
  rmsprop: 0.001,
  adagrad: 0.01,
  lars: 1, // with the default η each weight matrix then moves η·‖W‖ a step (before momentum)
  lamb: 0.001,
};

/** The learning rate an optimiser made from its name starts with. */
export function defaultLearningRate(name: OptimizerName): number {
  assertOneOf('defaultLearningRate', 'name', name, OPTIMIZER_NAMES);
  return DEFAULT_RATES[name];
}

/** An optimiser from a name or a spec: `createOptimizer('adam')`, `createOptimizer({ name: 'momentum', learningRate: 0.1 })`. */
export function createOptimizer(spec: OptimizerName | OptimizerSpec): Optimizer {
  const s: OptimizerSpec = typeof spec === 'string' ? { name: spec } : spec;
  assertKnownOptions('createOptimizer', s, SPEC_KEYS, {
    lr: 'learningRate',
    beta_1: 'beta1',
    beta_2: 'beta2',
  });
  assertOneOf('createOptimizer', 'name', s.name, OPTIMIZER_NAMES);
  const lr = s.learningRate ?? DEFAULT_RATES[s.name];
  assertInRange('createOptimizer', 'learningRate', lr, { min: 0, minInclusive: false });
  const epsilon = s.epsilon ?? 1e-7;
  assertInRange('createOptimizer', 'epsilon', epsilon, { min: 0, minInclusive: false });
  // Everything is checked before tfjs makes the optimiser (its learning-rate scalar would leak otherwise).
  if (s.weightDecay !== undefined) assertInRange('createOptimizer', 'weightDecay', s.weightDecay, { min: 0 });
  if (s.trustCoefficient !== undefined && s.name !== 'lars')
    throw new Error(`createOptimizer: 'trustCoefficient' is LARS's; the optimiser here is '${s.name}'.`);
  let optimizer: Optimizer;
  switch (s.name) {
    case 'sgd':
      // tfjs's SGD, each variable's update one fused pass where gradwell's SIMD kernels run
      optimizer = new FusedSgdOptimizer(lr);
      break;
    case 'momentum': {
      const momentum = s.momentum ?? 0.9;
      assertInRange('createOptimizer', 'momentum', momentum, { min: 0, max: 1, maxInclusive: false });
      const nesterov = s.nesterov ?? false;
      assertBoolean('createOptimizer', 'nesterov', nesterov);
      optimizer = new FusedMomentumOptimizer(lr, momentum, nesterov);
      break;
    }
    case 'lars': {
      const momentum = s.momentum ?? 0.9;
      assertInRange('createOptimizer', 'momentum', momentum, { min: 0, max: 1, maxInclusive: false });
      const trust = s.trustCoefficient ?? 0.001;
      assertInRange('createOptimizer', 'trustCoefficient', trust, { min: 0, minInclusive: false });
      if (s.nesterov === true)
        throw new Error("createOptimizer: 'nesterov' is the momentum optimiser's; LARS uses plain momentum.");
      // LARS takes its weight decay inside the layer's rate, not from the decoupled wrapper
      return new LarsOptimizer(lr, momentum, trust, s.weightDecay ?? 0);
    }
    case 'adam':
    case 'lamb': {
      const beta1 = s.beta1 ?? 0.9;
      const beta2 = s.beta2 ?? 0.999;
      assertInRange('createOptimizer', 'beta1', beta1, { min: 0, max: 1, maxInclusive: false });
      assertInRange('createOptimizer', 'beta2', beta2, { min: 0, max: 1, maxInclusive: false });
      // LAMB takes its weight decay inside the trust ratio, not from the decoupled wrapper
      if (s.name === 'lamb') return new LambOptimizer(lr, beta1, beta2, epsilon, s.weightDecay ?? 0);
      // tfjs's Adam, each variable's update one fused pass where gradwell's SIMD kernels run
      optimizer = new FusedAdamOptimizer(lr, beta1, beta2, epsilon);
      break;
    }
    case 'rmsprop': {
      const rho = s.rho ?? 0.9;
      const momentum = s.momentum ?? 0;
      assertInRange('createOptimizer', 'rho', rho, { min: 0, max: 1, maxInclusive: false });
      assertInRange('createOptimizer', 'momentum', momentum, { min: 0, max: 1, maxInclusive: false });
      // tfjs's RMSProp, each variable's update one fused pass where gradwell's SIMD kernels run
      const centered = s.centered ?? false;
      assertBoolean('createOptimizer', 'centered', centered);
      optimizer = new FusedRMSPropOptimizer(lr, rho, momentum, epsilon, centered);
      break;
    }
    case 'adagrad':
      // tfjs's Adagrad, each variable's update one fused pass where gradwell's SIMD kernels run
      optimizer = new FusedAdagradOptimizer(lr);
      break;
  }
  if (s.weightDecay !== undefined && s.weightDecay > 0)
    return withDecoupledWeightDecay(optimizer, { weightDecay: s.weightDecay, learningRate: lr });
  if (s.weightDecay !== undefined) assertInRange('createOptimizer', 'weightDecay', s.weightDecay, { min: 0 });
  return optimizer;
}

/**
 * The optimiser `fit` trains with: one made from a name or spec (owned: the caller disposes it with
 * {@link disposeOptimizer} when done), or the caller's own optimiser object (not owned).
 */
export function resolveOptimizer(given: Optimizer | OptimizerName | OptimizerSpec): {
  optimizer: Optimizer;
  owned: boolean;
} {
  if (typeof given === 'object' && given !== null && 'applyGradients' in given)
    return { optimizer: given, owned: false };
  return { optimizer: createOptimizer(given), owned: true };
}

/**
 * Whether the optimiser is a weight-decay wrapper. (Not `instanceof`: tfjs's Optimizer overrides
 * Symbol.hasInstance so that every optimiser is an instance of every Optimizer subclass.)
 */
function isDecoupled(optimizer: Optimizer): optimizer is DecoupledWeightDecay {
  return Object.getPrototypeOf(optimizer) === DecoupledWeightDecay.prototype;
}

/** The optimiser a weight-decay wrapper wraps (or the optimiser itself). */
export function innerOf(optimizer: Optimizer): Optimizer {
  return isDecoupled(optimizer) ? optimizer.base : optimizer;
}

/** tfjs's class name of the (inner) optimiser. */
export function className(optimizer: Optimizer): string {
  return (innerOf(optimizer).constructor as unknown as { className: string }).className;
}

type WithRate = Optimizer & { learningRate: number; setLearningRate?: (lr: number) => void };

/** The optimiser's current learning rate. */
export function getLearningRate(optimizer: Optimizer): number {
  return (optimizer as WithRate).learningRate;
}

/** Sets the learning rate of any tfjs-core optimiser (and of a weight-decay wrapper and its base). */
export function setLearningRate(optimizer: Optimizer, learningRate: number): void {
  assertInRange('setLearningRate', 'learningRate', learningRate, { min: 0 });
  if (isDecoupled(optimizer)) {
    optimizer.learningRate = learningRate;
    setLearningRate(optimizer.base, learningRate);
    return;
  }
  const o = optimizer as WithRate;
  if (o.learningRate === learningRate) return;
  // SGD and momentum keep −η in a scalar tensor that setLearningRate replaces; the others read the field.
  if (typeof o.setLearningRate === 'function') o.setLearningRate(learningRate);
  else o.learningRate = learningRate;
}

/**
 * Disposes an optimiser and every tensor it holds. (tfjs-core 4.22's MomentumOptimizer.dispose forgets
 * the −η scalar it inherits from SGD, leaking one tensor per optimiser; this frees it too.)
 */
export function disposeOptimizer(optimizer: Optimizer): void {
  const inner = innerOf(optimizer) as Optimizer & { c?: Tensor; m?: Tensor };
  const isMomentum = ['Momentum', 'Lars'].includes(className(optimizer)); // LARS is a momentum subclass
  optimizer.dispose();
  if (isMomentum && inner.c !== undefined && !inner.c.isDisposed) inner.c.dispose();
}

/**
 * Optimisers by name (tfjs-core's SGD, momentum, Adam, RMSProp, Adagrad), decoupled weight decay,
 * learning-rate schedules (step, exponential, cosine, linear warm-up), gradient clipping by global norm,
 * and saving/restoring an optimiser's state (moments, iteration counts) under the model's stable weight
 * names, so a resumed run continues exactly.
 */
import {
  addN,
  dispose,
  mul,
  scalar,
  sqrt,
  square,
  sum,
  tidy,
  train,
  type NamedTensorMap,
  type Optimizer,
  type Scalar,
  type Tensor,
} from '@tensorflow/tfjs-core';
import {
  assertFiniteNumber,
  assertInRange,
  assertOneOf,
  assertPositiveInteger,
  GradwellArgumentError,
  type LayerWeight,
} from '@gradwell/core';
import { DecoupledWeightDecay, withDecoupledWeightDecay } from '@gradwell/regularizers';

export const OPTIMIZER_NAMES = ['sgd', 'momentum', 'adam', 'rmsprop', 'adagrad'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

export interface OptimizerSpec {
  name: OptimizerName;
  /** Default 0.01 for sgd/momentum/adagrad, 0.001 for adam/rmsprop. */
  learningRate?: number;
  /** Momentum coefficient (momentum: default 0.9; rmsprop: default 0). */
  momentum?: number;
  /** Nesterov momentum (momentum only). */
  nesterov?: boolean;
  /** Adam's β₁ (default 0.9) and β₂ (default 0.999). */
  beta1?: number;
  beta2?: number;
  /** Adam/RMSProp ε (default 1e-7 / 1e-7). */
  epsilon?: number;
  /** RMSProp's decay ρ (default 0.9). */
  rho?: number;
  /** Decoupled weight decay λ (AdamW/SGDW); weights of rank ≥ 2 decay by η·λ each step. */
  weightDecay?: number;
}

const DEFAULT_RATES: Record<OptimizerName, number> = {
  sgd: 0.01,
  momentum: 0.01,
  adam: 0.001,
  rmsprop: 0.001,
  adagrad: 0.01,
};

/** An optimiser from a name or a spec: `createOptimizer('adam')`, `createOptimizer({ name: 'momentum', learningRate: 0.1 })`. */
export function createOptimizer(spec: OptimizerName | OptimizerSpec): Optimizer {
  const s: OptimizerSpec = typeof spec === 'string' ? { name: spec } : spec;
  assertOneOf('createOptimizer', 'name', s.name, OPTIMIZER_NAMES);
  const lr = s.learningRate ?? DEFAULT_RATES[s.name];
  assertInRange('createOptimizer', 'learningRate', lr, { min: 0, minInclusive: false });
  const epsilon = s.epsilon ?? 1e-7;
  assertInRange('createOptimizer', 'epsilon', epsilon, { min: 0, minInclusive: false });
  let optimizer: Optimizer;
  switch (s.name) {
    case 'sgd':
      optimizer = train.sgd(lr);
      break;
    case 'momentum': {
      const momentum = s.momentum ?? 0.9;
      assertInRange('createOptimizer', 'momentum', momentum, { min: 0, max: 1, maxInclusive: false });
      optimizer = train.momentum(lr, momentum, s.nesterov ?? false);
      break;
    }
    case 'adam': {
      const beta1 = s.beta1 ?? 0.9;
      const beta2 = s.beta2 ?? 0.999;
      assertInRange('createOptimizer', 'beta1', beta1, { min: 0, max: 1, maxInclusive: false });
      assertInRange('createOptimizer', 'beta2', beta2, { min: 0, max: 1, maxInclusive: false });
      optimizer = train.adam(lr, beta1, beta2, epsilon);
      break;
    }
    case 'rmsprop': {
      const rho = s.rho ?? 0.9;
      const momentum = s.momentum ?? 0;
      assertInRange('createOptimizer', 'rho', rho, { min: 0, max: 1, maxInclusive: false });
      assertInRange('createOptimizer', 'momentum', momentum, { min: 0, max: 1, maxInclusive: false });
      optimizer = train.rmsprop(lr, rho, momentum, epsilon);
      break;
    }
    case 'adagrad':
      optimizer = train.adagrad(lr);
      break;
  }
  if (s.weightDecay !== undefined && s.weightDecay > 0)
    return withDecoupledWeightDecay(optimizer, { weightDecay: s.weightDecay, learningRate: lr });
  if (s.weightDecay !== undefined) assertInRange('createOptimizer', 'weightDecay', s.weightDecay, { min: 0 });
  return optimizer;
}

/**
 * Whether the optimiser is a weight-decay wrapper. (Not `instanceof`: tfjs's Optimizer overrides
 * Symbol.hasInstance so that every optimiser is an instance of every Optimizer subclass.)
 */
function isDecoupled(optimizer: Optimizer): optimizer is DecoupledWeightDecay {
  return Object.getPrototypeOf(optimizer) === DecoupledWeightDecay.prototype;
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

/** A learning rate as a function of the step (counted from 0 over the whole run). */
export interface LearningRateSchedule {
  readonly name: string;
  rate(step: number, stepsPerEpoch: number): number;
  getConfig(): Record<string, unknown>;
}

/** η·factor^⌊t/every⌋, with `every` in epochs (default) or steps: the classic "divide by 10 at epochs 30, 60". */
export function stepDecay({
  initial,
  factor = 0.1,
  every,
  unit = 'epoch',
}: {
  initial: number;
  factor?: number;
  every: number;
  unit?: 'epoch' | 'step';
}): LearningRateSchedule {
  assertInRange('stepDecay', 'initial', initial, { min: 0, minInclusive: false });
  assertInRange('stepDecay', 'factor', factor, { min: 0, max: 1, minInclusive: false });
  assertPositiveInteger('stepDecay', 'every', every);
  assertOneOf('stepDecay', 'unit', unit, ['epoch', 'step']);
  return {
    name: 'stepDecay',
    rate: (step, stepsPerEpoch) => {
      const t = unit === 'epoch' ? Math.floor(step / stepsPerEpoch) : step;
      return initial * factor ** Math.floor(t / every);
    },
    getConfig: () => ({ initial, factor, every, unit }),
  };
}

/** η·γ^(t/decaySteps), smooth. */
export function exponentialDecay({
  initial,
  rate: gamma,
  decaySteps,
}: {
  initial: number;
  rate: number;
  decaySteps: number;
}): LearningRateSchedule {
  assertInRange('exponentialDecay', 'initial', initial, { min: 0, minInclusive: false });
  assertInRange('exponentialDecay', 'rate', gamma, { min: 0, max: 1, minInclusive: false });
  assertPositiveInteger('exponentialDecay', 'decaySteps', decaySteps);
  return {
    name: 'exponentialDecay',
    rate: (step) => initial * gamma ** (step / decaySteps),
    getConfig: () => ({ initial, rate: gamma, decaySteps }),
  };
}

/** Cosine annealing (Loshchilov & Hutter 2017) from `initial` to `final` over `totalSteps`, then `final`. */
export function cosineDecay({
  initial,
  totalSteps,
  final = 0,
}: {
  initial: number;
  totalSteps: number;
  final?: number;
}): LearningRateSchedule {
  assertInRange('cosineDecay', 'initial', initial, { min: 0, minInclusive: false });
  assertPositiveInteger('cosineDecay', 'totalSteps', totalSteps);
  assertInRange('cosineDecay', 'final', final, { min: 0, max: initial });
  return {
    name: 'cosineDecay',
    rate: (step) => {
      const t = Math.min(step, totalSteps) / totalSteps;
      return final + 0.5 * (initial - final) * (1 + Math.cos(Math.PI * t));
    },
    getConfig: () => ({ initial, totalSteps, final }),
  };
}

/**
 * Linear warm-up (Goyal et al. 2017) from `start` to the target over `warmupSteps`, then the `then`
 * schedule (or constant rate), whose own step count starts after the warm-up.
 */
export function linearWarmup({
  warmupSteps,
  then,
  start = 0,
}: {
  warmupSteps: number;
  then: LearningRateSchedule | number;
  start?: number;
}): LearningRateSchedule {
  assertPositiveInteger('linearWarmup', 'warmupSteps', warmupSteps);
  if (typeof then === 'number') assertInRange('linearWarmup', 'then', then, { min: 0, minInclusive: false });
  assertInRange('linearWarmup', 'start', start, { min: 0 });
  const after = (step: number, stepsPerEpoch: number) =>
    typeof then === 'number' ? then : then.rate(step, stepsPerEpoch);
  return {
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
  };
}

/**
 * Scales every gradient by min(1, maxNorm/‖g‖) where ‖g‖ is the norm of all gradients together
 * (Pascanu et al. 2013): the direction is kept, only the step length is capped. Returns the clipped
 * gradients (new tensors) and the norm before clipping.
 */
export function clipByGlobalNorm(
  gradients: readonly Tensor[],
  maxNorm: number,
): { clipped: Tensor[]; globalNorm: Scalar } {
  assertInRange('clipByGlobalNorm', 'maxNorm', maxNorm, { min: 0, minInclusive: false });
  if (gradients.length === 0) throw new Error("clipByGlobalNorm: argument 'gradients' is empty.");
  return tidy(() => {
    const globalNorm = globalNormOf(gradients);
    const norm = globalNorm.dataSync()[0] as number;
    const factor = norm > maxNorm ? maxNorm / norm : 1;
    const clipped = gradients.map((g) => (factor === 1 ? g.clone() : mul(g, factor)));
    return { clipped, globalNorm };
  });
}

/** ‖g‖ over several tensors: √Σᵢ Σ gᵢ². */
export function globalNormOf(tensors: readonly Tensor[]): Scalar {
  return tidy(() => sqrt(addN(tensors.map((t) => sum(square(t))))) as Scalar);
}

/** An optimiser's state in a form a checkpoint can store. */
export interface OptimizerState {
  /** tfjs class name of the (inner) optimiser, checked when restoring. */
  className: string;
  iterations: number;
  /** Adam's running β powers, saved so a restored run matches bit for bit. */
  extra: Record<string, number>;
  /** Slot tensors under stable names (`layer/weight/m`). */
  tensors: NamedTensorMap;
  /** Their order, which tfjs's setWeights relies on. */
  order: string[];
}

function innerOf(optimizer: Optimizer): Optimizer {
  return isDecoupled(optimizer) ? optimizer.base : optimizer;
}

function className(optimizer: Optimizer): string {
  return (innerOf(optimizer).constructor as unknown as { className: string }).className;
}

type AdamLike = Optimizer & {
  accBeta1?: { dataSync(): ArrayLike<number>; assign(t: Tensor): void };
  accBeta2?: AdamLike['accBeta1'];
};

/**
 * Reads the optimiser's slots (moments, accumulators) and iteration count, renaming each slot from
 * the engine's variable name to the model's stable weight name (`dense_1/kernel`), so the state can be
 * restored into a freshly built model in another process. The returned tensors are copies: dispose them.
 */
export async function getOptimizerState(
  optimizer: Optimizer,
  weights: readonly LayerWeight[],
): Promise<OptimizerState> {
  const toStable = new Map(weights.map((w) => [w.variable.name, w.name]));
  const slots = await innerOf(optimizer)
    .getWeights()
    .catch((error: unknown) => {
      throw new Error(`getOptimizerState: ${className(optimizer)} cannot save its state (${String(error)}).`);
    });
  const [iteration, ...rest] = slots;
  const iterations = iteration === undefined ? 0 : ((await iteration.tensor.data())[0] as number);
  if (iteration !== undefined) iteration.tensor.dispose();
  const tensors: NamedTensorMap = {};
  const order: string[] = [];
  for (const slot of rest) {
    const cut = slot.name.lastIndexOf('/');
    const variableName = slot.name.slice(0, cut);
    const stable = toStable.get(variableName);
    const name = stable === undefined ? slot.name : `${stable}${slot.name.slice(cut)}`;
    tensors[name] = slot.tensor.clone();
    order.push(name);
  }
  const inner = innerOf(optimizer) as AdamLike;
  const extra: Record<string, number> = {};
  if (inner.accBeta1 !== undefined) extra.accBeta1 = inner.accBeta1.dataSync()[0] as number;
  if (inner.accBeta2 !== undefined) extra.accBeta2 = inner.accBeta2.dataSync()[0] as number;
  return { className: className(optimizer), iterations, extra, tensors, order };
}

/** Puts a saved state back into an optimiser of the same class (see {@link getOptimizerState}). */
export async function setOptimizerState(
  optimizer: Optimizer,
  state: OptimizerState,
  weights: readonly LayerWeight[],
): Promise<void> {
  if (state.className !== className(optimizer)) {
    throw new GradwellArgumentError(
      'setOptimizerState',
      'state',
      `the state of a ${className(optimizer)} optimiser`,
      `the state of a ${state.className} optimiser`,
    );
  }
  const toEngine = new Map(weights.map((w) => [w.name, w.variable.name]));
  const iteration = scalar(state.iterations, 'int32');
  const slots = state.order.map((name) => {
    const tensor = state.tensors[name];
    if (tensor === undefined)
      throw new Error(`setOptimizerState: the state lists '${name}' but holds no tensor for it.`);
    const cut = name.lastIndexOf('/');
    const engine = toEngine.get(name.slice(0, cut));
    return { name: engine === undefined ? name : `${engine}${name.slice(cut)}`, tensor };
  });
  await innerOf(optimizer).setWeights([{ name: 'iter', tensor: iteration }, ...slots]);
  iteration.dispose();
  const inner = innerOf(optimizer) as AdamLike;
  for (const key of ['accBeta1', 'accBeta2'] as const) {
    const value = state.extra[key];
    const slot = inner[key];
    if (value !== undefined && slot !== undefined) {
      assertFiniteNumber('setOptimizerState', key, value);
      const t = scalar(value);
      slot.assign(t);
      t.dispose();
    }
  }
}

/** Disposes the tensors of a state returned by {@link getOptimizerState}. */
export function disposeOptimizerState(state: OptimizerState): void {
  dispose(Object.values(state.tensors));
}

/**
 * Disposes an optimiser and every tensor it holds. (tfjs-core 4.22's MomentumOptimizer.dispose forgets
 * the −η scalar it inherits from SGD, leaking one tensor per optimiser; this frees it too.)
 */
export function disposeOptimizer(optimizer: Optimizer): void {
  const inner = innerOf(optimizer) as Optimizer & { c?: Tensor; m?: Tensor };
  const isMomentum = className(optimizer) === 'Momentum';
  optimizer.dispose();
  if (isMomentum && inner.c !== undefined && !inner.c.isDisposed) inner.c.dispose();
}

/**
 * An optimiser's state (moments, accumulators, iteration count, Adam's β powers) read out and put back
 * under the model's stable weight names, so a checkpointed run resumes bit for bit in another process.
 */
import { dispose, scalar, type NamedTensorMap, type Optimizer, type Tensor } from '@tensorflow/tfjs-core';
import { assertFiniteNumber, GradwellArgumentError, type LayerWeight } from '@gradwell/core';
import { className, innerOf } from './optimizers';

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
  checkStateFits(state, weights);
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

/**
 * The state's slots must belong to the model's weights, shape for shape (a checkpoint of another model,
 * or of another size of this one, would fail deep in tfjs otherwise); the error lists what differs.
 */
function checkStateFits(state: OptimizerState, weights: readonly LayerWeight[]): void {
  const byName = new Map(weights.map((w) => [w.name, w.variable.shape]));
  const differences: string[] = [];
  for (const name of state.order) {
    const weight = name.slice(0, name.lastIndexOf('/'));
    const saved = state.tensors[name]?.shape ?? [];
    const shape = byName.get(weight);
    if (shape === undefined) differences.push(`${weight} (in the checkpoint, not in the model)`);
    else if (shape.join(',') !== saved.join(','))
      differences.push(
        `${weight} [${saved.join(', ')}] in the checkpoint, [${shape.join(', ')}] in the model`,
      );
  }
  if (differences.length > 0)
    throw new GradwellArgumentError(
      'setOptimizerState',
      'state',
      "the optimiser state of this model's weights (resume with the checkpoint's own model)",
      `state for weights that differ: ${[...new Set(differences)].join('; ')}`,
    );
}

/** Disposes the tensors of a state returned by {@link getOptimizerState}. */
export function disposeOptimizerState(state: OptimizerState): void {
  dispose(Object.values(state.tensors));
}

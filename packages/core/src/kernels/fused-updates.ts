/**
 * Optimiser updates of one variable as a single SIMD pass on the wasm backend (`adamUpdate`,
 * `momentumUpdate`, `sgdUpdate`, `rmspropUpdate`, `centeredRmspropUpdate` and `adagradUpdate` in
 * kernels.wat). tfjs-core's AdamOptimizer runs fourteen element-wise kernels per variable, its
 * MomentumOptimizer four (six with Nesterov), its SGDOptimizer two, its RMSPropOptimizer eleven (sixteen
 * centered) and its AdagradOptimizer seven, each a pass over the variable's size with a new buffer: for the benchmark MLP's 784 × 512 kernel, Adam's is
 * ≈ 40 MB of memory traffic and three allocations a step. A fused pass reads each input once and writes
 * each output once, with the same float32 operations in the same order (the values match tfjs's to the
 * last bit on wasm).
 *
 * The results go to new buffers that the variables then take, as `assign` does; nothing is written in
 * place. tfjs's wasm backend caches per tensor what it derives from a constant operand (XNNPACK's packed
 * weights of a matrix product or convolution, keyed by the tensor's id), and a buffer changed under the
 * same id would be multiplied with its stale packed copy. A clone that shares a buffer (gradwell's
 * `Identity` shares instead of copying) keeps its values for the same reason.
 */
import { engine, type KernelBackend, type Tensor, type Variable } from '@tensorflow/tfjs-core';
import type { DataId, TensorInfo } from '@tensorflow/tfjs-core';
import { heapOffset, makeFloatOutput, simdKernelsFor, type SimdKernels } from './simd/simd-kernels';

/** One Adam step's coefficients; `c1` = 1 − β₁ᵗ and `c2` = 1 − β₂ᵗ as the optimiser holds them. */
export interface AdamStepCoefficients {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  c1: number;
  c2: number;
}

/** One plain SGD step's coefficient (tfjs's `train.sgd(learningRate)`). */
export interface SgdStepCoefficients {
  learningRate: number;
}

/** One momentum step's coefficients (tfjs's `train.momentum(learningRate, momentum, useNesterov)`). */
export interface MomentumStepCoefficients {
  learningRate: number;
  momentum: number;
  nesterov: boolean;
}

/**
 * One RMSProp step's coefficients (tfjs's `train.rmsprop(learningRate, decay, momentum, epsilon)`; ρ is
 * `decay`).
 */
export interface RmspropStepCoefficients {
  learningRate: number;
  decay: number;
  momentum: number;
  epsilon: number;
}

/** One Adagrad step's coefficients: tfjs's AdagradOptimizer adds the backend's ε (`backend.epsilon()`). */
export interface AdagradStepCoefficients {
  learningRate: number;
  epsilon: number;
}

interface WasmBackendData {
  dataIdMap: { has(dataId: DataId): boolean };
}

/** Where a fused update writes: a new buffer per updated variable, taken by the variable afterwards. */
interface Pass {
  kernels: SimdKernels;
  backend: KernelBackend;
  /** Byte offsets of the inputs: the variable, the gradient, then the optimiser's slots. */
  inputs: number[];
  /** Byte offsets of the outputs: the variable, then the slots. */
  outputs: number[];
  commit(): void;
}

/**
 * Checks that the fused kernels can update `variable` and `slots` from `gradient` (the wasm backend with
 * gradwell's SIMD kernels, float32 tensors of the variable's shape on that backend), and makes the new
 * buffers; undefined, having made nothing, where they cannot.
 */
function preparePass(variable: Variable, gradient: Tensor, slots: Variable[]): Pass | undefined {
  const backend = engine().backend;
  const kernels = simdKernelsFor(backend);
  if (kernels === undefined) return undefined;
  const { dataIdMap } = backend as unknown as Partial<WasmBackendData>;
  if (dataIdMap === undefined) return undefined;
  const shape = variable.shape.join(',');
  for (const t of [variable, gradient, ...slots]) {
    if (t.isDisposed || t.dtype !== 'float32' || t.shape.join(',') !== shape) return undefined;
    if (!dataIdMap.has(t.dataId)) return undefined;
  }
  // nothing to compute or to replace for an empty variable
  if (variable.size === 0) return { kernels, backend, inputs: [], outputs: [], commit: () => undefined };
  const targets = [variable, ...slots];
  const inputs = [variable, gradient, ...slots].map((t) => heapOffset(backend, t));
  const made: TensorInfo[] = [];
  const outputs: number[] = [];
  try {
    for (const target of targets) {
      const { out, offset } = makeFloatOutput(backend, [...target.shape], false);
      made.push(out);
      outputs.push(offset);
    }
  } catch (error) {
    for (const out of made) backend.disposeData(out.dataId);
    throw error;
  }
  const commit = () =>
    targets.forEach((target, i) => {
      const tensor = engine().makeTensorFromTensorInfo(made[i] as TensorInfo, backend);
      target.assign(tensor);
      tensor.dispose();
    });
  return { kernels, backend, inputs, outputs, commit };
}

/**
 * Updates `variable` and its moments `m` and `v` by one Adam step with `gradient` on gradwell's SIMD
 * kernel. Returns false, having changed nothing, where the kernel cannot run: a backend other than wasm,
 * no SIMD, a tensor that is not float32, not on the current backend, or not of the variable's shape (the
 * caller then runs tfjs's own operations, which handle or reject those cases).
 */
export function fusedAdamUpdate(
  variable: Variable,
  gradient: Tensor,
  m: Variable,
  v: Variable,
  step: AdamStepCoefficients,
): boolean {
  const pass = preparePass(variable, gradient, [m, v]);
  if (pass === undefined) return false;
  if (variable.size > 0) {
    const [w, g, mIn, vIn] = pass.inputs as [number, number, number, number];
    const [wOut, mOut, vOut] = pass.outputs as [number, number, number];
    const f = Math.fround;
    // prettier-ignore
    pass.kernels.adamUpdate(
      w, g, mIn, vIn, wOut, mOut, vOut, variable.size,
      f(step.beta1), f(1 - step.beta1), f(step.beta2), f(1 - step.beta2),
      f(step.c1), f(step.c2), f(step.epsilon), f(-step.learningRate),
    );
  }
  pass.commit();
  return true;
}

/**
 * Updates `variable` and its accumulation by one momentum step with `gradient` (Nesterov's when asked) on
 * gradwell's SIMD kernel; false, having changed nothing, where the kernel cannot run (as
 * {@link fusedAdamUpdate}).
 */
export function fusedMomentumUpdate(
  variable: Variable,
  gradient: Tensor,
  accumulation: Variable,
  step: MomentumStepCoefficients,
): boolean {
  const pass = preparePass(variable, gradient, [accumulation]);
  if (pass === undefined) return false;
  if (variable.size > 0) {
    const [w, g, a] = pass.inputs as [number, number, number];
    const [wOut, aOut] = pass.outputs as [number, number];
    const f = Math.fround;
    // prettier-ignore
    pass.kernels.momentumUpdate(
      w, g, a, wOut, aOut, variable.size,
      f(step.momentum), f(-step.learningRate), step.nesterov ? 1 : 0,
    );
  }
  pass.commit();
  return true;
}

/**
 * Updates `variable` by one plain SGD step with `gradient` on gradwell's SIMD kernel; false, having
 * changed nothing, where the kernel cannot run (as {@link fusedAdamUpdate}).
 */
export function fusedSgdUpdate(variable: Variable, gradient: Tensor, step: SgdStepCoefficients): boolean {
  const pass = preparePass(variable, gradient, []);
  if (pass === undefined) return false;
  if (variable.size > 0) {
    const [w, g] = pass.inputs as [number, number];
    const [wOut] = pass.outputs as [number];
    pass.kernels.sgdUpdate(w, g, wOut, variable.size, Math.fround(-step.learningRate));
  }
  pass.commit();
  return true;
}

/**
 * Updates `variable`, its mean square and its moment by one RMSProp step with `gradient` on gradwell's
 * SIMD kernel; centered (tfjs's `centered: true`) where `meanGradient` is given, which it updates too.
 * False, having changed nothing, where the kernel cannot run (as {@link fusedAdamUpdate}).
 */
export function fusedRmspropUpdate(
  variable: Variable,
  gradient: Tensor,
  meanSquare: Variable,
  moment: Variable,
  step: RmspropStepCoefficients,
  meanGradient?: Variable,
): boolean {
  const slots = meanGradient === undefined ? [meanSquare, moment] : [meanSquare, moment, meanGradient];
  const pass = preparePass(variable, gradient, slots);
  if (pass === undefined) return false;
  if (variable.size > 0) {
    const f = Math.fround;
    const k = pass.kernels;
    const rates = [
      f(step.decay),
      f(1 - step.decay),
      f(step.momentum),
      f(step.epsilon),
      f(step.learningRate),
    ] as const;
    const [w, g, s, a, mg] = pass.inputs as [number, number, number, number, number];
    const [wOut, sOut, aOut, mgOut] = pass.outputs as [number, number, number, number];
    const n = variable.size;
    if (meanGradient === undefined) k.rmspropUpdate(w, g, s, a, wOut, sOut, aOut, n, ...rates);
    else k.centeredRmspropUpdate(w, g, s, a, mg, wOut, sOut, aOut, mgOut, n, ...rates);
  }
  pass.commit();
  return true;
}

/**
 * Updates `variable` and its accumulator by one Adagrad step with `gradient` on gradwell's SIMD kernel;
 * false, having changed nothing, where the kernel cannot run (as {@link fusedAdamUpdate}).
 */
export function fusedAdagradUpdate(
  variable: Variable,
  gradient: Tensor,
  accumulator: Variable,
  step: AdagradStepCoefficients,
): boolean {
  const pass = preparePass(variable, gradient, [accumulator]);
  if (pass === undefined) return false;
  if (variable.size > 0) {
    const [w, g, c] = pass.inputs as [number, number, number];
    const [wOut, cOut] = pass.outputs as [number, number];
    const f = Math.fround;
    pass.kernels.adagradUpdate(w, g, c, wOut, cOut, variable.size, f(step.epsilon), f(-step.learningRate));
  }
  pass.commit();
  return true;
}

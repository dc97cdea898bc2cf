/**
 * Adam's update of one variable as a single SIMD pass on the wasm backend (`adamUpdate` in kernels.wat).
 * tfjs-core's AdamOptimizer runs fourteen element-wise kernels per variable, each a pass over the
 * variable's size with a new buffer: for the benchmark MLP's 784 × 512 kernel that is ≈ 40 MB of memory
 * traffic and three allocations a step. The fused pass reads w, g, m and v once and writes w, m and v once,
 * with the same float32 operations in the same order (the values match tfjs's to the last bit on wasm).
 *
 * The results go to new buffers that the variables then take, as `assign` does; nothing is written in
 * place. tfjs's wasm backend caches per tensor what it derives from a constant operand (XNNPACK's packed
 * weights of a matrix product or convolution, keyed by the tensor's id), and a buffer changed under the
 * same id would be multiplied with its stale packed copy. A clone that shares a buffer (gradwell's
 * `Identity` shares instead of copying) keeps its values for the same reason.
 */
import { engine, type Tensor, type Variable } from '@tensorflow/tfjs-core';
import type { DataId, TensorInfo } from '@tensorflow/tfjs-core';
import { heapOffset, makeFloatOutput, simdKernelsFor } from './simd/simd-kernels';

/** One Adam step's coefficients; `c1` = 1 − β₁ᵗ and `c2` = 1 − β₂ᵗ as the optimiser holds them. */
export interface AdamStepCoefficients {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  c1: number;
  c2: number;
}

interface WasmBackendData {
  dataIdMap: { has(dataId: DataId): boolean };
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
  const backend = engine().backend;
  const kernels = simdKernelsFor(backend);
  if (kernels === undefined) return false;
  const { dataIdMap } = backend as unknown as Partial<WasmBackendData>;
  if (dataIdMap === undefined) return false;
  const shape = variable.shape.join(',');
  for (const t of [variable, gradient, m, v]) {
    if (t.isDisposed || t.dtype !== 'float32' || t.shape.join(',') !== shape) return false;
    if (!dataIdMap.has(t.dataId)) return false;
  }
  if (variable.size === 0) return true;
  const targets: Array<{ target: Variable; input: number; output: number; fresh: TensorInfo }> = [];
  try {
    for (const target of [variable, m, v]) {
      const made = makeFloatOutput(backend, [...target.shape], false);
      targets.push({ target, input: heapOffset(backend, target), output: made.offset, fresh: made.out });
    }
  } catch (error) {
    for (const { fresh } of targets) backend.disposeData(fresh.dataId);
    throw error;
  }
  const [w, first, second] = targets as [(typeof targets)[0], (typeof targets)[0], (typeof targets)[0]];
  const f = Math.fround;
  kernels.adamUpdate(
    w.input,
    heapOffset(backend, gradient),
    first.input,
    second.input,
    w.output,
    first.output,
    second.output,
    variable.size,
    f(step.beta1),
    f(1 - step.beta1),
    f(step.beta2),
    f(1 - step.beta2),
    f(step.c1),
    f(step.c2),
    f(step.epsilon),
    f(-step.learningRate),
  );
  for (const { target, fresh } of targets) {
    const tensor = engine().makeTensorFromTensorInfo(fresh, backend);
    target.assign(tensor);
    tensor.dispose();
  }
  return true;
}

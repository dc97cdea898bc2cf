/**
 * Kernels whose tfjs 4.22 wasm versions give wrong results without an error, run on the cpu backend's
 * correct implementation instead: the inputs are copied to the cpu backend, the cpu kernel runs, and
 * the outputs are copied back. They are rare in training (3-D convs and pools, morphological
 * dilation, pooling with argmax), so correctness wins over speed here; the op table test holds them to
 * the cpu backend and to numerical gradients.
 *
 * - `MaxPool3D`, `MaxPoolWithArgmax`, `Dilation2D` (+ its backprops), `MaxPool3DGrad`: the same FLT_MIN
 *   running-max seed as `MaxPoolGrad` breaks windows whose values are all ≤ 0;
 * - `Conv3DBackpropFilterV2`, `Conv3DBackpropInputV2`: wrong values.
 */
import {
  Conv3DBackpropFilterV2,
  Conv3DBackpropInputV2,
  Dilation2D,
  Dilation2DBackpropFilter,
  Dilation2DBackpropInput,
  engine,
  getKernel,
  MaxPool3D,
  MaxPool3DGrad,
  MaxPoolWithArgmax,
  type KernelConfig,
  type KernelFunc,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { ComposableBackend } from './kernel-calls';

interface WasmBackend extends ComposableBackend {
  makeOutput(shape: number[], dtype: string, memoryOffset?: number, values?: unknown): TensorInfo;
}

interface CpuBackend extends ComposableBackend {
  makeTensorInfo(shape: number[], dtype: string, values?: unknown): TensorInfo;
}

export const CPU_DELEGATED_KERNELS = [
  MaxPool3D,
  MaxPool3DGrad,
  MaxPoolWithArgmax,
  Dilation2D,
  Dilation2DBackpropFilter,
  Dilation2DBackpropInput,
  Conv3DBackpropFilterV2,
  Conv3DBackpropInputV2,
] as const;

function runOnCpu(kernelName: string): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const wasm = backend as WasmBackend;
    const cpu = engine().findBackend('cpu') as CpuBackend | null;
    const kernel = getKernel(kernelName, 'cpu');
    if (cpu === null || kernel === undefined) {
      throw new Error(`gradwell: ${kernelName} on wasm runs on the cpu backend, which is not registered.`);
    }
    const cpuInputs: NamedTensorInfoMap = {};
    for (const [name, info] of Object.entries(inputs)) {
      if (info === undefined) continue;
      const copy = cpu.makeTensorInfo(info.shape, info.dtype, wasm.readSync(info.dataId));
      // Some cpu kernels read `rank`, which the engine's tensors carry and bare tensor infos do not.
      cpuInputs[name] = Object.assign(copy, { rank: info.shape.length });
    }
    const produced = kernel.kernelFunc({ inputs: cpuInputs, attrs, backend: cpu });
    const outputs = Array.isArray(produced) ? produced : [produced];
    const copied = outputs.map((out) =>
      wasm.makeOutput(out.shape, out.dtype, undefined, cpu.readSync(out.dataId)),
    );
    for (const info of [...Object.values(cpuInputs), ...outputs])
      if (info !== undefined) cpu.disposeData(info.dataId);
    return Array.isArray(produced) ? copied : (copied[0] as TensorInfo);
  };
}

export const cpuDelegatedConfigs: KernelConfig[] = CPU_DELEGATED_KERNELS.map((kernelName) => ({
  kernelName,
  backendName: 'wasm',
  kernelFunc: runOnCpu(kernelName),
}));

/**
 * Reading inputs and writing outputs of the few kernels that are plain loops over values (index
 * bookkeeping with no arithmetic worth vectorising: one-hot, segment sums, pooling argmax routing),
 * on both the wasm and the cpu backend.
 */
import type { BackendValues, DataType, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';

type TypedValues = Float32Array | Int32Array | Uint8Array;

interface WasmLikeBackend extends KernelBackend {
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number, values?: BackendValues): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): TypedValues;
}

interface CpuLikeBackend extends KernelBackend {
  makeTensorInfo(shape: number[], dtype: DataType, values?: BackendValues): TensorInfo;
}

/**
 * Makes a zero-filled output and calls `fill(output, ...inputValues)`, with no copy on either backend:
 * on wasm the arrays are views of its heap, taken after the output is allocated (an allocation can
 * grow, and so detach, the heap) and valid for the duration of `fill`.
 */
export function makeOutput(
  backend: KernelBackend,
  shape: number[],
  dtype: 'float32' | 'int32',
  inputs: readonly TensorInfo[],
  fill: (values: TypedValues, ...inputs: TypedValues[]) => void,
): TensorInfo {
  if ('typedArrayFromHeap' in backend) {
    const wasm = backend as WasmLikeBackend;
    const out = wasm.makeOutput(shape, dtype);
    const view = wasm.typedArrayFromHeap(out);
    view.fill(0);
    fill(view, ...inputs.map((info) => wasm.typedArrayFromHeap(info)));
    return out;
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const values = dtype === 'float32' ? new Float32Array(size) : new Int32Array(size);
  fill(values, ...inputs.map((info) => backend.readSync(info.dataId) as TypedValues));
  return (backend as CpuLikeBackend).makeTensorInfo(shape, dtype, values);
}

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

/** The values of a tensor (the cpu backend's own array; a copy from the wasm heap). */
export function readValues(backend: KernelBackend, info: TensorInfo): TypedValues {
  return backend.readSync(info.dataId) as TypedValues;
}

/** Makes a zero-filled output and lets `fill` write into it, without a second copy on either backend. */
export function makeOutput(
  backend: KernelBackend,
  shape: number[],
  dtype: 'float32' | 'int32',
  fill: (values: TypedValues) => void,
): TensorInfo {
  if ('typedArrayFromHeap' in backend) {
    const wasm = backend as WasmLikeBackend;
    const out = wasm.makeOutput(shape, dtype);
    const view = wasm.typedArrayFromHeap(out);
    view.fill(0);
    fill(view);
    return out;
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const values = dtype === 'float32' ? new Float32Array(size) : new Int32Array(size);
  fill(values);
  return (backend as CpuLikeBackend).makeTensorInfo(shape, dtype, values);
}

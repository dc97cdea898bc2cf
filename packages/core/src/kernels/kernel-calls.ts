/**
 * Composing backend kernels inside a kernel: the training kernels gradwell adds to the wasm backend are
 * built from kernels the backend already runs fast (XNNPACK's conv2d, transpose, pad, ...). Calls go
 * straight to the registered kernel functions, below the engine, so nothing is taped or tracked; every
 * intermediate is freed when the composed kernel returns or throws.
 */
import {
  getKernel,
  type DataId,
  type KernelBackend,
  type KernelConfig,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

/** The part of a backend's surface the composed kernels use (the wasm and cpu backends both have it). */
export interface ComposableBackend extends KernelBackend {
  disposeData(dataId: DataId, force?: boolean): boolean;
  readSync(dataId: DataId): ReturnType<KernelBackend['readSync']>;
}

export class KernelCalls {
  private readonly made: TensorInfo[] = [];

  constructor(
    readonly backend: ComposableBackend,
    readonly backendName: string,
  ) {}

  /** Runs the kernel registered for this backend (or `config`, to call a captured original). */
  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: object = {}, config?: KernelConfig): TensorInfo {
    const kernel = config ?? getKernel(kernelName, this.backendName);
    if (kernel === undefined) {
      throw new Error(
        `gradwell: kernel '${kernelName}' is not registered for backend '${this.backendName}'.`,
      );
    }
    const out = kernel.kernelFunc({ inputs, attrs: attrs as NamedAttrMap, backend: this.backend });
    const info = Array.isArray(out) ? out[0] : out;
    if (info === undefined) throw new Error(`gradwell: kernel '${kernelName}' returned no output.`);
    this.made.push(info);
    return info;
  }

  /** Takes `info` (made outside `run`) into the intermediates freed at the end. */
  track(info: TensorInfo): TensorInfo {
    this.made.push(info);
    return info;
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    return this.run('Slice', { x }, { begin, size });
  }

  pad(x: TensorInfo, paddings: Array<[number, number]>): TensorInfo {
    return this.run('PadV2', { x }, { paddings, constantValue: 0 });
  }

  sum(x: TensorInfo, axis: number[]): TensorInfo {
    return this.run('Sum', { x }, { axis, keepDims: false });
  }

  /** Frees every intermediate except `keep`. */
  release(keep?: TensorInfo): void {
    for (const info of this.made) if (info !== keep) this.backend.disposeData(info.dataId);
    this.made.length = 0;
  }
}

/** Runs `body` with a fresh {@link KernelCalls}; intermediates are freed on return and on error. */
export function composeKernels(
  backend: KernelBackend,
  backendName: string,
  body: (calls: KernelCalls) => TensorInfo,
): TensorInfo {
  const calls = new KernelCalls(backend, backendName);
  let result: TensorInfo | undefined;
  try {
    result = body(calls);
    return result;
  } finally {
    calls.release(result);
  }
}

/**
 * Crops (negative amounts) or zero-pads (positive amounts) the two spatial axes of an NHWC tensor, so a
 * following VALID-style convolution sees exactly the window it needs. Returns the padding to hand to
 * the convolution and the (possibly cropped) input.
 */
export function cropForPadding(
  calls: KernelCalls,
  x: TensorInfo,
  top: number,
  bottom: number,
  left: number,
  right: number,
): { x: TensorInfo; pad: [[0, 0], [number, number], [number, number], [0, 0]] } {
  const cropTop = Math.max(0, -top);
  const cropBottom = Math.max(0, -bottom);
  const cropLeft = Math.max(0, -left);
  const cropRight = Math.max(0, -right);
  let cropped = x;
  if (cropTop + cropBottom + cropLeft + cropRight > 0) {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    cropped = calls.slice(
      x,
      [0, cropTop, cropLeft, 0],
      [n, h - cropTop - cropBottom, w - cropLeft - cropRight, c],
    );
  }
  return {
    x: cropped,
    pad: [
      [0, 0],
      [Math.max(0, top), Math.max(0, bottom)],
      [Math.max(0, left), Math.max(0, right)],
      [0, 0],
    ],
  };
}

/** Inserts `stride - 1` zeros after every row/column of an NHWC tensor (the "dilated" dy of a strided conv). */
export function insertZeros(
  calls: KernelCalls,
  x: TensorInfo,
  strideHeight: number,
  strideWidth: number,
): TensorInfo {
  if (strideHeight === 1 && strideWidth === 1) return x;
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const expanded = calls.reshape(x, [n, h, 1, w, 1, c]);
  const padded = calls.pad(expanded, [
    [0, 0],
    [0, 0],
    [0, strideHeight - 1],
    [0, 0],
    [0, strideWidth - 1],
    [0, 0],
  ]);
  return calls.reshape(padded, [n, h * strideHeight, w * strideWidth, c]);
}

/** What the engine hands a kernel function (tfjs types the backend as `{}`). */
export interface KernelArgs {
  inputs: NamedTensorInfoMap;
  backend: KernelBackend;
  attrs: NamedAttrMap;
}

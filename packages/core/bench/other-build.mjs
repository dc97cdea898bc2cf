/**
 * Another build's SIMD kernels (its generated `simd-binary.generated.ts`, e.g. an older commit's) on the
 * wasm backend's own memory, for benches that swap them with this build's in one process: the relaxed
 * flavour where the runtime has it, as the backend takes this build's.
 */
import { readFileSync } from 'node:fs';

/** The exports of `file`'s plain-memory kernels instantiated on `backend`'s memory (one thread). */
export function otherBuildKernels(file, backend) {
  const memory =
    backend.wasm.wasmMemory instanceof WebAssembly.Memory
      ? backend.wasm.wasmMemory
      : Object.values(backend.wasm.asm).find((v) => v instanceof WebAssembly.Memory);
  const source = readFileSync(file, 'utf8');
  const bytes = (name) => {
    const text = new RegExp(`export const ${name} =([\\s\\S]*?);`).exec(source)?.[1];
    if (text === undefined) throw new Error(`${file} has no ${name}`);
    return Buffer.from([...text.matchAll(/'([^']*)'/g)].map((m) => m[1]).join(''), 'base64');
  };
  const relaxed = source.includes('SIMD_KERNELS_PLAIN_RELAXED')
    ? bytes('SIMD_KERNELS_PLAIN_RELAXED')
    : undefined;
  const binary =
    relaxed !== undefined && WebAssembly.validate(relaxed) ? relaxed : bytes('SIMD_KERNELS_PLAIN');
  return new WebAssembly.Instance(new WebAssembly.Module(binary), { env: { memory } }).exports;
}

/** The byte offset of a tensor's (or TensorInfo's) data in `backend`'s memory. */
export function heapOffset(backend, t) {
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}

/**
 * `f()` with `kernel` registered in place of the kernel of its name and backend, which is registered
 * again afterwards (also when `f` throws).
 */
export function withKernel(tf, kernel, f) {
  const { kernelName, backendName } = kernel;
  const original = tf.getKernel(kernelName, backendName);
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel(kernel);
  try {
    return f();
  } finally {
    tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel(original);
  }
}

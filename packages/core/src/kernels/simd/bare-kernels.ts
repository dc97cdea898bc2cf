/**
 * gradwell's SIMD module on a memory of its own (64 pages, plain or shared as the threaded build's), for
 * tests that call its functions on raw memory rather than through the wasm backend.
 */
import { SIMD_KERNELS_PLAIN, SIMD_KERNELS_SHARED } from './simd-binary.generated';
import type { SimdKernels } from './kernel-exports';

export function bareSimdKernels(shared: boolean): { kernels: SimdKernels; heap: () => Float32Array } {
  const memory = new WebAssembly.Memory(
    shared ? { initial: 64, maximum: 1024, shared: true } : { initial: 64 },
  );
  const bytes = Uint8Array.from(atob(shared ? SIMD_KERNELS_SHARED : SIMD_KERNELS_PLAIN), (c) =>
    c.charCodeAt(0),
  );
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  return { kernels: instance.exports as unknown as SimdKernels, heap: () => new Float32Array(memory.buffer) };
}

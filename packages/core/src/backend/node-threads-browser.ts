/**
 * What `#node-threads` resolves to outside Node (browser bundles): the Node-only path is never taken
 * there, and the SIMD kernel pool's workers are Web Workers made from a Blob URL.
 */
import type { KernelWorker } from '../kernels/simd/kernel-pool';

const nodeOnly = (): never => {
  throw new Error('gradwell: the Node.js threads loader is not available in this environment.');
};

export const registerThreadedWasmForNode = (_threads: number): Promise<void> =>
  Promise.reject(new Error('gradwell: the Node.js threads loader is not available in this environment.'));
export const restoreSingleThreadedWasm = (): void => nodeOnly();
/** Browsers have relaxed SIMD on where they have it (Chrome ≥ 114); nothing to turn on. */
export const allowRelaxedSimd = (): void => undefined;
export const availableCores = (): number =>
  typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1;

/** A Web Worker for gradwell's SIMD kernel pool (kernel-pool.ts): `source` defines `start`. */
export function spawnKernelWorker(source: string): KernelWorker {
  const shim =
    'const post = (message) => self.postMessage(message);\n' +
    'self.onmessage = (event) => { self.onmessage = null; start(event.data); };\n';
  const url = URL.createObjectURL(new Blob([shim + source], { type: 'text/javascript' }));
  const worker = new Worker(url);
  return {
    post: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.addEventListener('message', (event) => listener(event.data)),
    onError: (listener) =>
      worker.addEventListener('error', (event) => listener(new Error(event.message || 'worker error'))),
    terminate: () => {
      worker.terminate();
      URL.revokeObjectURL(url);
    },
  };
}

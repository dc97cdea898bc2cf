/**
 * gradwell's own WASM SIMD kernels (`kernels.wat`), instantiated on the wasm backend's own memory so
 * they read and write its tensors in place. One instance per backend instance, made on first use; where
 * it cannot be made (a runtime without SIMD, a backend whose memory is not reachable, `setSimdKernels(false)`)
 * the kernels that use it fall back to their JavaScript loops, which compute the same values.
 */
import type { DataId, DataType, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import {
  SIMD_KERNELS_PLAIN,
  SIMD_KERNELS_PLAIN_RELAXED,
  SIMD_KERNELS_SHARED,
  SIMD_KERNELS_SHARED_RELAXED,
} from './simd-binary.generated';
import { assertBoolean } from '../../validation';
import { KernelPool, type SpawnKernelWorker } from './kernel-pool';
import { pooledKernels } from './sliced-kernels';

export type { SimdKernels } from './kernel-exports';
import type { SimdKernels } from './kernel-exports';

/** Bytes per float32 value: the kernels take byte offsets. */
export const FLOAT_BYTES = 4;

/** The parts of tfjs's wasm backend this module reaches into. */
interface WasmBackendInternals extends KernelBackend {
  wasm: {
    wasmMemory?: unknown;
    asm?: Record<string, unknown>;
    tfjs?: { initWithThreadsCount(threads: number): void; getThreadsCount(): number };
    /** Emscripten's pthread workers (the threaded build). */
    PThread?: { unusedWorkers: unknown[]; runningWorkers: Array<{ unref?: () => void }> };
  };
  dataIdMap: { get(dataId: DataId): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

let enabled = true;
/** Whether the relaxed-SIMD build may run where the runtime validates it (setupBackend's `relaxedSimd`). */
let relaxedWanted = true;
/** Which build of the kernels runs: with relaxed-SIMD multiply-adds where the runtime has them. */
export type SimdFlavour = 'relaxed-simd' | 'simd';

interface Instance {
  /** The kernels on this thread; products and element-wise passes shared once a pool runs. */
  kernels: SimdKernels;
  /** The kernels on this thread alone. */
  own: SimdKernels;
  flavour: SimdFlavour;
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  pool?: KernelPool;
}

/** The one running pool (of the current backend), stopped when another backend starts one or none. */
let running: { backend: object; pool: KernelPool } | undefined;

let instances = new WeakMap<object, Instance | null>();

/**
 * Turns gradwell's SIMD kernels on (the default) or off. Off, the kernels that use them run their
 * JavaScript loops instead: for benchmarks that measure the difference, and to rule them out.
 */
export function setSimdKernels(on: boolean): void {
  assertBoolean('setSimdKernels', 'on', on);
  enabled = on;
}

/** Whether gradwell's SIMD kernels are on and run on `backend` (the wasm backend, on a runtime with SIMD). */
export function simdKernelsAvailable(backend: KernelBackend): boolean {
  return simdKernelsFor(backend) !== undefined;
}

function memoryOf(backend: object): WebAssembly.Memory | undefined {
  const wasm = (backend as Partial<WasmBackendInternals>).wasm;
  if (wasm === undefined || wasm === null) return undefined;
  // The threaded build keeps its (shared) memory on the module; the single-threaded one exports it.
  if (wasm.wasmMemory instanceof WebAssembly.Memory) return wasm.wasmMemory;
  return Object.values(wasm.asm ?? {}).find((value) => value instanceof WebAssembly.Memory);
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Whether this runtime validates the relaxed-SIMD build of the kernels (true once it does). */
export function relaxedSimdInRuntime(): boolean {
  return WebAssembly.validate(decode(SIMD_KERNELS_PLAIN_RELAXED));
}

/** Whether the relaxed-SIMD build may run (`preferRelaxedSimd`; setupBackend's `relaxedSimd`). */
export function relaxedSimdPreferred(): boolean {
  return relaxedWanted;
}

/**
 * Lets the relaxed-SIMD build run where the runtime has it (`on`, the default) or keeps the plain SIMD
 * build everywhere (its sums the same on every machine: relaxed SIMD fuses the multiply-add where the
 * hardware can). A change stops the kernel pool and drops the instances, which are made again on first
 * use; setupBackend restarts the pool.
 */
export function preferRelaxedSimd(on: boolean): void {
  if (on === relaxedWanted) return;
  relaxedWanted = on;
  stopSimdKernelThreads();
  instances = new WeakMap();
}

function instantiate(memory: WebAssembly.Memory): Instance | null {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const relaxed = decode(shared ? SIMD_KERNELS_SHARED_RELAXED : SIMD_KERNELS_PLAIN_RELAXED);
  // Relaxed SIMD (Chrome ≥ 114, Node ≥ 22; Node 20 once setupBackend turns on V8's flag) gives the
  // product a fused multiply-add; elsewhere the plain SIMD build computes the same sums with a separate
  // multiply and add.
  const [bytes, flavour]: [Uint8Array<ArrayBuffer>, SimdFlavour] =
    relaxedWanted && WebAssembly.validate(relaxed)
      ? [relaxed, 'relaxed-simd']
      : [decode(shared ? SIMD_KERNELS_SHARED : SIMD_KERNELS_PLAIN), 'simd'];
  try {
    // The module is about 2 KB: small enough to compile synchronously, even on a browser's main thread.
    const module = new WebAssembly.Module(bytes);
    const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdKernels;
    return { kernels, own: kernels, flavour, module, memory };
  } catch {
    return null; // no SIMD in this runtime: the JavaScript loops serve
  }
}

/** The flavour of gradwell's SIMD kernels running on `backend`, or undefined where none run. */
export function simdKernelsFlavour(backend: KernelBackend): SimdFlavour | undefined {
  return instanceFor(backend)?.flavour;
}

/** The SIMD kernels bound to `backend`'s memory, or undefined where they are off or cannot run there. */
export function simdKernelsFor(backend: KernelBackend): SimdKernels | undefined {
  return instanceFor(backend)?.kernels;
}

function instanceFor(backend: KernelBackend): Instance | undefined {
  if (!enabled) return undefined;
  let instance = instances.get(backend);
  if (instance === undefined) {
    const memory = memoryOf(backend);
    instance = memory === undefined ? null : instantiate(memory);
    instances.set(backend, instance);
  }
  return instance ?? undefined;
}

/**
 * Shares the SIMD product (matrix products, convolutions, `Conv2DBackpropFilter`) and the element-wise
 * kernels (sliced-kernels.ts) of a threaded wasm backend among `threads` threads: the caller and
 * `threads − 1` workers on the backend's shared memory (see kernel-pool.ts). Stops the pool of any other
 * backend. Resolves to the threads products run on (as `simdKernelThreads`); rejects, leaving everything
 * on one thread, when the workers cannot start.
 */
export async function startSimdKernelThreads(
  backend: KernelBackend,
  threads: number,
  spawn: SpawnKernelWorker,
  spinMicroseconds = 0,
): Promise<number> {
  stopSimdKernelThreads(backend);
  const instance = instanceFor(backend);
  if (instance === undefined || instance.pool?.threads === threads) return simdKernelThreads(backend);
  stopSimdKernelThreads(); // this backend's own pool, of another size
  if (threads <= 1) return 1;
  const pool = await KernelPool.start(instance.module, instance.memory, threads, spawn, spinMicroseconds);
  const { own } = instance;
  instance.pool = pool;
  instance.kernels = pooledKernels(own, pool);
  running = { backend, pool };
  return threads;
}

/** Stops the running kernel pool unless it belongs to `keep`; products of its backend run on one thread. */
export function stopSimdKernelThreads(keep?: KernelBackend): void {
  if (running === undefined || running.backend === keep) return;
  const { backend, pool } = running;
  running = undefined;
  pool.stop();
  const instance = instances.get(backend);
  if (instance?.pool === pool) {
    instance.pool = undefined;
    instance.kernels = instance.own;
  }
}

/** The kernel pool running for `backend`, if any (for tests and diagnostics). */
export function simdKernelPoolFor(backend: KernelBackend): KernelPool | undefined {
  return instanceFor(backend)?.pool;
}

/** Threads gradwell's SIMD product runs on for `backend`: 0 where the kernels do not run. */
export function simdKernelThreads(backend: KernelBackend): number {
  const instance = instanceFor(backend);
  return instance === undefined ? 0 : (instance.pool?.threads ?? 1);
}

/** The byte offset of a tensor's values in the wasm backend's memory. */
export function heapOffset(backend: KernelBackend, info: TensorInfo): number {
  const entry = (backend as WasmBackendInternals).dataIdMap.get(info.dataId);
  if (entry === undefined)
    throw new Error('gradwell: a kernel input is not on the wasm backend (disposed?).');
  return entry.memoryOffset;
}

/**
 * A new float32 output on the wasm backend and its byte offset (offsets stay valid when the heap grows:
 * growing moves nothing). `zeroed` fills it with zeros first, for kernels that write only part of it.
 */
export function makeFloatOutput(
  backend: KernelBackend,
  shape: number[],
  zeroed: boolean,
): { out: TensorInfo; offset: number } {
  const wasm = backend as WasmBackendInternals;
  const out = wasm.makeOutput(shape, 'float32');
  if (zeroed) wasm.typedArrayFromHeap(out).fill(0);
  return { out, offset: heapOffset(backend, out) };
}

/** Copies `bytes` bytes within the wasm backend's memory, from one byte offset to another. */
export function copyHeapBytes(backend: KernelBackend, from: number, to: number, bytes: number): void {
  const memory = memoryOf(backend);
  if (memory === undefined) throw new Error("gradwell: the wasm backend's memory is not reachable.");
  new Uint8Array(memory.buffer).copyWithin(to, from, from + bytes);
}

/** Runs `body` with `values` copied into a scratch int32 array on the wasm heap (its byte offset), freed after. */
export function withInt32Scratch<T>(
  backend: KernelBackend,
  values: ArrayLike<number>,
  body: (offset: number) => T,
): T {
  const wasm = backend as WasmBackendInternals;
  const scratch = wasm.makeOutput([values.length], 'int32');
  try {
    (wasm.typedArrayFromHeap(scratch) as Int32Array).set(values);
    return body(heapOffset(backend, scratch));
  } finally {
    wasm.disposeData(scratch.dataId);
  }
}

/**
 * Threads XNNPACK (tfjs's wasm kernels: element-wise ops, pooling, the products and convolutions
 * gradwell's product does not take) runs on for `backend`; 0 for a backend that is not tfjs's wasm.
 * Read from the backend itself: tfjs's `getThreadsCount()` keeps the count its backend started with.
 */
export function xnnpackThreads(backend: KernelBackend): number {
  return (backend as Partial<WasmBackendInternals>).wasm?.tfjs?.getThreadsCount() ?? 0;
}

/**
 * Gives XNNPACK a new thread pool of `threads` threads (tfjs's `init_with_threads_count`, which caps it
 * at the pool the backend was built for). XNNPACK's workers spin for a while after each op before they
 * sleep; while gradwell's kernel workers share the products, a one-thread XNNPACK leaves them the cores
 * (setupBackend's `xnnpackThreads`). The previous pool's threads stay parked, asleep: tfjs does not
 * export pthreadpool's destroy. A larger pool takes `threads − 1` of the module's free pthread workers;
 * where too few are left this throws and changes nothing (a pool waiting for a worker still loading
 * would block forever). Returns the threads XNNPACK now runs on.
 */
export function setXnnpackThreads(backend: KernelBackend, threads: number): number {
  const wasm = (backend as Partial<WasmBackendInternals>).wasm;
  const xnnpack = wasm?.tfjs;
  if (wasm === undefined || xnnpack === undefined) return 0;
  if (xnnpack.getThreadsCount() === threads) return threads;
  const free = wasm.PThread?.unusedWorkers.length ?? 0;
  if (threads > 1 && free < threads - 1) {
    throw new Error(
      `gradwell: XNNPACK cannot get a pool of ${threads} threads: tfjs's wasm module has ${free} free ` +
        `pthread workers left and a new pool needs ${threads - 1}. Ask for xnnpackThreads in the first ` +
        'setupBackend call of the process (or of a new thread count).',
    );
  }
  xnnpack.initWithThreadsCount(threads);
  // Emscripten refs a worker when a pthread starts on it; gradwell never keeps a Node process alive.
  for (const worker of wasm.PThread?.runningWorkers ?? []) worker.unref?.();
  return xnnpack.getThreadsCount();
}

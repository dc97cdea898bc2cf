/**
 * Multithreaded SIMD wasm in Node.js. tfjs 4.22 switches threads off in Node (tfjs issue 3830): its
 * threaded build creates pthread workers from `blob:` URLs, which Node's `worker_threads` refuse. The
 * package also ships that build as files (`wasm-out/`): the emscripten glue as a script, and the worker's
 * source as a string in a CJS module. This registers a `wasm` backend that loads those:
 *
 * - the worker source is written (with its escaped newlines restored, as tfjs does for its Blob) to a
 *   private temporary directory (`pthread-worker-file.ts`); Node's workers accept file paths;
 * - the glue gets file paths for the worker, the `.wasm` binary and itself (`mainScriptUrlOrBlob`);
 * - the C++ side sizes its pool as min(requested, cores/2): the core count the wasm module sees is raised
 *   to 2·threads so the requested count is honoured (on 2 vCPUs it would otherwise be 1);
 * - after start-up the pool's workers are unref'd, so a finished process exits on its own.
 *
 * Anything unexpected (another tfjs version, files missing in a bundled app) throws; `setupBackend` then
 * falls back to the single-threaded SIMD backend and says why.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { engine, registerBackend, removeBackend, type KernelBackend } from '@tensorflow/tfjs-core';
import { BackendWasm, setThreadsCount, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelWorker } from '../kernels/simd/kernel-pool';
import { pthreadWorkerFile } from './pthread-worker-file';

const SUPPORTED_VERSION = '4.22.0';
const PREFIX = 'tfjs-backend-wasm-threaded-simd';

interface EmscriptenModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  PThread?: {
    runningWorkers: Array<{ unref(): void }>;
    unusedWorkers: Array<{ unref(): void }>;
    terminateAllThreads(): void;
  };
  tfjs?: unknown;
}

type WasmInfo = { env: Record<string, unknown> };

/** The backend factory tfjs registered for 'wasm' (single-threaded in Node), to restore on fallback. */
let originalFactory: (() => KernelBackend | Promise<KernelBackend>) | undefined;

export function restoreSingleThreadedWasm(): void {
  if (originalFactory === undefined) return;
  removeBackend('wasm');
  registerBackend('wasm', originalFactory, 2);
}

/** V8's flag for relaxed SIMD, which Node 20's V8 (11.3) has implemented but not yet on by default. */
const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';

/**
 * Turns on V8's relaxed SIMD in this process where V8 has it behind its flag (Node 20: V8 11.3 implements
 * the finished proposal, which V8 11.4 turned on by default; Node 22 has it on), unless the process was
 * started with `--no-experimental-wasm-relaxed-simd`. Older V8s (whose prototype used other opcodes) are
 * left alone. Only modules compiled afterwards see it; gradwell's kernels are compiled after this and
 * validated before use.
 */
export function allowRelaxedSimd(): void {
  const major = Number(process.versions.v8.split('.')[0]);
  const refused = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].includes(
    '--no-experimental-wasm-relaxed-simd',
  );
  if (major >= 11 && !refused) setFlagsFromString(RELAXED_SIMD_FLAG);
}

/** Cores this process may use. */
export function availableCores(): number {
  return typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;
}

/** Registers the threaded-SIMD build as the 'wasm' backend (not yet initialised: `setBackend` does that). */
export function registerThreadedWasmForNode(threads: number): void {
  const installed: string = version_wasm;
  if (installed !== SUPPORTED_VERSION) {
    throw new Error(
      `@tensorflow/tfjs-backend-wasm ${installed} is not the version gradwell's Node threads support (${SUPPORTED_VERSION}).`,
    );
  }
  const requireHere = createRequire(import.meta.url);
  const packageJson = requireHere.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  const wasmOut = path.join(path.dirname(packageJson), 'wasm-out');
  const glue = path.join(wasmOut, `${PREFIX}.js`);
  const binary = path.join(wasmOut, `${PREFIX}.wasm`);
  for (const file of [glue, binary, path.join(wasmOut, `${PREFIX}.worker.js`)]) {
    if (!existsSync(file)) throw new Error(`the threaded build's file ${file} is missing (a bundled app?).`);
  }
  const factory = requireHere(glue) as (config: Record<string, unknown>) => Promise<EmscriptenModule>;
  const workerSource = (
    requireHere(path.join(wasmOut, `${PREFIX}.worker.js`)) as { wasmWorkerContents: string }
  ).wasmWorkerContents;
  const workerFile = pthreadWorkerFile(`${PREFIX}.worker.js`, workerSource.replace(/\n/g, '\\n'));
  const wasmBytes = readFileSync(binary);

  const backends = (
    engine() as unknown as {
      registryFactory: Record<string, { factory: () => KernelBackend | Promise<KernelBackend> }>;
    }
  ).registryFactory;
  originalFactory ??= backends.wasm?.factory;
  removeBackend('wasm');
  registerBackend(
    'wasm',
    async () => {
      const module = await factory({
        locateFile: (file: string) =>
          file.endsWith('.worker.js')
            ? workerFile
            : file.endsWith('.wasm')
              ? binary
              : path.join(wasmOut, file),
        mainScriptUrlOrBlob: glue,
        instantiateWasm: (
          info: WasmInfo,
          receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
        ) => {
          const cores = info.env.emscripten_num_logical_cores as (() => number) | undefined;
          if (cores !== undefined)
            info.env.emscripten_num_logical_cores = () => Math.max(cores(), 2 * threads);
          void WebAssembly.instantiate(wasmBytes, info as WebAssembly.Imports).then((result) =>
            receive(result.instance, result.module),
          );
          return {};
        },
      });
      module.tfjs = {
        init: module.cwrap('init', null, []),
        initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
        getThreadsCount: module.cwrap('get_threads_count', 'number', []),
        registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
        disposeData: module.cwrap('dispose_data', null, ['number']),
        dispose: module.cwrap('dispose', null, []),
      };
      const backend = new BackendWasm(module as never);
      // The pool's workers would keep the process alive forever; let it exit when the program is done.
      for (const worker of [
        ...(module.PThread?.runningWorkers ?? []),
        ...(module.PThread?.unusedWorkers ?? []),
      ])
        worker.unref();
      return backend;
    },
    2,
  );
  setThreadsCount(threads);
}

/**
 * A worker for gradwell's SIMD kernel pool (kernel-pool.ts): `source` defines `start`, which gets the
 * first message. Unref'd, so it never keeps the process alive (again after each listener: adding a
 * 'message' listener refs a worker's port).
 */
export function spawnKernelWorker(source: string): KernelWorker {
  // An ES module from a data: URL: what an eval'd worker is (CommonJS or ESM) depends on the parent's
  // flags (`--input-type`), a data: URL is a module everywhere.
  const shim =
    "import { parentPort } from 'node:worker_threads';\n" +
    'const post = (message) => parentPort.postMessage(message);\n' +
    "parentPort.once('message', (message) => start(message));\n";
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(shim + source)}`));
  worker.unref();
  return {
    post: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.on('message', listener).unref(),
    onError: (listener) => worker.on('error', listener).unref(),
    terminate: () => void worker.terminate(),
  };
}

/**
 * One call to get a training-ready tfjs: the SIMD wasm backend by default (cpu as an explicit
 * fallback), gradients registered, gradwell's training kernels installed. Idempotent.
 */
import '@tensorflow/tfjs-backend-cpu';
import { engine, env, getBackend, ready, setBackend } from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerGradients } from '../gradients/register-gradients';
import { installTrainingKernels } from '../kernels/install-training-kernels';
import {
  preferRelaxedSimd,
  relaxedSimdInRuntime,
  relaxedSimdPreferred,
  simdKernelsFlavour,
  stopSimdKernelThreads,
  type SimdFlavour,
} from '../kernels/simd/simd-kernels';
import { assertKnownOptions, optionKeys } from '../registry';
import { assertBoolean, assertOneOf, assertPositiveInteger } from '../validation';
import { assertXnnpackThreads, changeXnnpackThreads, shareThreads } from './compute-threads';
import { withoutEmscriptenProcessHandlers } from './emscripten-handlers';

export type BackendName = 'wasm' | 'cpu';

export interface SetupBackendOptions {
  /** Default 'wasm'. 'cpu' is the pure-JS fallback (slow, but needs no binaries). */
  backend?: BackendName;
  /**
   * Threads for the wasm backend (default: the available cores, at most 8 in Node and 4 in a browser). In the browser:
   * the threaded-SIMD build when the page is cross-origin isolated. In Node: the threaded-SIMD build
   * loaded from tfjs's package files (tfjs itself switches threads off there; see node-threads.ts).
   */
  threads?: number;
  /**
   * Threads XNNPACK (tfjs's own wasm kernels: element-wise ops, pooling, and the products and convolutions
   * gradwell's SIMD product does not take) runs on, 1 to `threads`. Default: 1 while gradwell's kernel
   * workers share the products and convolutions among the threads (XNNPACK's workers spin after each op
   * and took the cores those workers needed: the benchmark steps ran faster with it on one thread),
   * all threads otherwise. Ask for more where a model's heavy ops stay on XNNPACK (depthwise convs,
   * output channels not a multiple of 8).
   */
  xnnpackThreads?: number;
  /**
   * Where the browser fetches the wasm binaries: a folder URL ending in '/', or a map from file name to
   * URL (tfjs's `setWasmPaths`). Node finds them in the installed package.
   */
  wasmPaths?: string | Record<string, string>;
  /**
   * Default true: gradwell's SIMD product uses relaxed SIMD's fused multiply-add where the runtime has
   * it (Chrome ≥ 114, Node ≥ 22), and in Node 20, whose V8 has it behind a flag, turns that flag on for
   * the process (one or two tenths off a training step). false: the plain SIMD build everywhere, whose
   * sums are the same on every machine and V8's flags untouched.
   */
  relaxedSimd?: boolean;
}

export interface BackendReport {
  backend: BackendName;
  /** WebAssembly SIMD in use (wasm only). */
  simd: boolean;
  /** Threads the backend computes with. */
  threads: number;
  /** Why fewer threads than asked for run, when that happens. */
  threadsNote?: string;
  /**
   * Threads gradwell's SIMD product (matrix products, filter gradients) runs on: the backend's threads
   * where its kernel pool runs, 1 without, 0 where the kernels do not run (cpu, no SIMD).
   */
  simdKernelThreads?: number;
  /** Why the SIMD product runs on fewer threads than the backend, when that happens. */
  simdKernelThreadsNote?: string;
  /** Threads XNNPACK's kernels run on (wasm; 0 on cpu): see `SetupBackendOptions.xnnpackThreads`. */
  xnnpackThreads?: number;
  /** The build of gradwell's SIMD kernels that runs (wasm with SIMD; see `relaxedSimd`). */
  simdFlavour?: SimdFlavour;
}

let current: BackendReport | undefined;

/** How long the threaded build may take to start before gradwell falls back to one thread. */
const THREADED_START_TIMEOUT_MS = 30_000;

/**
 * Starts the wasm backend in Node: the threaded-SIMD build (see node-threads.ts) when more than one thread
 * is asked for, falling back — never crashing, never hanging — to single-threaded SIMD with the reason.
 */
async function startNodeWasm(
  threads: number,
  running: number | undefined,
): Promise<{ ok: boolean; note?: string }> {
  if (running === threads && getBackend() === 'wasm') return { ok: true };
  const { registerThreadedWasmForNode, restoreSingleThreadedWasm } = await import('#node-threads');
  if (threads <= 1) {
    if (running !== undefined && running > 1) restoreSingleThreadedWasm();
    return { ok: await setBackend('wasm') };
  }
  try {
    registerThreadedWasmForNode(threads);
    const ready = await Promise.race([
      setBackend('wasm'),
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error(`it did not start within ${THREADED_START_TIMEOUT_MS / 1000} s`)),
          THREADED_START_TIMEOUT_MS,
        ).unref(),
      ),
    ]);
    if (!ready) throw new Error('tfjs could not initialise it (see the warning above)');
    return { ok: true };
  } catch (error) {
    restoreSingleThreadedWasm();
    return {
      ok: await setBackend('wasm'),
      note: `the threaded wasm build could not start in Node (${(error as Error).message}); running single-threaded SIMD.`,
    };
  }
}

/**
 * The cpu backend prints a banner recommending tfjs-node on its first use in Node; gradwell uses it as
 * a fallback and for a few rare wasm kernels, where that advice does not apply.
 */
function quietCpuBackend(): void {
  const cpu = engine().findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu !== null && 'firstUse' in cpu) cpu.firstUse = false;
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** Threads gradwell runs at most (tfjs's pthread pool holds 8 workers). */
export const MAX_THREADS = 8;

/**
 * Threads at most in a browser: tfjs-backend-wasm 4.22's threaded build preallocates
 * min(4, hardwareConcurrency / 2) pthread workers and its thread pool never grows beyond them.
 */
export const BROWSER_MAX_THREADS = 4;

/**
 * Runs `init` while `navigator.hardwareConcurrency` reads 2·threads, so that the threaded build
 * preallocates one worker per thread asked for (it sizes its pool at hardwareConcurrency / 2, which on a
 * 2-core machine would leave a single thread). The real value is restored afterwards.
 */
async function withPthreadPool<T>(threads: number, init: () => Promise<T>): Promise<T> {
  const nav = globalThis.navigator as Navigator | undefined;
  if (nav === undefined) return init();
  const own = Object.getOwnPropertyDescriptor(nav, 'hardwareConcurrency');
  try {
    Object.defineProperty(nav, 'hardwareConcurrency', { configurable: true, get: () => 2 * threads });
  } catch {
    return init();
  }
  try {
    return await init();
  } finally {
    if (own === undefined) delete (nav as unknown as Record<string, unknown>).hardwareConcurrency;
    else Object.defineProperty(nav, 'hardwareConcurrency', own);
  }
}

async function availableCores(): Promise<number> {
  return (await import('#node-threads')).availableCores();
}

function planThreads(requested: number | undefined): { threads: number; note?: string } {
  if (isNode()) return { threads: Math.min(requested ?? 1, MAX_THREADS) };
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1;
  const wanted = requested ?? Math.min(cores, BROWSER_MAX_THREADS);
  if (wanted <= 1) return { threads: 1 };
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  if (!isolated) {
    return {
      threads: 1,
      note:
        'the page is not cross-origin isolated, so SharedArrayBuffer (and wasm threads) are unavailable: ' +
        "serve it with 'Cross-Origin-Opener-Policy: same-origin' and 'Cross-Origin-Embedder-Policy: require-corp'.",
    };
  }
  if (wanted > BROWSER_MAX_THREADS) {
    return {
      threads: BROWSER_MAX_THREADS,
      note: `tfjs-backend-wasm runs at most ${BROWSER_MAX_THREADS} threads in a browser (its pthread pool); ${wanted} were asked for.`,
    };
  }
  return { threads: wanted };
}

const SETUP_KEYS = optionKeys<SetupBackendOptions>({
  backend: 1,
  threads: 1,
  xnnpackThreads: 1,
  wasmPaths: 1,
  relaxedSimd: 1,
});

/**
 * Selects and initialises the backend; returns what runs. Throws, saying what failed and what to do,
 * when the wasm binaries cannot load.
 */
export async function setupBackend(options: SetupBackendOptions = {}): Promise<BackendReport> {
  assertKnownOptions('setupBackend', options, SETUP_KEYS, { numThreads: 'threads' });
  const backend = options.backend ?? 'wasm';
  assertOneOf('setupBackend', 'backend', backend, ['wasm', 'cpu']);
  if (options.threads !== undefined) assertPositiveInteger('setupBackend', 'threads', options.threads);
  assertXnnpackThreads(options.xnnpackThreads, options.threads);
  const relaxed = options.relaxedSimd ?? true;
  assertBoolean('setupBackend', 'relaxedSimd', relaxed);
  registerGradients();
  installTrainingKernels();
  quietCpuBackend();

  if (
    current !== undefined &&
    current.backend === backend &&
    getBackend() === backend &&
    (backend === 'cpu' || relaxed === relaxedSimdPreferred())
  ) {
    if (
      options.threads === undefined ||
      options.threads === current.threads ||
      current.threadsNote !== undefined
    ) {
      if (
        backend === 'wasm' &&
        options.xnnpackThreads !== undefined &&
        options.xnnpackThreads !== current.xnnpackThreads
      ) {
        current.xnnpackThreads = changeXnnpackThreads(options.xnnpackThreads, current.threads);
      }
      return { ...current };
    }
  }
  stopSimdKernelThreads(); // the backend changes (the pool is started again below for threaded wasm)
  preferRelaxedSimd(relaxed);
  if (relaxed && backend === 'wasm' && isNode() && !relaxedSimdInRuntime()) {
    (await import('#node-threads')).allowRelaxedSimd();
  }
  if (backend === 'cpu') {
    if (!(await setBackend('cpu'))) throw new Error('setupBackend: the cpu backend failed to initialise.');
    current = { backend: 'cpu', simd: false, threads: 1, simdKernelThreads: 0, xnnpackThreads: 0 };
    return { ...current };
  }

  const requested = options.threads ?? (isNode() ? Math.min(await availableCores(), MAX_THREADS) : undefined);
  const plan = planThreads(requested);
  if (options.wasmPaths !== undefined) setWasmPaths(options.wasmPaths);
  let ok: boolean;
  if (isNode()) {
    const started = await withoutEmscriptenProcessHandlers(() =>
      startNodeWasm(plan.threads, current?.backend === 'wasm' ? current.threads : undefined),
    );
    ok = started.ok;
    if (started.note !== undefined) plan.note = started.note;
  } else {
    if (plan.threads > 1) {
      setThreadsCount(plan.threads);
      ok = await withPthreadPool(plan.threads, () => setBackend('wasm'));
    } else {
      ok = await setBackend('wasm');
    }
  }
  if (!ok) {
    throw new Error(
      'setupBackend: the wasm backend failed to initialise (tfjs printed the cause above). Check that its ' +
        '.wasm binaries are reachable: in a browser bundle, serve the files from ' +
        "node_modules/@tensorflow/tfjs-backend-wasm/dist/ and pass setupBackend({ wasmPaths: '/their/folder/' }); " +
        "or fall back to setupBackend({ backend: 'cpu' }).",
    );
  }
  await ready();
  const simd = (await env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const threads = getThreadsCount();
  const note =
    plan.note ??
    (threads < plan.threads
      ? `tfjs started ${threads} of the ${plan.threads} threads asked for.`
      : undefined);
  const shares = await shareThreads(threads, options.xnnpackThreads);
  const flavour = simdKernelsFlavour(engine().backend);
  current = {
    backend: 'wasm',
    simd,
    threads,
    ...(note === undefined ? {} : { threadsNote: note }),
    ...shares,
    ...(flavour === undefined ? {} : { simdFlavour: flavour }),
  };
  return { ...current };
}

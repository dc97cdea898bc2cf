/**
 * One call to get a training-ready tfjs: the SIMD wasm backend by default (cpu as an explicit
 * fallback), gradients registered, gradwell's training kernels installed. Idempotent.
 */
import '@tensorflow/tfjs-backend-cpu';
import { engine, env, getBackend, ready, setBackend } from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerGradients } from '../gradients/register-gradients';
import { installTrainingKernels } from '../kernels/install-training-kernels';
import { assertOneOf, assertPositiveInteger } from '../validation';

export type BackendName = 'wasm' | 'cpu';

export interface SetupBackendOptions {
  /** Default 'wasm'. 'cpu' is the pure-JS fallback (slow, but needs no binaries). */
  backend?: BackendName;
  /**
   * Threads for the wasm backend. In the browser: the threaded-SIMD build with this many threads when
   * the page is cross-origin isolated (default: the number of cores, at most 8). In Node: 1 (tfjs
   * switches threads off there).
   */
  threads?: number;
  /**
   * Where the browser fetches the wasm binaries: a folder URL ending in '/', or a map from file name to
   * URL (tfjs's `setWasmPaths`). Node finds them in the installed package.
   */
  wasmPaths?: string | Record<string, string>;
}

export interface BackendReport {
  backend: BackendName;
  /** WebAssembly SIMD in use (wasm only). */
  simd: boolean;
  /** Threads the backend computes with. */
  threads: number;
  /** Why fewer threads than asked for run, when that happens. */
  threadsNote?: string;
}

let current: BackendReport | undefined;

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

function planThreads(requested: number | undefined): { threads: number; note?: string } {
  if (isNode()) {
    return {
      threads: 1,
      ...(requested !== undefined && requested > 1
        ? {
            note: 'tfjs runs the wasm backend single-threaded in Node.js (its pthread workers need blob: URLs).',
          }
        : {}),
    };
  }
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1;
  const wanted = requested ?? Math.min(cores, 8);
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
  return { threads: wanted };
}

/**
 * Selects and initialises the backend; returns what runs. Throws, saying what failed and what to do,
 * when the wasm binaries cannot load.
 */
export async function setupBackend(options: SetupBackendOptions = {}): Promise<BackendReport> {
  const backend = options.backend ?? 'wasm';
  assertOneOf('setupBackend', 'backend', backend, ['wasm', 'cpu']);
  if (options.threads !== undefined) assertPositiveInteger('setupBackend', 'threads', options.threads);
  registerGradients();
  installTrainingKernels();
  quietCpuBackend();

  if (current !== undefined && current.backend === backend && getBackend() === backend) {
    if (
      options.threads === undefined ||
      options.threads === current.threads ||
      current.threadsNote !== undefined
    ) {
      return { ...current };
    }
  }
  if (backend === 'cpu') {
    if (!(await setBackend('cpu'))) throw new Error('setupBackend: the cpu backend failed to initialise.');
    current = { backend: 'cpu', simd: false, threads: 1 };
    return { ...current };
  }

  const plan = planThreads(options.threads);
  if (options.wasmPaths !== undefined) setWasmPaths(options.wasmPaths);
  if (plan.threads > 1) setThreadsCount(plan.threads);
  const ok = await setBackend('wasm');
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
  const threads = plan.threads > 1 ? getThreadsCount() : 1;
  const note =
    plan.note ??
    (threads < plan.threads
      ? `tfjs started ${threads} of the ${plan.threads} threads asked for.`
      : undefined);
  current = { backend: 'wasm', simd, threads, ...(note === undefined ? {} : { threadsNote: note }) };
  return { ...current };
}

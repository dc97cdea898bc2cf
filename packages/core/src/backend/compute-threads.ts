/**
 * Who computes on a threaded wasm backend's threads: gradwell's kernel workers (its SIMD product: matrix
 * products, convolutions, filter gradients) on all of them, and XNNPACK (tfjs's other kernels) on
 * `xnnpackThreads` — one by default while the workers run (its pool's workers spin after every op, and
 * took the cores the kernel workers needed), all of them where the workers cannot start.
 */
import { engine } from '@tensorflow/tfjs-core';
import { setXnnpackThreads, startSimdKernelThreads } from '../kernels/simd/simd-kernels';
import { assertPositiveInteger, GradwellArgumentError } from '../validation';

/**
 * How long the kernel workers poll for the next product before they sleep, where the machine has more
 * cores than the pool has threads (kernel-pool.ts); with none to spare they sleep at once. On a 16-core
 * VM, the MLP step on 8 threads took 5.01 ms polling 1 ms, 5.31 not polling and 5.23 polling 10 ms
 * (medians of three processes each, one run: docs/measurements/threads-16-core.md).
 */
export const POLL_US = 1000;

/** The kernel workers' poll between products (µs) for a pool of `threads` on a machine of `cores`. */
export function workerPollMicroseconds(cores: number, threads: number): number {
  return cores > threads ? POLL_US : 0;
}

export interface ThreadShares {
  simdKernelThreads: number;
  simdKernelThreadsNote?: string;
  xnnpackThreads: number;
}

/** Checks setupBackend's `xnnpackThreads`: a positive integer, at most `threads` when that is given. */
export function assertXnnpackThreads(xnnpackThreads: unknown, threads: number | undefined): void {
  if (xnnpackThreads === undefined) return;
  assertPositiveInteger('setupBackend', 'xnnpackThreads', xnnpackThreads);
  if (threads !== undefined && xnnpackThreads > threads) {
    throw new GradwellArgumentError(
      'setupBackend',
      'xnnpackThreads',
      `an integer from 1 to threads (${threads})`,
      xnnpackThreads,
    );
  }
}

/**
 * Starts gradwell's kernel workers on the current backend's `threads` (kernel-pool.ts) and gives XNNPACK
 * its share. Where the workers cannot start, products stay on XNNPACK, which keeps every thread, and the
 * note says why.
 */
export async function shareThreads(threads: number, xnnpackThreads?: number): Promise<ThreadShares> {
  const { availableCores, spawnKernelWorker } = await import('#node-threads');
  let pool: { threads: number; note?: string };
  const poll = workerPollMicroseconds(availableCores(), threads);
  try {
    pool = { threads: await startSimdKernelThreads(engine().backend, threads, spawnKernelWorker, poll) };
  } catch (error) {
    pool = {
      threads: 1,
      note: `gradwell's SIMD kernel workers could not start (${(error as Error).message}); matrix products run on XNNPACK's threads.`,
    };
  }
  const wanted = xnnpackThreads ?? (pool.threads > 1 ? 1 : threads);
  return {
    simdKernelThreads: pool.threads,
    ...(pool.note === undefined ? {} : { simdKernelThreadsNote: pool.note }),
    xnnpackThreads: setXnnpackThreads(engine().backend, Math.min(wanted, threads)),
  };
}

/** Gives XNNPACK on the running backend `xnnpackThreads` of its `threads`; returns what it now runs on. */
export function changeXnnpackThreads(xnnpackThreads: number, threads: number): number {
  return setXnnpackThreads(engine().backend, Math.min(xnnpackThreads, threads));
}

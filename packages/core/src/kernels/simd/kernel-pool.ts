/**
 * Threads for gradwell's SIMD kernels. The threaded wasm backend keeps its heap in a shared
 * `WebAssembly.Memory`; each worker of this pool instantiates the same kernels module on that memory, so
 * all of them read and write tfjs's tensors in place. A job is one kernel call cut into blocks: a
 * product's output into blocks of whole tiles, rows by columns (product-blocks.ts), an element-wise
 * pass into blocks of values, rows or images (sliced-kernels.ts). The calling thread and the workers
 * claim blocks one at a time from a shared ticket until none is left: a thread that starts late (a
 * sleeping worker wakes in 80–200 µs) or runs slower (its core shared with another process) simply takes
 * fewer. Every output element is computed by one thread in the same order as on one thread, so the
 * result is bit-identical whatever the thread count or the claiming order.
 *
 * Between jobs the workers wait on a small shared control block: they poll it for `spinMicroseconds`
 * (and the caller polls for their last blocks as long), then sleep in `Atomics.wait` until woken by
 * `Atomics.notify`. Polling pays only where the machine has cores to spare: a sleeping thread of a
 * virtual machine can take hundreds of µs to wake, the better part of a product's share on eight threads,
 * while on a 2-vCPU VM a polling worker stalled the caller by 4–5 ms in one job of ten, its polling
 * taking the core the caller needed (so `setupBackend` polls only with cores to spare). Products too
 * small to pay for the hand-over run on the caller alone. Workers are spawned by the environment seam
 * `#node-threads` (Node's `worker_threads`, or a `Worker` from a Blob URL in a browser) and never keep a
 * Node process alive.
 */
import type { SimdKernels } from './kernel-exports';
import { blockShape, MIN_SHARED_WORK } from './product-blocks';
import {
  ARG_COUNT,
  ARGS_BYTE,
  BLOCKS,
  CLOSED,
  CONTROL_BYTES,
  CONTROL_SLOTS,
  DONE,
  FAILED,
  GENERATION,
  JOB_KERNELS,
  KERNEL,
  LAYOUT,
  MAX_ARGS,
  MESSAGE_BYTES,
  MESSAGE_LENGTH,
  SPIN_US,
  STEPS,
  STOP,
  KERNEL_WORKER_SOURCE,
  runBlock,
  TICKET_BYTE,
  type JobKernel,
} from './kernel-worker-source';

/** What the pool needs from a worker, whichever environment spawned it. */
export interface KernelWorker {
  post(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  onError(listener: (error: unknown) => void): void;
  terminate(): void;
}

/** Spawns a worker that runs `source` (which ends by calling `start(firstMessage)` through the seam's shim). */
export type SpawnKernelWorker = (source: string) => KernelWorker;

/** The longest poll between products a pool takes (a second: past it, sleeping costs nothing that counts). */
export const MAX_SPIN_US = 1_000_000;

/** How long a caller waits for the workers of one product before it calls the pool broken. */
const JOB_TIMEOUT_MS = 60_000;

/** How long the workers may take to start. */
const START_TIMEOUT_MS = 15_000;

/** Whether this thread may block in `Atomics.wait` (a browser page's main thread may not). */
function canBlock(control: Int32Array): boolean {
  try {
    Atomics.wait(control, STOP, 1, 0); // the value is 0, so this returns at once where waiting is allowed
    return true;
  } catch {
    return false;
  }
}

export class KernelPool {
  private readonly blocking: boolean;
  private readonly ticket: BigInt64Array;
  private readonly args: Float64Array;
  private stopped = false;
  private shared = 0;

  private constructor(
    private readonly control: Int32Array,
    private readonly message: Uint8Array,
    private readonly workers: KernelWorker[],
    private readonly spinMs: number,
  ) {
    this.blocking = canBlock(control);
    this.ticket = new BigInt64Array(control.buffer, TICKET_BYTE, 1);
    this.args = new Float64Array(control.buffer, ARGS_BYTE, MAX_ARGS);
    Atomics.store(this.ticket, 0, CLOSED);
  }

  /** Jobs shared with the workers so far (the others ran on the caller alone). */
  get jobs(): number {
    return this.shared;
  }

  /** Whether the workers poll between jobs (rather than sleep at once). */
  get polls(): boolean {
    return this.spinMs > 0;
  }

  /** Threads a product runs on: the caller and the workers. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /**
   * Starts `threads − 1` workers on `memory` (which must be shared) running `module`'s kernels, polling
   * `spinMicroseconds` between products before they sleep; rejects, with every spawned worker
   * terminated, when one cannot start.
   */
  static async start(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    threads: number,
    spawn: SpawnKernelWorker,
    spinMicroseconds = 0,
  ): Promise<KernelPool> {
    if (!(memory.buffer instanceof SharedArrayBuffer))
      throw new Error('the wasm heap is not shared memory (the single-threaded build)');
    if (!Number.isInteger(spinMicroseconds) || spinMicroseconds < 0 || spinMicroseconds > MAX_SPIN_US)
      throw new RangeError(
        `KernelPool.start: spinMicroseconds must be an integer from 0 to ${MAX_SPIN_US}, got ${String(spinMicroseconds)}`,
      );
    const control = new Int32Array(new SharedArrayBuffer(CONTROL_BYTES), 0, CONTROL_SLOTS);
    Atomics.store(control, SPIN_US, spinMicroseconds);
    const message = new Uint8Array(new SharedArrayBuffer(MESSAGE_BYTES));
    const workers: KernelWorker[] = [];
    try {
      const started = Array.from({ length: threads - 1 }, (_, i) => {
        const worker = spawn(KERNEL_WORKER_SOURCE);
        workers.push(worker);
        return new Promise<void>((resolve, reject) => {
          worker.onMessage((message) =>
            message === 'ready' ? resolve() : reject(new Error(String(message))),
          );
          worker.onError(reject);
          worker.post({ module, memory, control: control.buffer, message: message.buffer, part: i + 1 });
        });
      });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`its workers did not start within ${START_TIMEOUT_MS / 1000} s`)),
          START_TIMEOUT_MS,
        );
      });
      try {
        await Promise.race([Promise.all(started), timeout]);
      } finally {
        clearTimeout(timer);
      }
      return new KernelPool(control, message, workers, spinMicroseconds / 1000);
    } catch (error) {
      for (const worker of workers) worker.terminate();
      throw error;
    }
  }

  /**
   * `kernels.productAtB` with its output shared among the pool's threads (same arguments, same result).
   * Runs on the calling thread alone when the product is small or makes a single block.
   */
  productAtB(kernels: SimdKernels, ...args: Parameters<SimdKernels['productAtB']>): void {
    const [, , , , rows, columns, chunks, chunkRows, chunkColumns] = args;
    const depth = chunks * chunkRows * chunkColumns;
    const shape = blockShape(rows, columns, depth, this.threads);
    if (rows * columns * depth < MIN_SHARED_WORK || shape.count <= 1 || this.stopped) {
      kernels.productAtB(...args);
      return;
    }
    this.share(kernels, 'productBlock', args, [], [shape.rows, shape.columns, shape.across], shape.count);
  }

  /**
   * Runs `kernels[kernel](...args)` with its items shared among the pool's threads (same result: each
   * item is computed by one thread as on one thread). Block b takes items [b·per, (b + 1)·per): each
   * argument i advanced by the block's first item times `steps[i]`, and argument `countArg` its number
   * of items. Runs on the calling thread alone where there is a single block.
   */
  sliced(
    kernels: SimdKernels,
    kernel: Exclude<JobKernel, 'productBlock'>,
    args: readonly number[],
    { steps, countArg, per }: { steps: readonly number[]; countArg: number; per: number },
  ): void {
    if (!Number.isInteger(per) || per < 1 || args.length > MAX_ARGS || steps.length !== args.length) {
      const got = `got ${per} items a block, ${args.length} arguments, ${steps.length} steps`;
      throw new RangeError(
        `KernelPool.sliced: ${kernel} needs whole items a block, a step an argument; ${got}`,
      );
    }
    const items = args[countArg] as number;
    const blocks = Math.ceil(items / per);
    if (blocks <= 1 || this.stopped) {
      // eslint-disable-next-line @typescript-eslint/unbound-method -- a wasm export has no receiver
      Reflect.apply(kernels[kernel], undefined, args);
      return;
    }
    this.share(kernels, kernel, args, steps, [items, per, countArg], blocks);
  }

  /** Posts a job of `blocks` blocks to the workers, runs the caller's share, and waits for theirs. */
  private share(
    kernels: SimdKernels,
    kernel: JobKernel,
    args: readonly number[],
    steps: readonly number[],
    layout: readonly [number, number, number],
    blocks: number,
  ): void {
    const c = this.control;
    this.shared++;
    for (let i = 0; i < args.length; i++) {
      this.args[i] = args[i] as number;
      Atomics.store(c, STEPS + i, steps[i] ?? 0);
    }
    Atomics.store(c, KERNEL, JOB_KERNELS.indexOf(kernel));
    Atomics.store(c, ARG_COUNT, args.length);
    layout.forEach((value, i) => Atomics.store(c, LAYOUT + i, value));
    Atomics.store(c, BLOCKS, blocks);
    Atomics.store(c, DONE, 0);
    // The new job's ticket (its number, block 0) goes out only now that its arguments are in place.
    Atomics.store(this.ticket, 0, BigInt(this.shared) << 32n);
    Atomics.add(c, GENERATION, 1);
    Atomics.notify(c, GENERATION);
    let error: Error | undefined;
    try {
      const job = { kernels, kernel, args, steps, layout };
      for (let block = this.claim(blocks); block >= 0; block = this.claim(blocks)) {
        try {
          runBlock(job, block);
        } catch (thrown) {
          // go on: the workers are writing into the same output, and every block must be accounted for
          error ??= thrown instanceof Error ? thrown : new Error(String(thrown));
        }
        Atomics.add(c, DONE, 1);
      }
      this.awaitWorkers(blocks);
    } finally {
      Atomics.store(this.ticket, 0, (BigInt(this.shared) << 32n) | CLOSED);
    }
    const failed = Atomics.load(c, FAILED) !== 0;
    if (failed) {
      // slice: a copy on an unshared buffer, which TextDecoder takes everywhere
      const text = new TextDecoder().decode(this.message.slice(0, Atomics.load(c, MESSAGE_LENGTH)));
      Atomics.store(c, FAILED, 0);
      if (error === undefined) throw new Error(`gradwell: a SIMD kernel worker failed: ${text}`);
    }
    if (error !== undefined) throw error;
  }

  /** Claims the current job's next block for the calling thread; -1 when every block is taken. */
  private claim(blocks: number): number {
    for (;;) {
      const t = Atomics.load(this.ticket, 0);
      const block = Number(t & 0xffffffffn);
      if (block >= blocks) return -1;
      if (Atomics.compareExchange(this.ticket, 0, t, t + 1n) === t) return block;
    }
  }

  /** Waits until every block of the current job is done (the workers finish the ones they claimed). */
  private awaitWorkers(blocks: number): void {
    const c = this.control;
    if (this.spinMs > 0) {
      const until = performance.now() + this.spinMs;
      while (Atomics.load(c, DONE) !== blocks && performance.now() < until);
    }
    const deadline = Date.now() + JOB_TIMEOUT_MS;
    for (let done = Atomics.load(c, DONE); done !== blocks; done = Atomics.load(c, DONE)) {
      if (Date.now() > deadline) {
        this.stop();
        throw new Error(
          `gradwell: the SIMD kernel workers did not finish a job within ${JOB_TIMEOUT_MS / 1000} s; ` +
            'the pool is stopped and kernels run on one thread from now on.',
        );
      }
      if (this.blocking) Atomics.wait(c, DONE, done, 100);
    }
  }

  /** Ends the workers; products then run on the calling thread alone. Idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    Atomics.store(this.control, STOP, 1);
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
    for (const worker of this.workers) worker.terminate();
  }
}

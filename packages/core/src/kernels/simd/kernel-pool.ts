/**
 * Threads for gradwell's SIMD product. The threaded wasm backend keeps its heap in a shared
 * `WebAssembly.Memory`; each worker of this pool instantiates the same kernels module on that memory, so
 * all of them read and write tfjs's tensors in place. A product's output rows are split between the
 * calling thread and the workers in whole tiles (4 rows): every output element is summed by one thread
 * in the same order as on one thread, so the result is bit-identical whatever the thread count.
 *
 * The workers sleep in `Atomics.wait` on a small shared control block between products and are woken by
 * `Atomics.notify` (measured on a 2-vCPU VM: 80–130 µs from notify to work, ≈ 30 µs per product in all;
 * a worker that spun before sleeping saved that, but stalled the caller by 4–5 ms in one job of ten, its
 * spinning taking the core the caller needed). The caller computes its own share, then waits for the
 * others; products too small to pay for the hand-over run on the caller alone. Workers are spawned by
 * the environment seam `#node-threads` (Node's `worker_threads`, or a `Worker` from a Blob URL in a
 * browser) and never keep a Node process alive.
 */
import type { SimdKernels } from './kernel-exports';

/** What the pool needs from a worker, whichever environment spawned it. */
export interface KernelWorker {
  post(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  onError(listener: (error: unknown) => void): void;
  terminate(): void;
}

/** Spawns a worker that runs `source` (which ends by calling `start(firstMessage)` through the seam's shim). */
export type SpawnKernelWorker = (source: string) => KernelWorker;

/** Slots of the control block (int32). */
const GENERATION = 0; // bumped once per job; workers wait on it
const PENDING = 1; // workers that have not finished the current job; the caller waits on it
const STOP = 2; // 1: workers leave their loop
const FAILED = 3; // 1: a worker's kernel threw (the first one's message is in the message buffer)
const MESSAGE_LENGTH = 5; // bytes of that message
const PARTS = 4; // threads taking part in the current job (the caller is part 0)
const ARGS = 8; // the product's 12 arguments
const CONTROL_SLOTS = ARGS + 12;

/** Bytes kept of a failing worker's error message. */
const MESSAGE_BYTES = 512;

/** Rows per tile of the product: a part's rows start at a multiple of it. */
const TILE_ROWS = 4;

/**
 * Multiply-adds below which a product runs on the calling thread alone (≈ 100 µs of work). Measured on
 * two threads of the 2-vCPU benchmark VM, products A·Bᵀ of 128 × k × 256 one after another, alone vs
 * shared: 64 vs 86 µs at 0.3 M multiply-adds, 83 vs 101 at 1 M, 101–106 vs 119–123 at 2 M, 190–201 vs
 * 194–199 at 4 M (a sleeping worker wakes in 80–130 µs there; a machine that wakes it faster gains below
 * this too, but only a few tens of µs a product).
 */
export const MIN_SHARED_WORK = 1 << 21;

/** How long a caller waits for the workers of one product before it calls the pool broken. */
const JOB_TIMEOUT_MS = 60_000;

/** How long the workers may take to start. */
const START_TIMEOUT_MS = 15_000;

/**
 * The worker's program (plain JavaScript, the same in every environment). `start` receives the kernels
 * module, the shared memory, the control block and the worker's part number, reports 'ready', then
 * serves products until told to stop.
 */
export const KERNEL_WORKER_SOURCE = `
function start({ module, memory, control, message, part }) {
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const c = new Int32Array(control);
  // read before 'ready': the caller posts its first job only after every worker is ready
  let seen = Atomics.load(c, ${GENERATION});
  post('ready');
  for (;;) {
    Atomics.wait(c, ${GENERATION}, seen);
    const now = Atomics.load(c, ${GENERATION});
    if (now === seen) continue;
    seen = now;
    if (Atomics.load(c, ${STOP}) !== 0) return;
    const parts = Atomics.load(c, ${PARTS});
    if (part < parts) {
      try {
        const a = [];
        for (let i = 0; i < 12; i++) a.push(Atomics.load(c, ${ARGS} + i));
        const rows = a[4];
        const per = Math.ceil(Math.ceil(rows / ${TILE_ROWS}) / parts) * ${TILE_ROWS};
        const first = part * per;
        const count = Math.min(rows, first + per) - first;
        if (count > 0)
          kernels.productAtB(a[0], a[1], a[2] + first * a[5] * 4, a[3] + first * 4, count, a[5],
            a[6], a[7], a[8], a[9], a[10], a[11]);
      } catch (error) {
        if (Atomics.compareExchange(c, ${FAILED}, 0, 1) === 0) {
          const text = new TextEncoder().encode(String(error)).slice(0, ${MESSAGE_BYTES});
          new Uint8Array(message).set(text);
          Atomics.store(c, ${MESSAGE_LENGTH}, text.length);
        }
      }
    }
    if (Atomics.sub(c, ${PENDING}, 1) === 1) Atomics.notify(c, ${PENDING});
  }
}
`;

/** Whether this thread may block in `Atomics.wait` (a browser page's main thread may not). */
function canBlock(control: Int32Array): boolean {
  try {
    Atomics.wait(control, STOP, 1, 0); // the value is 0, so this returns at once where waiting is allowed
    return true;
  } catch {
    return false;
  }
}

/** The rows of part `part` of `parts` for a product of `rows` rows: whole tiles, the last part short. */
export function partRows(rows: number, parts: number, part: number): { first: number; count: number } {
  const per = Math.ceil(Math.ceil(rows / TILE_ROWS) / parts) * TILE_ROWS;
  const first = part * per;
  return { first, count: Math.max(0, Math.min(rows, first + per) - first) };
}

export class KernelPool {
  private readonly blocking: boolean;
  private stopped = false;
  private shared = 0;

  private constructor(
    private readonly control: Int32Array,
    private readonly message: Uint8Array,
    private readonly workers: KernelWorker[],
  ) {
    this.blocking = canBlock(control);
  }

  /** Products shared with the workers so far (the others ran on the caller alone). */
  get jobs(): number {
    return this.shared;
  }

  /** Threads a product runs on: the caller and the workers. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /**
   * Starts `threads − 1` workers on `memory` (which must be shared) running `module`'s kernels; rejects,
   * with every spawned worker terminated, when one cannot start.
   */
  static async start(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    threads: number,
    spawn: SpawnKernelWorker,
  ): Promise<KernelPool> {
    if (!(memory.buffer instanceof SharedArrayBuffer))
      throw new Error('the wasm heap is not shared memory (the single-threaded build)');
    const control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
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
      return new KernelPool(control, message, workers);
    } catch (error) {
      for (const worker of workers) worker.terminate();
      throw error;
    }
  }

  /**
   * `kernels.productAtB` with its output rows shared among the pool's threads (same arguments, same
   * result). Runs on the calling thread alone when the product is small or has a single tile of rows.
   */
  productAtB(kernels: SimdKernels, ...args: Parameters<SimdKernels['productAtB']>): void {
    const [a, b, out, offsets, rows, columns, ...rest] = args;
    const [chunks, chunkRows, chunkColumns] = rest;
    const work = rows * columns * chunks * chunkRows * chunkColumns;
    const parts = Math.min(this.threads, Math.ceil(rows / TILE_ROWS));
    if (parts <= 1 || work < MIN_SHARED_WORK || this.stopped) {
      kernels.productAtB(...args);
      return;
    }
    const c = this.control;
    this.shared++;
    for (let i = 0; i < args.length; i++) Atomics.store(c, ARGS + i, args[i] as number);
    Atomics.store(c, PARTS, parts);
    Atomics.store(c, PENDING, this.workers.length);
    Atomics.add(c, GENERATION, 1);
    Atomics.notify(c, GENERATION);
    const own = partRows(rows, parts, 0);
    let error: Error | undefined;
    try {
      kernels.productAtB(a, b, out, offsets, own.count, columns, ...rest);
    } catch (thrown) {
      // still wait: the workers are writing into the same output
      error = thrown instanceof Error ? thrown : new Error(String(thrown));
    }
    this.awaitWorkers();
    const failed = Atomics.load(c, FAILED) !== 0;
    if (failed) {
      // slice: a copy on an unshared buffer, which TextDecoder takes everywhere
      const text = new TextDecoder().decode(this.message.slice(0, Atomics.load(c, MESSAGE_LENGTH)));
      Atomics.store(c, FAILED, 0);
      if (error === undefined) throw new Error(`gradwell: a SIMD kernel worker failed: ${text}`);
    }
    if (error !== undefined) throw error;
  }

  private awaitWorkers(): void {
    const c = this.control;
    const deadline = Date.now() + JOB_TIMEOUT_MS;
    for (let pending = Atomics.load(c, PENDING); pending !== 0; pending = Atomics.load(c, PENDING)) {
      if (Date.now() > deadline) {
        this.stop();
        throw new Error(
          `gradwell: the SIMD kernel workers did not finish a product within ${JOB_TIMEOUT_MS / 1000} s; ` +
            'the pool is stopped and products run on one thread from now on.',
        );
      }
      if (this.blocking) Atomics.wait(c, PENDING, pending, 100);
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

/**
 * Threads for gradwell's SIMD product. The threaded wasm backend keeps its heap in a shared
 * `WebAssembly.Memory`; each worker of this pool instantiates the same kernels module on that memory, so
 * all of them read and write tfjs's tensors in place. A product's output rows are cut into blocks of
 * whole tiles (4 rows), and the calling thread and the workers claim blocks one at a time from a shared
 * ticket until none is left: a thread that starts late (a sleeping worker wakes in 80–200 µs) or runs
 * slower (its core shared with another process) simply takes fewer. Every output element is summed by one
 * thread in the same order as on one thread, so the result is bit-identical whatever the thread count or
 * the claiming order.
 *
 * The workers sleep in `Atomics.wait` on a small shared control block between products and are woken by
 * `Atomics.notify` (a worker that spun before sleeping saved the wake-up, but stalled the caller by
 * 4–5 ms in one job of ten on a 2-vCPU VM, its spinning taking the core the caller needed). Products too
 * small to pay for the hand-over run on the caller alone. Workers are spawned by the environment seam
 * `#node-threads` (Node's `worker_threads`, or a `Worker` from a Blob URL in a browser) and never keep a
 * Node process alive.
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
const DONE = 1; // blocks of the current job finished; the caller waits on it
const STOP = 2; // 1: workers leave their loop
const FAILED = 3; // 1: a worker's kernel threw (the first one's message is in the message buffer)
const MESSAGE_LENGTH = 4; // bytes of that message
const BLOCKS = 5; // blocks in the current job
const BLOCK_ROWS = 6; // rows per block, a multiple of TILE_ROWS
const ARGS = 8; // the product's 12 arguments
const CONTROL_SLOTS = ARGS + 12;
/**
 * Byte offset of the ticket (one int64 after the int32 slots): the job's number in the high 32 bits and
 * the next unclaimed block in the low 32. A thread claims a block by a compare-exchange of the whole
 * ticket, so a claim can only succeed for the job whose arguments it read.
 */
const TICKET_BYTE = CONTROL_SLOTS * 4;
const CONTROL_BYTES = TICKET_BYTE + 8;

/** Bytes kept of a failing worker's error message. */
const MESSAGE_BYTES = 512;
/** Rows per tile of the product: a block's rows start at a multiple of it. */
const TILE_ROWS = 4;

/** Multiply-adds per block, at least (≈ 10 µs; a claim costs well under 1 µs; the last block is the wait). */
const MIN_BLOCK_WORK = 1 << 18;

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
  const c = new Int32Array(control, 0, ${CONTROL_SLOTS});
  const ticket = new BigInt64Array(control, ${TICKET_BYTE}, 1);
  // read before 'ready': the caller posts its first job only after every worker is ready
  let seen = Atomics.load(c, ${GENERATION});
  post('ready');
  const a = [];
  let job = -1n;
  let blocks = 0;
  let per = 0;
  for (;;) {
    Atomics.wait(c, ${GENERATION}, seen);
    const now = Atomics.load(c, ${GENERATION});
    if (now === seen) continue;
    seen = now;
    if (Atomics.load(c, ${STOP}) !== 0) return;
    for (;;) {
      const t = Atomics.load(ticket, 0);
      if (t >> 32n !== job) {
        // a new job's arguments: they count only if the ticket still names that job afterwards (the
        // caller writes the next job's arguments only once every block of this one is claimed and done)
        job = t >> 32n;
        for (let i = 0; i < 12; i++) a[i] = Atomics.load(c, ${ARGS} + i);
        blocks = Atomics.load(c, ${BLOCKS});
        per = Atomics.load(c, ${BLOCK_ROWS});
        continue;
      }
      const block = Number(t & 0xffffffffn);
      if (block >= blocks) break;
      if (Atomics.compareExchange(ticket, 0, t, t + 1n) !== t) continue;
      try {
        const first = block * per;
        kernels.productAtB(a[0], a[1], a[2] + first * a[5] * 4, a[3] + first * 4,
          Math.min(per, a[4] - first), a[5], a[6], a[7], a[8], a[9], a[10], a[11]);
      } catch (error) {
        if (Atomics.compareExchange(c, ${FAILED}, 0, 1) === 0) {
          const text = new TextEncoder().encode('worker ' + part + ': ' + String(error)).slice(0, ${MESSAGE_BYTES});
          new Uint8Array(message).set(text);
          Atomics.store(c, ${MESSAGE_LENGTH}, text.length);
        }
      }
      if (Atomics.add(c, ${DONE}, 1) + 1 === blocks) Atomics.notify(c, ${DONE});
    }
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

/**
 * Rows per block for a product of `rows` rows of `rowWork` multiply-adds each: whole tiles, at least
 * MIN_BLOCK_WORK multiply-adds.
 */
export function blockRows(rows: number, rowWork: number): number {
  const tiles = Math.ceil(MIN_BLOCK_WORK / Math.max(1, TILE_ROWS * rowWork));
  return Math.min(Math.ceil(rows / TILE_ROWS), tiles) * TILE_ROWS;
}

export class KernelPool {
  private readonly blocking: boolean;
  private readonly ticket: BigInt64Array;
  private stopped = false;
  private shared = 0;

  private constructor(
    private readonly control: Int32Array,
    private readonly message: Uint8Array,
    private readonly workers: KernelWorker[],
  ) {
    this.blocking = canBlock(control);
    this.ticket = new BigInt64Array(control.buffer, TICKET_BYTE, 1);
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
    const control = new Int32Array(new SharedArrayBuffer(CONTROL_BYTES), 0, CONTROL_SLOTS);
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
    const rowWork = columns * chunks * chunkRows * chunkColumns;
    if (rows <= TILE_ROWS || rows * rowWork < MIN_SHARED_WORK || this.stopped) {
      kernels.productAtB(...args);
      return;
    }
    const c = this.control;
    const per = blockRows(rows, rowWork);
    const blocks = Math.ceil(rows / per);
    this.shared++;
    for (let i = 0; i < args.length; i++) Atomics.store(c, ARGS + i, args[i] as number);
    Atomics.store(c, BLOCKS, blocks);
    Atomics.store(c, BLOCK_ROWS, per);
    Atomics.store(c, DONE, 0);
    // The new job's ticket (its number, block 0) goes out only now that its arguments are in place.
    Atomics.store(this.ticket, 0, BigInt(this.shared) << 32n);
    Atomics.add(c, GENERATION, 1);
    Atomics.notify(c, GENERATION);
    let error: Error | undefined;
    for (let block = this.claim(blocks); block >= 0; block = this.claim(blocks)) {
      const first = block * per;
      try {
        const count = Math.min(per, rows - first);
        kernels.productAtB(a, b, out + first * columns * 4, offsets + first * 4, count, columns, ...rest);
      } catch (thrown) {
        // go on: the workers are writing into the same output, and every block must be accounted for
        error ??= thrown instanceof Error ? thrown : new Error(String(thrown));
      }
      Atomics.add(c, DONE, 1);
    }
    this.awaitWorkers(blocks);
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
    const deadline = Date.now() + JOB_TIMEOUT_MS;
    for (let done = Atomics.load(c, DONE); done !== blocks; done = Atomics.load(c, DONE)) {
      if (Date.now() > deadline) {
        this.stop();
        throw new Error(
          `gradwell: the SIMD kernel workers did not finish a product within ${JOB_TIMEOUT_MS / 1000} s; ` +
            'the pool is stopped and products run on one thread from now on.',
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

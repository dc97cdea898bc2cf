/**
 * What the kernel pool's caller and workers share: the layout of the control block, the kernels a job
 * can run, and the workers' program (plain JavaScript, the same in every environment, spawned from
 * source by `#node-threads`).
 */
import type { SimdKernels } from './kernel-exports';

/**
 * The kernels a job runs, by index. `productBlock` (0) takes a product's blocks of rows by columns
 * (product-blocks.ts); the others take blocks of items (sliced-kernels.ts).
 */
export const JOB_KERNELS = [
  'productBlock',
  'maxPoolGradDisjoint',
  'reluGrad',
  'biasAdd',
  'sgdUpdate',
  'momentumUpdate',
  'adamUpdate',
  'binaryOp',
  'col2im',
  'columnsToImages',
  'rmspropUpdate',
  'centeredRmspropUpdate',
  'adagradUpdate',
  'maxPoolDisjoint',
  'productGroups',
  'reluGradSums',
  'maxPoolWindows',
  'maxPoolGradWindows',
  'avgPoolGradWindows',
] as const;
export type JobKernel = (typeof JOB_KERNELS)[number];

/**
 * The most arguments a job's kernel takes (col2im's 17), rounded up to an even number: the control
 * block's int32 slots (STEPS + MAX_ARGS) must end on 8 bytes, where the int64 ticket follows them.
 */
export const MAX_ARGS = 18;

/** Slots of the control block (int32). */
export const GENERATION = 0; // bumped once per job; workers wait on it
export const DONE = 1; // blocks of the current job finished; the caller waits on it
export const STOP = 2; // 1: workers leave their loop
export const FAILED = 3; // 1: a worker's kernel threw (the first one's message is in the message buffer)
export const MESSAGE_LENGTH = 4; // bytes of that message
export const BLOCKS = 5; // blocks in the current job
export const SPIN_US = 6; // µs a worker polls for the next job before it sleeps (0: it sleeps at once)
export const KERNEL = 7; // the job's kernel, an index of JOB_KERNELS
export const ARG_COUNT = 8; // how many arguments it takes
// The job's blocks. A product: rows per block (whole 4-row tiles), columns per block (whole 8-column
// tiles), blocks across the columns. Items: items in all, items per block, the argument that counts them.
export const LAYOUT = 9; // three slots
export const STEPS = 12; // per argument, what it advances by per item (MAX_ARGS slots)
export const CONTROL_SLOTS = STEPS + MAX_ARGS;
/**
 * Byte offset of the ticket (one int64 after the int32 slots): the job's number in the high 32 bits and
 * the next unclaimed block in the low 32. A thread claims a block by a compare-exchange of the whole
 * ticket, so a claim can only succeed for the job whose arguments it read. Between jobs the ticket is
 * closed (block CLOSED, past any job's blocks): a worker still looping reads the next job's arguments
 * while they are written, but can claim nothing with them.
 */
export const TICKET_BYTE = CONTROL_SLOTS * 4;
/**
 * Byte offset of the job's arguments (float64: byte offsets, counts and float32 coefficients alike are
 * exact in it). Plain writes before the ticket's atomic store, so a worker that reads the ticket naming
 * the job reads them as written.
 */
export const ARGS_BYTE = TICKET_BYTE + 8;
export const CONTROL_BYTES = ARGS_BYTE + MAX_ARGS * 8;
export const CLOSED = 0xffffffffn;

/** Bytes kept of a failing worker's error message. */
export const MESSAGE_BYTES = 512;

export interface Job {
  kernels: SimdKernels;
  kernel: JobKernel;
  args: readonly number[];
  steps: readonly number[];
  layout: readonly [number, number, number];
}

/** Runs one block of a job on the calling thread, as a worker runs it (kernel-worker-source.ts). */
export function runBlock(
  { kernels, kernel, args: a, steps, layout: [l0, l1, l2] }: Job,
  block: number,
): void {
  if (kernel === 'productBlock') {
    const [x, b, out, offsets, rows, columns, ...rest] = a as Parameters<SimdKernels['productAtB']>;
    const first = Math.floor(block / l2) * l0;
    const left = (block % l2) * l1;
    // prettier-ignore
    kernels.productBlock(
      x, b + left * 4, out + (first * columns + left) * 4, offsets + first * 4,
      Math.min(l0, rows - first), Math.min(l1, columns - left), ...rest, columns * 4,
    );
    return;
  }
  const first = block * l1;
  const call = a.map((value, i) => value + first * (steps[i] ?? 0));
  call[l2] = Math.min(l1, l0 - first);
  // eslint-disable-next-line @typescript-eslint/unbound-method -- a wasm export has no receiver
  Reflect.apply(kernels[kernel], undefined, call);
}

/**
 * The worker's program (plain JavaScript, the same in every environment). `start` receives the kernels
 * module, the shared memory, the control block and the worker's part number, reports 'ready', then
 * serves jobs until told to stop. A block's arguments are computed as the caller computes its own
 * (KernelPool.runBlock).
 */
export const KERNEL_WORKER_SOURCE = `
const NAMES = ${JSON.stringify(JOB_KERNELS)};
function start({ module, memory, control, message, part }) {
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const c = new Int32Array(control, 0, ${CONTROL_SLOTS});
  const ticket = new BigInt64Array(control, ${TICKET_BYTE}, 1);
  const args = new Float64Array(control, ${ARGS_BYTE}, ${MAX_ARGS});
  // read before 'ready': the caller posts its first job only after every worker is ready
  let seen = Atomics.load(c, ${GENERATION});
  post('ready');
  const a = [];
  const steps = [];
  const call = [];
  let job = -1n;
  let blocks = 0;
  let kernel = 0;
  let l0 = 0;
  let l1 = 0;
  let l2 = 0;
  const runBlock = (block) => {
    if (kernel === 0) {
      const first = Math.floor(block / l2) * l0;
      const left = (block % l2) * l1;
      kernels.productBlock(a[0], a[1] + left * 4, a[2] + (first * a[5] + left) * 4, a[3] + first * 4,
        Math.min(l0, a[4] - first), Math.min(l1, a[5] - left),
        a[6], a[7], a[8], a[9], a[10], a[11], a[5] * 4);
      return;
    }
    const first = block * l1;
    for (let i = 0; i < a.length; i++) call[i] = a[i] + first * steps[i];
    call[l2] = Math.min(l1, l0 - first);
    kernels[NAMES[kernel]](...call);
  };
  for (;;) {
    // Poll a while before sleeping where the pool has cores to spare: a sleeping thread of a virtual
    // machine can take hundreds of µs to wake, longer than a product's share.
    const spin = Atomics.load(c, ${SPIN_US});
    if (spin > 0) {
      const until = performance.now() + spin / 1000;
      while (Atomics.load(c, ${GENERATION}) === seen && performance.now() < until);
    }
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
        blocks = Atomics.load(c, ${BLOCKS});
        kernel = Atomics.load(c, ${KERNEL});
        const count = Atomics.load(c, ${ARG_COUNT});
        a.length = count;
        call.length = count;
        for (let i = 0; i < count; i++) {
          a[i] = args[i];
          steps[i] = Atomics.load(c, ${STEPS} + i);
        }
        l0 = Atomics.load(c, ${LAYOUT});
        l1 = Atomics.load(c, ${LAYOUT} + 1);
        l2 = Atomics.load(c, ${LAYOUT} + 2);
        continue;
      }
      const block = Number(t & 0xffffffffn);
      if (block >= blocks) break;
      if (Atomics.compareExchange(ticket, 0, t, t + 1n) !== t) continue;
      try {
        runBlock(block);
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

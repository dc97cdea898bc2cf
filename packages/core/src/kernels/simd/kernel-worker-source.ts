/**
 * What the kernel pool's caller and workers share: the layout of the control block, and the workers'
 * program (plain JavaScript, the same in every environment, spawned from source by `#node-threads`).
 */

/** Slots of the control block (int32). */
export const GENERATION = 0; // bumped once per job; workers wait on it
export const DONE = 1; // blocks of the current job finished; the caller waits on it
export const STOP = 2; // 1: workers leave their loop
export const FAILED = 3; // 1: a worker's kernel threw (the first one's message is in the message buffer)
export const MESSAGE_LENGTH = 4; // bytes of that message
export const BLOCKS = 5; // blocks in the current job
export const BLOCK_ROWS = 6; // rows per block, a multiple of the product's 4-row tile
export const SPIN_US = 7; // µs a worker polls for the next job before it sleeps (0: it sleeps at once)
export const ARGS = 8; // the product's 12 arguments
export const CONTROL_SLOTS = ARGS + 12;
/**
 * Byte offset of the ticket (one int64 after the int32 slots): the job's number in the high 32 bits and
 * the next unclaimed block in the low 32. A thread claims a block by a compare-exchange of the whole
 * ticket, so a claim can only succeed for the job whose arguments it read. Between jobs the ticket is
 * closed (block CLOSED, past any job's blocks): a worker still looping reads the next job's arguments
 * while they are written, but can claim nothing with them.
 */
export const TICKET_BYTE = CONTROL_SLOTS * 4;
export const CONTROL_BYTES = TICKET_BYTE + 8;
export const CLOSED = 0xffffffffn;

/** Bytes kept of a failing worker's error message. */
export const MESSAGE_BYTES = 512;

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

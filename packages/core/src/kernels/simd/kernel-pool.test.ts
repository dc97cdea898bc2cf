/**
 * gradwell's SIMD kernel pool: a product shared among workers equals the single-thread product bit for
 * bit (every output element is summed by one thread in the same order); the output is cut into blocks of
 * whole tiles (product-blocks.ts), each claimed by one thread, so a slow thread takes fewer; failures (a
 * worker that cannot start, a kernel that traps) are errors that say so and leave nothing running; and
 * through tfjs on a two-thread backend the pool really takes the products and convolutions, with values
 * as the cpu backend's and no tensors left behind.
 */
import * as tf from '@tensorflow/tfjs-core';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expectTensorsClose } from '@gradwell/test-utils';
import { Conv2d, Dense, flatten, maxPool2d, sequential, setupBackend } from '../../index';
import { spawnKernelWorker } from '../../backend/node-threads';
import { KernelPool, type KernelWorker } from './kernel-pool';
import { MIN_SHARED_WORK, wholeTiles } from './product-blocks';
import { columnImages, imagesPerGroup, MAX_COLUMN_BYTES } from '../conv2d-backprop-input';
import { SIMD_KERNELS_SHARED } from './simd-binary.generated';
import { simdKernelPoolFor, simdKernelThreads, type SimdKernels } from './simd-kernels';

const FLOAT_BYTES = 4;

function seeded(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 32) * 2 - 1;
  }
  return out;
}

describe('a pool on a shared memory of its own', () => {
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 1024, shared: true });
  const module = new WebAssembly.Module(Buffer.from(SIMD_KERNELS_SHARED, 'base64'));
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdKernels;
  let pool: KernelPool;

  beforeAll(async () => {
    pool = await KernelPool.start(module, memory, 3, spawnKernelWorker);
  });
  afterAll(() => pool.stop());

  /**
   * A product laid out as the conv-filter gradient: A [chunks, chunkRows, chunkColumns, rows] read with
   * row offsets, B [positions, columns]; returns the single-thread and the pooled output.
   */
  function both(
    rows: number,
    columns: number,
    chunks: number,
    chunkRows: number,
    chunkColumns: number,
    caller: SimdKernels = kernels,
    through: KernelPool = pool,
  ) {
    const positions = chunks * chunkRows * chunkColumns;
    const heap = new Float32Array(memory.buffer);
    const aAt = 1024;
    const bAt = aAt + positions * rows * FLOAT_BYTES;
    const offsetsAt = bAt + positions * columns * FLOAT_BYTES;
    const outAt = offsetsAt + Math.ceil(rows / 4) * 4 * FLOAT_BYTES;
    heap.set(seeded(positions * rows, rows), aAt / FLOAT_BYTES);
    heap.set(seeded(positions * columns, columns), bAt / FLOAT_BYTES);
    new Int32Array(memory.buffer).set(
      Array.from({ length: Math.ceil(rows / 4) * 4 }, (_, i) => (i < rows ? i * FLOAT_BYTES : 0)),
      offsetsAt / FLOAT_BYTES,
    );
    const args = [
      aAt,
      bAt,
      outAt,
      offsetsAt,
      rows,
      columns,
      chunks,
      chunkRows,
      chunkColumns,
      chunkRows * chunkColumns * rows * FLOAT_BYTES,
      chunkColumns * rows * FLOAT_BYTES,
      rows * FLOAT_BYTES,
    ] as Parameters<SimdKernels['productAtB']>;
    const read = () => new Float32Array(memory.buffer, outAt, rows * columns).slice();
    kernels.productAtB(...args);
    const single = read();
    new Float32Array(memory.buffer, outAt, rows * columns).fill(Number.NaN);
    through.productAtB(caller, ...args);
    return { single, pooled: read() };
  }

  test.each([
    // each at least MIN_SHARED_WORK multiply-adds, so that the workers take part
    [128, 64, 4, 8, 8], // rows a multiple of 4, several chunks: 8 blocks of 32 × 32
    [101, 32, 1, 16, 42], // rows not a multiple of 4: 8 blocks of 28 × 16, the last row of them short
    [9, 512, 3, 4, 40], // three tiles of rows: 8 blocks of 12 × 64
    [700, 8, 4, 6, 16], // one tile of columns: 8 blocks of 88 rows
  ])('rows %i × columns %i (chunks %i × %i × %i): pooled = single thread, bit for bit', (...shape) => {
    const jobs = pool.jobs;
    const [rows, columns, chunks, chunkRows, chunkColumns] = shape;
    expect(rows * columns * chunks * chunkRows * chunkColumns).toBeGreaterThanOrEqual(MIN_SHARED_WORK);
    const { single, pooled } = both(...shape);
    expect(pool.jobs).toBe(jobs + 1); // shared with the workers, not run on the caller alone
    expect(Array.from(pooled)).toEqual(Array.from(single));
  });

  test('products back to back with different blocks: each equals its single-thread product', () => {
    // Shared jobs of 12, 8, 8 and 8 blocks in turn, 60 in a row. (A worker still looping from one product
    // while the next one's arguments are written can claim nothing with the mix: the ticket is closed
    // between products. That window is too narrow for this test to provoke; it guards the sequencing.)
    const shapes: Array<[number, number, number, number, number]> = [
      [256, 64, 1, 64, 64], // 12 blocks of 44 × 32
      [128, 64, 4, 8, 8], // 8 blocks of 32 × 32
      [101, 32, 1, 16, 42], // 8 blocks of 28 × 16
      [700, 8, 4, 6, 16], // 8 blocks of 88 × 8
    ];
    const jobs = pool.jobs;
    for (let round = 0; round < 60; round++) {
      const { single, pooled } = both(
        ...(shapes[round % shapes.length] as [number, number, number, number, number]),
      );
      expect(Array.from(pooled)).toEqual(Array.from(single));
    }
    expect(pool.jobs).toBe(jobs + 60); // every one shared with the workers
  });

  test('a small product runs on the calling thread alone, with the same result', () => {
    const jobs = pool.jobs;
    const { single, pooled } = both(12, 8, 1, 2, 3);
    expect(pool.jobs).toBe(jobs);
    expect(Array.from(pooled)).toEqual(Array.from(single));
  });

  /** The caller's kernels, slowed down: each block it runs first waits `ms`, and is counted. */
  function slowCaller(ms: number): { kernels: SimdKernels; blocksRun: () => number } {
    const pause = new Int32Array(new SharedArrayBuffer(4));
    let blocks = 0;
    return {
      kernels: {
        ...kernels,
        productBlock: (...args: Parameters<SimdKernels['productBlock']>) => {
          Atomics.wait(pause, 0, 0, ms);
          blocks++;
          kernels.productBlock(...args);
        },
      },
      blocksRun: () => blocks,
    };
  }

  test('a slow caller takes fewer blocks: the workers claim the rest, and the product is still bit for bit', () => {
    // 256 × 64 outputs of 4096 multiply-adds: 12 blocks of 44 × 32; the caller spends 200 ms on each of
    // its own, so with the blocks split in even thirds it would run 4 of them and take ≥ 0.8 s.
    const slow = slowCaller(200);
    const started = Date.now();
    const { single, pooled } = both(256, 64, 1, 64, 64, slow.kernels);
    expect(Array.from(pooled)).toEqual(Array.from(single));
    // (none at all when the woken workers took the caller's core and every block before it claimed one)
    expect(slow.blocksRun()).toBeLessThan(4);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test("a worker's failing kernel is an error that names it; the pool goes on serving", () => {
    // 64 rows × 64 columns × 512 positions (shared: 9 blocks of 24 × 24) whose output lies past the end
    // of the memory. The caller's own kernel is slowed down and writes nothing, so the workers claim the
    // blocks, and theirs trap.
    const out = memory.buffer.byteLength + 4096;
    const args = [0, 0, out, 0, 64, 64, 1, 1, 512, 0, 0, 4] as Parameters<SimdKernels['productAtB']>;
    const idle = {
      ...kernels,
      productBlock: () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100),
    };
    expect(() => pool.productAtB(idle as unknown as SimdKernels, ...args)).toThrow(
      /a SIMD kernel worker failed: worker \d: RuntimeError: memory access out of bounds/,
    );
    const { single, pooled } = both(64, 64, 1, 8, 8);
    expect(Array.from(pooled)).toEqual(Array.from(single));
  });

  test("the caller's own failing kernel is thrown as it came, once every block is accounted for", () => {
    // The workers' blocks succeed; whether the caller claims one is up to the scheduler, so the product
    // is run until it has (almost always the first time).
    let calls = 0;
    const failing = {
      ...kernels,
      productBlock: () => {
        calls++;
        throw new RangeError('the caller failed');
      },
    };
    for (let run = 0; run < 50 && calls === 0; run++) {
      let thrown: unknown;
      try {
        both(128, 64, 4, 8, 8, failing);
      } catch (error) {
        thrown = error;
      }
      if (calls > 0) expect(thrown).toEqual(new RangeError('the caller failed'));
      else expect(thrown).toBeUndefined();
    }
    expect(calls).toBeGreaterThan(0);
    const { single, pooled } = both(64, 64, 1, 8, 8);
    expect(Array.from(pooled)).toEqual(Array.from(single));
  });

  test('start rejects, terminating every worker it spawned, when one cannot start', async () => {
    const terminated: number[] = [];
    const broken = (index: number): KernelWorker => ({
      post: () => undefined,
      onMessage: (listener) => {
        if (index === 1) queueMicrotask(() => listener('cannot instantiate: no SIMD'));
        else queueMicrotask(() => listener('ready'));
      },
      onError: () => undefined,
      terminate: () => terminated.push(index),
    });
    let spawned = 0;
    await expect(KernelPool.start(module, memory, 3, () => broken(spawned++))).rejects.toThrow(
      /cannot instantiate: no SIMD/,
    );
    expect(terminated.sort()).toEqual([0, 1]);
  });

  test('workers that poll between products (spinMicroseconds) serve products back to back, bit for bit', async () => {
    const polling = await KernelPool.start(module, memory, 3, spawnKernelWorker, 20_000);
    try {
      for (let round = 0; round < 20; round++) {
        const { single, pooled } = both(128, 64, 4, 8, 8, kernels, polling);
        expect(Array.from(pooled)).toEqual(Array.from(single));
      }
      expect(polling.jobs).toBe(20);
      // a product after the poll has run out (the workers sleep again) is served as well
      await new Promise((resolve) => setTimeout(resolve, 40));
      const { single, pooled } = both(101, 32, 1, 16, 42, kernels, polling);
      expect(Array.from(pooled)).toEqual(Array.from(single));
    } finally {
      polling.stop();
    }
    // stopped while its workers polled: products run on the caller alone, with the same result
    const { single, pooled } = both(128, 64, 4, 8, 8, kernels, polling);
    expect(polling.jobs).toBe(21);
    expect(Array.from(pooled)).toEqual(Array.from(single));
  });

  test('start refuses a poll that is not an integer number of µs from 0 to a second', async () => {
    for (const spin of [-1, 0.5, Number.NaN, 1_000_001])
      await expect(KernelPool.start(module, memory, 2, spawnKernelWorker, spin)).rejects.toThrow(
        `KernelPool.start: spinMicroseconds must be an integer from 0 to 1000000, got ${String(spin)}`,
      );
  });

  test('start refuses a memory that is not shared', async () => {
    const plain = new WebAssembly.Memory({ initial: 1 });
    await expect(KernelPool.start(module, plain, 2, spawnKernelWorker)).rejects.toThrow(/not shared/);
  });
});

describe('through tfjs on two threads', () => {
  beforeAll(async () => {
    const report = await setupBackend({ backend: 'wasm', threads: 2 });
    expect(report).toMatchObject({ threads: 2, simdKernelThreads: 2 });
    expect(report.simdKernelThreadsNote).toBeUndefined();
  });
  afterAll(async () => {
    await setupBackend({ backend: 'wasm', threads: 1 });
  });

  /**
   * `make`'s tensors on this backend, with no tensor left behind, against the cpu backend's (this backend
   * restored after); returns the jobs the pool shared meanwhile.
   */
  async function againstCpu(make: () => tf.Tensor[]): Promise<number> {
    const pool = simdKernelPoolFor(tf.backend())!;
    const before = tf.memory().numTensors;
    const jobs = pool.jobs;
    const onWasm = tf.tidy(() => make().map((t) => t.arraySync()));
    const shared = pool.jobs - jobs;
    expect(tf.memory().numTensors).toBe(before);
    await setupBackend({ backend: 'cpu' });
    const onCpu = tf.tidy(() => make().map((t) => t.arraySync()));
    await setupBackend({ backend: 'wasm', threads: 2 });
    onWasm.forEach((values, i) =>
      expectTensorsClose(tf.tensor(values), tf.tensor(onCpu[i]!), { rtol: 1e-4, atol: 1e-4 }),
    );
    return shared;
  }

  test('matrix products and convolutions share their work with the pool and equal the cpu backend', async () => {
    const pool = simdKernelPoolFor(tf.backend());
    expect(pool?.threads).toBe(2);
    expect(simdKernelThreads(tf.backend())).toBe(2);
    const make = () => {
      // each product at least MIN_SHARED_WORK multiply-adds
      const a = tf.randomUniform([128, 256], -1, 1, 'float32', 1);
      const b = tf.randomUniform([256, 64], -1, 1, 'float32', 2);
      const x = tf.randomUniform([8, 20, 20, 8], -1, 1, 'float32', 3);
      const w = tf.randomUniform([3, 3, 8, 16], -1, 1, 'float32', 4);
      const dy = tf.randomUniform([8, 18, 18, 16], -1, 1, 'float32', 5);
      return [
        tf.matMul(a, b),
        tf.slice(tf.matMul(a, a, false, true), [0, 0], [128, 64]),
        tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid'),
        tf.conv2dTranspose(dy as tf.Tensor4D, w as tf.Tensor4D, [8, 20, 20, 8], 1, 'valid'),
        tf.grad((f) => tf.sum(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid')))(w),
      ];
    };
    expect(await againstCpu(make)).toBeGreaterThanOrEqual(4);
  });

  test('a conv of one input channel runs on the pool (XNNPACK has one thread here) and equals the cpu backend', async () => {
    const conv = () => {
      const image = tf.randomUniform<tf.Rank.R4>([16, 28, 28, 1], -1, 1, 'float32', 8);
      const filter = tf.randomUniform<tf.Rank.R4>([3, 3, 1, 32], -1, 1, 'float32', 9);
      return [tf.conv2d(image, filter, 1, 'valid')];
    };
    expect(await againstCpu(conv)).toBe(1);
  });

  test("a large activation's bias add, ReLU gradient and MaxPoolGrad share their passes and equal the cpu backend", async () => {
    // [32, 26, 26, 32]: 692 224 values, each pass 5.5–8.3 MB (sliced-kernels.ts shares from 4 MB)
    const make = () => {
      const x = tf.randomUniform([32, 26, 26, 32], -1, 1, 'float32', 6);
      const bias = tf.randomUniform([32], -0.5, 0.5, 'float32', 7);
      const loss = (input: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.maxPool(tf.relu(tf.add(input, b)) as tf.Tensor4D, 2, 2, 'valid'), 0.5));
      return tf.grads(loss)([x, bias]);
    };
    expect(await againstCpu(make)).toBeGreaterThanOrEqual(3);
  });

  test('large float32 Add, Sub, Multiply and RealDiv (same shapes, or a scalar) are shared, bit for bit as on one thread', async () => {
    // [700, 1000]: 2.8 MB a tensor, each pass 5.6–8.4 MB (shared from 4 MB)
    const make = (size: number) => () => {
      const a = tf.reshape(tf.sin(tf.linspace(-400, 400, size * 1000)), [size, 1000]);
      const b = tf.reshape(tf.cos(tf.linspace(-300, 500, size * 1000)), [size, 1000]);
      const c = tf.scalar(-0.01);
      const k = tf.tensor([[3]]);
      // tfjs's SGD update is mul(c, g) then add(·, w): the fifth, then the first
      const ops = [tf.add(a, b), tf.sub(a, b), tf.mul(a, b), tf.div(a, b), tf.mul(c, a), tf.sub(c, a)];
      return [...ops, tf.div(a, c), tf.add(a, k), tf.sub(k, b)]; // a [1, 1] operand is a single value too
    };
    const pool = simdKernelPoolFor(tf.backend())!;
    /** The results' bytes (read outside `tidy`, which would walk every byte of a returned Buffer). */
    const bits = (size: number) => {
      const results = tf.tidy(make(size));
      const bytes = results.map((t) => {
        const values = t.dataSync() as Float32Array;
        return Buffer.from(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
      });
      tf.dispose(results);
      return bytes;
    };
    const jobs = pool.jobs;
    const before = tf.memory().numTensors;
    const shared = bits(700);
    expect(pool.jobs - jobs).toBe(9);
    expect(tf.memory().numTensors).toBe(before);
    bits(100); // 0.4 MB a tensor: each on the caller
    tf.dispose(tf.tidy(() => tf.add(tf.ones([700, 1000], 'int32'), tf.ones([700, 1000], 'int32'))));
    expect(pool.jobs - jobs).toBe(9);
    await setupBackend({ backend: 'wasm', threads: 1 }); // XNNPACK's kernels, one thread
    const single = bits(700);
    await setupBackend({ backend: 'wasm', threads: 2 });
    shared.forEach((values, i) => expect(values.equals(single[i]!)).toBe(true));
  });

  test("a conv's input gradient: groups of images, a group's columns scattered while in cache, shared by groups and equal to the cpu backend", async () => {
    // 2.88 MB of columns an image: 11 images at a time (MAX_COLUMN_BYTES), then 1; groups of one image
    const info = tf.backend_util.computeConv2DInfo([12, 102, 102, 8], [3, 3, 8, 8], 1, 1, 'valid');
    expect(columnImages(info)).toBe(Math.floor(MAX_COLUMN_BYTES / (100 * 100 * 72 * 4)));
    expect(columnImages(info)).toBe(11);
    expect(imagesPerGroup(100 * 100 * 72 * 4, 11, 2)).toBe(1);
    const make = () => {
      const dy = tf.randomUniform<tf.Rank.R4>([12, 100, 100, 8], -1, 1, 'float32', 13);
      const w = tf.randomUniform<tf.Rank.R4>([3, 3, 8, 8], -1, 1, 'float32', 14);
      return [tf.conv2dTranspose(dy, w, [12, 102, 102, 8], 1, 'valid')];
    };
    // one job of the first 11 images (in blocks of groups); the last image alone on the caller
    expect(await againstCpu(make)).toBe(1);
  });

  test("an RGB image's input gradient: 27 taps in 32 columns a pixel, shared by groups and equal to the cpu backend", async () => {
    // 100 × 100 pixels of 32 columns (1.28 MB) an image: all 12 images at a time, groups of one image
    const info = tf.backend_util.computeConv2DInfo([12, 102, 102, 3], [3, 3, 3, 16], 1, 1, 'valid');
    expect(wholeTiles(27)).toBe(32);
    expect(columnImages(info)).toBe(12);
    const make = () => {
      const dy = tf.randomUniform<tf.Rank.R4>([12, 100, 100, 16], -1, 1, 'float32', 17);
      const w = tf.randomUniform<tf.Rank.R4>([3, 3, 3, 16], -1, 1, 'float32', 18);
      return [tf.conv2dTranspose(dy, w, [12, 102, 102, 3], 1, 'valid')];
    };
    expect(await againstCpu(make)).toBe(1);
  });

  test('the filter gradient of a conv of 6 output channels (padded to 8): shared and equal to the cpu backend', async () => {
    const make = () => {
      const x = tf.randomUniform<tf.Rank.R4>([16, 40, 40, 4], -1, 1, 'float32', 19);
      const w = tf.randomUniform<tf.Rank.R4>([3, 3, 4, 6], -1, 1, 'float32', 20);
      const dy = tf.randomUniform<tf.Rank.R4>([16, 40, 40, 6], -1, 1, 'float32', 21);
      const dw = tf.grad((v) => tf.sum(tf.mul(tf.conv2d(x, v as tf.Tensor4D, 1, 'same'), dy)))(w);
      return [tf.conv2d(x, w, 1, 'same'), dw];
    };
    // the filter gradient's product (taps × 8 channels over 16 images: groups of images)
    expect(await againstCpu(make)).toBeGreaterThanOrEqual(1);
  });

  test("a conv's input gradient of too few images for two groups a thread: the product of all, shared, then the scatter, shared", async () => {
    expect(imagesPerGroup(100 * 100 * 72 * 4, 3, 2)).toBe(0);
    const make = () => {
      const dy = tf.randomUniform<tf.Rank.R4>([3, 100, 100, 8], -1, 1, 'float32', 15);
      const w = tf.randomUniform<tf.Rank.R4>([3, 3, 8, 8], -1, 1, 'float32', 16);
      return [tf.conv2dTranspose(dy, w, [3, 102, 102, 8], 1, 'valid')];
    };
    // the product (17 M multiply-adds) and col2im (9.6 MB read and written)
    expect(await againstCpu(make)).toBe(2);
  });

  test('a seeded CNN whose first conv has one input channel trains to the same bits on two threads and on one', async () => {
    // Each output of gradwell's kernels is summed in the same order at every thread count; a conv that
    // went to XNNPACK on one thread and to the product on two (direct-conv2d.ts) broke this.
    const train = () => {
      const relu = { name: 'relu', apply: (x: tf.Tensor) => tf.relu(x), fused: 'relu' as const };
      const model = sequential(
        [
          new Conv2d({ filters: 32, kernelSize: 3, activation: relu }),
          maxPool2d(),
          new Conv2d({ filters: 16, kernelSize: 3, activation: relu }),
          flatten(),
          new Dense({ units: 10 }),
        ],
        { inputShape: [28, 28, 1], seed: 5 },
      );
      const x = tf.randomUniform([32, 28, 28, 1], 0, 1, 'float32', 17);
      const labels = tf.tidy(() =>
        tf.oneHot(
          tf.tensor1d(
            Array.from({ length: 32 }, (_, i) => i % 10),
            'int32',
          ),
          10,
        ),
      );
      const optimizer = tf.train.sgd(0.05);
      const variables = model.trainableWeights.map((w) => w.variable);
      const losses: number[] = [];
      for (let step = 0; step < 3; step++) {
        const loss = optimizer.minimize(
          () => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true })),
          true,
          variables,
        )!;
        losses.push(loss.dataSync()[0]!);
        loss.dispose();
      }
      const weights = variables.map((v) => Buffer.from(v.dataSync().buffer));
      optimizer.dispose();
      model.dispose();
      tf.dispose([x, labels]);
      return { losses, weights };
    };
    const pool = simdKernelPoolFor(tf.backend())!;
    const jobs = pool.jobs;
    const before = tf.memory().numTensors;
    const onTwo = train();
    expect(pool.jobs).toBeGreaterThan(jobs); // the first conv's 6.2 M multiply-adds among others
    await setupBackend({ backend: 'wasm', threads: 1 });
    const onOne = train();
    await setupBackend({ backend: 'wasm', threads: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(onOne.losses).toEqual(onTwo.losses);
    expect(onTwo.losses[2]).toBeLessThan(onTwo.losses[0]!);
    onTwo.weights.forEach((bytes, i) => expect(bytes.equals(onOne.weights[i]!)).toBe(true));
  });

  test('switching to one thread stops the pool; products then run on the caller', async () => {
    const pool = simdKernelPoolFor(tf.backend());
    await setupBackend({ backend: 'wasm', threads: 1 });
    expect(simdKernelThreads(tf.backend())).toBe(1);
    expect(simdKernelPoolFor(tf.backend())).toBeUndefined();
    const jobs = pool?.jobs;
    tf.tidy(() => tf.matMul(tf.ones([128, 256]), tf.ones([256, 64])).dataSync());
    expect(pool?.jobs).toBe(jobs);
    await setupBackend({ backend: 'wasm', threads: 2 });
  });
});

test('a Node program with a two-thread backend and its kernel workers exits on its own', () => {
  const dist = fileURLToPath(new URL('../../../dist/index.js', import.meta.url));
  if (!existsSync(dist)) throw new Error(`build @gradwell/core first: ${dist} is missing`);
  const script = `
    const tf = await import('@tensorflow/tfjs-core');
    const { setupBackend } = await import(${JSON.stringify(dist)});
    const report = await setupBackend({ threads: 2 });
    tf.matMul(tf.ones([128, 256]), tf.ones([256, 64])).dataSync();
    console.log(JSON.stringify(report));
  `;
  const started = Date.now();
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(JSON.parse(out.trim().split('\n').pop()!)).toMatchObject({ threads: 2, simdKernelThreads: 2 });
  expect(Date.now() - started).toBeLessThan(30_000);
});

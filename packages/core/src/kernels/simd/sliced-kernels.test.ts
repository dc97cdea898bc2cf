/**
 * The element-wise kernels shared among the pool's threads: each call big enough to share runs as
 * several blocks and equals the single-thread call bit for bit, in place or not; a smaller one runs on
 * the caller alone; and the blocks' sizes follow the thresholds.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spawnKernelWorker } from '../../backend/node-threads';
import { KernelPool } from './kernel-pool';
import { BLOCKS_PER_THREAD, MIN_BLOCK_WORK, MIN_SHARED_WORK } from './product-blocks';
import { SIMD_KERNELS_SHARED } from './simd-binary.generated';
import type { SimdKernels } from './simd-kernels';
import {
  itemsPerBlock,
  itemsPerWorkBlock,
  MIN_SHARED_BYTES,
  MIN_SHARED_BYTES_POLLING,
  MIN_SLICE_BYTES,
  pooledKernels,
} from './sliced-kernels';

describe('itemsPerBlock', () => {
  test('one block below MIN_SHARED_BYTES; above it, aligned blocks of at least MIN_SLICE_BYTES, at most 4 a thread', () => {
    expect(itemsPerBlock(1000, 12, 2, 16)).toBe(1000);
    expect(itemsPerBlock(0, 12, 2, 16)).toBe(1);
    for (const [items, itemBytes, threads, align] of [
      [400_000, 12, 2, 16],
      [1_384_448, 12, 8, 16],
      [401_408, 28, 16, 16],
      [64, 194_688, 2, 1],
      [5_000_000, 4, 3, 16],
    ] as const) {
      const per = itemsPerBlock(items, itemBytes, threads, align);
      const blocks = Math.ceil(items / per);
      expect(per % align).toBe(0);
      expect(blocks).toBeGreaterThan(1);
      expect(blocks).toBeLessThanOrEqual(BLOCKS_PER_THREAD * threads);
      // rounding up to the alignment may leave a last block short of the minimum, never a whole one
      expect(Math.floor(items / blocks) * itemBytes + align * itemBytes).toBeGreaterThanOrEqual(
        MIN_SLICE_BYTES,
      );
    }
    expect(itemsPerBlock(400_000, 12, 2, 16)).toBe(50_000); // 4.8 MB on two threads: 8 blocks
  });

  test('workers that poll share from MIN_SHARED_BYTES_POLLING (1 MB), sleeping ones from MIN_SHARED_BYTES (4 MB)', () => {
    const values = 131_072; // 1.5 MB of ReLU's gradient
    expect(values * 12).toBeGreaterThan(MIN_SHARED_BYTES_POLLING);
    expect(values * 12).toBeLessThan(MIN_SHARED_BYTES);
    expect(itemsPerBlock(values, 12, 2, 16, false)).toBe(values);
    // 1.5 MB in blocks of at least 256 KB: 6 blocks of 21 846 values, rounded up to 16
    expect(itemsPerBlock(values, 12, 2, 16, true)).toBe(21_856);
  });
});

describe('itemsPerWorkBlock', () => {
  test('one block below MIN_SHARED_WORK; above it, whole groups of at least MIN_BLOCK_WORK, at most 4 a thread', () => {
    expect(itemsPerWorkBlock(3, 600_000, 2, 1)).toBe(3); // 1.8 M multiply-adds
    expect(itemsPerWorkBlock(0, 600_000, 2, 1)).toBe(1);
    expect(3 * 600_000).toBeLessThan(MIN_SHARED_WORK);
    // the benchmark CNN's second conv: 64 images of 121 pixels × 288 taps × 64 channels, groups of 4
    expect(itemsPerWorkBlock(64, 121 * 288 * 64, 2, 4)).toBe(8);
    expect(itemsPerWorkBlock(64, 121 * 288 * 64, 8, 4)).toBe(4);
    for (const [items, itemWork, threads, align] of [
      [64, 2_230_272, 2, 4],
      [11, 5_760_000, 2, 1],
      [1000, 3000, 3, 7],
      [40, 200_000, 16, 3],
    ] as const) {
      const per = itemsPerWorkBlock(items, itemWork, threads, align);
      const blocks = Math.ceil(items / per);
      expect(per % align).toBe(0);
      expect(blocks).toBeGreaterThan(1);
      expect(blocks).toBeLessThanOrEqual(BLOCKS_PER_THREAD * threads);
      expect((per - align) * itemWork).toBeLessThan(Math.max(MIN_BLOCK_WORK, (items * itemWork) / blocks));
      expect(Math.floor(items / blocks) * itemWork + align * itemWork).toBeGreaterThanOrEqual(MIN_BLOCK_WORK);
    }
  });
});

describe('pooledKernels on a pool of three threads', () => {
  const memory = new WebAssembly.Memory({ initial: 1024, maximum: 2048, shared: true });
  const module = new WebAssembly.Module(Buffer.from(SIMD_KERNELS_SHARED, 'base64'));
  const own = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdKernels;
  let pool: KernelPool;
  let pooled: SimdKernels;
  beforeAll(async () => {
    pool = await KernelPool.start(module, memory, 3, spawnKernelWorker);
    pooled = pooledKernels(own, pool);
  });
  afterAll(() => pool.stop());

  const heap = () => new Float32Array(memory.buffer);
  /** Fills `count` floats at byte `at` with a seeded stream in [-1, 1), a few zeros and a NaN. */
  function fill(at: number, count: number, seed: number): void {
    let state = seed >>> 0;
    const values = heap();
    for (let i = 0; i < count; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      values[at / 4 + i] = i % 97 === 0 ? 0 : (state / 2 ** 32) * 2 - 1;
    }
    values[at / 4 + 5] = Number.NaN;
  }
  /** The bytes of `count` floats at byte `at` (compared bit for bit, NaNs included). */
  const read = (at: number, count: number) => Buffer.from(new Uint8Array(memory.buffer, at, count * 4));

  /**
   * Runs `call` with `own` and with `through` (the kernels pooled through `counted`) on inputs filled
   * afresh at `inputs` (byte offsets of `sizes` floats); returns both results read at `outputs` (of
   * `outputSize` floats each) and the jobs `counted` shared.
   */
  function both(
    inputs: number[],
    sizes: number[],
    outputs: number[],
    outputSize: number,
    call: (kernels: SimdKernels) => void,
    through = pooled,
    counted = pool,
  ) {
    const run = (kernels: SimdKernels) => {
      // a block left out would leave this in its outputs (in place, the inputs then overwrite it)
      for (const at of outputs) heap().fill(12_345, at / 4, at / 4 + outputSize);
      inputs.forEach((at, i) => fill(at, sizes[i] as number, i + 1));
      call(kernels);
      return outputs.map((at) => read(at, outputSize));
    };
    const single = run(own);
    const jobs = counted.jobs;
    const shared = run(through);
    return { single, shared, jobs: counted.jobs - jobs };
  }

  const MB = 1 << 20;
  const at = (megabytes: number) => megabytes * MB;

  test.each([
    ['reluGrad', 400_000, false],
    ['reluGrad', 400_000, true],
    ['sgdUpdate', 400_001, false],
    ['sgdUpdate', 400_001, true],
    ['momentumUpdate', 250_003, false],
    ['adamUpdate', 160_007, false],
    ['adamUpdate', 160_007, true],
    ['rmspropUpdate', 160_007, false],
    ['rmspropUpdate', 160_007, true],
    ['centeredRmspropUpdate', 120_005, true],
    ['adagradUpdate', 250_003, false],
    ['adagradUpdate', 250_003, true],
    ['reluGrad', 10_000, false], // 120 KB: the caller alone
  ] as const)(
    '%s of %i values (in place: %s) = the single-thread call, bit for bit',
    (kernel, n, inPlace) => {
      const arrays = {
        reluGrad: [2, 1],
        sgdUpdate: [2, 1],
        momentumUpdate: [3, 2],
        adamUpdate: [4, 3],
        rmspropUpdate: [4, 3],
        centeredRmspropUpdate: [5, 4],
        adagradUpdate: [3, 2],
      }[kernel];
      const [reads, writes] = arrays as [number, number];
      const inputs = Array.from({ length: reads }, (_, i) => at(2 * i + 1));
      // in place: each output over the input it replaces (for reluGrad, dy)
      const outputs = Array.from({ length: writes }, (_, i) =>
        inPlace ? (inputs[i === 0 ? 0 : i + 1] ?? at(20 + 2 * i)) : at(20 + 2 * i),
      );
      const { single, shared, jobs } = both(
        inputs,
        inputs.map(() => n),
        outputs,
        n,
        (k) => {
          const [w, g, m, v, u] = inputs as [number, number, number, number, number];
          const [wOut, mOut, vOut, uOut] = outputs as [number, number, number, number];
          if (kernel === 'reluGrad') k.reluGrad(w, g, wOut, n);
          else if (kernel === 'sgdUpdate') k.sgdUpdate(w, g, wOut, n, Math.fround(-0.01));
          else if (kernel === 'momentumUpdate') k.momentumUpdate(w, g, m, wOut, mOut, n, 0.9, -0.01, 1);
          else if (kernel === 'rmspropUpdate')
            k.rmspropUpdate(w, g, m, v, wOut, mOut, vOut, n, 0.9, Math.fround(0.1), 0.5, 1e-7, 0.001);
          else if (kernel === 'centeredRmspropUpdate')
            // prettier-ignore
            k.centeredRmspropUpdate(w, g, m, v, u, wOut, mOut, vOut, uOut, n, 0.9, Math.fround(0.1), 0.5,
              1e-7, 0.001);
          else if (kernel === 'adagradUpdate') k.adagradUpdate(w, g, m, wOut, mOut, n, 1e-7, -0.01);
      // prettier-ignore
      else k.adamUpdate(w, g, m, v, wOut, mOut, vOut, n, 0.9, 0.1, 0.999, Math.fround(0.001),
        0.19, Math.fround(0.002), 1e-7, -0.001);
        },
      );
      expect(jobs).toBe(n * 4 * (reads + writes) >= MIN_SHARED_BYTES ? 1 : 0);
      expect(Buffer.concat(shared).equals(Buffer.concat(single))).toBe(true);
    },
  );

  test('biasAdd (with ReLU and without) over 8192 rows of 64 and maxPoolGradDisjoint over 32 images: shared, bit for bit', () => {
    const [rows, cols] = [8192, 64];
    const bias = at(1);
    const x = at(2);
    for (const relu of [0, 1]) {
      const biased = both([x, bias], [rows * cols, cols], [at(6)], rows * cols, (k) =>
        k.biasAdd(x, bias, at(6), rows, cols, relu),
      );
      expect(biased.jobs).toBe(1);
      expect(Buffer.concat(biased.shared).equals(Buffer.concat(biased.single))).toBe(true);
    }
    // [32, 26, 26, 32] in 2 × 2 windows; dx zeroed first, as the kernel's caller does
    const [batch, size, channels] = [32, 26, 32];
    const image = size * size * channels;
    const dyImage = (size / 2) * (size / 2) * channels;
    const routed = both([at(1), at(8)], [batch * image, batch * dyImage], [at(12)], batch * image, (k) => {
      heap().fill(0, at(12) / 4, at(12) / 4 + batch * image);
      k.maxPoolGradDisjoint(at(1), at(8), at(12), batch, size, size, channels, size / 2, size / 2, 2, 2);
    });
    expect(routed.jobs).toBe(1);
    expect(Buffer.concat(routed.shared).equals(Buffer.concat(routed.single))).toBe(true);
  });

  test('maxPoolDisjoint over 64 images of [26, 26, 32] in 2 × 2 windows and of [27, 27, 32] in 3 × 3: shared, bit for bit', () => {
    for (const [size, window] of [
      [26, 2],
      [27, 3],
    ] as const) {
      const [batch, channels, out] = [64, 32, size / window];
      const image = size * size * channels;
      const pooled = both([at(1)], [batch * image], [at(8)], batch * out * out * channels, (k) =>
        k.maxPoolDisjoint(at(1), at(8), batch, size, size, channels, out, out, window, window),
      );
      expect(pooled.jobs).toBe(1);
      expect(Buffer.concat(pooled.shared).equals(Buffer.concat(pooled.single))).toBe(true);
    }
  });

  test('maxPoolWindows, maxPoolGradWindows and avgPoolGradWindows over [64, 27, 27, 24] (3 × 3, stride 2) and [192, 28, 28, 6] (padded 1): shared, bit for bit', () => {
    for (const [batch, size, channels, out, pad] of [
      [64, 27, 24, 13, 0],
      [192, 28, 6, 14, 1],
    ] as const) {
      const [image, yImage] = [size * size * channels, out * out * channels];
      const shape = [batch, size, size, channels, out, out, 3, 3, 2, 2, pad, pad] as const;
      const pooled = both([at(1)], [batch * image], [at(8)], batch * yImage, (k) =>
        k.maxPoolWindows(at(1), at(8), ...shape),
      );
      expect(pooled.jobs).toBe(1);
      expect(Buffer.concat(pooled.shared).equals(Buffer.concat(pooled.single))).toBe(true);
      // dx left as `both` fills it (12 345): the kernel zeroes each image's itself
      const routed = both([at(1), at(8)], [batch * image, batch * yImage], [at(12)], batch * image, (k) =>
        k.maxPoolGradWindows(at(1), at(8), at(12), ...shape),
      );
      expect(routed.jobs).toBe(1);
      expect(Buffer.concat(routed.shared).equals(Buffer.concat(routed.single))).toBe(true);
      const spread = both([at(8)], [batch * yImage], [at(12)], batch * image, (k) =>
        k.avgPoolGradWindows(at(8), at(12), ...shape),
      );
      expect(spread.jobs).toBe(1);
      expect(Buffer.concat(spread.shared).equals(Buffer.concat(spread.single))).toBe(true);
    }
  });

  test.each([
    [0, 0, 0, false],
    [1, 0, 0, true],
    [2, 1, 0, false],
    [3, 0, 1, false],
    [2, 0, 1, true],
  ])(
    'binaryOp %i (a scalar: %i, b scalar: %i, in place: %s) over 600 003 values: shared, bit for bit',
    (op, aScalar, bScalar, inPlace) => {
      const n = 600_003; // 4.8 MB with a scalar operand, 7.2 MB without
      const [a, b] = [at(1), at(4)];
      const out = inPlace ? (aScalar ? b : a) : at(7);
      const { single, shared, jobs } = both([a, b], [aScalar ? 1 : n, bScalar ? 1 : n], [out], n, (k) =>
        k.binaryOp(a, b, out, n, op, aScalar, bScalar),
      );
      expect(jobs).toBe(1);
      expect(Buffer.concat(shared).equals(Buffer.concat(single))).toBe(true);
    },
  );

  test("col2im over 32 images (the benchmark CNN's backward-input scatter): shared, bit for bit", () => {
    const [images, size, channels, out, taps] = [32, 13, 32, 11, 9];
    const colsSize = images * out * out * taps * channels;
    const dxSize = images * size * size * channels;
    const scattered = both([at(1)], [colsSize], [at(8)], dxSize, (k) =>
      k.col2im(
        at(1),
        at(8),
        images,
        size,
        size,
        channels,
        out,
        out,
        3,
        3,
        1,
        1,
        1,
        1,
        0,
        0,
        taps * channels * 4,
      ),
    );
    expect(scattered.jobs).toBe(1);
    expect(Buffer.concat(scattered.shared).equals(Buffer.concat(scattered.single))).toBe(true);
  });

  test("columnsToImages over 24 images in groups of 2 (the benchmark CNN's backward input): shared by groups, bit for bit", () => {
    const [images, group, size, ci, out, k] = [24, 2, 13, 32, 11, 64];
    const [pixels, taps] = [out * out, 9 * ci];
    const [dy, w, cols, dx, ints] = [at(1), at(8), at(9), at(24), at(30)];
    const geometry = [size, size, ci, out, out, 3, 3, 1, 1, 1, 1, 0, 0];
    const offsets = Array.from({ length: Math.ceil((group * pixels) / 4) * 4 }, (_, i) =>
      i < group * pixels ? i * k * 4 : 0,
    );
    new Int32Array(memory.buffer).set([...offsets, 1, k, ...geometry], ints / 4);
    const geometryAt = ints + offsets.length * 4;
    const dxSize = images * size * size * ci;
    const scattered = both([dy, w], [images * pixels * k, k * taps], [dx], dxSize, (kernels) =>
      // prettier-ignore
      kernels.columnsToImages(
        dy, w, cols, ints, dx, images, group, geometryAt, taps, pixels * k * 4, pixels * taps * 4, size * size * ci * 4,
      ),
    );
    expect(scattered.jobs).toBe(1);
    expect(Buffer.concat(scattered.shared).equals(Buffer.concat(scattered.single))).toBe(true);
  });

  test("productGroups over 37 images in 19 groups of 2 (the first conv's filter gradient): shared by groups, bit for bit, each copy its images' productAtB", () => {
    // x [37, 28, 28, 1], dy [37, 26, 26, 32], 9 taps (3 × 3 of one channel) by 32 channels
    const [images, size, out, channels, per] = [37, 28, 26, 32, 2];
    const groups = Math.ceil(images / per);
    const [x, dy, copies, offsets, ref] = [at(1), at(4), at(10), at(11), at(12)];
    const taps = 9;
    new Int32Array(memory.buffer).set(
      Array.from({ length: 12 }, (_, m) => (m < taps ? (Math.floor(m / 3) * size + (m % 3)) * 4 : 0)),
      offsets / 4,
    );
    const geometry = [out, out, size * size * 4, size * 4, 4] as const;
    const copySize = taps * channels;
    const grouped = both(
      [x, dy],
      [images * size * size, images * out * out * channels],
      [copies],
      groups * copySize,
      (k) => k.productGroups(x, dy, copies, offsets, taps, channels, groups, per, images, ...geometry),
    );
    expect(grouped.jobs).toBe(1);
    expect(Buffer.concat(grouped.shared).equals(Buffer.concat(grouped.single))).toBe(true);
    for (let g = 0; g < groups; g++) {
      const first = g * per;
      const count = Math.min(per, images - first);
      own.productAtB(
        x + first * size * size * 4,
        dy + first * out * out * channels * 4,
        ref,
        offsets,
        taps,
        channels,
        count,
        ...geometry,
      );
      const copy = grouped.shared[0]!.subarray(g * copySize * 4, (g + 1) * copySize * 4);
      expect(copy.equals(read(ref, copySize))).toBe(true);
    }
  });

  test("reluGradSums over 43 264 rows of 32 in 32 groups (the first conv's bias gradient): shared by groups, bit for bit", () => {
    const [rows, cols, per] = [43_264, 32, 1352];
    const groups = rows / per;
    const [dy, x, out, sums] = [at(1), at(7), at(13), at(19)];
    const n = rows * cols;
    const run = (k: SimdKernels) => k.reluGradSums(dy, x, out, sums, groups, per, rows, cols);
    const dz = both([dy, x], [n, n], [out], n, run);
    expect(dz.jobs).toBe(1);
    expect(Buffer.concat(dz.shared).equals(Buffer.concat(dz.single))).toBe(true);
    const summed = both([dy, x], [n, n], [sums], groups * cols, run);
    expect(Buffer.concat(summed.shared).equals(Buffer.concat(summed.single))).toBe(true);
  });

  test('KernelPool.sliced refuses a block that is not a whole number of items, or arguments without steps', () => {
    const refuse = (per: number, steps: number[]) =>
      expect(() => pool.sliced(own, 'reluGrad', [0, 0, 0, 1000], { steps, countArg: 3, per })).toThrow(
        new RangeError(
          `KernelPool.sliced: reluGrad needs whole items a block, a step an argument; got ${per} items a ` +
            `block, 4 arguments, ${steps.length} steps`,
        ),
      );
    refuse(0, [4, 4, 4, 0]);
    refuse(2.5, [4, 4, 4, 0]);
    refuse(Number.NaN, [4, 4, 4, 0]);
    refuse(100, [4, 4, 4]);
    expect(pool.jobs).toBeGreaterThan(0); // (the pool itself is unharmed: the next test shares again)
  });

  test('a pool whose workers poll shares a 1.5 MB pass that a sleeping one runs on the caller', async () => {
    const polling = await KernelPool.start(module, memory, 2, spawnKernelWorker, 1000);
    try {
      expect([polling.polls, pool.polls]).toEqual([true, false]);
      const n = 131_072;
      const call = (k: SimdKernels) => k.reluGrad(at(1), at(3), at(5), n);
      const sleeping = both([at(1), at(3)], [n, n], [at(5)], n, call);
      expect(sleeping.jobs).toBe(0);
      const shared = both([at(1), at(3)], [n, n], [at(5)], n, call, pooledKernels(own, polling), polling);
      expect(shared.jobs).toBe(1);
      expect(Buffer.concat(shared.shared).equals(Buffer.concat(shared.single))).toBe(true);
    } finally {
      polling.stop();
    }
  });

  test('a stopped pool runs them on the caller, with the same result', async () => {
    const stopped = await KernelPool.start(module, memory, 2, spawnKernelWorker);
    stopped.stop();
    const n = 400_000;
    const { single, shared, jobs } = both(
      [at(1), at(3)],
      [n, n],
      [at(5)],
      n,
      (k) => k.reluGrad(at(1), at(3), at(5), n),
      pooledKernels(own, stopped),
      stopped,
    );
    expect(jobs).toBe(0);
    expect(Buffer.concat(shared).equals(Buffer.concat(single))).toBe(true);
  });
});

/**
 * gradwell's element-wise SIMD kernels shared among the kernel pool's threads. Each is cut into blocks
 * of items (values, rows or images) that are independent of one another: a block runs the same kernel
 * on its items, every pointer argument advanced to its first item, so each value is computed by one
 * thread exactly as on one thread (bit for bit). On a machine of many cores these passes were the part of
 * a training step that did not scale (docs/measurements/threads-16-core.md): XNNPACK runs on one thread
 * beside the pool, and so did they.
 */
import type { KernelPool } from './kernel-pool';
import type { SimdKernels } from './kernel-exports';
import type { JobKernel } from './kernel-worker-source';
import { BLOCKS_PER_THREAD, blocksForWork, MIN_SHARED_WORK } from './product-blocks';

/**
 * Bytes a kernel call reads and writes, at least, for its items to be shared with workers that sleep
 * between jobs: about 100 µs of one thread's memory traffic, what waking a sleeping worker costs on the
 * 2-vCPU VM. ReLU's gradient there, two threads against the caller alone: 55–57 against 55 µs at 3 MB,
 * 80–82 against 105 at 6 MB. Below it the caller runs the call alone.
 */
export const MIN_SHARED_BYTES = 4 << 20;

/**
 * The same for workers that poll between jobs (a machine with cores to spare, kernel-pool.ts), which
 * start a job at once. ReLU's gradient through a pool made to poll on the 2-vCPU VM, two threads against
 * the caller alone: 12.4–13.3 against 12.7 µs at 0.75 MB, 15.8–16.6 against 26.2 at 1.5 MB, 52–54
 * against 102 at 6 MB.
 */
export const MIN_SHARED_BYTES_POLLING = 1 << 20;

/** Bytes per block, at least (a claim costs well under 1 µs; a block of this many, several µs). */
export const MIN_SLICE_BYTES = 256 << 10;

/**
 * How one kernel's call is cut: per item, the bytes each argument advances by, and the item count; and
 * what decides the blocks: the bytes an item reads and writes (a pass over memory), or, for a kernel whose
 * items are products, its multiply-adds (then shared as a product is, product-blocks.ts).
 */
type Slicing = {
  steps: number[];
  /** The argument that counts the items. */
  countArg: number;
  /** Items per block are a multiple of this (16 values: a 64-byte cache line). */
  align: number;
} & ({ itemBytes: number; itemWork?: undefined } | { itemWork: number; itemBytes?: undefined });

type Sliced = Exclude<JobKernel, 'productBlock'>;

/** Values of `pointers` float32 arrays (read or written) counted by argument `countArg`, then `scalars`. */
function values(pointers: number, countArg: number, scalars: number): Slicing {
  return {
    steps: [...Array<number>(pointers).fill(4), ...Array<number>(scalars + 1).fill(0)],
    countArg,
    itemBytes: pointers * 4,
    align: 16,
  };
}

const SLICINGS: { [K in Sliced]: (args: Parameters<SimdKernels[K]>) => Slicing } = {
  // images: x, dy and dx advance by an image each
  maxPoolGradDisjoint: ([, , , , inHeight, inWidth, channels, outHeight, outWidth]) => {
    const image = inHeight * inWidth * channels * 4;
    const dyImage = outHeight * outWidth * channels * 4;
    const steps = [image, dyImage, image, 0, 0, 0, 0, 0, 0, 0, 0];
    return { steps, countArg: 3, itemBytes: 2 * image + dyImage, align: 1 };
  },
  // images: x and y advance by an image each
  maxPoolDisjoint: ([, , , inHeight, inWidth, channels, outHeight, outWidth]) => {
    const image = inHeight * inWidth * channels * 4;
    const yImage = outHeight * outWidth * channels * 4;
    const steps = [image, yImage, 0, 0, 0, 0, 0, 0, 0, 0];
    return { steps, countArg: 2, itemBytes: image + yImage, align: 1 };
  },
  // images, as the disjoint kernels': the windows of one image read that image alone
  maxPoolWindows: ([, , , inHeight, inWidth, channels, outHeight, outWidth]) => {
    const image = inHeight * inWidth * channels * 4;
    const yImage = outHeight * outWidth * channels * 4;
    const steps = [image, yImage, ...Array<number>(12).fill(0)];
    return { steps, countArg: 2, itemBytes: image + yImage, align: 1 };
  },
  maxPoolGradWindows: ([, , , , inHeight, inWidth, channels, outHeight, outWidth]) => {
    const image = inHeight * inWidth * channels * 4;
    const dyImage = outHeight * outWidth * channels * 4;
    const steps = [image, dyImage, image, ...Array<number>(12).fill(0)];
    return { steps, countArg: 3, itemBytes: 2 * image + dyImage, align: 1 };
  },
  avgPoolGradWindows: ([, , , inHeight, inWidth, channels, outHeight, outWidth]) => {
    const image = inHeight * inWidth * channels * 4;
    const dyImage = outHeight * outWidth * channels * 4;
    const steps = [dyImage, image, ...Array<number>(12).fill(0)];
    return { steps, countArg: 2, itemBytes: image + dyImage, align: 1 };
  },
  reluGrad: () => values(3, 3, 0),
  // groups of rows: dy, x and out advance by a group's rows, the sums by a row, the rows left go back
  reluGradSums: ([, , , , , per, , cols]) => {
    const rows = per * cols * 4;
    const steps = [rows, rows, rows, cols * 4, 0, 0, -per, 0];
    return { steps, countArg: 4, itemBytes: 3 * rows, align: 1 };
  },
  // rows: x and out advance by a row, the bias stays
  biasAdd: ([, , , , cols]) => ({
    steps: [cols * 4, 0, cols * 4, 0, 0, 0],
    countArg: 3,
    itemBytes: cols * 8,
    align: 1,
  }),
  sgdUpdate: () => values(3, 3, 1),
  momentumUpdate: () => values(5, 5, 3),
  adamUpdate: () => values(7, 7, 8),
  rmspropUpdate: () => values(7, 7, 5),
  centeredRmspropUpdate: () => values(9, 9, 5),
  adagradUpdate: () => values(5, 5, 2),
  // images: the columns and dx advance by an image each
  col2im: ([, , , inHeight, inWidth, channels, outHeight, outWidth, , , , , , , , , colsPixelBytes]) => {
    const colsImage = outHeight * outWidth * colsPixelBytes;
    const dxImage = inHeight * inWidth * channels * 4;
    const steps = [colsImage, dxImage, ...Array<number>(15).fill(0)];
    return { steps, countArg: 2, itemBytes: colsImage + dxImage, align: 1 };
  },
  // images: dy, the group's columns (the block's first image's room) and dx advance by an image each
  columnsToImages: ([, , , , , , group, , taps, dyImage, colsImage, dxImage]) => ({
    steps: [dyImage, 0, colsImage, 0, dxImage, 0, 0, 0, 0, 0, 0, 0],
    countArg: 5,
    align: group,
    itemWork: (dyImage / 4) * taps,
  }),
  // groups of images: A, B and the output copies advance by a group each, the images left go back by one
  productGroups: ([, , , , rows, columns, , per, , chunkRows, chunkColumns, chunkBytes]) => ({
    steps: [
      per * chunkBytes,
      per * chunkRows * chunkColumns * columns * 4,
      rows * columns * 4,
      0,
      0,
      0,
      0,
      0,
      -per,
      0,
      0,
      0,
      0,
      0,
    ],
    countArg: 6,
    align: 1,
    itemWork: per * chunkRows * chunkColumns * rows * columns,
  }),
  // values of a, b and out; a scalar operand stays
  binaryOp: ([, , , , , aScalar, bScalar]) => ({
    steps: [aScalar ? 0 : 4, bScalar ? 0 : 4, 4, 0, 0, 0, 0],
    countArg: 3,
    itemBytes: (aScalar ? 0 : 4) + (bScalar ? 0 : 4) + 4,
    align: 16,
  }),
};

/** Whether a pass of `bytes` read and written is shared on a pool whose workers poll or not. */
export function sharesPass(bytes: number, polls: boolean): boolean {
  return bytes >= (polls ? MIN_SHARED_BYTES_POLLING : MIN_SHARED_BYTES);
}

/**
 * Items per block for `items` of `itemBytes` each on `threads` threads whose workers poll between jobs
 * or not: all of them where not shared.
 */
export function itemsPerBlock(
  items: number,
  itemBytes: number,
  threads: number,
  align: number,
  polls = false,
): number {
  const bytes = items * itemBytes;
  if (!sharesPass(bytes, polls)) return Math.max(1, items);
  const blocks = Math.max(1, Math.min(BLOCKS_PER_THREAD * threads, Math.floor(bytes / MIN_SLICE_BYTES)));
  return Math.ceil(items / blocks / align) * align;
}

/**
 * Items per block for `items` of `itemWork` multiply-adds each on `threads` threads: all of them below
 * MIN_SHARED_WORK in all, else as many blocks as a product of that work (`blocksForWork`).
 */
export function itemsPerWorkBlock(items: number, itemWork: number, threads: number, align: number): number {
  const work = items * itemWork;
  if (work < MIN_SHARED_WORK) return Math.max(1, items);
  return Math.ceil(items / blocksForWork(work, threads) / align) * align;
}

/** `own` (the caller's kernels) with its products and element-wise kernels shared through `pool`. */
export function pooledKernels(own: SimdKernels, pool: KernelPool): SimdKernels {
  const share = <K extends Sliced>(kernel: K) =>
    ((...args: Parameters<SimdKernels[K]>) => {
      const slicing = SLICINGS[kernel](args);
      const { steps, countArg, align } = slicing;
      const items = args[countArg] as number;
      const per =
        slicing.itemWork === undefined
          ? itemsPerBlock(items, slicing.itemBytes, pool.threads, align, pool.polls)
          : itemsPerWorkBlock(items, slicing.itemWork, pool.threads, align);
      pool.sliced(own, kernel, args, { steps, countArg, per });
    }) as unknown as SimdKernels[K];
  return {
    ...own,
    productAtB: (...args) => pool.productAtB(own, ...args),
    maxPoolGradDisjoint: share('maxPoolGradDisjoint'),
    maxPoolDisjoint: share('maxPoolDisjoint'),
    maxPoolWindows: share('maxPoolWindows'),
    maxPoolGradWindows: share('maxPoolGradWindows'),
    avgPoolGradWindows: share('avgPoolGradWindows'),
    productGroups: share('productGroups'),
    reluGrad: share('reluGrad'),
    reluGradSums: share('reluGradSums'),
    biasAdd: share('biasAdd'),
    sgdUpdate: share('sgdUpdate'),
    momentumUpdate: share('momentumUpdate'),
    adamUpdate: share('adamUpdate'),
    rmspropUpdate: share('rmspropUpdate'),
    centeredRmspropUpdate: share('centeredRmspropUpdate'),
    adagradUpdate: share('adagradUpdate'),
    binaryOp: share('binaryOp'),
    col2im: share('col2im'),
    columnsToImages: share('columnsToImages'),
  };
}

/**
 * How the kernel pool cuts a product's output into blocks for its threads. A block is a range of whole
 * row tiles (4 rows) by a range of whole column tiles (8 columns), and a thread computes a block with one
 * `productBlock` call that sweeps the whole depth (k) for it, reading the block's rows of A and its
 * columns of B. Blocks of rows alone were thin: each 4-row block of the MLP's 128 × 784 · 784 × 512
 * product swept all 1.6 MB of B, 32 times a product, where one thread's single call sweeps each chunk of
 * B (112 rows, 224 KB, in its L2) once for all rows. A block of about as many rows as columns reads the
 * least of A and B for its work (R·k + k·C for R·C outputs). On two threads of the 2-vCPU VM (steps
 * alternated in one process against blocks of rows) the CNN step ran 4–9% faster, the MLP step within
 * the noise (0.94–1.05×); docs/measurements/targets-2-core.md.
 */

/** Rows per tile of the product: a block's rows start at a multiple of it. */
export const TILE_ROWS = 4;

/** Columns per tile of the product: the product's columns are a multiple of it. */
export const TILE_COLUMNS = 8;

/**
 * `columns` rounded up to whole tiles: the columns a product computes for an output of `columns`
 * (a conv's input gradient with its filter's taps, a filter gradient with its output channels, padded
 * with zeros where they are not a multiple of TILE_COLUMNS).
 */
export function wholeTiles(columns: number): number {
  return Math.ceil(columns / TILE_COLUMNS) * TILE_COLUMNS;
}

/**
 * Multiply-adds below which a product runs on the calling thread alone (≈ 100 µs of work). Measured on
 * two threads of the 2-vCPU benchmark VM, products A·Bᵀ of 128 × k × 256 one after another, alone vs
 * shared: 64 vs 86 µs at 0.3 M multiply-adds, 83 vs 101 at 1 M, 101–106 vs 119–123 at 2 M, 190–201 vs
 * 194–199 at 4 M (a sleeping worker wakes in 80–130 µs there; a machine that wakes it faster gains below
 * this too, but only a few tens of µs a product).
 */
export const MIN_SHARED_WORK = 1 << 21;

/** Multiply-adds per block, at least (≈ 10 µs; a claim costs well under 1 µs). */
export const MIN_BLOCK_WORK = 1 << 18;

/**
 * Blocks per thread a shared product aims at: enough that a thread which starts late (a sleeping worker
 * wakes in 80–200 µs) or runs slower (its core shared with another process) simply takes fewer, and few
 * enough that each block reads little of A and B again.
 */
export const BLOCKS_PER_THREAD = 4;

/**
 * Blocks `work` multiply-adds are cut into on `threads` threads: about BLOCKS_PER_THREAD a thread, fewer
 * where a block would fall under MIN_BLOCK_WORK, at least one.
 */
export function blocksForWork(work: number, threads: number): number {
  return Math.max(1, Math.min(BLOCKS_PER_THREAD * threads, Math.floor(work / MIN_BLOCK_WORK)));
}

export interface BlockShape {
  /** Rows per block (a multiple of TILE_ROWS; the last block of a column may have fewer). */
  rows: number;
  /** Columns per block (a multiple of TILE_COLUMNS; the last block of a row may have fewer). */
  columns: number;
  /** Blocks across the columns; block b covers row block ⌊b / across⌋ and column block b mod across. */
  across: number;
  /** Blocks in all. */
  count: number;
}

/**
 * The blocks of a product of `rows` × `columns` outputs, each a sum over `depth` terms, shared among
 * `threads` threads: about BLOCKS_PER_THREAD per thread (fewer where a block would fall under
 * MIN_BLOCK_WORK multiply-adds), each about as many rows as columns. `columns` must be a multiple of 8.
 */
export function blockShape(rows: number, columns: number, depth: number, threads: number): BlockShape {
  const rowTiles = Math.ceil(rows / TILE_ROWS);
  const columnTiles = Math.ceil(columns / TILE_COLUMNS);
  const work = rows * columns * depth;
  const wanted = blocksForWork(work, threads);
  // a block of rows·columns / wanted outputs, square where the product's rows and columns allow
  const cells = (rows * columns) / wanted;
  const height = Math.min(Math.max(Math.sqrt(cells), TILE_ROWS), rows);
  const columnBlocks = Math.min(columnTiles, Math.max(1, Math.round((columns * height) / cells)));
  const blockColumns = Math.ceil(columnTiles / columnBlocks) * TILE_COLUMNS;
  const across = Math.ceil(columns / blockColumns);
  const rowBlocks = Math.min(rowTiles, Math.max(1, Math.round(wanted / across)));
  const blockRows = Math.ceil(rowTiles / rowBlocks) * TILE_ROWS;
  const down = Math.ceil(rows / blockRows);
  return { rows: blockRows, columns: blockColumns, across, count: across * down };
}

/**
 * Groups a sum over many items (images, rows) is cut into, at most, whatever the thread count: each group
 * summed on one thread into a copy of its own, the copies then added in order, so the sums, and their
 * bits, are the same on every thread count; enough groups for 8 threads to take four each.
 */
export const SUM_GROUPS = 32;

/** Items per group and groups for a sum over `items` items: whole items, at most SUM_GROUPS groups. */
export function sumGroups(items: number): { per: number; groups: number } {
  const per = Math.max(1, Math.ceil(items / SUM_GROUPS));
  return { per, groups: Math.ceil(items / per) };
}

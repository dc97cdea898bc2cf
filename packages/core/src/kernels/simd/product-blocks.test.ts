/**
 * The kernel pool's blocks: whole tiles that cover a product's output exactly once, about
 * BLOCKS_PER_THREAD per thread (none under MIN_BLOCK_WORK where the product is big enough to have a
 * choice), and close to square where the product's shape allows.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  BLOCKS_PER_THREAD,
  blockShape,
  MIN_BLOCK_WORK,
  SUM_GROUPS,
  sumGroups,
  type BlockShape,
} from './product-blocks';

/**
 * Each output's block, by the arithmetic the pool's threads use (first row, first column, extent); -2
 * where an output falls in two blocks, and throws on an empty block.
 */
function cover(rows: number, columns: number, shape: BlockShape): Int32Array {
  const owner = new Int32Array(rows * columns).fill(-1);
  for (let block = 0; block < shape.count; block++) {
    const first = Math.floor(block / shape.across) * shape.rows;
    const left = (block % shape.across) * shape.columns;
    const height = Math.min(shape.rows, rows - first);
    const width = Math.min(shape.columns, columns - left);
    if (height <= 0 || width <= 0) throw new Error(`block ${block} is empty`);
    for (let r = first; r < first + height; r++)
      for (let c = left; c < left + width; c++)
        owner[r * columns + c] = owner[r * columns + c] === -1 ? block : -2;
  }
  return owner;
}

describe('blockShape', () => {
  test('blocks of whole tiles cover every output exactly once, about BLOCKS_PER_THREAD per thread', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 800 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 16 }),
        (rows, columnTiles, depth, threads) => {
          const columns = columnTiles * 8;
          const shape = blockShape(rows, columns, depth, threads);
          expect(shape.rows % 4).toBe(0);
          expect(shape.columns % 8).toBe(0);
          expect(cover(rows, columns, shape).every((owner) => owner >= 0)).toBe(true);
          const wanted = Math.max(
            1,
            Math.min(BLOCKS_PER_THREAD * threads, Math.floor((rows * columns * depth) / MIN_BLOCK_WORK)),
          );
          // rounding to whole tiles moves the count off what was wanted, but not far
          const tiles = Math.ceil(rows / 4) * columnTiles;
          expect(shape.count).toBeGreaterThanOrEqual(Math.min(Math.ceil(wanted / 2), tiles));
          expect(shape.count).toBeLessThanOrEqual(2 * wanted + 1);
        },
      ),
      { numRuns: 400, seed: 20 },
    );
  });

  test('the benchmark MLP and CNN products: square-ish blocks, rows alone where the columns are few', () => {
    // the MLP's first product, 128 × 784 · 784 × 512, on two and on eight threads
    expect(blockShape(128, 512, 784, 2)).toEqual({ rows: 128, columns: 88, across: 6, count: 6 });
    expect(blockShape(128, 512, 784, 8)).toEqual({ rows: 44, columns: 48, across: 11, count: 33 });
    // its weight gradient, 784 × 128 · 128 × 512
    expect(blockShape(784, 512, 128, 2)).toEqual({ rows: 196, columns: 256, across: 2, count: 8 });
    // the CNN's second filter gradient: 288 taps × 64 channels over 64 × 11 × 11 pixels
    expect(blockShape(288, 64, 7744, 2)).toEqual({ rows: 36, columns: 64, across: 1, count: 8 });
    // one tile of rows: the columns make the blocks
    expect(blockShape(4, 4096, 1000, 2)).toEqual({ rows: 4, columns: 512, across: 8, count: 8 });
  });

  test('a product too small to share is one block', () => {
    expect(blockShape(64, 64, 64, 3)).toEqual({ rows: 64, columns: 64, across: 1, count: 1 });
    expect(blockShape(1, 8, 1, 16)).toEqual({ rows: 4, columns: 8, across: 1, count: 1 });
  });
});

test('sumGroups: at most SUM_GROUPS groups of whole items covering every item, one item a group for few items', () => {
  for (const items of [1, 5, 31, 32, 33, 64, 1000, 43_264]) {
    const { per, groups } = sumGroups(items);
    expect(groups).toBeLessThanOrEqual(SUM_GROUPS);
    expect(per * groups).toBeGreaterThanOrEqual(items);
    expect(per * (groups - 1)).toBeLessThan(items);
  }
  expect(sumGroups(20)).toEqual({ per: 1, groups: 20 });
  expect(sumGroups(43_264)).toEqual({ per: 1352, groups: 32 });
  expect(sumGroups(100)).toEqual({ per: 4, groups: 25 });
});

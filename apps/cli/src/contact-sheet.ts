/** Images tiled into one: a contact sheet (augment's variants, evaluate's mistakes). */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Tiles images of one size ([n, h, w, c], values in [0, 1]) row by row, `columns` to a row, with a white
 * `gutter` between them and white tiles filling the last row; each image scaled by the whole number
 * `scale` (nearest neighbour, so small digits stay sharp). The caller disposes the result.
 */
export function contactSheet(
  images: tf.Tensor4D,
  { columns, scale = 1, gutter = 0 }: { columns: number; scale?: number; gutter?: number },
): tf.Tensor3D {
  return tf.tidy(() => {
    const [n, h, w] = images.shape;
    const scaled = scale === 1 ? images : tf.image.resizeNearestNeighbor(images, [h * scale, w * scale]);
    const padded = tf.pad(
      scaled,
      [
        [0, 0],
        [0, gutter],
        [0, gutter],
        [0, 0],
      ],
      1,
    );
    const tiles = tf.unstack(padded);
    const across = Math.min(columns, n);
    const rows: tf.Tensor[] = [];
    for (let r = 0; r < n; r += across) {
      const row = tiles.slice(r, r + across);
      while (row.length < across) row.push(tf.onesLike(tiles[0] as tf.Tensor));
      rows.push(tf.concat(row, 1));
    }
    return tf.concat(rows, 0) as tf.Tensor3D;
  });
}

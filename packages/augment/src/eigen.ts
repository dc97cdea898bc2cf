/**
 * Eigendecomposition of a real symmetric matrix by cyclic Jacobi rotations, in float64 (tfjs-core has no
 * eigen solver). Each sweep zeroes every off-diagonal element once; it converges quadratically and is
 * accurate to machine precision. O(n³) per sweep: meant for the covariance of flattened patches or colour
 * channels (n up to a few hundred), computed once when fitting.
 */

export interface SymmetricEigen {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** Eigenvectors as the columns of an n×n row-major matrix, in the order of `values`. */
  vectors: Float64Array;
}

export function symmetricEigen(
  matrix: ArrayLike<number>,
  n: number,
  { maxSweeps = 100, tolerance = 1e-14 } = {},
): SymmetricEigen {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  const at = (i: number, j: number) => a[i * n + j] as number;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let scale = 0;
    for (let i = 0; i < n; i++) {
      scale += at(i, i) ** 2;
      for (let j = i + 1; j < n; j++) off += at(i, j) ** 2;
    }
    if (off <= tolerance * tolerance * Math.max(scale, Number.MIN_VALUE)) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = at(p, q);
        if (apq === 0) continue;
        const theta = (at(q, q) - at(p, p)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = at(k, p);
          const akq = at(k, q);
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = at(p, k);
          const aqk = at(q, k);
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p] as number;
          const vkq = v[k * n + q] as number;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => at(j, j) - at(i, i));
  const values = Float64Array.from(order, (i) => at(i, i));
  const vectors = new Float64Array(n * n);
  order.forEach((source, target) => {
    for (let k = 0; k < n; k++) vectors[k * n + target] = v[k * n + source] as number;
  });
  return { values, vectors };
}

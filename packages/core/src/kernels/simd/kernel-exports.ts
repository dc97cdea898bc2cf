/** The interface of gradwell's SIMD kernels module (`kernels.wat`), shared by its loader and its pool. */

/** A pooling's sizes in the order the pooling kernels take them. */
export type PoolSizes = [
  batch: number,
  inHeight: number,
  inWidth: number,
  channels: number,
  outHeight: number,
  outWidth: number,
  filterHeight: number,
  filterWidth: number,
];

/** After `PoolSizes` in `maxPoolWindows`' arguments: the strides and the padding before the image. */
export type PoolSteps = [strideHeight: number, strideWidth: number, padTop: number, padLeft: number];

/** The functions `kernels.wat` exports; every pointer is a byte offset into the backend's memory. */
export interface SimdKernels {
  /**
   * MaxPoolGrad over disjoint unpadded windows, channels a multiple of 4: each dy written to dx where its
   * window's maximum is (as `maxPoolDisjoint` takes it), 0 at the window's other positions; positions
   * outside every window are not written.
   */
  maxPoolGradDisjoint(x: number, dy: number, dx: number, ...sizes: PoolSizes): void;
  /**
   * MaxPool over disjoint unpadded windows (stride = window), channels a multiple of 4: y of
   * [batch, outHeight, outWidth, channels] from x of [batch, inHeight, inWidth, channels], each output
   * its window's maximum from −∞ by strictly greater values (a NaN is never taken), as tfjs's cpu backend.
   */
  maxPoolDisjoint(x: number, y: number, ...sizes: PoolSizes): void;
  /**
   * MaxPool over any windows (strided, overlapping, padded: `padTop` rows and `padLeft` columns before
   * the image, the window's part outside it not read), any channel count, each output the maximum as
   * `maxPoolDisjoint` takes it; a window with nothing inside the image gives −∞.
   */
  maxPoolWindows(x: number, y: number, ...windows: [...PoolSizes, ...PoolSteps]): void;
  /**
   * MaxPoolGrad over the windows `maxPoolWindows` takes: dx zeroed image by image, then each dy added
   * where its window's maximum is, windows in output order; nothing where no value is above −∞.
   */
  maxPoolGradWindows(x: number, dy: number, dx: number, ...windows: [...PoolSizes, ...PoolSteps]): void;
  /**
   * AvgPoolGrad over the windows `maxPoolWindows` takes: dx zeroed image by image, then each dy times its
   * window's share (1 / its positions inside the image, in float32) added at each of them, in output order.
   */
  avgPoolGradWindows(dy: number, dx: number, ...windows: [...PoolSizes, ...PoolSteps]): void;
  columnSums(x: number, out: number, rows: number, cols: number, divisor: number): void;
  /** out = xᵀ: x of [rows, cols] into out of [cols, rows], 4-byte values; the two must not overlap. */
  transpose(x: number, out: number, rows: number, cols: number): void;
  /**
   * xᵀ (x of [rows, cols]) packed in the product's panels: panel p holds columns 4p … 4p + 3 of x as
   * [rows][4], the last panel's columns past `cols` zero; ⌈cols / 4⌉ · rows · 16 bytes.
   */
  packColumns(x: number, out: number, rows: number, cols: number): void;
  /**
   * The first `rowBytes` bytes of each of `rows` rows `srcStride` bytes apart at `src`, to rows
   * `rowBytes` apart at `dst` (rows that do not overlap): a product computed on more columns than its
   * output has, made its own shape.
   */
  copyRows(src: number, dst: number, rows: number, rowBytes: number, srcStride: number): void;
  /**
   * out[m, o] = Σ_p A(m, p)·B[p, o]: A's element (m, p) at `a + offsets[m]` plus p's position, B row-major
   * with `columns` (a multiple of 8) per row. p runs over `chunks` chunks ("images", `chunkBytes` apart in
   * A) of `chunkRows` × `chunkColumns` positions (`rowStepBytes` / `colStepBytes` apart in A).
   */
  productAtB(
    a: number,
    b: number,
    out: number,
    offsets: number,
    rows: number,
    columns: number,
    chunks: number,
    chunkRows: number,
    chunkColumns: number,
    chunkBytes: number,
    rowStepBytes: number,
    colStepBytes: number,
  ): void;
  /**
   * `productAtB` of images in groups of `per` (the last group the rest of `remaining`), group g into its
   * own output copy at `out` + g · rows · columns · 4 (for the caller to add in order): `groups` calls of
   * `productAtB`, each on its group's images.
   */
  productGroups(
    a: number,
    b: number,
    out: number,
    offsets: number,
    rows: number,
    columns: number,
    groups: number,
    per: number,
    remaining: number,
    chunkRows: number,
    chunkColumns: number,
    chunkBytes: number,
    rowStepBytes: number,
    colStepBytes: number,
  ): void;
  /**
   * `productAtB` on a block of the output: its `rows` rows (from `offsets`) and `columns` columns (`b` and
   * `out` pointing at its first column) of a product whose B and out rows are `rowBytes` apart.
   */
  productBlock(...args: [...Parameters<SimdKernels['productAtB']>, rowBytes: number]): void;
  /**
   * out[r, c] = x[r, c] + bias[c] over `rows` rows of `cols` values (one float32 addition each), then,
   * where `relu` is 1, ReLU of each sum (the sum where it is > 0 or NaN, +0 elsewhere); `out` may be `x`.
   */
  biasAdd(x: number, bias: number, out: number, rows: number, cols: number, relu: number): void;
  /**
   * ReLU's gradient, out = dy · step(x) (step: 1 where x > 0, NaN where x is NaN, 0 elsewhere; one
   * float32 product each), over `count` values; `out` may be `dy`.
   */
  reluGrad(dy: number, x: number, out: number, count: number): void;
  /**
   * `reluGrad` over rows of `cols` values in `groups` groups of `per` rows (the last the rest of
   * `remaining`), each group's column sums of out (rows in order, from +0) into its own row of `sums`.
   */
  reluGradSums(
    dy: number,
    x: number,
    out: number,
    sums: number,
    groups: number,
    per: number,
    remaining: number,
    cols: number,
  ): void;
  /**
   * Adam's update of `count` values: m' = m·β₁ + g·(1 − β₁), v' = v·β₂ + (g·g)·(1 − β₂),
   * w' = ((m'/c₁) / (√(v'/c₂) + ε))·(−η) + w, each step rounded to float32 in tfjs's order. An output may be
   * its own input (in place); otherwise outputs must not overlap inputs.
   */
  adamUpdate(
    w: number,
    g: number,
    m: number,
    v: number,
    wOut: number,
    mOut: number,
    vOut: number,
    count: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    c1: number,
    c2: number,
    epsilon: number,
    negRate: number,
  ): void;
  /**
   * Plain SGD's update of `count` values: w' = (−η)·g + w, each step rounded to float32 in tfjs's order.
   * `wOut` may be `w`.
   */
  sgdUpdate(w: number, g: number, wOut: number, count: number, negRate: number): void;
  /**
   * out = a op b over `count` float32 values, `op` 0 add, 1 subtract, 2 multiply, 3 divide (one IEEE
   * operation each); an operand whose `…Scalar` flag is 1 is a single value for every position. `out`
   * may be an operand that is not a scalar.
   */
  binaryOp(
    a: number,
    b: number,
    out: number,
    count: number,
    op: number,
    aScalar: number,
    bScalar: number,
  ): void;
  /**
   * A convolution's input gradient from its columns (col2im): per output pixel (n, oy, ox),
   * `colsPixelBytes` bytes of `cols` (at least filterHeight · filterWidth · channels floats: per tap
   * (ky, kx), `channels` values, summed into dx[n, oy·sh + ky·dh − top, ox·sw + kx·dw − left, :] where
   * that is in the image; the rest, padding, is never read); dx (`images` × inHeight × inWidth ×
   * channels) is zeroed first.
   */
  col2im(
    cols: number,
    dx: number,
    images: number,
    inHeight: number,
    inWidth: number,
    channels: number,
    outHeight: number,
    outWidth: number,
    filterHeight: number,
    filterWidth: number,
    strideH: number,
    strideW: number,
    dilationH: number,
    dilationW: number,
    padTop: number,
    padLeft: number,
    colsPixelBytes: number,
  ): void;
  /**
   * `Conv2DBackpropInput` a group of `group` images at a time: their columns (`productAtB` of their dy,
   * `dyImageBytes` an image, by Wᵀ in `weights`, [k, taps]: the filter's taps padded with zero columns
   * to a multiple of 8) into `cols` (room for a group, `colsImageBytes`
   * an image, used again for each group), then `col2im` of those columns into their images of dx
   * (`dxImageBytes` each), while they are in cache. `offsets`: the byte offset in dy of each of a group's
   * output pixels (i·k·4), rounded up to a multiple of 4 entries. `geometry`: 15 int32s, k's chunks and
   * k per chunk, then `col2im`'s arguments from inHeight to padLeft. Shared among threads by whole groups
   * (sliced-kernels.ts), a block's group uses the room of the block's first image: `cols` then needs
   * room for `images` images.
   */
  columnsToImages(
    dy: number,
    weights: number,
    cols: number,
    offsets: number,
    dx: number,
    images: number,
    group: number,
    geometry: number,
    taps: number,
    dyImageBytes: number,
    colsImageBytes: number,
    dxImageBytes: number,
  ): void;
  /**
   * Momentum's update of `count` values: a' = μ·a + g, w' = (−η)·a' + w (Nesterov: w' = (−η)·(g + a'·μ) + w
   * when `nesterov` is 1), each step rounded to float32 in tfjs's order. Outputs must not overlap inputs.
   */
  momentumUpdate(
    w: number,
    g: number,
    a: number,
    wOut: number,
    aOut: number,
    count: number,
    momentum: number,
    negRate: number,
    nesterov: number,
  ): void;
  /**
   * RMSProp's update of `count` values (not centered; s the mean square, a the moment):
   * s' = s·ρ + (g·g)·(1 − ρ), a' = a·μ + (g·η) / √(s' + ε), w' = w − a', each step rounded to float32 in
   * tfjs's order. An output may be its own input (in place); otherwise outputs must not overlap inputs.
   */
  rmspropUpdate(
    w: number,
    g: number,
    s: number,
    a: number,
    wOut: number,
    sOut: number,
    aOut: number,
    count: number,
    decay: number,
    oneMinusDecay: number,
    momentum: number,
    epsilon: number,
    rate: number,
  ): void;
  /**
   * Centered RMSProp's update of `count` values (ḡ the mean gradient): s' as `rmspropUpdate`'s,
   * ḡ' = ḡ·ρ + g·(1 − ρ), a' = a·μ + (g·η) / √(s' − (ḡ'·ḡ' + ε)), w' = w − a', each step rounded to
   * float32 in tfjs's order. Outputs as `rmspropUpdate`'s.
   */
  centeredRmspropUpdate(
    w: number,
    g: number,
    s: number,
    a: number,
    mg: number,
    wOut: number,
    sOut: number,
    aOut: number,
    mgOut: number,
    count: number,
    decay: number,
    oneMinusDecay: number,
    momentum: number,
    epsilon: number,
    rate: number,
  ): void;
  /**
   * Adagrad's update of `count` values (c the accumulator): c' = c + g·g, w' = (g / √(c' + ε))·(−η) + w,
   * each step rounded to float32 in tfjs's order. Outputs as `rmspropUpdate`'s.
   */
  adagradUpdate(
    w: number,
    g: number,
    c: number,
    wOut: number,
    cOut: number,
    count: number,
    epsilon: number,
    negRate: number,
  ): void;
}

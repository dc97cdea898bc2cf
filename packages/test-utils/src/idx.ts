/** Bytes of an idx file (unsigned bytes) with the given shape and values: fixtures for the idx readers. */
export function encodeIdx(shape: number[], data: number[]): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  view.setUint8(2, 0x08);
  view.setUint8(3, shape.length);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  return Uint8Array.from([...header, ...data]);
}

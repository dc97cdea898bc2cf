/**
 * The idx file format of MNIST and Fashion-MNIST (LeCun et al.): a magic number whose third byte is
 * the element type (0x08 = unsigned byte) and fourth the rank, then the dimensions as big-endian
 * uint32, then the data. Browser-safe (bytes in, arrays out).
 */

export interface IdxHeader {
  shape: number[];
  /** Byte offset of the first element. */
  dataOffset: number;
}

/** Reads and checks an idx header (unsigned-byte data only, as in MNIST). */
export function parseIdxHeader(bytes: Uint8Array, source = 'idx data'): IdxHeader {
  if (bytes.length < 4) throw new Error(`${source}: not an idx file (shorter than its 4-byte magic number).`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== 0 || view.getUint8(2) !== 0x08) {
    throw new Error(
      `${source}: not an unsigned-byte idx file (magic number 0x${view.getUint32(0).toString(16).padStart(8, '0')}, expected 0x000008xx).`,
    );
  }
  const rank = view.getUint8(3);
  if (rank === 0 || bytes.length < 4 + 4 * rank)
    throw new Error(`${source}: idx header of rank ${rank} is truncated.`);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  return { shape, dataOffset: 4 + 4 * rank };
}

/** Decodes a whole idx file: its shape and its bytes (a view, not a copy). */
export function decodeIdx(bytes: Uint8Array, source = 'idx data'): { shape: number[]; data: Uint8Array } {
  const { shape, dataOffset } = parseIdxHeader(bytes, source);
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length < dataOffset + count)
    throw new Error(
      `${source}: holds ${bytes.length - dataOffset} bytes of data, its header promises ${count}.`,
    );
  return { shape, data: bytes.subarray(dataOffset, dataOffset + count) };
}

export declare function loadMnistSplit(
  split: 'train' | 'test',
  options?: { limit?: number; offset?: number },
): { images: Float32Array; labels: Uint8Array; count: number };

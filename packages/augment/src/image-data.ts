/** Browser side: canvas ImageData ↔ HWC float tensors in [0, 1] (RGB; alpha dropped or set opaque). */
import {
  clipByValue,
  mul,
  round,
  slice,
  tensor3d,
  tidy,
  type Tensor,
  type Tensor3D,
} from '@tensorflow/tfjs-core';
import {
  assertFiniteValues,
  assertPositiveInteger,
  assertTensor,
  GradwellArgumentError,
} from '@gradwell/core';

export interface ImageDataLike {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export function imageDataToTensor(imageData: ImageDataLike): Tensor3D {
  const context = 'imageDataToTensor';
  if (imageData === null || typeof imageData !== 'object')
    throw new GradwellArgumentError(context, 'imageData', 'an ImageData { data, width, height }', imageData);
  const { data, width, height } = imageData;
  assertPositiveInteger(context, 'width', width);
  assertPositiveInteger(context, 'height', height);
  if (!(data instanceof Uint8ClampedArray) || data.length !== width * height * 4)
    throw new GradwellArgumentError(
      context,
      'data',
      `a Uint8ClampedArray of width × height × 4 = ${width * height * 4} RGBA bytes`,
      data instanceof Uint8ClampedArray ? `${data.length} bytes` : data,
    );
  const rgb = new Float32Array(width * height * 3);
  for (let i = 0, j = 0; i < data.length; i += 4, j += 3) {
    rgb[j] = (data[i] as number) / 255;
    rgb[j + 1] = (data[i + 1] as number) / 255;
    rgb[j + 2] = (data[i + 2] as number) / 255;
  }
  return tensor3d(rgb, [height, width, 3]);
}

/** RGB (or grayscale) HWC in [0, 1] → RGBA bytes, for `new ImageData(data, width, height)`. */
export function tensorToImageData(image: Tensor): ImageDataLike {
  assertTensor('tensorToImageData', 'image', image, { ranks: [3], dtypes: ['float32'] });
  assertFiniteValues('tensorToImageData', 'image', image);
  const [height, width, channels] = image.shape as [number, number, number];
  const bytes = tidy(() =>
    round(mul(clipByValue(channels > 3 ? slice(image, [0, 0, 0], [-1, -1, 3]) : image, 0, 1), 255)),
  );
  const values = bytes.dataSync();
  bytes.dispose();
  const used = Math.min(channels, 3);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) data[p * 4 + c] = values[p * used + (used === 1 ? 0 : c)] as number;
    data[p * 4 + 3] = 255;
  }
  return { data, width, height };
}

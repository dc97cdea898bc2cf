export { maxNorm, minMaxNorm, rescale, standardize } from './preprocess';
export { batchesOf, fitNormalizer, normalizerFrom, type Dataset, type Normalizer } from './normalizer';
export { fitWhitening, type Whitening } from './whitening';
export { symmetricEigen, type SymmetricEigen } from './eigen';
export {
  crop,
  cropAt,
  flipHorizontal,
  flipVertical,
  randomCrop,
  randomRescale,
  randomResizedCrop,
  rescaleBy,
  sampleResizedCropBox,
  type RandomResizedCropOptions,
} from './geometry';
export {
  adjustBrightness,
  adjustContrast,
  adjustHue,
  adjustSaturation,
  grayscaleChannel,
  hsvToRgb,
  rgbToHsv,
  toGrayscale,
  type Factor,
} from './color';
export {
  colorJitter,
  eraseRectangles,
  fitPcaLighting,
  randomErasing,
  type ColorJitterOptions,
  type PcaLighting,
  type RandomErasingOptions,
} from './photometric';
export { cutmix, mixup, sampleBeta, sampleGamma, type MixedBatch } from './mixing';
export * from './pipeline';
export { imageDataToTensor, tensorToImageData, type ImageDataLike } from './image-data';

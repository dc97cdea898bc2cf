export { IDX_FILES, loadIdxImageSet, type ImageSetLoadOptions, type Split } from './idx-files';
export { loadMnist, loadMnistSets, mnistDataDirectory, MNIST_PRESETS } from './mnist';
export { FASHION_MNIST_ENV, loadFashionMnist } from './fashion-mnist';
export {
  imageFolderClasses,
  loadImageFile,
  loadImageFolder,
  UnreadableImageError,
  type ImageFolderOptions,
  type ImageFolderSet,
} from './image-folder';

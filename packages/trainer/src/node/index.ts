/** The Node-only parts of the trainer: datasets read from disk and the directory checkpoint store. */
export {
  FASHION_MNIST_ENV,
  loadFashionMnist,
  loadMnist,
  loadMnistSets,
  mnistDataDirectory,
  MNIST_PRESETS,
  type ImageSetLoadOptions,
  type Split,
} from './datasets';
export { directoryStore } from './directory-store';

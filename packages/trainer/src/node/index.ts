/**
 * The Node-only part of the trainer: checkpoints in a directory, and models in files (`file://`).
 * (Real datasets: `@gradwell/datasets`.)
 */
export { directoryStore } from './directory-store';
export { fileSystemHandler, registerFileSystemRouters } from './file-system';

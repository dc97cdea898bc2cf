/** The Node-only part of the trainer: checkpoints in a directory. (Real datasets: `@gradwell/datasets`.) */
export { directoryStore } from './directory-store';

// @ts-check
/** The workspace benchmarks' shared helpers (and the raw MNIST reader the tests use too). */
export { createReport, quick } from './report.mjs';
export { medianMs } from './timing.mjs';
export { loadMnistSplit } from './mnist.mjs';

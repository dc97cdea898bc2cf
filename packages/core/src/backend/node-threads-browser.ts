/** What `#node-threads` resolves to outside Node (browser bundles): the Node-only path is never taken there. */
const nodeOnly = (): never => {
  throw new Error('gradwell: the Node.js threads loader is not available in this environment.');
};

export const registerThreadedWasmForNode = (_threads: number): Promise<void> =>
  Promise.reject(new Error('gradwell: the Node.js threads loader is not available in this environment.'));
export const restoreSingleThreadedWasm = (): void => nodeOnly();
export const availableCores = (): number =>
  typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1;

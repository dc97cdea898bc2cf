/** `file://` outside Node: there is no file system to write to; say what to use instead. */
import type { io } from '@tensorflow/tfjs-core';

export function fileSystemHandler(url: string): io.IOHandler {
  throw new Error(
    `'${url}': file:// needs Node.js; in a browser save to 'indexeddb://<name>' or 'downloads://<name>', or pass an IOHandler.`,
  );
}

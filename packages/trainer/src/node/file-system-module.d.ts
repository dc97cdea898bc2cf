/** The conditional import of Node's file:// handler (package.json `imports`; a stub outside Node). */
declare module '#file-system' {
  import type { io } from '@tensorflow/tfjs-core';
  export function fileSystemHandler(url: string): io.IOHandler;
}

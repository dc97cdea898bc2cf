/**
 * The process-wide handlers tfjs-backend-wasm's emscripten glue leaves behind in Node, taken away again.
 */

/**
 * Runs `start` and removes the `uncaughtException` and `unhandledRejection` listeners the wasm module's
 * emscripten glue installs in Node while it starts: they rethrow, so any later uncaught error of the
 * program printed the whole minified module (~55 KB) and exited with code 7. Without them Node reports
 * the program's own errors as usual (message and stack, exit 1).
 */
export async function withoutEmscriptenProcessHandlers<T>(start: () => Promise<T>): Promise<T> {
  const listeners = () => ({
    uncaught: process.listeners('uncaughtException'),
    rejection: process.listeners('unhandledRejection'),
  });
  const before = listeners();
  try {
    return await start();
  } finally {
    const after = listeners();
    for (const listener of after.uncaught)
      if (!before.uncaught.includes(listener)) process.removeListener('uncaughtException', listener);
    for (const listener of after.rejection)
      if (!before.rejection.includes(listener)) process.removeListener('unhandledRejection', listener);
  }
}

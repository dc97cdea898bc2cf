/** Running one suite on several backends: each backend gets its own `describe` block. */
import { setupBackend, type BackendName } from '@gradwell/core';
import { beforeAll, describe } from 'vitest';

export const ALL_BACKENDS: readonly BackendName[] = ['wasm', 'cpu'];

/** Declares `body` once per backend, with that backend set up before the block's tests run. */
export function describeOnBackends(
  name: string,
  body: (backend: BackendName) => void,
  backends: readonly BackendName[] = ALL_BACKENDS,
): void {
  for (const backend of backends) {
    describe(`${name} [${backend}]`, () => {
      beforeAll(async () => {
        await setupBackend({ backend });
      });
      body(backend);
    });
  }
}

/**
 * The app: starts gradwell's wasm backend (threaded SIMD when the page is cross-origin isolated, with a
 * visible note when it is not) and shows one page per topic of the lecture, chosen by the URL hash.
 */
import { env } from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { setStatus } from './state';
import { mountAugment } from './pages/augment';
import { mountInit } from './pages/init';
import { mountActivations } from './pages/activations';
import { mountRegularization } from './pages/regularization';
import { mountLab } from './pages/lab';

type Mount = (root: HTMLElement) => (() => void) | void;

const PAGES: Record<string, Mount> = {
  augment: mountAugment,
  init: mountInit,
  activations: mountActivations,
  regularization: mountRegularization,
  lab: mountLab,
};

const banner = document.getElementById('backend') as HTMLElement;
const root = document.getElementById('page') as HTMLElement;
let cleanup: (() => void) | void;

async function start(): Promise<void> {
  const report = await setupBackend({ wasmPaths: new URL('./wasm/', document.baseURI).href });
  window.gradwell.backend = {
    ...report,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    multithreadSupport: (await env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true,
  };
  banner.textContent = `${report.backend}${report.simd ? ' SIMD' : ''} · ${report.threads} thread${report.threads === 1 ? '' : 's'}${
    window.gradwell.backend.crossOriginIsolated ? ' · cross-origin isolated' : ''
  }`;
  if (report.threadsNote !== undefined) {
    banner.classList.add('warn');
    banner.title = report.threadsNote;
    banner.textContent += ` — single-threaded: ${report.threadsNote}`;
  }
  window.addEventListener('hashchange', show);
  show();
}

function show(): void {
  const name = location.hash.slice(1) || 'augment';
  const mount = PAGES[name] ?? mountAugment;
  cleanup?.();
  root.replaceChildren();
  setStatus({ page: name, ready: false });
  for (const a of Array.from(document.querySelectorAll('nav a')))
    a.classList.toggle('active', a.getAttribute('href') === `#${name}`);
  cleanup = mount(root);
}

start().catch((error: unknown) => {
  banner.classList.add('warn');
  banner.textContent = `the backend did not start: ${(error as Error).message}`;
  setStatus({ error: (error as Error).message });
});

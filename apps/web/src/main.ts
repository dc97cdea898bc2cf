/**
 * The app: the page's own wasm backend (SIMD, one thread: it draws figures) and the training worker's
 * (threaded SIMD when the page is cross-origin isolated — training runs there, so the page keeps its frame
 * rate). The banner reports the worker's backend, or why it has fewer threads. One page per topic of the
 * lecture, chosen by the URL hash.
 */
import { memory } from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { setStatus } from './state';
import { mountAugment } from './pages/augment';
import { mountInit } from './pages/init';
import { mountActivations } from './pages/activations';
import { mountRegularization } from './pages/regularization';
import { mountLab } from './pages/lab';
import { mountScale } from './pages/scale';
import { trainingWorker } from './worker/client';

type Mount = (root: HTMLElement) => (() => void) | void;

const PAGES: Record<string, Mount> = {
  augment: mountAugment,
  init: mountInit,
  activations: mountActivations,
  regularization: mountRegularization,
  scale: mountScale,
  lab: mountLab,
};

const banner = document.getElementById('backend') as HTMLElement;
const root = document.getElementById('page') as HTMLElement;
let cleanup: (() => void) | void;

async function start(): Promise<void> {
  const page = await setupBackend({ wasmPaths: new URL('./wasm/', document.baseURI).href, threads: 1 });
  window.gradwell.pageBackend = page;
  window.gradwell.pageTensors = () => memory().numTensors;
  window.addEventListener('hashchange', show);
  show();
  const report = await trainingWorker().ready;
  window.gradwell.backend = report;
  window.gradwell.workerMemory = () => trainingWorker().api.memory();
  const cores = navigator.hardwareConcurrency || 1;
  banner.textContent = `training: ${report.backend}${report.simd ? ' SIMD' : ''} · ${report.threads} thread${report.threads === 1 ? '' : 's'} of ${cores} cores${
    report.crossOriginIsolated ? ' · cross-origin isolated' : ''
  } · in a worker`;
  banner.title =
    'The worker trains on every core (at most 4); its kernel threads sleep between products, so the page stays smooth.';
  if (report.threadsNote !== undefined) {
    banner.classList.add('warn');
    banner.title = report.threadsNote;
    banner.textContent += ` — single-threaded: ${report.threadsNote}`;
  }
}

function show(): void {
  const name = location.hash.slice(1) || 'augment';
  const mount = PAGES[name] ?? mountAugment;
  // Remove the old page first: removing a focused input fires its 'change', which the old page must
  // still be alive to handle; then free what it holds.
  root.replaceChildren();
  cleanup?.();
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

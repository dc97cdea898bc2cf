/**
 * The page's side of the training worker: one worker for the whole app (started once, with the backend
 * inside it), wrapped by comlink. Events from a run come back through a comlink proxy.
 */
import * as Comlink from 'comlink';
import type { BackendInfo, Recipe, RunEvents, TrainEvents, TrainOutcome, WorkerApi } from './protocol';

let worker: Comlink.Remote<WorkerApi> | undefined;

/**
 * How many wasm threads train in the worker: every core, at most 4 (the small models here gain little
 * beyond). The page keeps its frame rate all the same: with no core to spare, gradwell's kernel workers
 * sleep between products instead of polling, and XNNPACK runs on the worker's own thread, so the page's
 * thread gets a core whenever it has a frame to draw (the e2e test holds every frame under 50 ms while a
 * CNN trains on both cores of a 2-core machine). Leaving a core to the page, as the first release did, cost
 * a third of the throughput there. `?threads=N` in the address overrides it, for measuring.
 */
export function workerThreads(): number {
  const asked = Number(new URLSearchParams(location.search).get('threads'));
  if (Number.isInteger(asked) && asked >= 1 && asked <= 16) return asked;
  return Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1));
}
let ready: Promise<BackendInfo> | undefined;

/** The worker and its backend report (the first call starts both). */
export function trainingWorker(): { api: Comlink.Remote<WorkerApi>; ready: Promise<BackendInfo> } {
  if (worker === undefined) {
    worker = Comlink.wrap<WorkerApi>(
      new Worker(new URL('./train-worker.ts', import.meta.url), {
        type: 'module',
        name: 'gradwell-training',
      }),
    );
    ready = worker.init(document.baseURI, workerThreads());
  }
  return { api: worker, ready: ready as Promise<BackendInfo> };
}

/** Trains a recipe in the worker; `events` are called as it goes. */
export async function trainInWorker(recipe: Recipe, events: TrainEvents): Promise<TrainOutcome> {
  const { api, ready: started } = trainingWorker();
  await started;
  const run: RunEvents = { ...events, finished: () => undefined };
  return api.train(recipe, Comlink.proxy(run));
}

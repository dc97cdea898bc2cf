/**
 * Timing for the A/B benches: the ways to compare are called in turn, call by call, in one process, so
 * drift on a shared machine falls on all of them alike.
 */

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

/**
 * The median ms of each of `ways` over `calls` rounds (each way called once a round, in order) after
 * `warmup` untimed rounds. A way that returns a tensor has its values read inside its time (the wasm
 * kernels return when done: this is cheap) and is disposed of after it.
 */
export function alternatedMedians(ways, calls, warmup = 2) {
  const times = ways.map(() => []);
  for (let i = -warmup; i < calls; i++)
    ways.forEach((way, k) => {
      const start = performance.now();
      const out = way();
      out?.dataSync?.();
      const ms = performance.now() - start;
      out?.dispose?.();
      if (i >= 0) times[k].push(ms);
    });
  return times.map(median);
}

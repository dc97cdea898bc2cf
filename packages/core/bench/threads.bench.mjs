/**
 * Thread scaling of the wasm backend in Node (issue: multithreaded SIMD wasm): matMul 1024, conv2d
 * [64,28,28,32]×[3,3,32,64], one MLP and one CNN SGD step at 1, 2, 4 and 8 threads (those the machine
 * has cores for), each count in its own process. Speed-ups are against 1 thread in the same run; the
 * note gives CPU seconds per busy OS thread (the pthread workers doing the work) and the machine.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createReport, quick } from '@gradwell/bench-kit';

const report = createReport('threads');
const child = fileURLToPath(new URL('./threads-child.mjs', import.meta.url));
const cores = availableParallelism();
const counts = [1, 2, 4, 8].filter((n) => n === 1 || n <= cores);
const results = counts.map((n) =>
  JSON.parse(
    execFileSync(process.execPath, [child, String(n), quick ? 'quick' : ''], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop(),
  ),
);
const machine = `${cores} cores (${cpus()[0]?.model ?? 'unknown CPU'})`;
const baseline = results[0];
for (const [key, label] of [
  ['matMul1024', 'matMul 1024×1024'],
  ['conv2d', 'conv2d [64,28,28,32]×3×3×32×64'],
  ['mlpStep', 'MLP 784-512-256-10 SGD step'],
  ['cnnStep', 'CNN SGD step (batch 64)'],
]) {
  for (const result of results.slice(1)) {
    report.add({
      name: `${label}, ${result.threads} threads (wasm, Node)`,
      medianMs: result[key],
      reference: { name: '1 thread', medianMs: baseline[key] },
      note: `${machine}; busy threads' CPU s: ${result.busyThreadsCpuSeconds.join(', ')} (1 thread: ${baseline.busyThreadsCpuSeconds.join(', ')})`,
    });
  }
}
if (results.length === 1)
  report.add({
    name: 'thread scaling',
    note: `only ${cores} core(s): nothing to compare`,
    medianMs: baseline.matMul1024,
  });
report.write();

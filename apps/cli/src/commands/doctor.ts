/** `gradwell doctor`: the backend gradwell picks here (wasm SIMD, threads, or why not), versions, cores. */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { Command } from 'commander';
import {
  listGradientConfigs,
  listTrainingKernels,
  setupBackend,
  simdKernelsAvailable,
  simdKernelsFlavour,
} from '@gradwell/core';
import { backend as currentBackend } from '@tensorflow/tfjs-core';
import { numberFlag } from '../errors';
import { createOutput } from '../output';

const require = createRequire(import.meta.url);

function versionOf(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

export function doctorCommand(): Command {
  return new Command('doctor')
    .description('show the backend (wasm SIMD, threads), versions and cores')
    .option('--threads <n>', 'ask for this many wasm threads')
    .option('--no-relaxed-simd', "the plain SIMD build of gradwell's kernels (no fused multiply-add)")
    .option('--json', 'print the report as JSON on stdout')
    .action(async (flags: { json?: boolean; threads?: string; relaxedSimd: boolean }) => {
      const out = createOutput({ json: flags.json });
      const threads = numberFlag('--threads', flags.threads, { min: 1, integer: true });
      const report = await setupBackend({
        ...(threads === undefined ? {} : { threads }),
        relaxedSimd: flags.relaxedSimd,
      });
      const own = (require('../package.json') as { version: string }).version;
      const versions: Record<string, string> = {
        ...Object.fromEntries(
          [
            '@tensorflow/tfjs-core',
            '@tensorflow/tfjs-backend-wasm',
            '@gradwell/core',
            '@gradwell/trainer',
          ].map((n) => [n, versionOf(n)]),
        ),
        '@gradwell/cli': own,
      };
      const result = {
        backend: report.backend,
        simd: report.simd,
        threads: report.threads,
        threadsNote: report.threadsNote,
        cores: availableParallelism(),
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        versions,
        trainingKernels: listTrainingKernels().length,
        simdKernels: simdKernelsAvailable(currentBackend()),
        simdKernelsFlavour: simdKernelsFlavour(currentBackend()),
        simdKernelThreads: report.simdKernelThreads,
        simdKernelThreadsNote: report.simdKernelThreadsNote,
        xnnpackThreads: report.xnnpackThreads,
        gradients: listGradientConfigs().length,
      };
      const ok = (v: boolean) => (v ? out.color.green('yes') : out.color.yellow('no'));
      out.line(`${out.color.bold('backend')}   ${result.backend}`);
      out.line(`${out.color.bold('SIMD')}      ${ok(result.simd)}`);
      out.line(
        `${out.color.bold('threads')}   ${result.threads}${result.threadsNote ? ` (${result.threadsNote})` : ''}`,
      );
      out.line(`${out.color.bold('cores')}     ${result.cores}`);
      out.line(`${out.color.bold('node')}      ${result.node} (${result.platform})`);
      out.line(
        `${out.color.bold('kernels')}   ${result.trainingKernels} training kernels installed, ${result.gradients} gradients registered; gradwell's SIMD kernels ${result.simdKernels ? `running (${result.simdKernelsFlavour}; products and convolutions on ${result.simdKernelThreads ?? 1} thread${result.simdKernelThreads === 1 ? '' : 's'}${result.simdKernelThreadsNote ? `: ${result.simdKernelThreadsNote}` : ''})` : 'not running (JavaScript loops instead)'}; XNNPACK's kernels on ${result.xnnpackThreads ?? 0} thread${result.xnnpackThreads === 1 ? '' : 's'}`,
      );
      for (const [name, version] of Object.entries(versions)) out.line(`  ${name} ${version}`);
      out.result(result);
    });
}

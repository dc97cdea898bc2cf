/**
 * The `gradwell` command run as a process, as a user runs it (the built dist/cli.js): a scratch folder per
 * test file, the exit code and both streams, JSON results, and the one-line error every failure must be.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect } from 'vitest';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const cli = path.join(here, '..', 'dist', 'cli.js');
export const repositoryRoot = path.join(here, '..', '..', '..');

/** A temporary folder removed after the file's tests. */
export function scratchFolder(): string {
  const scratch = mkdtempSync(path.join(tmpdir(), 'gradwell-cli-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  return scratch;
}

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(args: string[], cwd: string): Result {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 600_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs the command and sends SIGINT once `when(stderr)` holds (polled every 20 ms); resolves with the exit
 * code and both streams.
 */
export function runAndInterrupt(
  args: string[],
  cwd: string,
  when: (stderr: string) => boolean,
): Promise<Result> {
  const child = spawn(process.execPath, [cli, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    let sent = false;
    const timer = setInterval(() => {
      if (!sent && when(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    }, 20);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function json<T>(r: Result): T {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** A usage or input error: one line on stderr with the problem and the fix, no stack trace. */
export function expectOneLineError(r: Result, code: number, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('(') && l.trim() !== '');
  expect(lines.length, r.stderr).toBeLessThanOrEqual(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** A folder of noisy grey 12×12 PNGs, 12 per class, each class its own brightness. */
export async function writeImageClasses(root: string, classes: Record<string, number>): Promise<string> {
  const { encodePng } = await import('@gradwell/augment/node');
  const tf = await import('@tensorflow/tfjs-core');
  const { setupBackend } = await import('@gradwell/core');
  await setupBackend({ backend: 'cpu' });
  for (const [label, value] of Object.entries(classes)) {
    mkdirSync(path.join(root, label), { recursive: true });
    for (let i = 0; i < 12; i++) {
      const image = tf.tidy(() =>
        tf.clipByValue(
          tf.add(tf.fill([12, 12, 3], value), tf.randomNormal([12, 12, 3], 0, 0.05, 'float32', i)),
          0,
          1,
        ),
      );
      writeFileSync(path.join(root, label, `${i}.png`), encodePng(image));
      image.dispose();
    }
  }
  return root;
}

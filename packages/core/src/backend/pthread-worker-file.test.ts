import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import { removeAbandonedDirectories } from './pthread-worker-file';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const made: string[] = [];

function scratch(): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'gradwell-worker-file-test-'));
  made.push(directory);
  return directory;
}

afterEach(() => {
  for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
});

test("removeAbandonedDirectories removes only this user's worker directories of processes that are gone", () => {
  const parent = scratch();
  const dead = 'gradwell-wasm-threads-4000001-AbC123';
  const running = 'gradwell-wasm-threads-4000002-XyZ789';
  const own = `gradwell-wasm-threads-${process.pid}-own123`;
  const legacy = 'gradwell-wasm-threads-Q1w2E3'; // the older naming: owner unknown, kept
  const notADirectory = 'gradwell-wasm-threads-4000003-file12';
  const unrelated = 'something-else-4000001-AbC123';
  for (const name of [dead, running, own, legacy, unrelated]) {
    mkdirSync(path.join(parent, name));
    writeFileSync(path.join(parent, name, 'worker.js'), '// worker');
  }
  writeFileSync(path.join(parent, notADirectory), 'a file');
  const asked: number[] = [];
  const removed = removeAbandonedDirectories(parent, (pid) => {
    asked.push(pid);
    return pid === 4000002;
  });
  expect(removed).toEqual([dead]);
  expect(readdirSync(parent).sort()).toEqual([running, own, legacy, notADirectory, unrelated].sort());
  expect(asked).not.toContain(process.pid);
  expect(removeAbandonedDirectories(path.join(parent, 'missing'))).toEqual([]);
});

/** Runs a Node process that sets up two threads with TMPDIR=`temporary`; `kill` ends it by SIGKILL. */
function threadedProcess(temporary: string, kill: boolean): ReturnType<typeof spawnSync> {
  const script = [
    "const { setupBackend } = await import('@gradwell/core');",
    'const result = await setupBackend({ threads: 2 });',
    "if (result.threads !== 2) throw new Error('no threads: ' + JSON.stringify(result));",
    kill ? "process.kill(process.pid, 'SIGKILL');" : '',
  ].join(' ');
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    env: { ...process.env, TMPDIR: temporary, TMP: temporary, TEMP: temporary },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

test('a process killed by a signal leaves its worker directory, and the next one clears it', () => {
  const temporary = scratch();
  const killed = threadedProcess(temporary, true);
  expect(killed.signal).toBe('SIGKILL');
  expect(readdirSync(temporary)).toEqual([expect.stringMatching(`^gradwell-wasm-threads-${killed.pid}-`)]);
  const next = threadedProcess(temporary, false);
  expect(next.stderr).toBe('');
  expect(next.status).toBe(0);
  expect(readdirSync(temporary)).toEqual([]); // the killed one's cleared, its own removed at exit
}, 120_000);

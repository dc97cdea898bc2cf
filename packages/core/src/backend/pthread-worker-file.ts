/**
 * The file the threaded wasm build's pthread workers start from in Node (their source ships as a string;
 * Node's workers take file paths). Each process writes it to a private temporary directory named after its
 * pid and removes it when it exits. A process killed by a signal (a test runner's worker, `kill`, an OOM)
 * never sees 'exit', so each new directory first clears those of processes that are gone: this user's
 * `gradwell-wasm-threads-<pid>-*` whose pid is no longer running.
 */
import { existsSync, lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const DIRECTORY_PREFIX = 'gradwell-wasm-threads-';
/** A folder this scheme names: the prefix, the owner's pid, mkdtemp's six characters. */
const OWNED = new RegExp(`^${DIRECTORY_PREFIX}(\\d+)-[A-Za-z0-9]{6}$`);

let written: string | undefined;

/** Writes `source` (once a process) as `<name>` in a private temporary directory; returns its path. */
export function pthreadWorkerFile(name: string, source: string): string {
  if (written !== undefined && existsSync(written)) return written;
  removeAbandonedDirectories(tmpdir());
  const directory = mkdtempSync(path.join(tmpdir(), `${DIRECTORY_PREFIX}${process.pid}-`));
  process.once('exit', () => rmSync(directory, { recursive: true, force: true }));
  written = path.join(directory, name);
  writeFileSync(written, source);
  return written;
}

/**
 * Removes the worker directories under `parent` that belong to this user and to no running process.
 * Directories of the older, pid-less naming are left alone (their owner cannot be told). Returns the names
 * removed. Never throws: a directory another process is removing, or one it cannot read, is skipped.
 */
export function removeAbandonedDirectories(
  parent: string,
  isRunning: (pid: number) => boolean = processIsRunning,
): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return removed;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const match = OWNED.exec(name);
    if (match === null) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || isRunning(pid)) continue;
    const directory = path.join(parent, name);
    try {
      const stat = lstatSync(directory);
      if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) continue;
      rmSync(directory, { recursive: true, force: true });
      removed.push(name);
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

/** Whether a process with this pid exists (EPERM: it does, under another user). */
function processIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

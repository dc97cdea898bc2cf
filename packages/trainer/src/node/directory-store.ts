/**
 * Checkpoints in a directory: each checkpoint is a sub-directory `<label>/`, written to a temporary
 * sibling, flushed (fsync) and renamed into place — a rename is atomic, so after a crash or Ctrl-C
 * a label holds either the previous complete checkpoint or the new one, never half of one. `LATEST`
 * names the newest, and is replaced the same way.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { checkLabel, type CheckpointFiles, type CheckpointStore } from '../checkpoint';

const LATEST = 'LATEST';
const SAVED_AT = '.saved-at';

function writeFileSynced(file: string, bytes: Uint8Array): void {
  const fd = openSync(file, 'w');
  try {
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some platforms (Windows) cannot open a directory for fsync; the rename is still atomic there.
  }
}

/** Whether the process `pid` is running (signal 0 tests for it without sending anything). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the `.tmp-<label>-<pid>-<time>` and `.old-…` folders a save left when its process died mid-write
 * (killed, power cut); those of a process still running (a save under way) are left alone.
 */
function removeStaleTemporaries(root: string): void {
  if (!existsSync(root)) return;
  for (const entry of readdirSync(root)) {
    const match = /^\.(?:tmp|old)-.+-(\d+)-\d+$/.exec(entry);
    if (match !== null && !isRunning(Number(match[1])))
      rmSync(path.join(root, entry), { recursive: true, force: true });
  }
}

/** A checkpoint store in `directory` (created if missing); leftovers of interrupted saves are cleaned up. */
export function directoryStore(directory: string): CheckpointStore & { readonly directory: string } {
  if (typeof directory !== 'string' || directory === '')
    throw new Error(`directoryStore: argument 'directory' must be a path, got ${JSON.stringify(directory)}.`);
  const root = path.resolve(directory);
  if (existsSync(root) && !statSync(root).isDirectory())
    throw new Error(`directoryStore: '${root}' exists and is not a directory.`);
  removeStaleTemporaries(root);
  let clock = 0;
  const labels = (): Array<{ label: string; savedAt: number }> => {
    if (!existsSync(root)) return [];
    return readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .flatMap((e) => {
        const stamp = path.join(root, e.name, SAVED_AT);
        return existsSync(stamp) ? [{ label: e.name, savedAt: Number(readFileSync(stamp, 'utf8')) }] : [];
      })
      .sort((a, b) => a.savedAt - b.savedAt || a.label.localeCompare(b.label));
  };
  return {
    directory: root,
    async save(label, files) {
      checkLabel(label);
      mkdirSync(root, { recursive: true });
      const temporary = path.join(root, `.tmp-${label}-${process.pid}-${Date.now()}`);
      mkdirSync(temporary);
      try {
        for (const [name, bytes] of files) {
          if (name.includes('/') || name.includes('\\') || name.startsWith('.'))
            throw new Error(`directoryStore: file name '${name}' must be a plain name.`);
          writeFileSynced(path.join(temporary, name), bytes);
        }
        clock = Math.max(Date.now(), clock + 1);
        writeFileSynced(path.join(temporary, SAVED_AT), new TextEncoder().encode(String(clock)));
        syncDirectory(temporary);
        const target = path.join(root, label);
        if (existsSync(target)) {
          // Move the old copy aside first: renaming onto a non-empty directory fails.
          const old = path.join(root, `.old-${label}-${process.pid}-${Date.now()}`);
          renameSync(target, old);
          renameSync(temporary, target);
          rmSync(old, { recursive: true, force: true });
        } else {
          renameSync(temporary, target);
        }
        const pointer = path.join(root, `.${LATEST}.tmp`);
        writeFileSynced(pointer, new TextEncoder().encode(label));
        renameSync(pointer, path.join(root, LATEST));
        syncDirectory(root);
      } catch (error) {
        rmSync(temporary, { recursive: true, force: true });
        throw error;
      }
      return Promise.resolve(label);
    },
    async load(label) {
      const chosen = label ?? (await this.latest());
      if (chosen === undefined) throw new Error(`directoryStore: '${root}' holds no checkpoint.`);
      checkLabel(chosen);
      const dir = path.join(root, chosen);
      if (!existsSync(path.join(dir, SAVED_AT))) {
        throw new Error(
          `directoryStore: no complete checkpoint '${chosen}' in '${root}'; it holds ${
            labels()
              .map((l) => l.label)
              .join(', ') || 'none'
          }.`,
        );
      }
      const files: CheckpointFiles = new Map();
      for (const name of readdirSync(dir))
        if (!name.startsWith('.')) files.set(name, new Uint8Array(readFileSync(path.join(dir, name))));
      return files;
    },
    async list() {
      return Promise.resolve(labels().map((l) => l.label));
    },
    async latest() {
      const pointer = path.join(root, LATEST);
      if (existsSync(pointer)) {
        const label = readFileSync(pointer, 'utf8').trim();
        if (existsSync(path.join(root, label, SAVED_AT))) return Promise.resolve(label);
      }
      const all = labels();
      return Promise.resolve(all[all.length - 1]?.label);
    },
    async remove(label) {
      checkLabel(label);
      rmSync(path.join(root, label), { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

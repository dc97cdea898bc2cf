/** A checkpoint store in memory: tests, and a browser page before it offers a download. */
import { checkLabel, type CheckpointFiles, type CheckpointStore } from './checkpoint';

/** A store in memory (copies of the files; the newest label is the latest). */
export function memoryStore(): CheckpointStore & { files: Map<string, CheckpointFiles> } {
  const saved = new Map<string, CheckpointFiles>();
  const order: string[] = [];
  return {
    files: saved,
    async save(label, files) {
      checkLabel(label);
      saved.set(label, new Map([...files].map(([k, v]) => [k, v.slice()])));
      const at = order.indexOf(label);
      if (at >= 0) order.splice(at, 1);
      order.push(label);
      return Promise.resolve(label);
    },
    async load(label) {
      const chosen = label ?? order[order.length - 1];
      const files = chosen === undefined ? undefined : saved.get(chosen);
      if (files === undefined)
        throw new Error(
          `memory store: no checkpoint '${label ?? '(latest)'}'; it holds ${order.join(', ') || 'none'}.`,
        );
      return Promise.resolve(new Map(files));
    },
    async list() {
      return Promise.resolve([...order]);
    },
    async latest() {
      return Promise.resolve(order[order.length - 1]);
    },
    async remove(label) {
      saved.delete(label);
      const at = order.indexOf(label);
      if (at >= 0) order.splice(at, 1);
      return Promise.resolve();
    },
  };
}

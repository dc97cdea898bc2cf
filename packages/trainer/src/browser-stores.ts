/**
 * Browser checkpoint stores: IndexedDB (one transaction per save, so a checkpoint is written whole or
 * not at all) and downloads (one file per checkpoint file, `<label>-model.json`, ...).
 */
import { checkLabel, type CheckpointFiles, type CheckpointStore } from './checkpoint';

const FILES = 'files';
const LABELS = 'labels';

interface LabelRecord {
  label: string;
  savedAt: number;
  names: string[];
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/** A checkpoint store in the page's IndexedDB database `databaseName`. */
export function indexedDbStore(
  databaseName = 'gradwell-checkpoints',
  factory: IDBFactory | undefined = globalThis.indexedDB,
): CheckpointStore {
  if (factory === undefined)
    throw new Error(
      'indexedDbStore: this environment has no IndexedDB (use the Node directory store, or memoryStore).',
    );
  let opened: Promise<IDBDatabase> | undefined;
  const db = () => {
    opened ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = factory.open(databaseName, 1);
      req.onupgradeneeded = () => {
        req.result.createObjectStore(FILES);
        req.result.createObjectStore(LABELS, { keyPath: 'label' });
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error(`indexedDbStore: cannot open '${databaseName}'.`));
    });
    return opened;
  };
  const records = async (): Promise<LabelRecord[]> => {
    const tx = (await db()).transaction(LABELS, 'readonly');
    const all = await request(tx.objectStore(LABELS).getAll() as IDBRequest<LabelRecord[]>);
    return all.sort((a, b) => a.savedAt - b.savedAt);
  };
  let clock = 0;
  return {
    async save(label, files) {
      checkLabel(label);
      const tx = (await db()).transaction([FILES, LABELS], 'readwrite');
      const previous = await request(
        tx.objectStore(LABELS).get(label) as IDBRequest<LabelRecord | undefined>,
      );
      for (const name of previous?.names ?? []) tx.objectStore(FILES).delete(`${label}/${name}`);
      for (const [name, bytes] of files) tx.objectStore(FILES).put(bytes, `${label}/${name}`);
      clock = Math.max(Date.now(), clock + 1);
      tx.objectStore(LABELS).put({ label, savedAt: clock, names: [...files.keys()] } satisfies LabelRecord);
      await done(tx);
      return label;
    },
    async load(label) {
      const all = await records();
      const record = label === undefined ? all[all.length - 1] : all.find((r) => r.label === label);
      if (record === undefined)
        throw new Error(
          `indexedDbStore: no checkpoint '${label ?? '(latest)'}' in '${databaseName}'; it holds ${all.map((r) => r.label).join(', ') || 'none'}.`,
        );
      const tx = (await db()).transaction(FILES, 'readonly');
      const files: CheckpointFiles = new Map();
      for (const name of record.names) {
        const bytes = await request(
          tx.objectStore(FILES).get(`${record.label}/${name}`) as IDBRequest<Uint8Array | undefined>,
        );
        if (bytes === undefined)
          throw new Error(`indexedDbStore: checkpoint '${record.label}' lacks '${name}'.`);
        files.set(name, new Uint8Array(bytes));
      }
      return files;
    },
    async list() {
      return (await records()).map((r) => r.label);
    },
    async latest() {
      const all = await records();
      return all[all.length - 1]?.label;
    },
    async remove(label) {
      const tx = (await db()).transaction([FILES, LABELS], 'readwrite');
      const record = await request(tx.objectStore(LABELS).get(label) as IDBRequest<LabelRecord | undefined>);
      for (const name of record?.names ?? []) tx.objectStore(FILES).delete(`${label}/${name}`);
      tx.objectStore(LABELS).delete(label);
      await done(tx);
    },
  };
}

/** model.json with its weights manifest pointing at the downloaded (prefixed) weights file. */
function renameWeightsFile(modelJson: Uint8Array, prefix: string): Uint8Array {
  const json = JSON.parse(new TextDecoder().decode(modelJson)) as {
    weightsManifest?: Array<{ paths: string[] }>;
  };
  for (const group of json.weightsManifest ?? []) group.paths = group.paths.map((p) => `${prefix}${p}`);
  return new TextEncoder().encode(JSON.stringify(json));
}

/**
 * Offers each file of a checkpoint as a download (`<prefix>-model.json`, `<prefix>-weights.bin`, ...),
 * the model.json naming `<prefix>-weights.bin`, so the pair loads with `tf.loadLayersModel`. Returns the
 * file names offered.
 */
export function downloadCheckpoint(
  files: CheckpointFiles,
  prefix = 'gradwell',
  doc: Document | undefined = globalThis.document,
): string[] {
  if (doc === undefined)
    throw new Error('downloadCheckpoint: needs a browser document (in Node, use the directory store).');
  checkLabel(prefix);
  const names: string[] = [];
  for (const [name, original] of files) {
    // model.json names its weights file: point it at the downloaded name.
    const bytes = name === 'model.json' ? renameWeightsFile(original, `${prefix}-`) : original;
    const url = URL.createObjectURL(
      new Blob([bytes.slice().buffer], {
        type: name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
      }),
    );
    const anchor = doc.createElement('a');
    anchor.href = url;
    anchor.download = `${prefix}-${name}`;
    doc.body.appendChild(anchor);
    anchor.click();
    anchor.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    names.push(anchor.download);
  }
  return names;
}

import type { OutboxEntry, OutboxStorage } from '../channel/types.js';

/** Options for {@link indexedDBOutbox}. */
export interface IndexedDBOutboxOptions {
  /** The IndexedDB factory. Default `globalThis.indexedDB` (pass `fake-indexeddb`'s in Node tests). */
  indexedDB?: IDBFactory;
}

const STORE = 'outbox';
const VERSION = 1;

/**
 * An {@link OutboxStorage} in IndexedDB: publishes made offline survive a reload (or a crash) and are sent, in
 * the order they were made, by the next client created with the same `name`. Opt-in, because what is kept must
 * be structured-cloneable and may be sent long after it was written.
 *
 * Tabs sharing a `name` share the outbox: each sends what it finds, and the server stores every `cid` once.
 * The database (named `name`) is opened on first use, so creating this on the server is harmless.
 * @example
 * const client = createRealtimeClient({ transport, outbox: indexedDBOutbox('my-app-outbox') })
 */
export function indexedDBOutbox(name: string, options: IndexedDBOutboxOptions = {}): OutboxStorage {
  let database: Promise<IDBDatabase> | undefined;

  function open(): Promise<IDBDatabase> {
    database ??= new Promise<IDBDatabase>((resolve, reject) => {
      const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
      if (factory === undefined) {
        reject(
          new Error('indexedDBOutbox: IndexedDB is not available here. Use it in a browser, or pass `indexedDB`.'),
        );
        return;
      }
      const request = factory.open(name, VERSION);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(STORE))
          request.result.createObjectStore(STORE, { keyPath: 'cid' });
      };
      request.onsuccess = () => {
        const db = request.result;
        // Another tab upgrading the schema asks us to let go; the next operation reopens.
        db.onversionchange = () => {
          db.close();
          database = undefined;
        };
        resolve(db);
      };
      request.onerror = () => reject(request.error ?? new Error(`indexedDBOutbox: could not open "${name}".`));
      request.onblocked = () => reject(new Error(`indexedDBOutbox: opening "${name}" is blocked by another tab.`));
    });
    // A failed open must not poison every later call.
    database.catch(() => {
      database = undefined;
    });
    return database;
  }

  async function run<T>(mode: IDBTransactionMode, operation: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const db = await open();
    return new Promise<T>((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = operation(transaction.objectStore(STORE));
      // Resolve on commit, not on the request's success: only then is the write durable.
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error ?? request.error);
      transaction.onabort = () => reject(transaction.error ?? new Error('indexedDBOutbox: transaction aborted.'));
    });
  }

  return {
    load: () => run<OutboxEntry[]>('readonly', (store) => store.getAll() as IDBRequest<OutboxEntry[]>),
    put: async (entry) => {
      await run('readwrite', (store) => store.put({ ...entry }));
    },
    delete: async (cid) => {
      await run('readwrite', (store) => store.delete(cid));
    },
  };
}

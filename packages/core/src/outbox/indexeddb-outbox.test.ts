import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { indexedDBOutbox } from './indexeddb-outbox.js';
import { memoryOutbox } from './memory-outbox.js';

const entry = (cid: string, createdAt: number) => ({ cid, channel: 'room', event: 'm', data: { cid }, createdAt });

describe('indexedDBOutbox', () => {
  it('puts, loads and deletes entries that outlive the storage object (a reload)', async () => {
    const indexedDB = new IDBFactory();
    const first = indexedDBOutbox('outbox-test', { indexedDB });
    await first.put(entry('a', 1));
    await first.put(entry('b', 2));
    await first.put(entry('a', 1));
    const reloaded = indexedDBOutbox('outbox-test', { indexedDB });
    expect(await reloaded.load()).toEqual([entry('a', 1), entry('b', 2)]);
    await reloaded.delete('a');
    await reloaded.delete('missing');
    expect(await indexedDBOutbox('outbox-test', { indexedDB }).load()).toEqual([entry('b', 2)]);
    // Another name is another outbox.
    expect(await indexedDBOutbox('other', { indexedDB }).load()).toEqual([]);
  });

  it('rejects (and can be retried) where there is no IndexedDB', async () => {
    const outbox = indexedDBOutbox('nowhere');
    await expect(outbox.load()).rejects.toThrow(/IndexedDB is not available/);
    await expect(outbox.put(entry('a', 1))).rejects.toThrow(/IndexedDB is not available/);
  });

  it('rejects data that cannot be stored', async () => {
    const outbox = indexedDBOutbox('clone', { indexedDB: new IDBFactory() });
    await expect(outbox.put({ ...entry('f', 1), data: () => {} })).rejects.toThrow();
  });
});

describe('memoryOutbox', () => {
  it('keeps entries by cid in insertion order', async () => {
    const outbox = memoryOutbox();
    await outbox.put(entry('a', 1));
    await outbox.put(entry('b', 2));
    await outbox.delete('a');
    expect(await outbox.load()).toEqual([entry('b', 2)]);
    expect(outbox.entries).toEqual([entry('b', 2)]);
  });
});

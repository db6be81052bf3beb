import { afterEach, describe, expect, it } from 'vitest';
import { createTestTransport } from '../testing/create-test-transport.js';
import { createConnectionCache } from './connection-cache.js';
import { createSharedSSE, sharedSSEKey, type SharedSSE, type SharedSSEOptions } from './shared-sse.js';

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

afterEach(async () => {
  await tick();
});

describe('createSharedSSE in a connection cache', () => {
  it('returns one entry per key and keeps the connection through an unsubscribe/resubscribe in the same tick', async () => {
    const kit = createTestTransport();
    const cache = createConnectionCache<SharedSSE<unknown>>();
    const options = { fetch: kit.fetch, network: kit.network };
    const get = () => cache.get(sharedSSEKey('/strict', options), () => createSharedSSE('/strict', options));
    const entry = get();
    expect(get()).toBe(entry);
    const { connection } = entry.resource;

    const statuses: string[] = [];
    connection.subscribe(() => statuses.push(connection.getSnapshot().status));
    const off = entry.subscribe(() => {});
    off(); // StrictMode: unmount…
    const offAgain = entry.subscribe(() => {}); // …and mount again, synchronously
    await kit.server.waitForConnections(1);
    expect(statuses).not.toContain('closed');
    expect(kit.server.requests).toHaveLength(1);

    offAgain();
    await tick();
    expect(connection.getSnapshot().status).toBe('closed');
    expect(kit.server.connections).toBe(0);
    expect(cache.size).toBe(0);
    expect(get()).not.toBe(entry);
  });

  it('collects only the wanted events into its view, and reset() forgets them and the resume id', async () => {
    const kit = createTestTransport();
    const shared = createSharedSSE<{ n: number }>('/events', {
      fetch: kit.fetch,
      network: kit.network,
      events: ['tick'],
      throttle: false,
    });
    const off = shared.subscribe(() => {});
    shared.connect();
    await kit.server.waitForConnections(1);
    kit.server.send({ event: 'tick', id: '1', data: { n: 1 } });
    kit.server.send({ event: 'other', id: '2', data: { n: 2 } });
    kit.server.send({ event: 'tick', id: '3', data: { n: 3 } });
    await expect.poll(() => shared.getSnapshot().total).toBe(2);
    const view = shared.getSnapshot();
    expect(view.messages.map((message) => message.data.n)).toEqual([1, 3]);
    expect(view).toMatchObject({ status: 'open', data: { n: 3 }, lastEventId: '3' });
    expect(shared.getSnapshot()).toBe(view);

    shared.reset();
    await expect.poll(() => kit.server.requests.length).toBe(2);
    expect(shared.getSnapshot()).toMatchObject({ total: 0, messages: [], data: undefined, lastEventId: null });
    // A plain reconnect would have resumed from '3'.
    expect(kit.server.requests[1]?.lastEventId).toBeNull();
    off();
    shared.dispose();
    expect(shared.connection.getSnapshot().status).toBe('closed');
  });
});

describe('sharedSSEKey', () => {
  const fetchA: typeof fetch = async () => new Response();
  const fetchB: typeof fetch = async () => new Response();
  const key = (options: SharedSSEOptions<unknown>) => sharedSSEKey('/k', options);

  it('is the same for the same options in any order, and for function options of any identity', () => {
    expect(key({ fetch: fetchA, maxMessages: 5, events: ['a'] })).toBe(
      key({ events: ['a'], maxMessages: 5, fetch: fetchA }),
    );
    expect(key({ headers: () => ({ a: '1' }) })).toBe(key({ headers: () => ({ b: '2' }) }));
    expect(key({ parse: (raw) => raw })).toBe(key({ parse: (raw) => raw.toUpperCase() }));
  });

  it('differs by url, fetch identity, serializable options and a function in place of a value', () => {
    expect(sharedSSEKey('/a', {})).not.toBe(sharedSSEKey('/b', {}));
    expect(key({ fetch: fetchA })).not.toBe(key({ fetch: fetchB }));
    expect(key({ events: ['a'] })).not.toBe(key({ events: ['b'] }));
    expect(key({ headers: { a: '1' } })).not.toBe(key({ headers: () => ({ a: '1' }) }));
    expect(key({ body: 'x' })).not.toBe(key({ body: 'y' }));
  });
});

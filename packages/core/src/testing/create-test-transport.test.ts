import { describe, expect, it, vi } from 'vitest';
import { createTestTransport } from './create-test-transport.js';

describe('createTestTransport', () => {
  it('wires fetch to the server', async () => {
    const { fetch, server } = createTestTransport();
    const response = await fetch('/events');
    expect(response.status).toBe(200);
    expect(server.connections).toBe(1);
  });

  it('chaos.disconnect cuts streams and fails connects until chaos.reconnect', async () => {
    const { fetch, server, chaos } = createTestTransport();
    const reader = (await fetch('/events')).body!.getReader();
    chaos.disconnect();
    expect(server.connections).toBe(0);
    await expect(reader.read()).rejects.toBeInstanceOf(TypeError);
    await expect(fetch('/events')).rejects.toBeInstanceOf(TypeError);
    expect(server.requests).toHaveLength(1);
    chaos.reconnect();
    expect((await fetch('/events')).status).toBe(200);
  });

  it('chaos.offline emits offline, cuts streams and fails connects until chaos.online', async () => {
    const { fetch, server, network, chaos } = createTestTransport();
    const events: string[] = [];
    network.subscribe((event) => events.push(event));
    await fetch('/events');
    chaos.offline();
    expect(network.isOnline()).toBe(false);
    expect(server.connections).toBe(0);
    await expect(fetch('/events')).rejects.toBeInstanceOf(TypeError);
    chaos.online();
    expect((await fetch('/events')).status).toBe(200);
    expect(events).toEqual(['offline', 'online']);
  });
});

describe('createTestTransport: channels', () => {
  it('exposes a memory transport to a hub the server drives and inspects, keeping the SSE getters live', async () => {
    const kit = createTestTransport({ userId: 'alice' });
    expect(kit.transport.kind).toBe('memory');
    expect(kit.server.connections).toBe(0);
    await kit.fetch('/events');
    expect(kit.server.connections).toBe(1);
    const frames: unknown[] = [];
    kit.transport.onFrame((frame) => frames.push(frame));
    kit.transport.connect();
    await vi.waitFor(() => expect(kit.transport.getSnapshot().status).toBe('open'), { timeout: 5_000 });
    kit.transport.send({ type: 'subscribe', channel: 'room' });
    kit.transport.send({ type: 'presence', channel: 'room', action: 'enter', data: 1 });
    expect(kit.server.publish('room', 'm', { n: 1 })).toMatchObject({ seq: 1 });
    expect(kit.server.messages('room')).toEqual([expect.objectContaining({ seq: 1, data: { n: 1 } })]);
    expect(kit.server.presence('room')).toEqual([{ userId: 'alice', data: 1, connections: 1, status: 'active' }]);
    expect(kit.server.hub.sessions).toBe(1);
    await vi.waitFor(() => expect(frames.at(-1)).toMatchObject({ type: 'message', seq: 1 }), { timeout: 5_000 });
  });

  it('chaos.serverRestart cuts SSE streams and channel sessions; memory transports come back', async () => {
    const kit = createTestTransport();
    await kit.fetch('/events');
    kit.transport.connect();
    await vi.waitFor(() => expect(kit.transport.getSnapshot().status).toBe('open'), { timeout: 5_000 });
    const first = kit.transport.sessionId;
    const statuses: string[] = [];
    kit.transport.subscribe(() => statuses.push(kit.transport.getSnapshot().status));
    kit.chaos.serverRestart();
    expect(kit.server.connections).toBe(0);
    await vi.waitFor(() => expect(kit.transport.getSnapshot().status).toBe('open'), { timeout: 5_000 });
    expect(statuses).toEqual(['reconnecting', 'open']);
    expect(kit.transport.sessionId).not.toBe(first);
  });

  it('chaos.offline/online and disconnect/reconnect reach the memory transport', async () => {
    const kit = createTestTransport();
    const other = kit.createTransport({ userId: 'bob' });
    kit.transport.connect();
    other.connect();
    await vi.waitFor(() => expect(kit.server.hub.sessions).toBe(2), { timeout: 5_000 });
    kit.chaos.offline();
    expect(kit.transport.getSnapshot().status).toBe('offline');
    expect(other.getSnapshot().status).toBe('offline');
    expect(kit.transport.send({ type: 'ping', t: 1 })).toBe(false);
    kit.chaos.online();
    await vi.waitFor(() => expect(kit.server.hub.sessions).toBe(2), { timeout: 5_000 });
    kit.chaos.disconnect();
    expect(kit.transport.getSnapshot()).toMatchObject({
      status: 'reconnecting',
      attempt: 1,
      error: { code: 'network' },
    });
    expect(kit.server.hub.sessions).toBe(0);
    kit.chaos.reconnect();
    await vi.waitFor(
      () => expect(kit.transport.getSnapshot()).toMatchObject({ status: 'open', attempt: 0, error: null }),
      { timeout: 5_000 },
    );
  });
});

import { describe, expect, it } from 'vitest';
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

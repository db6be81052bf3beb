import { describe, expect, it, vi } from 'vitest';
import type { ServerFrame } from '../../protocol/frames.js';
import { hostedTransportMembers } from './hosted-transport-members.js';
import { createSessionState } from './session-state.js';

function setup() {
  let open = false;
  const connection = {
    state: createSessionState(),
    isOpen: () => open,
    connect: vi.fn(),
    close: vi.fn(),
    reconnect: vi.fn(),
  };
  const handlers = { subscribe: vi.fn(), unsubscribe: vi.fn(), publish: vi.fn(), presence: vi.fn(), signal: vi.fn() };
  const emitted: ServerFrame[] = [];
  const onFrame = vi.fn(() => () => {});
  const members = hostedTransportMembers(connection, handlers, (frame) => emitted.push(frame), onFrame);
  return { members, connection, handlers, emitted, onFrame, setOpen: (value: boolean) => (open = value) };
}

describe('hostedTransportMembers', () => {
  it('is the connection part: its state, its controls', () => {
    const { members, connection } = setup();
    const listener = vi.fn();
    members.subscribe(listener);
    connection.state.set({ status: 'open' });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(members.getSnapshot().status).toBe('open');
    members.connect();
    members.reconnect();
    members.close();
    expect(
      [connection.connect, connection.reconnect, connection.close].map((control) => control.mock.calls.length),
    ).toEqual([1, 1, 1]);
  });

  it('sends frames to their handlers only while a session is open, and answers pings itself', () => {
    const { members, handlers, emitted, setOpen } = setup();
    expect(members.send({ type: 'subscribe', channel: 'a' })).toBe(false);
    expect(handlers.subscribe).not.toHaveBeenCalled();
    setOpen(true);
    expect(members.send({ type: 'subscribe', channel: 'a' })).toBe(true);
    expect(handlers.subscribe).toHaveBeenCalledWith({ type: 'subscribe', channel: 'a' });
    expect(members.send({ type: 'ping', t: 7 })).toBe(true);
    expect(emitted).toEqual([{ type: 'pong', t: 7 }]);
  });

  it('passes onFrame through', () => {
    const { members, onFrame } = setup();
    const listener = () => {};
    members.onFrame(listener);
    expect(onFrame).toHaveBeenCalledWith(listener);
  });
});

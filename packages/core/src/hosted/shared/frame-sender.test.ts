import { describe, expect, it, vi } from 'vitest';
import { RealtimeError } from '../../errors.js';
import type { ClientFrame, ServerFrame } from '../../protocol/frames.js';
import { createFrameSender } from './frame-sender.js';

function setup(open = true) {
  const handlers = {
    subscribe: vi.fn(),
    unsubscribe: vi.fn(),
    publish: vi.fn(),
    presence: vi.fn(),
    signal: vi.fn((): boolean | void => undefined),
  };
  const emitted: ServerFrame[] = [];
  let isOpen = open;
  const send = createFrameSender(
    () => isOpen,
    handlers,
    (frame) => emitted.push(frame),
  );
  return { handlers, emitted, send, setOpen: (value: boolean) => (isOpen = value) };
}

describe('createFrameSender', () => {
  it('sends nothing while no session is open, and says so', () => {
    const { send, handlers, emitted } = setup(false);
    expect(send({ type: 'subscribe', channel: 'a' })).toBe(false);
    expect(send({ type: 'ping', t: 1 })).toBe(false);
    expect(handlers.subscribe).not.toHaveBeenCalled();
    expect(emitted).toEqual([]);
  });

  it('hands each frame to its handler while open', () => {
    const { send, handlers } = setup();
    const frames: ClientFrame[] = [
      { type: 'subscribe', channel: 'a', after: 3 },
      { type: 'unsubscribe', channel: 'a' },
      { type: 'publish', channel: 'a', event: 'e', data: 1, cid: 'c' },
      { type: 'presence', channel: 'a', action: 'enter', data: {} },
      { type: 'signal', channel: 'a', event: 'typing', data: true },
    ];
    for (const frame of frames) expect(send(frame)).toBe(true);
    expect(handlers.subscribe).toHaveBeenCalledWith(frames[0]);
    expect(handlers.unsubscribe).toHaveBeenCalledWith(frames[1]);
    expect(handlers.publish).toHaveBeenCalledWith(frames[2]);
    expect(handlers.presence).toHaveBeenCalledWith(frames[3]);
    expect(handlers.signal).toHaveBeenCalledWith(frames[4]);
  });

  it('returns false when the signal handler could not send it', () => {
    const { send, handlers } = setup();
    handlers.signal.mockReturnValueOnce(false);
    expect(send({ type: 'signal', channel: 'a', event: 'typing', data: true })).toBe(false);
  });

  it('answers a ping with a pong at once unless the adapter answers it itself', () => {
    const { send, emitted } = setup();
    expect(send({ type: 'ping', t: 7 })).toBe(true);
    expect(emitted).toEqual([{ type: 'pong', t: 7 }]);
    const own = vi.fn();
    const custom = createFrameSender(
      () => true,
      { subscribe() {}, unsubscribe() {}, publish() {}, presence() {}, signal() {}, ping: own },
      () => {
        throw new Error('no default pong');
      },
    );
    custom({ type: 'ping', t: 8 });
    expect(own).toHaveBeenCalledWith({ type: 'ping', t: 8 });
  });

  it('refuses a frame type it does not know with bad_frame', () => {
    const { send } = setup();
    expect(() => send({ type: 'teleport' } as unknown as ClientFrame)).toThrow(RealtimeError);
  });
});

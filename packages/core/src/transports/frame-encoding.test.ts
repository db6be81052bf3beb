import { describe, expect, it, vi } from 'vitest';
import { useFakeTimersInEachTest } from '../../test/watch-room.js';
import { timeOrderedId } from '../lib/time-ordered-id.js';
import { compactFrames } from '../protocol/compact-frames.js';
import { encodeCompactFrame } from '../protocol/compact-frame-encoder.js';
import type { ServerFrame } from '../protocol/frames.js';
import { createTestNetwork } from '../testing/create-test-network.js';
import type { WebSocketLike } from '../websocket/types.js';
import type { RealtimeError } from '../errors.js';
import { plainFrame } from './frame-encoding.js';
import { websocketTransport } from './websocket.js';

const AT = 1_765_000_000_000;
const message: Extract<ServerFrame, { type: 'message' }> = {
  type: 'message',
  channel: 'room',
  id: timeOrderedId(AT),
  seq: 1,
  event: 'chat',
  data: { text: 'hi' },
  at: AT,
};
const welcome = (encoding?: string): ServerFrame => ({
  type: 'welcome',
  v: 2,
  connectionId: 'c1',
  heartbeatMs: 25_000,
  ...(encoding === undefined ? {} : { encoding }),
});

describe('compactFrames.url', () => {
  it('adds ?encoding=compact, keeping the query and fragment', () => {
    expect(compactFrames.url('wss://h.test/rt')).toBe('wss://h.test/rt?encoding=compact');
    expect(compactFrames.url('/rt?room=a#x')).toBe('/rt?room=a&encoding=compact#x');
  });
});

describe('compactFrames.reader', () => {
  const compact = JSON.parse(encodeCompactFrame(message, { alias: 1, define: true })) as unknown;

  it('decodes compact frames once welcome confirms the encoding', () => {
    const read = compactFrames.reader();
    expect(read(welcome('compact'))).toEqual(welcome('compact'));
    expect(read(compact)).toEqual(message);
    expect(read({ t: 'g', c: 'room', f: 1, o: 2 })).toEqual({ type: 'gap', channel: 'room', from: 1, to: 2 });
  });

  it('reads plain frames from a server whose welcome does not name it (an older server)', () => {
    const read = compactFrames.reader();
    expect(read(welcome())).toEqual(welcome());
    expect(read(message)).toEqual(message);
    expect(read(compact)).toBeUndefined();
  });

  it('never decodes compact frames without asking (an older client), whatever welcome says', () => {
    const read = plainFrame;
    read(welcome('compact'));
    expect(read(compact)).toBeUndefined();
    expect(read(message)).toEqual(message);
  });

  it('starts each session over: aliases of the last session are forgotten', () => {
    const read = compactFrames.reader();
    read(welcome('compact'));
    read(compact);
    const known = JSON.parse(encodeCompactFrame(message, { alias: 1, define: false })) as unknown;
    expect(read(known)).toEqual(message);
    read(welcome('compact'));
    expect(read(known)).toBeUndefined();
    read(welcome());
    expect(read(known)).toBeUndefined();
  });
});

/** Sockets whose server side the test drives: it sends raw text. */
function createSockets() {
  const sockets: FakeSocket[] = [];
  class FakeSocket implements WebSocketLike {
    readyState = 0;
    binaryType = 'blob';
    onopen: ((event: unknown) => void) | null = null;
    onmessage: ((event: { data: unknown }) => void) | null = null;
    onclose: ((event: { code: number; reason: string }) => void) | null = null;
    onerror: ((event: unknown) => void) | null = null;
    readonly sent: string[] = [];
    constructor(readonly url: string) {
      sockets.push(this);
      queueMicrotask(() => {
        this.readyState = 1;
        this.onopen?.({});
      });
    }
    receive(text: string) {
      this.onmessage?.({ data: text });
    }
    send(data: never) {
      this.sent.push(data as string);
    }
    close(code = 1005, reason = '') {
      this.readyState = 3;
      queueMicrotask(() => this.onclose?.({ code, reason }));
    }
  }
  return { WebSocket: FakeSocket, sockets };
}

useFakeTimersInEachTest();

describe('websocketTransport with encoding: compactFrames', () => {
  function setup(encoding: typeof compactFrames | null = compactFrames) {
    const { WebSocket, sockets } = createSockets();
    const transport = websocketTransport({
      url: 'wss://h.test/rt',
      WebSocket,
      network: createTestNetwork(),
      heartbeat: false,
      ...(encoding && { encoding }),
    });
    const frames: ServerFrame[] = [];
    const errors: RealtimeError[] = [];
    transport.onFrame((frame) => frames.push(frame));
    transport.onError((error) => errors.push(error));
    transport.connect();
    return { transport, sockets, frames, errors };
  }

  it('asks for it, and decodes what a compact server sends', async () => {
    const { transport, sockets, frames } = setup();
    await vi.advanceTimersByTimeAsync(0);
    expect(sockets[0]?.url).toBe('wss://h.test/rt?encoding=compact');
    sockets[0]?.receive(JSON.stringify(welcome('compact')));
    sockets[0]?.receive(encodeCompactFrame(message, { alias: 4, define: true }));
    sockets[0]?.receive(encodeCompactFrame({ ...message, seq: 2 }, { alias: 4, define: false }));
    expect(frames).toEqual([welcome('compact'), message, { ...message, seq: 2 }]);
    transport.close();
  });

  it('keeps working with a server that does not speak it', async () => {
    const { transport, sockets, frames, errors } = setup();
    await vi.advanceTimersByTimeAsync(0);
    sockets[0]?.receive(JSON.stringify(welcome()));
    sockets[0]?.receive(JSON.stringify(message));
    expect(frames).toEqual([welcome(), message]);
    expect(errors).toEqual([]);
    transport.close();
  });

  it('reports a malformed compact frame as bad_frame and goes on', async () => {
    const { transport, sockets, frames, errors } = setup();
    await vi.advanceTimersByTimeAsync(0);
    sockets[0]?.receive(JSON.stringify(welcome('compact')));
    sockets[0]?.receive('[9,"x",1,null]');
    sockets[0]?.receive('{"t":"zz"}');
    sockets[0]?.receive(encodeCompactFrame(message));
    expect(errors.map((error) => error.code)).toEqual(['bad_frame', 'bad_frame']);
    expect(frames).toEqual([welcome('compact'), message]);
    expect(transport.getSnapshot().status).toBe('open');
    transport.close();
  });

  it('does not ask without it (plain URL)', async () => {
    const { transport, sockets } = setup(null);
    await vi.advanceTimersByTimeAsync(0);
    expect(sockets[0]?.url).toBe('wss://h.test/rt');
    transport.close();
  });
});

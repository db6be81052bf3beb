// The hooks server code uses to take part in a channel (the Yjs keeper): hub.signal, hub.addAdmission, broker.trim.
import { describe, expect, it } from 'vitest';
import type { ServerFrame } from './frames.js';
import { createChannelHub } from './hub.js';

function subscriber(hub: ReturnType<typeof createChannelHub>, channel: string) {
  const frames: ServerFrame[] = [];
  const session = hub.connect({ send: (frame) => frames.push(frame), userId: `u${Math.random()}` });
  void session.receive({ type: 'subscribe', channel });
  return { session, frames, signals: () => frames.filter((frame) => frame.type === 'signal') };
}

describe('hub hooks for server code', () => {
  it('hub.signal reaches every subscriber, or with `to` only that session; from is the server', () => {
    const hub = createChannelHub();
    const [a, b] = [subscriber(hub, 'doc'), subscriber(hub, 'doc')];
    hub.signal('doc', 'hello', { n: 1 });
    hub.signal('doc', 'only-b', { n: 2 }, { to: b.session.id });
    expect(a.signals()).toEqual([{ type: 'signal', channel: 'doc', event: 'hello', data: { n: 1 }, from: '' }]);
    expect(b.signals().map((frame) => (frame as { event: string }).event)).toEqual(['hello', 'only-b']);
    expect(() => hub.signal('', 'x', null)).toThrow(/channel/);
  });

  it('addAdmission sees frames after `admit`, may refuse them, and stops once removed', async () => {
    const seen: string[] = [];
    const hub = createChannelHub({
      admit: (_session, frame) =>
        frame.type === 'publish' && frame.event === 'blocked-first' ? { code: 'forbidden', message: 'no' } : undefined,
    });
    const remove = hub.addAdmission((_session, frame) => {
      seen.push(`${frame.type}:${'event' in frame ? frame.event : ''}`);
      return frame.type === 'publish' && frame.event === 'refused'
        ? Promise.resolve({ code: 'message_too_large', message: 'too big' })
        : undefined;
    });
    const a = subscriber(hub, 'doc');
    await a.session.receive({ type: 'signal', channel: 'doc', event: 'ask', data: null });
    await a.session.receive({ type: 'publish', channel: 'doc', event: 'refused', data: 1, cid: 'c1' });
    await a.session.receive({ type: 'publish', channel: 'doc', event: 'blocked-first', data: 1, cid: 'c2' });
    remove();
    await a.session.receive({ type: 'publish', channel: 'doc', event: 'refused', data: 1, cid: 'c3' });
    expect(seen).toEqual(['subscribe:', 'signal:ask', 'publish:refused']);
    const answers = a.frames.filter((frame) => frame.type === 'ack' || frame.type === 'nack');
    expect(answers.map((frame) => [frame.type, frame.type === 'nack' ? frame.error.code : ''])).toEqual([
      ['nack', 'message_too_large'],
      ['nack', 'forbidden'],
      ['ack', ''],
    ]);
  });

  it('broker.trim drops kept messages through a seq; numbering goes on and a resume from before gets a gap', async () => {
    const hub = createChannelHub({ logSize: 5 });
    for (let i = 1; i <= 7; i += 1) hub.publish('doc', 'e', i);
    hub.broker.trim('doc', 5);
    expect(hub.broker.messages('doc').map((message) => message.seq)).toEqual([6, 7]);
    hub.publish('doc', 'e', 8);
    expect(hub.broker.messages('doc').map((message) => message.seq)).toEqual([6, 7, 8]);
    const frames: ServerFrame[] = [];
    const session = hub.connect({ send: (frame) => frames.push(frame) });
    const epoch = hub.broker.history('doc', { limit: 0 }).epoch;
    await session.receive({ type: 'subscribe', channel: 'doc', after: 2, epoch });
    expect(frames.find((frame) => frame.type === 'gap')).toMatchObject({ from: 3, to: 5 });
    expect(frames.filter((frame) => frame.type === 'message').map((frame) => (frame as { seq: number }).seq)).toEqual([
      6, 7, 8,
    ]);
  });
});

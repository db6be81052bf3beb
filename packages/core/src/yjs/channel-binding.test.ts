// The binding over the in-memory hub (the channel API any transport gives). apps/web/test/yjs-channel.test.ts runs
// the same scenarios over a real WebSocket server with its rate limits.
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createRealtimeClient } from '../channel/client.js';
import type { RealtimeClient } from '../channel/types.js';
import { createChannelHub, type ChannelHub } from '../protocol/hub.js';
import { createMemoryTransport } from '../testing/create-memory-transport.js';
import { createTestLink, type TestLink } from '../testing/create-test-link.js';
import { bindYjsToChannel, YJS_EVENTS, type YjsChannelBinding } from './channel-binding.js';
import { applyTextEdit, seedText } from './text.js';

const WAIT = { timeout: 3000, interval: 5 };
const DOC = 'doc:1';
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

interface Peer {
  client: RealtimeClient;
  link: TestLink;
  doc: Y.Doc;
  text: Y.Text;
  binding: YjsChannelBinding;
  errors: unknown[];
}

/** A user on its own wire (so one can go offline alone), in presence, with a bound document. */
function joinPeer(hub: ChannelHub, id: string, seed?: string): Peer {
  const link = createTestLink();
  const client = createRealtimeClient({ transport: createMemoryTransport(hub, { userId: id, link }) });
  const channel = client.channel(DOC);
  channel.presence.enter({ name: id });
  const doc = new Y.Doc();
  if (seed !== undefined) seedText(doc, 'text', seed);
  const errors: unknown[] = [];
  const binding = bindYjsToChannel(doc, channel, {
    flushMs: 10,
    syncTimeoutMs: 200,
    onError: (error) => errors.push(error),
  });
  cleanups.push(() => {
    binding.destroy();
    client.close();
  });
  return { client, link, doc, text: doc.getText('text'), binding, errors };
}

const settled = (peer: Peer) => {
  const state = peer.binding.getSnapshot();
  return state.synced && !state.unsent && peer.client.channel(DOC).getSnapshot().pending === 0;
};

const updatesIn = (hub: ChannelHub) =>
  hub.broker.messages(DOC).filter((message) => message.event === YJS_EVENTS.update);

describe('bindYjsToChannel', () => {
  it('is synced at once when alone, and a newcomer gets the document from a peer', async () => {
    const hub = createChannelHub();
    const ada = joinPeer(hub, 'ada');
    await expect.poll(() => ada.binding.getSnapshot().synced, WAIT).toBe(true);
    applyTextEdit(ada.text, { index: 0, remove: 0, insert: 'hello' });
    await expect.poll(() => settled(ada), WAIT).toBe(true);

    const grace = joinPeer(hub, 'grace');
    await expect.poll(() => grace.text.toString(), WAIT).toBe('hello');
    await expect.poll(() => grace.binding.getSnapshot().synced, WAIT).toBe(true);
  });

  it('converges when both type at once, with many small edits merged into one message each', async () => {
    const hub = createChannelHub();
    const ada = joinPeer(hub, 'ada', '|');
    const grace = joinPeer(hub, 'grace', '|');
    await expect.poll(() => settled(ada) && settled(grace), WAIT).toBe(true);
    for (let index = 0; index < 40; index++) {
      applyTextEdit(ada.text, { index: 0, remove: 0, insert: 'a' });
      applyTextEdit(grace.text, { index: grace.text.length, remove: 0, insert: 'g' });
    }
    await expect.poll(() => ada.text.length === 81 && ada.text.toString() === grace.text.toString(), WAIT).toBe(true);
    expect(ada.text.toString()).toBe(`${'a'.repeat(40)}|${'g'.repeat(40)}`);
    expect(updatesIn(hub)).toHaveLength(2);
  });

  it('keeps edits made offline, sends them as one message on reconnect, and merges them with the others', async () => {
    const hub = createChannelHub();
    const ada = joinPeer(hub, 'ada', 'list:');
    const grace = joinPeer(hub, 'grace', 'list:');
    await expect.poll(() => settled(ada) && settled(grace), WAIT).toBe(true);

    grace.link.offline();
    await expect.poll(() => grace.client.channel(DOC).getSnapshot().subscribed, WAIT).toBe(false);
    for (const word of [' eggs', ' milk', ' tea']) {
      applyTextEdit(grace.text, { index: grace.text.length, remove: 0, insert: word });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    applyTextEdit(ada.text, { index: 0, remove: 0, insert: 'Shopping ' });
    await expect.poll(() => settled(ada), WAIT).toBe(true);
    expect(grace.binding.getSnapshot().unsent).toBe(true);

    grace.link.online();
    const merged = 'Shopping list: eggs milk tea';
    await expect.poll(() => [ada.text.toString(), grace.text.toString()], WAIT).toEqual([merged, merged]);
    await expect.poll(() => settled(grace), WAIT).toBe(true);
    // Ada's one edit, Grace's three offline edits as one message; the seeds were never sent (every client has them).
    expect(updatesIn(hub)).toHaveLength(2);
  });

  it('catches up when an update is lost on the wire', async () => {
    const hub = createChannelHub();
    const ada = joinPeer(hub, 'ada');
    const grace = joinPeer(hub, 'grace');
    await expect.poll(() => settled(ada) && settled(grace), WAIT).toBe(true);
    // Grace misses Ada's update on the wire; the next one shows the hole, which is filled before it is applied.
    grace.link.drop(1);
    applyTextEdit(ada.text, { index: 0, remove: 0, insert: 'one ' });
    await expect.poll(() => settled(ada), WAIT).toBe(true);
    applyTextEdit(ada.text, { index: ada.text.length, remove: 0, insert: 'two' });
    await expect.poll(() => grace.text.toString(), WAIT).toBe('one two');
  });

  it('reports a publish the server refuses for good, and stops after destroy', async () => {
    const hub = createChannelHub({ authorize: (_session, _channel, action) => action !== 'publish' });
    const ada = joinPeer(hub, 'ada');
    await expect.poll(() => ada.binding.getSnapshot().synced, WAIT).toBe(true);
    applyTextEdit(ada.text, { index: 0, remove: 0, insert: 'refused' });
    await expect.poll(() => ada.errors.length, WAIT).toBe(1);
    expect((ada.errors[0] as { code?: string }).code).toBe('unauthorized');

    const states: unknown[] = [];
    ada.binding.subscribe(() => states.push(ada.binding.getSnapshot()));
    ada.binding.destroy();
    applyTextEdit(ada.text, { index: 0, remove: 0, insert: 'after' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(states).toEqual([]);
    expect(updatesIn(hub)).toHaveLength(0);
  });
});

// The keeper over the in-memory hub with fake timers: loading, debounced saves, flush on close, sync answers, stores.
import { createChannelHub, type ChannelHub, type HubSessionInfo, type ServerFrame } from '@realtime-kit/core';
import { toBase64, YJS_EVENTS } from '@realtime-kit/core/yjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { keepYjsDocuments, memoryYjsStore, mergeYjsStates } from '../src/yjs/index.js';
import { textOf } from './yjs-helpers.js';

const DOC = 'doc:1';

/** An update that appends `text` to the text of `doc` (a doc per author, as clients have). */
function edit(doc: Y.Doc, text: string): string {
  let update: Uint8Array | undefined;
  const take = (bytes: Uint8Array) => (update = bytes);
  doc.on('update', take);
  doc.getText('text').insert(doc.getText('text').length, text);
  doc.off('update', take);
  return toBase64(update!);
}

/** A raw session on `hub` subscribed to DOC, recording its frames. */
function rawSession(hub: ChannelHub) {
  const frames: ServerFrame[] = [];
  const session = hub.connect({ send: (frame) => frames.push(frame), userId: 'raw' });
  void session.receive({ type: 'subscribe', channel: DOC });
  return { session, frames, info: session.info as HubSessionInfo };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('keepYjsDocuments (unit)', () => {
  it('saves saveDebounceMs after the first unsaved change, once for a burst, and flushes on close', async () => {
    vi.useFakeTimers();
    const hub = createChannelHub();
    const saves: string[] = [];
    const keeper = keepYjsDocuments(
      { hub },
      { channels: 'doc:', onLoad: () => undefined, onSave: (_channel, state) => void saves.push(textOf(state)) },
    );
    await keeper.document(DOC);
    const author = new Y.Doc();
    hub.publish(DOC, YJS_EVENTS.update, edit(author, 'a'));
    await vi.advanceTimersByTimeAsync(1000);
    hub.publish(DOC, YJS_EVENTS.update, edit(author, 'b'));
    await vi.advanceTimersByTimeAsync(999);
    expect(saves).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(saves).toEqual(['ab']);
    hub.publish(DOC, YJS_EVENTS.update, edit(author, 'c'));
    await vi.advanceTimersByTimeAsync(500);
    expect(saves).toEqual(['ab']);
    await keeper.close();
    expect(saves).toEqual(['ab', 'abc']);
    await vi.advanceTimersByTimeAsync(5000);
    expect(saves).toHaveLength(2);
  });

  it('loads with onLoad on first use, replays the kept log, and answers a sync request to the asker only', async () => {
    const hub = createChannelHub();
    const saved = new Y.Doc();
    saved.getText('text').insert(0, 'saved ');
    const onLoad = vi.fn(() => Y.encodeStateAsUpdate(saved));
    // Stored while no keeper followed the channel (e.g. before a crash, not saved yet).
    hub.publish(DOC, YJS_EVENTS.update, edit(saved, 'logged'));
    const keeper = keepYjsDocuments({ hub }, { channels: /^doc:/, onLoad, onSave: () => undefined });
    const asker = rawSession(hub);
    const bystander = rawSession(hub);
    await asker.session.receive({
      type: 'signal',
      channel: DOC,
      event: YJS_EVENTS.syncRequest,
      data: { rid: 'r1', sv: toBase64(Y.encodeStateVector(new Y.Doc())) },
    });
    await vi.waitFor(() => expect(asker.frames.some((frame) => frame.type === 'signal')).toBe(true), {
      timeout: 5_000,
    });
    const answer = asker.frames.find((frame) => frame.type === 'signal');
    expect(answer).toMatchObject({ event: YJS_EVENTS.sync, from: '', data: { rid: 'r1', keeper: true } });
    const received = new Y.Doc();
    Y.applyUpdate(
      received,
      Uint8Array.from(Buffer.from((answer as { data: { update: string } }).data.update, 'base64')),
    );
    expect(received.getText('text').toString()).toBe('saved logged');
    expect(bystander.frames.filter((frame) => frame.type === 'signal' && frame.event === YJS_EVENTS.sync)).toEqual([]);
    expect(onLoad).toHaveBeenCalledTimes(1);
    await keeper.close();
  });

  it('refuses a malformed update, and one that would pass maxDocumentBytes, storing nothing', async () => {
    const hub = createChannelHub();
    const keeper = keepYjsDocuments({ hub }, { channels: 'doc:', maxDocumentBytes: 200 });
    const writer = rawSession(hub);
    const author = new Y.Doc();
    await writer.session.receive({
      type: 'publish',
      channel: DOC,
      event: YJS_EVENTS.update,
      data: edit(author, 'ok'),
      cid: 'c1',
    });
    await writer.session.receive({ type: 'publish', channel: DOC, event: YJS_EVENTS.update, data: '%%%', cid: 'c2' });
    await writer.session.receive({
      type: 'publish',
      channel: DOC,
      event: YJS_EVENTS.update,
      data: edit(author, 'x'.repeat(300)),
      cid: 'c3',
    });
    const answers = writer.frames.filter((frame) => frame.type === 'ack' || frame.type === 'nack');
    expect(answers.map((frame) => frame.type)).toEqual(['ack', 'nack', 'nack']);
    expect(answers[1]).toMatchObject({ error: { code: 'invalid_payload' } });
    expect(answers[2]).toMatchObject({ error: { code: 'message_too_large' } });
    expect((answers[2] as { error: { message: string } }).error.message).toContain('200 bytes (maxDocumentBytes)');
    expect(hub.broker.messages(DOC)).toHaveLength(1);
    expect((await keeper.document(DOC))!.getText('text').toString()).toBe('ok');
    await keeper.close();
  });

  it('keeps only the channels it is told, and stops answering once closed', async () => {
    const hub = createChannelHub();
    const keeper = keepYjsDocuments({ hub }, { channels: (channel) => channel === DOC });
    expect(await keeper.document('other')).toBeUndefined();
    await keeper.close();
    const asker = rawSession(hub);
    await asker.session.receive({
      type: 'signal',
      channel: DOC,
      event: YJS_EVENTS.syncRequest,
      data: { rid: 'r', sv: 'AA==' },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(asker.frames.filter((frame) => frame.type === 'signal')).toEqual([]);
  });
});

describe('memoryYjsStore and mergeYjsStates', () => {
  it('saves merge: an older state saved after a newer one loses nothing', async () => {
    const store = memoryYjsStore();
    const doc = new Y.Doc();
    doc.getText('text').insert(0, 'one');
    const older = Y.encodeStateAsUpdate(doc);
    doc.getText('text').insert(3, ' two');
    await store.onSave(DOC, Y.encodeStateAsUpdate(doc));
    await store.onSave(DOC, older);
    expect(textOf(await store.onLoad(DOC))).toBe('one two');
    const other = new Y.Doc();
    other.getText('text').insert(0, 'x');
    expect(textOf(mergeYjsStates([Y.encodeStateAsUpdate(doc), Y.encodeStateAsUpdate(other)])).length).toBe(8);
  });
});

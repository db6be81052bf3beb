// Shared by the yjs-* tests: a bound Y.Doc per client (test kit or WebSocket), seeded random edits, settling.
import { createRealtimeClient, type ChannelHub, type RealtimeClient } from '@realtime-kit/core';
import { createMemoryTransport, createTestLink, type TestLink } from '@realtime-kit/core/testing';
import { bindYjsToChannel, type YjsChannelBinding } from '@realtime-kit/core/yjs';
import * as Y from 'yjs';
import { onCleanup, startClient } from './ws-helpers.js';

export interface YjsPeer {
  readonly client: RealtimeClient;
  readonly doc: Y.Doc;
  readonly text: Y.Text;
  readonly binding: YjsChannelBinding;
  readonly errors: unknown[];
  /** Present for test-kit peers: the peer's own wire (offline, online). */
  readonly link?: TestLink;
}

function bind(client: RealtimeClient, channel: string, doc = new Y.Doc(), link?: TestLink): YjsPeer {
  const errors: unknown[] = [];
  const bound = client.channel(channel);
  bound.presence.enter({});
  const binding = bindYjsToChannel(doc, bound, { flushMs: 10, syncTimeoutMs: 300, onError: (e) => errors.push(e) });
  onCleanup(() => binding.destroy());
  return { client, doc, text: doc.getText('text'), binding, errors, link };
}

/** A peer over the in-memory transport to `hub`, on a wire of its own. */
export function kitPeer(hub: ChannelHub, channel: string, userId: string): YjsPeer {
  const link = createTestLink();
  const client = createRealtimeClient({ transport: createMemoryTransport(hub, { userId, link }) });
  onCleanup(() => client.close());
  return bind(client, channel, new Y.Doc(), link);
}

/** A peer over our WebSocket endpoint at `url`. */
export function wsPeer(url: string, channel: string, doc?: Y.Doc): YjsPeer {
  const { client } = startClient(url);
  return bind(client, channel, doc);
}

/** A seeded pseudo-random source in [0, 1) (mulberry32): the same seed, the same edits. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One random edit: mostly inserts of a short word, sometimes a deletion. */
export function randomEdit(text: Y.Text, random: () => number, tag: string): void {
  const length = text.length;
  if (length > 4 && random() < 0.3) {
    const at = Math.floor(random() * (length - 1));
    text.delete(at, 1 + Math.floor(random() * Math.min(3, length - at - 1)));
    return;
  }
  text.insert(Math.floor(random() * (length + 1)), `${tag}${Math.floor(random() * 100)} `);
}

/** Nothing left to send: synced, no unsent edits, no publish waiting for its ack. */
export function settled(peer: YjsPeer, channel: string): boolean {
  const state = peer.binding.getSnapshot();
  return state.synced && !state.unsent && peer.client.channel(channel).getSnapshot().pending === 0;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The text of a Yjs state (as a store keeps it). */
export function textOf(state: Uint8Array | undefined): string {
  const doc = new Y.Doc();
  if (state) Y.applyUpdate(doc, state);
  return doc.getText('text').toString();
}

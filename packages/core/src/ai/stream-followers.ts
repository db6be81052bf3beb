import type { ChannelGap, ChannelMessage, RealtimeClient } from '../channel/types.js';

/** What a follower of a response's channel hears, in order: its messages, and the holes the log could not fill. */
export type HeardOnStream = { readonly message: ChannelMessage } | { readonly gap: ChannelGap };

interface FollowedStream {
  readonly heard: HeardOnStream[];
  readonly readers: Set<(heard: HeardOnStream) => void>;
  stop(): void;
  closing: ReturnType<typeof setTimeout> | undefined;
}

const followedByClient = new WeakMap<RealtimeClient, Map<string, FollowedStream>>();

/**
 * Follows a response's channel on `client` from its first message, for any number of readers: one channel
 * subscription (replaying the whole response) per client, and every reader gets what was heard before it joined, then
 * what comes. Without it a second reader on the same client (another component, a remount) would hear only the
 * rest, the channel being already subscribed. What was heard is kept while a reader follows, and a moment after the
 * last one leaves (a remount in the same turn finds it); then the subscription ends and the next reader replays the
 * response from the server. Returns the reader's release.
 */
export function followStream(
  client: RealtimeClient,
  name: string,
  rewind: number,
  reader: (heard: HeardOnStream) => void,
): () => void {
  let streams = followedByClient.get(client);
  if (!streams) {
    streams = new Map();
    followedByClient.set(client, streams);
  }
  const all = streams;
  let followed = all.get(name);
  if (!followed) {
    const channel = client.channel(name, { rewind });
    const heard: HeardOnStream[] = [];
    const readers = new Set<(heard: HeardOnStream) => void>();
    const hear = (entry: HeardOnStream) => {
      heard.push(entry);
      for (const each of [...readers]) each(entry);
    };
    const offMessages = channel.subscribe('*', (message) => hear({ message }));
    const offGap = channel.onGap((gap) => hear({ gap }));
    followed = {
      heard,
      readers,
      closing: undefined,
      stop: () => {
        offMessages();
        offGap();
      },
    };
    all.set(name, followed);
  }
  const stream = followed;
  clearTimeout(stream.closing);
  stream.closing = undefined;
  const past = [...stream.heard];
  stream.readers.add(reader);
  for (const entry of past) {
    if (!stream.readers.has(reader)) break;
    reader(entry);
  }
  return () => {
    if (!stream.readers.delete(reader) || stream.readers.size > 0) return;
    stream.closing = setTimeout(() => {
      if (stream.readers.size > 0 || all.get(name) !== stream) return;
      all.delete(name);
      stream.stop();
    }, 0);
  };
}

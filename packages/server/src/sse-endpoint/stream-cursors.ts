import type { ServerFrame } from '@realtime-kit/core';

/** Where a stream stands on one channel: the newest seq it was sent, in the log's epoch. */
export interface Cursor {
  readonly seq: number;
  readonly epoch: string | undefined;
}

/** A frame that moves a channel's resume point. */
type PositionFrame = Extract<ServerFrame, { type: 'message' | 'gap' | 'subscribed' | 'reset' }>;

/**
 * The resume points of one stream's channels, and the event id that carries them all (`room%3A42:12.3f9a;news:4`),
 * so the browser's automatic `Last-Event-ID` resumes every channel at once.
 */
export interface StreamCursors {
  /** Moves the frame's channel and answers the event id to send the frame with. */
  idAfter(frame: PositionFrame): string;
  /** The channel is not on this stream after all (refused): it leaves the id, and is never added to it. */
  forget(channel: string): void;
}

// The last id change a frame caused on a stream: shared by every stream in the same state, so a broadcast to streams
// of the same channels computes the new id (and so the encoded event) once instead of once per stream.
let lastIdStep: { frame: ServerFrame; before: string; after: string; cursor: Cursor } | undefined;

/**
 * The cursors of a stream of `channels`, starting from the `resume` points the client sent. A channel's position
 * enters the id only once the hub has let the stream have it (its first frame of that channel): the id never tells
 * anything of a channel the user may not read. Resume points the client sent stay as they came until then.
 */
export function createStreamCursors(channels: readonly string[], resume: ReadonlyMap<string, Cursor>): StreamCursors {
  const requested = new Set(channels);
  const cursors = new Map<string, Cursor>();
  for (const channel of channels) {
    const known = resume.get(channel);
    if (known) cursors.set(channel, known);
  }
  const names = new Map(channels.map((channel) => [channel, encodeURIComponent(channel)]));
  let id: string | undefined;

  const eventId = (): string => {
    if (id !== undefined) return id;
    let text = '';
    for (const [channel, cursor] of cursors) {
      text += `${text === '' ? '' : ';'}${names.get(channel) ?? ''}:${cursor.seq}${cursor.epoch ? `.${cursor.epoch}` : ''}`;
    }
    return (id = text);
  };

  const advance = (channel: string, seq: number, epoch?: string) => {
    const current = cursors.get(channel);
    if (current === undefined) {
      if (!requested.has(channel)) return;
      cursors.set(channel, { seq, epoch });
      id = undefined;
      return;
    }
    if (epoch !== undefined && epoch !== current.epoch) cursors.set(channel, { seq, epoch });
    else if (seq > current.seq) cursors.set(channel, { seq, epoch: current.epoch });
    else return;
    id = undefined;
  };

  return {
    idAfter(frame) {
      const before = eventId();
      if (lastIdStep !== undefined && lastIdStep.frame === frame && lastIdStep.before === before) {
        cursors.set(frame.channel, lastIdStep.cursor);
        id = lastIdStep.after;
        return id;
      }
      if (frame.type === 'reset') advance(frame.channel, 0, frame.epoch);
      else
        advance(
          frame.channel,
          frame.type === 'gap' ? frame.to : frame.seq,
          frame.type === 'subscribed' ? frame.epoch : undefined,
        );
      const after = eventId();
      lastIdStep = { frame, before, after, cursor: cursors.get(frame.channel) ?? { seq: 0, epoch: undefined } };
      return after;
    },
    forget(channel) {
      requested.delete(channel);
      if (cursors.delete(channel)) id = undefined;
    },
  };
}

/** `?channels=a,b` and repeated `?channel=`, deduplicated in order; a string says what is wrong. */
export function parseChannels(params: URLSearchParams): string[] | string {
  const names: string[] = [];
  for (const list of params.getAll('channels')) names.push(...list.split(','));
  names.push(...params.getAll('channel'));
  if (names.length === 0) return 'Name the channels to stream: ?channels=a,b (or repeated ?channel=).';
  if (names.some((name) => name === '')) return 'Channel names must not be empty.';
  return [...new Set(names)];
}

/**
 * `room%3A42:12.3f9a…;news:4` → channel → seq and epoch (the epoch of the log the seq counts in; ids from before
 * epochs have none, and resume without the check); undefined when malformed.
 */
export function parseResumeId(id: string): Map<string, Cursor> | undefined {
  const cursors = new Map<string, Cursor>();
  for (const part of id.split(';')) {
    const colon = part.lastIndexOf(':');
    if (colon <= 0) return undefined;
    const point = /^(\d{1,16})(?:\.([0-9a-z]{1,32}))?$/.exec(part.slice(colon + 1));
    if (!point) return undefined;
    const seq = Number(point[1]);
    if (!Number.isSafeInteger(seq)) return undefined;
    let channel: string;
    try {
      channel = decodeURIComponent(part.slice(0, colon));
    } catch {
      return undefined;
    }
    if (channel === '' || cursors.has(channel)) return undefined;
    cursors.set(channel, { seq, epoch: point[2] });
  }
  return cursors;
}

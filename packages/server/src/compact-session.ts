import {
  COMPACT_ENCODING,
  ENCODING_PARAMETER,
  MAX_SESSION_TOPICS,
  encodeCompactFrame,
  type ServerFrame,
} from '@realtime-kit/core';
import { encodeFrame } from './encode-frame.js';

/** Topic aliases (channel + event → number), shared by every session of the process: see {@link topicAlias}. */
const aliases = new Map<string, Map<string, number>>();
let aliasCount = 0;
let lastAlias = 0;
/** The table starts over past this many topics: a server that saw millions of channels does not keep them all. */
const MAX_ALIASES = 100_000;

/**
 * The alias of a channel + event. One number for every session, so a message fanned out to N compact sessions is
 * encoded once (each session is told the number the first time). Numbers are never reused: after the table starts
 * over, a topic gets a new number, which sessions that knew the old one are simply told again.
 */
function topicAlias(channel: string, event: string): number {
  let events = aliases.get(channel);
  let alias = events?.get(event);
  if (alias !== undefined) return alias;
  if (aliasCount >= MAX_ALIASES) {
    aliases.clear();
    aliasCount = 0;
    events = undefined;
  }
  if (events === undefined) aliases.set(channel, (events = new Map()));
  alias = ++lastAlias;
  events.set(event, alias);
  aliasCount += 1;
  return alias;
}

/** A frame's compact JSON, per form: the hub sends one frozen frame object to every subscriber. */
interface CompactTexts {
  alias?: number;
  known?: string;
  define?: string;
  inline?: string;
  other?: string;
}
const texts = new WeakMap<object, CompactTexts>();

function textsOf(frame: ServerFrame): CompactTexts {
  let entry = texts.get(frame);
  if (entry === undefined) texts.set(frame, (entry = {}));
  return entry;
}

/**
 * True when the request asked for the compact frame encoding (`?encoding=compact`) and `enabled` (the endpoint's
 * `compactFrames` option) lets the server answer with it.
 */
export function wantsCompactFrames(url: string | undefined, enabled: boolean | undefined): boolean {
  if (enabled === false || url === undefined || !url.includes(ENCODING_PARAMETER)) return false;
  return new URL(url, 'http://localhost').searchParams.get(ENCODING_PARAMETER) === COMPACT_ENCODING;
}

/**
 * The JSON text of each frame of one compact session (see PROTOCOL.md, "Compact frames"): `welcome` plain (it says
 * how the rest is encoded, and older clients read it), messages by topic alias, defined on first use. Each text is
 * computed once per frame object and form, for every session that sends it.
 */
export function createCompactSessionEncoder(): (frame: ServerFrame) => string {
  // Created with the session's first message: an idle connection pays for none of it.
  let known: Set<number> | undefined;
  return (frame) => {
    if (frame.type === 'welcome') return encodeFrame(frame);
    const entry = textsOf(frame);
    if (frame.type !== 'message') return (entry.other ??= encodeCompactFrame(frame));
    const alias = topicAlias(frame.channel, frame.event);
    if (entry.alias !== alias) {
      entry.alias = alias;
      entry.known = entry.define = undefined;
    }
    known ??= new Set();
    if (known.has(alias)) return (entry.known ??= encodeCompactFrame(frame, { alias, define: false }));
    if (known.size >= MAX_SESSION_TOPICS) return (entry.inline ??= encodeCompactFrame(frame));
    known.add(alias);
    return (entry.define ??= encodeCompactFrame(frame, { alias, define: true }));
  };
}

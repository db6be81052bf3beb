/** The compact frame encoding's name: asked for with `?encoding=compact`, confirmed in `welcome.encoding`. */
export const COMPACT_ENCODING = 'compact';

/** Top-level keys of the frames sent as objects → their compact names (values, `data` included, stay as they are). */
export const COMPACT_KEYS: Readonly<Record<string, string>> = {
  type: 't',
  channel: 'c',
  seq: 'q',
  epoch: 'e',
  connections: 'n',
  members: 'm',
  member: 'b',
  from: 'f',
  to: 'o',
  cid: 'k',
  id: 'i',
  error: 'r',
  action: 'a',
  event: 'v',
  data: 'd',
  t: 'T',
  v: 'V',
  connectionId: 'C',
  heartbeatMs: 'h',
  userId: 'u',
  session: 'S',
  encoding: 'E',
};

/**
 * Frame types of the frames sent as objects → their compact codes. `message` frames are arrays; `pong` stays plain
 * JSON, as a WebSocket heartbeat recognises it by its text before any decoding.
 */
export const COMPACT_TYPES: Readonly<Record<string, string>> = {
  welcome: 'w',
  subscribed: 's',
  reset: 'r',
  occupancy: 'o',
  gap: 'g',
  ack: 'a',
  nack: 'n',
  presence: 'p',
  signal: 'x',
  error: 'e',
};

/**
 * The optional fields of a `message` frame → keys of the array's trailing object. `t` (`at`) is there only when the
 * id cannot carry it; `u: 1` says `data` was absent (JSON arrays have no `undefined`).
 */
export const COMPACT_MESSAGE_FIELDS: Readonly<Record<string, string>> = {
  at: 't',
  cid: 'c',
  from: 'f',
  action: 'a',
  target: 'g',
  version: 'v',
  deleted: 'd',
  reactions: 'r',
  error: 'x',
};

/** The fields every `message` frame has: they travel as the array's positions. */
export const MESSAGE_POSITIONAL_FIELDS: readonly string[] = ['type', 'channel', 'event', 'id', 'seq', 'data'];

// The tables are plain literals, not Maps: a module-level `new Map()` is a call bundlers must keep, so every app
// importing the core would ship them. Look names up with `own` (never through the prototype).

/** `table[key]` when it is the table's own entry. */
export function own(table: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/** The table the other way round. */
export function inverted(table: Readonly<Record<string, string>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const key in table) result[table[key] as string] = key;
  return result;
}

/** The alphabet of a compact id: base64url, 22 characters for the 128 bits of a UUID. */
export const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** How many topic aliases one session may define; past it, further topics are named in every frame. */
export const MAX_SESSION_TOPICS = 256;

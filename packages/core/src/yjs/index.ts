/**
 * `@realtime-kit/core/yjs`: a Yjs document kept in step over any channel (the protocol is documented in
 * channel-binding.ts), plus the plain-text and caret helpers a collaborative text field needs. Needs `yjs`
 * (an optional peer dependency: only this entry imports it). Awareness (carets, names, colours over signals) is
 * `@realtime-kit/core/yjs-awareness`, which needs `y-protocols` too.
 *
 * Consistency: a CRDT, so every client edits its own copy at once (offline too) and all copies converge to the same
 * document once they have seen the same updates, in any order, duplicates included. Nobody decides an order and
 * nothing is refused for its content: use it for text and documents where merging is the right answer, not for
 * state a server must validate or order (turns, balances). Durability: without a server keeper the document lives in
 * the members' memory and the channel's log; with `keepYjsDocuments` (`@realtime-kit/server/yjs`) the server holds
 * and persists it (`onLoad`/`onSave`), answers every newcomer, limits its size and compacts the log — an update is
 * durable once acknowledged and saved (debounced; the log keeps it meanwhile).
 */
export { bindYjsToChannel, YJS_EVENTS } from './channel-binding.js';
export type { YjsChannel, YjsChannelBinding, YjsChannelOptions, YjsChannelState } from './channel-binding.js';
export { LOCAL_ORIGIN, REMOTE_ORIGIN } from './origins.js';
export { applyTextEdit, diffText, seedText, transformIndex } from './text.js';
export type { TextDelta, TextEdit } from './text.js';
export { decodeCaret, encodeCaret, resolvePosition } from './caret.js';
export type { CaretSignal } from './caret.js';
export { fromBase64, toBase64 } from './base64.js';

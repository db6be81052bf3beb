/**
 * `@realtime-kit/core/yjs`: a Yjs document kept in step over any channel (the protocol is documented in
 * channel-binding.ts), its awareness (carets, names, colours: awareness-binding.ts), plus the plain-text and caret
 * helpers a collaborative text field needs. Needs `yjs`, and `y-protocols` for the awareness (optional peer
 * dependencies: only this entry imports them).
 */
export { bindYjsToChannel, YJS_EVENTS } from './channel-binding.js';
export type { YjsChannel, YjsChannelBinding, YjsChannelOptions, YjsChannelState } from './channel-binding.js';
export { LOCAL_ORIGIN, REMOTE_ORIGIN } from './origins.js';
export { applyTextEdit, diffText, seedText, transformIndex } from './text.js';
export type { TextDelta, TextEdit } from './text.js';
export { decodeCaret, encodeCaret, resolvePosition } from './caret.js';
export type { CaretSignal } from './caret.js';
export { bindAwarenessToChannel, YJS_AWARENESS_EVENT } from './awareness-binding.js';
export type { AwarenessChannel, AwarenessChannelBinding, AwarenessChannelOptions } from './awareness-binding.js';
export { fromBase64, toBase64 } from './base64.js';

/**
 * `@realtime-kit/core/yjs`: a Yjs document kept in step over any channel (the protocol is documented in
 * channel-binding.ts), plus the plain-text and caret helpers a collaborative text field needs. Needs `yjs`
 * (an optional peer dependency: only this entry imports it).
 */
export { bindYjsToChannel, YJS_EVENTS } from './channel-binding.js';
export type { YjsChannel, YjsChannelBinding, YjsChannelOptions, YjsChannelState } from './channel-binding.js';
export { LOCAL_ORIGIN, REMOTE_ORIGIN } from './origins.js';
export { applyTextEdit, diffText, seedText, transformIndex } from './text.js';
export type { TextDelta, TextEdit } from './text.js';
export { decodeCaret, encodeCaret, resolvePosition } from './caret.js';
export type { CaretSignal } from './caret.js';
export { fromBase64, toBase64 } from './base64.js';

/**
 * `@realtime-kit/core/yjs-awareness`: a `y-protocols` Awareness (carets, selections, names, colours) kept in step over
 * channel signals, for editors bound with `@realtime-kit/core/yjs` (Tiptap's collaboration caret, y-prosemirror,
 * y-codemirror take `{ awareness }`). Needs `y-protocols` (an optional peer dependency: only this entry imports it).
 */
export { bindAwarenessToChannel, YJS_AWARENESS_EVENT } from './awareness-binding.js';
export type { AwarenessChannel, AwarenessChannelBinding, AwarenessChannelOptions } from './awareness-binding.js';

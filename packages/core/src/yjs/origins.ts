/** Transaction origin of edits made through this client (e.g. a textarea); everything else came from the channel. */
export const LOCAL_ORIGIN = Symbol('yjs-channel:local');
/** Transaction origin of updates applied from the channel. */
export const REMOTE_ORIGIN = Symbol('yjs-channel:remote');

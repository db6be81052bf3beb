import { createFrameReader, urlAskingFor, type FrameEncoding } from '../transports/frame-encoding.js';
import { createCompactFrameDecoder } from './compact-frame-decoder.js';
import { COMPACT_ENCODING } from './compact-frame-keys.js';

/**
 * The compact frame encoding (PROTOCOL.md, "Compact frames"): messages as short arrays, a channel and event named once
 * per session, ids that carry their timestamp — about 90 B less per message than plain JSON. Pass it to a transport;
 * a server that does not speak it keeps sending plain JSON frames, which the transport then reads as before.
 *
 * ```ts
 * import { compactFrames } from '@realtime-kit/core'
 * websocketTransport({ url: '/realtime', encoding: compactFrames })
 * ```
 */
export const compactFrames: FrameEncoding = {
  name: COMPACT_ENCODING,
  url: (url) => urlAskingFor(url, COMPACT_ENCODING),
  reader: () => createFrameReader(COMPACT_ENCODING, createCompactFrameDecoder),
};

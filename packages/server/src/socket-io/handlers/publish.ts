import { randomUUID } from 'node:crypto';
import type { SocketPublishResult } from '../socket-events.js';
import { answerOnce, badInput, type SocketSession } from '../socket-session.js';

/** `publish`: stored, numbered and deduplicated by the hub (by `cid`), acknowledged with `{ ok, id, seq }`. */
export function onPublish(session: SocketSession): void {
  session.socket.on('publish', (input, ack) => {
    const answer = answerOnce<SocketPublishResult>(ack);
    if (input === null || typeof input !== 'object')
      return answer({ ok: false, error: badInput('publish needs { channel, event, data, cid? }.') });
    const { channel, event, data } = input;
    if (typeof channel !== 'string' || channel === '' || typeof event !== 'string' || event === '') {
      return answer({ ok: false, error: badInput('publish needs non-empty "channel" and "event" strings.') });
    }
    if (input.cid !== undefined && (typeof input.cid !== 'string' || input.cid === '')) {
      return answer({ ok: false, error: badInput('"cid" must be a non-empty string when given.') });
    }
    const oversized = session.refuseOversized(input, channel);
    if (oversized) return answer({ ok: false, error: oversized });
    const cid = input.cid ?? randomUUID();
    session.enqueue(
      { type: 'publish', channel, event, data, cid },
      {
        channel,
        cid,
        succeed(frame) {
          if (frame.type === 'ack') answer({ ok: true, id: frame.id, seq: frame.seq });
        },
        fail: (error) => answer({ ok: false, error }),
        done: () =>
          answer({
            ok: false,
            error: { code: 'unavailable', message: 'The message could not be stored: nothing was published. Retry.' },
          }),
      },
    );
  });
}

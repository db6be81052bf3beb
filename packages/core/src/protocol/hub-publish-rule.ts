import { RealtimeError } from '../errors.js';
import type { FrameError } from './frames.js';
import { measureData } from './hub-checks.js';
import type { PublishHost } from './hub-publish.js';
import type { SessionState } from './hub-state.js';
import type { PublishVerdict } from './hub-types.js';

const RULE_FAILED: FrameError = {
  code: 'server_error',
  message: 'The server rule for this publish failed: nothing was published.',
};

/** A publish refused inside the channel's turn: answered (and reported to `onRefused`). */
export type Refuse = (error: FrameError) => void;

/**
 * Asks `beforePublish` about a publish (in the channel's turn): the data and size to store, or undefined when the rule
 * refused it or failed (the publish is then answered with `nack`).
 */
export async function runPublishRule(
  host: PublishHost,
  session: SessionState,
  request: { channel: string; event: string; data: unknown; size: number; target?: string },
  refuse: Refuse,
): Promise<{ data: unknown; size: number } | undefined> {
  const { beforePublish, broker, limits } = host;
  const { channel, event, target } = request;
  if (!beforePublish) return request;
  let verdict: PublishVerdict;
  try {
    verdict = await beforePublish({
      session: session.info,
      channel,
      event,
      data: request.data,
      ...(target === undefined ? {} : { action: 'update' as const, target }),
      latest: async (name = event) => broker.latest(channel, name),
    });
  } catch (error) {
    host.onError(error, session.info);
    return void refuse(RULE_FAILED);
  }
  if (verdict && 'reject' in verdict) {
    const message =
      typeof verdict.reject === 'string' && verdict.reject !== '' ? verdict.reject : 'The server refused this publish.';
    return void refuse({
      code: 'rejected',
      message,
      ...(verdict.details === undefined ? {} : { details: verdict.details }),
    });
  }
  if (!verdict || !('data' in verdict)) return request;
  const measured = measureData(verdict.data, limits.maxDataDepth);
  if (!measured.ok) {
    host.onError(
      new RealtimeError(
        'invalid_payload',
        `beforePublish returned data with no safe JSON form: ${measured.error.message}`,
      ),
      session.info,
    );
    return void refuse(RULE_FAILED);
  }
  return { data: verdict.data, size: measured.bytes };
}

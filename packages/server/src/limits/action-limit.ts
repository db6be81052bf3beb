import { sharedStateFor } from '@realtime-kit/core';
import type { ClientFrame, FrameError, HubSessionInfo, SharedStateChannels } from '@realtime-kit/core';
import type { ServerEventListener, ServerTransport } from '../events.js';
import type { BucketSpec, KeyValueStore } from '../key-value/key-value-store.js';

/** Default limit on shared-state actions per user (per connection when anonymous) per channel: bursts of 10, then 5 per second. */
export const DEFAULT_ACTION_LIMIT: BucketSpec = { capacity: 10, refillPerSecond: 5 };

type AdmittedFrame = Exclude<ClientFrame, { type: 'ping' }>;

/**
 * The per-user, per-channel limit on shared-state actions (`createRealtime`'s `actionRateLimit`), kept in the store so
 * it holds across instances: a refusal is `rate_limited` with `retryAfterMs`. Undefined when there is no shared state
 * or the limit is off.
 */
export function actionLimiter(
  options: { readonly sharedState?: SharedStateChannels; readonly actionRateLimit?: BucketSpec | false },
  store: KeyValueStore,
  report: ServerEventListener | undefined,
): ((session: HubSessionInfo, frame: AdmittedFrame) => Promise<FrameError | undefined>) | undefined {
  const { sharedState } = options;
  if (!sharedState || options.actionRateLimit === false) return undefined;
  const spec = options.actionRateLimit ?? DEFAULT_ACTION_LIMIT;
  return async (session, frame) => {
    if (frame.type !== 'publish' || !sharedStateFor(sharedState, frame.channel)) return undefined;
    const anonymous = session.userId === undefined;
    const key = `rk:rl:action:${frame.channel}:${anonymous ? `c:${session.id}` : `u:${session.userId}`}`;
    const verdict = await store.consume(key, spec);
    if (verdict.allowed) return undefined;
    report?.({
      type: 'limit',
      transport: (session.transport as ServerTransport | undefined) ?? 'hub',
      scope: anonymous ? 'connection' : 'user',
      key,
      retryAfterMs: verdict.retryAfterMs,
    });
    return {
      code: 'rate_limited',
      message: `Too many actions on "${frame.channel}"; retry in ${verdict.retryAfterMs} ms.`,
      retryAfterMs: verdict.retryAfterMs,
    };
  };
}

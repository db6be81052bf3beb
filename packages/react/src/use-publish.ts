import { useCallback } from 'react';
import type { Channel, EventMap, PublishOptions, PublishReceipt } from '@realtime-kit/core';

/** Publishes `data` as `event` on a channel; resolves once the server stored it (see `Channel.publish`). */
export type PublishFunction<Events extends EventMap = EventMap> = <E extends keyof Events & string>(
  event: E,
  data: Events[E],
  options?: PublishOptions,
) => Promise<PublishReceipt>;

/**
 * A publish function for `channel`, stable for the channel's lifetime (safe in dependency arrays and for
 * memoized children). While offline the message waits in the client's outbox and the promise stays pending.
 * @example
 * const publish = usePublish(room)
 * await publish('message', { text })
 */
export function usePublish<Events extends EventMap>(channel: Channel<Events>): PublishFunction<Events> {
  return useCallback<PublishFunction<Events>>(
    (event, data, options) => channel.publish(event, data, options),
    [channel],
  );
}

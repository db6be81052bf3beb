import type { ConnectionState } from '../../connection/status.js';

/** Whether two connection states show the same thing: a copy that changes nothing is not published. */
export function sameConnectionState(a: ConnectionState, b: ConnectionState): boolean {
  return (
    a.status === b.status &&
    a.error === b.error &&
    a.attempt === b.attempt &&
    a.retryInMs === b.retryInMs &&
    a.retryAt === b.retryAt &&
    a.lastEventId === b.lastEventId &&
    a.transport === b.transport
  );
}

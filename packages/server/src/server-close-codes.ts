import { CLOSE_CODES } from '@realtime-kit/core';

/**
 * Every WebSocket close code the server sends, in one place. What the client does about each is core's
 * `classifyClose` (`websocket/classify-close.ts`), named here beside each code.
 */
export const SERVER_CLOSE_CODES = Object.freeze({
  /** 1008 Policy Violation: the origin (or `authenticate`) refused the connection. The client stops (`policy_violation`). */
  POLICY_VIOLATION: 1008,
  /** 1011 Internal Error: `authenticate` threw. The client retries with backoff (`server_error`). */
  INTERNAL_ERROR: 1011,
  /** 1012 Service Restart: shutdown, `maxDurationMs`, a session the hub ended. The client reconnects and resumes. */
  SERVICE_RESTART: 1012,
  /** 1013 Try Again Later: the client read too slowly. It reconnects no sooner than its backoff's minimum and resumes. */
  TRY_AGAIN_LATER: 1013,
  /** 4401: no token, a refused one, or one that expired. The client asks `auth()` for a fresh token once, then stops. */
  UNAUTHORIZED: CLOSE_CODES.UNAUTHORIZED,
});

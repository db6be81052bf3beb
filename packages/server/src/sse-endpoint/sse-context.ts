import type { ChannelBroker, ChannelHub } from '@realtime-kit/core';
import type { AuthenticatedUser } from '../auth/user.js';
import type { EndpointAdmission } from '../endpoint/admission.js';
import type { EventStream } from '../event-stream.js';
import type { HttpRefusal } from '../http/refusal-response.js';

/** The checked numbers of `createSSEEndpoint`'s options. */
export interface SSESettings {
  readonly retryMs: number;
  readonly maxChannels: number;
  readonly maxBodyBytes: number;
  readonly maxDurationMs: number | undefined;
  readonly heartbeatMs: number | false | undefined;
  readonly maxQueuedBytes: number | undefined;
  readonly coalesceMs: number | undefined;
}

/** What the GET and POST of one `createSSEEndpoint` share. */
export interface SSEEndpointContext<B extends ChannelBroker> {
  readonly admission: EndpointAdmission<ChannelHub<B>>;
  readonly settings: SSESettings;
  /** The hub reports stored publishes itself (`createRealtime`'s, or the one the endpoint made). */
  readonly hubReports: boolean;
  /** `createRealtime`'s rules (authorization, limits, schemas, `beforePublish`) report their own refusals. */
  readonly rulesReport: boolean;
  /** Open streams, for `close()`. */
  readonly open: Set<EventStream>;
  /** The endpoint's CORS headers for `origin` (a throwing `corsHeaders` goes to `onError`: none). */
  cors(origin: string | null): Record<string, string>;
  /**
   * The checks every request passes, in order: not closing, origin, the request's own (`precheck`, before the
   * credentials so a refused request never spends a single-use token), credentials.
   */
  admitRequest(
    request: Request,
    transport: 'sse' | 'http',
    precheck?: () => HttpRefusal | undefined,
  ): Promise<{ user: AuthenticatedUser | undefined } | HttpRefusal>;
  /** A refusal with the endpoint's CORS headers. */
  refuse(origin: string | null, refusal: HttpRefusal): Response;
}

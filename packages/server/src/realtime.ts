import { createChannelHub, RealtimeError, sharedStateRules } from '@realtime-kit/core';
import type {
  ChannelBroker,
  ChannelHistory,
  ChannelHub,
  ChannelHubOptions,
  ClientFrame,
  FrameError,
  HubAction,
  HubLimits,
  HubMessage,
  HubReceipt,
  HubSessionInfo,
  PublishVerdict,
  ReactionOptions,
  SharedStateChannels,
} from '@realtime-kit/core';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { isEncryptedChannel } from '@realtime-kit/core/encryption';
import type { Redis } from 'ioredis';
import { createStreamTokens, type StreamTokens } from './auth/stream-tokens.js';
import { eventReporter, type RefusalCode, type ServerEventListener, type ServerTransport } from './events.js';
import { createRateLimiter, type RateLimiter } from './limits/rate-limit.js';
import { openStorage } from './realtime-storage.js';
import { actionLimiter, DEFAULT_ACTION_LIMIT } from './limits/action-limit.js';
import type { BucketSpec, KeyValueStore } from './key-value/key-value-store.js';
import { refuseUnsealed } from './validation/encrypted-payload.js';
import { refuseServerWritten } from './validation/server-only-channels.js';
import { createPayloadValidator } from './validation/payload-schema.js';

/** Default publish limit per connection: bursts of 50, then 20 per second. */
export const DEFAULT_CONNECTION_LIMIT: BucketSpec = { capacity: 50, refillPerSecond: 20 };
/** Default publish limit per user, across all of the user's connections and instances: bursts of 100, then 50 per second. */
export const DEFAULT_USER_LIMIT: BucketSpec = { capacity: 100, refillPerSecond: 50 };
/**
 * Default subscribe limit per connection, a budget of its own: bursts of 150 (a client resubscribing every channel it
 * may hold after a reconnect), then 10 per second.
 */
export const DEFAULT_SUBSCRIBE_CONNECTION_LIMIT: BucketSpec = { capacity: 150, refillPerSecond: 10 };
/** Default subscribe limit per user, across connections and instances: bursts of 500, then 50 per second. */
export const DEFAULT_SUBSCRIBE_USER_LIMIT: BucketSpec = { capacity: 500, refillPerSecond: 50 };
export { DEFAULT_ACTION_LIMIT };

/** Who is acting, as `authorizeChannel` and `beforePublish` see it. */
export interface RealtimeUser {
  /** The authenticated user (undefined when anonymous). */
  readonly userId: string | undefined;
  /** The connection (session) id: for logs; never shown to other clients. */
  readonly connectionId: string;
}

/** What `beforePublish` is asked about one client publish; see {@link RealtimeOptions.beforePublish}. */
export interface BeforePublishContext {
  readonly user: RealtimeUser;
  readonly channel: string;
  readonly event: string;
  /** The published data (after its payload schema, when there is one). */
  readonly data: unknown;
  /** Set when the publish edits a stored message (`channel.edit`): `target` is its id, `event` its event. */
  readonly action?: 'update';
  readonly target?: string;
  /**
   * The newest stored message of `event` (default: this publish's event) on the channel, or undefined. Read in the
   * channel's turn: nothing else is stored on the channel until this publish is decided.
   */
  latest(event?: string): Promise<HubMessage | undefined>;
}

/** What `authorizeMessage` is asked about one edit, deletion or reaction; see {@link RealtimeOptions.authorizeMessage}. */
export interface AuthorizeMessageContext {
  readonly user: RealtimeUser;
  readonly channel: string;
  readonly action: 'update' | 'delete' | 'reaction';
  /** The message acted on: its id, event and author (undefined when the server published it). */
  readonly message: { readonly id: string; readonly event: string; readonly author: string | undefined };
  /** Whether `user` wrote it. */
  readonly isAuthor: boolean;
}

/** Channels whose names start with one of these need `authorizeChannel` to say yes (the model of Pusher). */
export const PROTECTED_CHANNEL_PREFIXES = ['private-', 'presence-'] as const;

/** Options for {@link createRealtime}. */
export interface RealtimeOptions {
  /**
   * Redis for more than one instance: a URL or an ioredis client. Default `process.env.REDIS_URL`; without one,
   * messages, tokens and rate limits live in this process's memory. `false` forces memory.
   */
  redis?: string | Redis | false;
  /** A broker of your own (overrides `redis` for messages). */
  broker?: ChannelBroker;
  /** A token and rate-limit store of your own (overrides `redis` for them). */
  store?: KeyValueStore;
  /** Messages kept per channel for replay. Default 1000. */
  logSize?: number;
  /**
   * Whether `userId` (undefined when anonymous) may use a `private-` or `presence-` channel. Without it those
   * channels are refused to everyone; every other channel is open to every connection.
   */
  authorizeChannel?: (user: RealtimeUser, channel: string, action: HubAction) => boolean | Promise<boolean>;
  /**
   * The server rule for every client publish, on every endpoint and transport: return nothing to store it, `{ data }`
   * to store other data (stamp the author with `user.userId`, the server's time), or `{ reject: 'message', details? }`
   * to refuse it (the publisher gets a `RealtimeError` with code `rejected`, your message and `details`). Calls for
   * one channel run one at a time, across every instance sharing Redis, and an accepted publish is stored before the
   * next call runs: `latest` cannot race. A retried publish (same `cid`) is acknowledged without asking again. A
   * throw refuses the publish with `server_error` (reported to `onError` and `onEvent`); the connection lives.
   * Server publishes (`realtime.publish`) do not pass through it.
   *
   * ```ts
   * beforePublish: async ({ user, event, data, latest }) => {
   *   if (event !== 'bid') return
   *   const top = await latest()
   *   if (top && data.amount <= top.data.amount) return { reject: `Outbid: ${top.data.amount} leads`, details: { leading: top.data.amount } }
   *   return { data: { ...data, bidder: user.userId, at: Date.now() } }
   * }
   * ```
   */
  beforePublish?: (context: BeforePublishContext) => PublishVerdict | Promise<PublishVerdict>;
  /**
   * Who may edit, delete or react to a stored message (`channel.edit`, `remove`, `react`), asked in the channel's turn
   * on every instance. False refuses it `forbidden`. Default: only the author edits or deletes (`isAuthor`); anyone who
   * may publish on the channel reacts. Edits also pass `beforePublish` (with `action: 'update'`).
   *
   * ```ts
   * authorizeMessage: ({ user, isAuthor }) => isAuthor || moderators.has(user.userId)
   * ```
   */
  authorizeMessage?: (context: AuthorizeMessageContext) => boolean | Promise<boolean>;
  /**
   * How reactions count (`mode`: `distinct` by default, `unique`, `multiple`; or a function of the channel) and how
   * many users a summary names (`maxUsers`, default 20; the count stays exact).
   */
  reactions?: ReactionOptions;
  /**
   * Server-authoritative shared state (`defineSharedState`), by channel name or prefix (`{ 'game:': ticTacToe }`) or a
   * function of the channel: each client action (`dispatch`) is reduced here, in the channel's turn across every
   * instance, with the acting user, and stored with the state after it — or refused `rejected` with the reducer's
   * `refuseAction` message. These channels take only actions (no other events, edits, deletions or reactions), and
   * `beforePublish` does not see them: the reducer is their rule.
   */
  sharedState?: SharedStateChannels;
  /**
   * Limit on shared-state actions per user (per connection when anonymous) and channel, shared across instances
   * through the store: refused `rate_limited` with `retryAfterMs`. Default {@link DEFAULT_ACTION_LIMIT}; `false` turns it off.
   */
  actionRateLimit?: BucketSpec | false;
  /**
   * Token-bucket limits on client frames (publish, subscribe, presence), per connection and per user (shared across
   * instances through the store). A refused publish is `nack`ed `rate_limited`, other frames get an `error`
   * frame. Default {@link DEFAULT_CONNECTION_LIMIT} and {@link DEFAULT_USER_LIMIT}; `false` turns limits off.
   */
  rateLimit?: { readonly perConnection?: BucketSpec | false; readonly perUser?: BucketSpec | false } | false;
  /**
   * Limits on subscribes, a budget separate from `rateLimit` so a client with many channels can always resubscribe
   * them after a reconnect. Default {@link DEFAULT_SUBSCRIBE_CONNECTION_LIMIT} and {@link DEFAULT_SUBSCRIBE_USER_LIMIT};
   * `false` turns them off. A refused subscribe is an `error` frame `rate_limited` with `retryAfterMs`: the client
   * subscribes again after that long.
   */
  subscribeLimit?: { readonly perConnection?: BucketSpec | false; readonly perUser?: BucketSpec | false } | false;
  /** What one client may send at most: channel and event name lengths, data nesting, channels per connection, presence data size. */
  limits?: Partial<HubLimits>;
  /**
   * Longest one client frame may wait on `authorize`, `beforePublish`, `authorizeMessage`, a limiter or Redis before
   * its connection is closed (the client reconnects and re-sends what was not acknowledged). Default 15 000.
   */
  frameTimeoutMs?: number;
  /**
   * Schemas for published data, by event name (`'*'` for every event), with any Standard Schema library (zod,
   * valibot, arktype). A publish whose data fails is `nack`ed `invalid_payload` with the issues; nothing is stored.
   * A function picks one per channel and event. Not applied on end-to-end encrypted (`private-encrypted-`)
   * channels: the server only sees ciphertext there, so it checks that payloads are sealed instead.
   */
  schemas?:
    Readonly<Record<string, StandardSchemaV1>> | ((channel: string, event: string) => StandardSchemaV1 | undefined);
  /** Stream tokens (EventSource auth) live this long. Default 30 000. */
  streamTokenTtlMs?: number;
  /** Audit trail: publishes, limit hits, refusals. Endpoints given this `realtime` report connects and auth failures too. */
  onEvent?: ServerEventListener;
  /** Failures that are not the client's fault (a throwing hook, the store down). Default `console.error`. */
  onError?: (error: unknown) => void;
}

/** Messages, tokens and limits for every endpoint of one server: see {@link createRealtime}. */
export interface Realtime {
  readonly hub: ChannelHub<ChannelBroker>;
  readonly broker: ChannelBroker;
  readonly store: KeyValueStore;
  /** Single-use, short-lived tokens for `EventSource`, stored in `store` (so any instance can redeem them). */
  readonly streamTokens: StreamTokens;
  /** The publish limiter, or undefined when limits are off. */
  readonly rateLimiter: RateLimiter | undefined;
  /** True when messages go through Redis. */
  readonly distributed: boolean;
  /** The `onEvent` of the options (endpoints given this `realtime` report to it too). */
  readonly onEvent: ServerEventListener | undefined;
  /**
   * Publishes from the server (a Server Action, a route handler, a job): stored, numbered and delivered to every
   * subscriber on every instance. Resolves once stored; rejects with `RealtimeError('unavailable')` when it
   * could not be (nothing was published), and with `invalid_payload` for plaintext on an encrypted
   * (`private-encrypted-`) channel: seal it with `sealForChannel` first.
   */
  publish(channel: string, event: string, data: unknown, options?: { cid?: string }): Promise<HubReceipt>;
  /**
   * Stored messages of a channel, oldest first: `{ before, limit }` pages back from the newest (a chat's "load older":
   * pass the oldest `seq` you show as `before`), `{ after, limit }` reads forward. Only what the log still keeps (its
   * `logSize`, and retention); `epoch` tells logs that started over apart.
   */
  history(
    channel: string,
    query?: { before?: number; after?: number; limit?: number; versions?: boolean },
  ): Promise<ChannelHistory>;
  /** Closes the Redis connections it opened. Call it after the endpoints are closed. */
  close(): Promise<void>;
}

/**
 * One server's realtime state, shared by its endpoints: the hub with its broker (memory, or Redis when
 * `REDIS_URL` is set), the store for stream tokens and rate limits, and the rules every endpoint applies alike:
 * channel authorization for `private-`/`presence-` channels, per-connection and per-user rate limits, payload
 * schemas and the `onEvent` audit trail. On end-to-end encrypted channels (`private-encrypted-…`, see
 * `encryptedTransport`) a client's publish, signal or presence data that is not sealed is refused `invalid_payload`
 * (and schemas, which cannot read ciphertext, are skipped).
 *
 * ```ts
 * import { z } from 'zod'
 * const realtime = await createRealtime({
 *   authorizeChannel: ({ userId }, channel) => channel === `private-user-${userId}`,
 *   schemas: { chat: z.object({ text: z.string().max(2000) }) },
 *   onEvent: (event) => audit.write(event),
 * })
 * createWebSocketEndpoint({ server, path: '/realtime', hub: realtime.hub, authenticate })
 * ```
 */
export async function createRealtime(options: RealtimeOptions = {}): Promise<Realtime> {
  const onError = options.onError ?? ((error: unknown) => console.error('[realtime-kit] realtime:', error));
  const report = options.onEvent ? eventReporter(options.onEvent, onError) : undefined;
  const { broker, store, distributed, closers } = await openStorage(options);

  const rateLimiter = limiterFor(store, options.rateLimit, DEFAULT_CONNECTION_LIMIT, DEFAULT_USER_LIMIT, 'rk:rl:');
  const subscribeLimiter = limiterFor(
    store,
    options.subscribeLimit,
    DEFAULT_SUBSCRIBE_CONNECTION_LIMIT,
    DEFAULT_SUBSCRIBE_USER_LIMIT,
    'rk:rl:sub:',
  );
  const validator = options.schemas ? createPayloadValidator(options.schemas) : undefined;
  const { authorizeChannel, beforePublish, authorizeMessage } = options;
  const refused = (session: HubSessionInfo, code: RefusalCode, channel: string) =>
    report?.({ type: 'refused', transport: transportOf(session), code, channel, userId: session.userId });

  const authorize = channelAuthorizer(authorizeChannel, report);
  const limitAction = actionLimiter(options, store, report);
  // Synchronous, so a server without limits or schemas keeps handling frames without a promise per frame.
  const admitSealed = (
    session: HubSessionInfo,
    frame: Exclude<ClientFrame, { type: 'ping' }>,
  ): FrameError | undefined => {
    const serverWritten = refuseServerWritten(frame);
    if (serverWritten) {
      refused(session, 'forbidden', frame.channel);
      return serverWritten;
    }
    const unsealed = refuseUnsealed(frame);
    if (unsealed) refused(session, 'invalid_payload', frame.channel);
    return unsealed;
  };

  const admit = async (
    session: HubSessionInfo,
    frame: Exclude<ClientFrame, { type: 'ping' }>,
  ): Promise<FrameError | undefined> => {
    const limiter =
      frame.type === 'subscribe' ? subscribeLimiter : frame.type === 'unsubscribe' ? undefined : rateLimiter;
    if (limiter) {
      const verdict = await limiter.check({ connectionId: session.id, userId: session.userId });
      if (!verdict.ok) {
        report?.({
          type: 'limit',
          transport: transportOf(session),
          scope: verdict.scope,
          key: verdict.key,
          retryAfterMs: verdict.retryAfterMs,
        });
        return { ...verdict.error, retryAfterMs: verdict.retryAfterMs };
      }
    }
    const actionLimited = await limitAction?.(session, frame);
    if (actionLimited) return actionLimited;
    const unsealed = admitSealed(session, frame);
    if (unsealed) return unsealed;
    if (validator && frame.type === 'publish' && carriesText(frame) && !isEncryptedChannel(frame.channel)) {
      const checked = await validator.validate(frame.channel, frame.event, frame.data);
      if (!checked.ok) {
        refused(session, 'invalid_payload', frame.channel);
        return checked.error;
      }
    }
    return undefined;
  };

  const hub = createChannelHub<ChannelBroker>({
    broker,
    authorize,
    admit: rateLimiter || subscribeLimiter || validator || limitAction ? admit : admitSealed,
    limits: options.limits,
    ...(options.frameTimeoutMs === undefined ? {} : { frameTimeoutMs: options.frameTimeoutMs }),
    ...withSharedState(options.sharedState, {
      beforePublish: beforePublish
        ? (context) =>
            beforePublish({
              user: { userId: context.session.userId, connectionId: context.session.id },
              channel: context.channel,
              event: context.event,
              data: context.data,
              ...(context.target === undefined ? {} : { action: context.action, target: context.target }),
              latest: context.latest,
            })
        : undefined,
      authorizeMessage: authorizeMessage
        ? ({ session, ...asked }) =>
            authorizeMessage({ user: { userId: session.userId, connectionId: session.id }, ...asked })
        : undefined,
    }),
    reactions: options.reactions,
    onStored: report
      ? (session, stored) => {
          if (stored.fresh)
            report({
              type: 'publish',
              transport: session ? transportOf(session) : 'server',
              channel: stored.channel,
              event: stored.event,
              seq: stored.seq,
              userId: session?.userId,
            });
        }
      : undefined,
    onRefused: report
      ? (session, refusal) => refused(session, refusal.error.code as RefusalCode, refusal.channel)
      : undefined,
    onError: (error) => onError(error),
  });

  let closed: Promise<void> | undefined;
  return {
    hub,
    broker,
    store,
    streamTokens: createStreamTokens({ store, ttlMs: options.streamTokenTtlMs }),
    rateLimiter,
    distributed,
    onEvent: options.onEvent,
    async publish(channel, event, data, publishOptions) {
      // The server holds the master key, not the channel key: plaintext here would reach every member unreadable.
      const unsealed = refuseUnsealed({ type: 'publish', channel, event, data, cid: '' });
      if (unsealed) throw new RealtimeError('invalid_payload', unsealed.message);
      return hub.publish(channel, event, data, publishOptions);
    },
    async history(channel, query = {}) {
      return hub.history(
        channel,
        query.after !== undefined
          ? { after: query.after, limit: query.limit }
          : { before: query.before, limit: query.limit ?? 50 },
        { versions: query.versions === true },
      );
    },
    close() {
      closed ??= Promise.all(closers.map((close) => close())).then(() => undefined);
      return closed;
    },
  };
}

/** The hub's publish rules: yours, wrapped by the shared-state reducers when there are shared-state channels. */
function withSharedState(
  channels: SharedStateChannels | undefined,
  rules: Pick<ChannelHubOptions, 'beforePublish' | 'authorizeMessage'>,
): Pick<ChannelHubOptions, 'beforePublish' | 'authorizeMessage'> {
  return channels ? sharedStateRules(channels, rules) : rules;
}

function transportOf(session: HubSessionInfo): ServerTransport {
  return (session.transport as ServerTransport | undefined) ?? 'hub';
}

/** The hub's `authorize`: protected channels (`private-`, `presence-`, …) ask `authorizeChannel`; a denial is reported. */
function channelAuthorizer(
  authorizeChannel: RealtimeOptions['authorizeChannel'],
  report: ServerEventListener | undefined,
) {
  return (session: HubSessionInfo, channel: string, action: HubAction): boolean | Promise<boolean> => {
    if (!PROTECTED_CHANNEL_PREFIXES.some((prefix) => channel.startsWith(prefix))) return true;
    const deny = () => {
      report?.({
        type: 'auth_failure',
        transport: transportOf(session),
        code: 'forbidden',
        reason: `channel "${channel}" not authorized for ${action}`,
        channel,
        userId: session.userId,
      });
      return false;
    };
    if (!authorizeChannel) return deny();
    return Promise.resolve(
      authorizeChannel({ userId: session.userId, connectionId: session.id }, channel, action),
    ).then((allowed) => (allowed === true ? true : deny()));
  };
}

/** A limiter for `setting` (undefined when turned off entirely), with the defaults for scopes not given. */
function limiterFor(
  store: KeyValueStore,
  setting: { readonly perConnection?: BucketSpec | false; readonly perUser?: BucketSpec | false } | false | undefined,
  connectionDefault: BucketSpec,
  userDefault: BucketSpec,
  keyPrefix: string,
): RateLimiter | undefined {
  if (setting === false) return undefined;
  const perConnection = setting?.perConnection === false ? undefined : (setting?.perConnection ?? connectionDefault);
  const perUser = setting?.perUser === false ? undefined : (setting?.perUser ?? userDefault);
  if (!perConnection && !perUser) return undefined;
  return createRateLimiter({ store, perConnection, perUser, keyPrefix });
}

const GLOBAL_KEY = Symbol.for('@realtime-kit/server.realtime');

/**
 * The process's shared {@link Realtime}, created on first use with `options` (later calls reuse it and ignore
 * theirs). It lives on `globalThis`, so a custom server, route handlers and Server Actions of one Next.js process
 * — even across dev-mode module reloads — publish through one hub. With `REDIS_URL` set, any process reaches
 * every instance's subscribers.
 */
export function getRealtime(options?: RealtimeOptions): Promise<Realtime> {
  const holder = globalThis as { [GLOBAL_KEY]?: Promise<Realtime> };
  holder[GLOBAL_KEY] ??= createRealtime(options).catch((error: unknown) => {
    delete holder[GLOBAL_KEY];
    throw error;
  });
  return holder[GLOBAL_KEY];
}

/**
 * Publishes through the process's shared {@link Realtime} (see {@link getRealtime}): the helper for Server Actions
 * and route handlers.
 *
 * ```ts
 * 'use server'
 * import { publish } from '@realtime-kit/server'
 * export async function sendMessage(text: string) {
 *   const message = await db.messages.create({ text })
 *   await publish('room:42', 'message', message)
 * }
 * ```
 */
export async function publish(
  channel: string,
  event: string,
  data: unknown,
  options?: { cid?: string },
): Promise<HubReceipt> {
  return (await getRealtime()).publish(channel, event, data, options);
}

/** A publish whose data is message text for the schemas: a new message or an edit (not a deletion or a reaction). */
function carriesText(frame: { readonly action?: string }): boolean {
  return frame.action === undefined || frame.action === 'update';
}

// The only module of @realtime-kit/react that imports socket.io-client (an optional peer). It is published as its
// own entry, `@realtime-kit/react/socket-io`, so apps that do not use Socket.io never need the package installed.
import { useEffect, useLayoutEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import {
  createConnectionCache,
  createConnectionView,
  identityOf,
  INITIAL_CONNECTION_STATE,
  stableStringify,
  type CacheableConnection,
  type ConnectionStatus,
  type RealtimeError,
} from '@realtime-kit/core';
import { socketIOConnection } from '@realtime-kit/core/socket-io';

// socket.io-client's own event-map shape; `unknown` would not accept its listeners' parameter lists.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EventsMap = Record<string, any>;
/** A socket whose event maps this hook does not look into. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnySocket<ServerEvents extends EventsMap = EventsMap> = Socket<ServerEvents, any>;

/** socket.io-client's options (`io(url, options)`); `autoConnect` is the hook's: it connects with the first component. */
export type UseSocketOptions = Partial<Omit<ManagerOptions & SocketOptions, 'autoConnect'>>;

/** What {@link useSocket} renders from. */
export interface UseSocketResult<ServerEvents extends EventsMap, ClientEvents extends EventsMap> {
  /** The shared socket, for `emit` and {@link useSocketEvent}; null while `url` is null and on the server. */
  readonly socket: Socket<ServerEvents, ClientEvents> | null;
  /** `connecting` → `open` on connect; `reconnecting` while socket.io retries; `closed` on `'unauthorized'` or a server disconnect. */
  readonly status: ConnectionStatus;
  /** Why it is not open (`unauthorized`, `network`, …); null once open. */
  readonly error: RealtimeError | null;
  /** Whether socket.io's connection state recovery restored the previous session on the last connect. */
  readonly recovered: boolean;
}

interface SocketView {
  readonly status: ConnectionStatus;
  readonly error: RealtimeError | null;
  readonly recovered: boolean;
}

interface SharedSocket extends CacheableConnection<SocketView> {
  readonly socket: AnySocket;
  /** The newest options of any component using this entry: `auth` is read through it. */
  readonly latest: { current: UseSocketOptions };
}

/** Every component's sockets, shared by key. */
const cache = /* @__PURE__ */ createConnectionCache<SharedSocket>();
const IDLE_VIEW: SocketView = /* @__PURE__ */ Object.freeze({
  status: INITIAL_CONNECTION_STATE.status,
  error: null,
  recovered: false,
});
const noopSubscribe = () => () => {};
const getIdle = () => IDLE_VIEW;

/**
 * A Socket.io connection shared by every component passing the same `url` and options: created with the first,
 * connected while any is mounted, disconnected one tick after the last unmounts (StrictMode's double mount opens
 * one). Its status follows the same mapping as `socketIOTransport` (`@realtime-kit/core/socket-io`), without the
 * protocol's `welcome`: `open` on socket.io's `connect`.
 *
 * Pass `auth` as a callback to send a fresh token on every reconnect (`auth: (cb) => cb({ token: getToken() })`);
 * the newest callback is called, so an inline arrow neither reconnects nor goes stale. A server middleware
 * refusing it with `next(new Error('unauthorized'))` gives `status: 'closed'` and `error.code === 'unauthorized'`.
 *
 * Imported from `@realtime-kit/react/socket-io`; needs `socket.io-client` installed.
 *
 * @param url The socket.io server (`https://…`, with a namespace path if any), or `null` to stay idle.
 * @example
 * const { socket, status } = useSocket<ServerEvents, ClientEvents>('https://chat.example.com', { auth: (cb) => cb({ token }) })
 * useSocketEvent(socket, 'message', (text) => setLog((log) => [...log, text]))
 */
export function useSocket<ServerEvents extends EventsMap = EventsMap, ClientEvents extends EventsMap = ServerEvents>(
  url: string | null,
  options: UseSocketOptions = {},
): UseSocketResult<ServerEvents, ClientEvents> {
  const key =
    url === null
      ? null
      : `${url}|${identityOf(options.parser as object | undefined)}|${stableStringify(keyedOptions(options))}`;
  const entry =
    key !== null && url !== null && typeof window !== 'undefined'
      ? cache.get(key, () => createSharedSocket(url, options))
      : null;
  const shared = entry?.resource;

  useLayoutEffect(() => {
    if (shared) shared.latest.current = options;
  });

  const view = useSyncExternalStore(
    entry ? entry.subscribe : noopSubscribe,
    entry ? entry.getSnapshot : getIdle,
    getIdle,
  );
  const socket = (shared?.socket ?? null) as Socket<ServerEvents, ClientEvents> | null;
  return useMemo(() => ({ socket, status: view.status, error: view.error, recovered: view.recovered }), [socket, view]);
}

/**
 * Listens to a server event on `socket` while mounted. The newest `handler` is called: a new function identity
 * never re-subscribes. `socket` may be null (nothing happens until it is not).
 */
export function useSocketEvent<ServerEvents extends EventsMap, E extends keyof ServerEvents & string>(
  socket: AnySocket<ServerEvents> | null,
  event: E,
  handler: ServerEvents[E],
): void {
  const latest = useRef(handler);
  useLayoutEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    if (!socket) return;
    const loose = socket as unknown as {
      on(event: string, listener: (...args: unknown[]) => void): void;
      off(event: string, listener: (...args: unknown[]) => void): void;
    };
    const listener = (...args: unknown[]) => (latest.current as (...args: unknown[]) => void)(...args);
    loose.on(event, listener);
    return () => loose.off(event, listener);
  }, [socket, event]);
}

/**
 * The socket.io connection the cache shares. It stays here, not in core: creating it calls `io()`, and only this
 * entry of the package may load socket.io-client.
 */
function createSharedSocket(url: string, initial: UseSocketOptions): SharedSocket {
  const latest = { current: initial };
  const auth =
    typeof initial.auth === 'function'
      ? (cb: (data: object) => void) => {
          const current = typeof latest.current.auth === 'function' ? latest.current.auth : initial.auth;
          (current as (cb: (data: object) => void) => void)(cb);
        }
      : initial.auth;
  const socket = io(url, { ...initial, ...(auth === undefined ? {} : { auth }), autoConnect: false });
  const connection = socketIOConnection(socket);
  // Socket events reach components through useSocketEvent; the view is the connection's state alone.
  const view = createConnectionView(
    connection,
    (state): SocketView => ({ status: state.status, error: state.error, recovered: socket.recovered === true }),
    { throttle: false },
  );
  return {
    ...view,
    socket,
    latest,
    connect: () => connection.connect(),
    dispose() {
      connection.close();
      connection.dispose();
    },
  };
}

/** The options that decide whether two components can share a socket: every serializable one (`auth` by role). */
function keyedOptions(options: UseSocketOptions) {
  const { parser: _parser, ...rest } = options;
  return { ...rest, auth: typeof rest.auth === 'function' ? 'fn' : rest.auth };
}

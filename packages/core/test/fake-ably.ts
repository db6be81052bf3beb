// An in-memory stand-in for the Ably service and the part of ably v2's Realtime client that ablyTransport uses.
// Ably's realtime protocol is not practical to serve locally, so Ably is tested at its SDK boundary: these fakes
// implement `Pick`s of ably's own declared types (its overloads included), so a change in ably's API fails the
// typecheck instead of drifting silently, and they raise ably's own `ErrorInfo` class with Ably's error codes.
//
// What is modelled, after ably-js 2.x and Ably's docs:
// - token auth through the app's `authCallback` (TokenDetails, token string or TokenRequest); an unknown token fails
//   the connection with 40101, an expired one is renewed once and then leaves the connection `disconnected` with
//   40142; an authCallback error is 80019 (`failed` when its statusCode is 403); capabilities refuse with 40160;
// - connection states and ConnectionStateChange events; `drop('disconnected')` keeps the connection's state on the
//   "server" for the continuity window (same connection id on reconnect, channels resume, missed messages buffered
//   and delivered), `drop('suspended')` loses it (new connection id, channels re-attach with `resumed: false`, the
//   connection's presence left), `drop('disconnected', { serverLostState: true })` is a resume that fails in place
//   (a new connection id with 80008, attached channels get an `update` with `resumed: false`);
// - channels: attach/detach with `resumed`, subscribe/unsubscribe, publish (echoed to the publisher, as with
//   `echoMessages: true`; idempotent by client-supplied message id; queued while disconnected; `extras.ephemeral`
//   messages are neither stored nor buffered), history ({ untilAttach, start, end, direction, limit }, paginated;
//   untilAttach needs an attached channel and direction 'backwards');
// - presence per (connectionId, clientId): enter/update/leave/get/subscribe, re-entered after a non-resumed attach.
import { ErrorInfo } from 'ably';
import type * as Ably from 'ably';

type Listener<T> = (value: T) => void;

/** A token the fake service issued. */
interface IssuedToken {
  readonly clientId: string | undefined;
  readonly expires: number;
  /** Channel name (or `*`, or `prefix:*`) → operations. */
  readonly capability: Record<string, string[]>;
}

export interface FakeAblyServiceOptions {
  /** Delay before a message reaches subscribers (the publish is acknowledged before). Default 0. */
  latencyMs?: number;
  /** `retryIn` of a `disconnected` connection in the fake client, in ms. Default 20. */
  retryInMs?: number;
  /** Messages kept per channel for history. Default 10,000. */
  historySize?: number;
}

interface ServiceChannel {
  readonly name: string;
  readonly messages: Ably.InboundMessage[];
  readonly ids: Set<string>;
  readonly attached: Set<FakeRealtime>;
  readonly members: Map<string, Ably.PresenceMessage>;
  serial: number;
  /** Errors the next publishes are refused with (rate limits, …). */
  readonly refusals: ErrorInfo[];
}

let connectionCounter = 0;

/** The in-memory "Ably service" several fake Realtime clients talk through. */
export class FakeAblyService {
  readonly keyName = 'fakeApp.fakeKey';
  readonly latencyMs: number;
  readonly retryInMs: number;
  readonly historySize: number;
  private readonly channels = new Map<string, ServiceChannel>();
  private readonly tokens = new Map<string, IssuedToken>();
  readonly clients = new Set<FakeRealtime>();
  private lastTimestamp = 0;
  private tokenCounter = 0;

  constructor(options: FakeAblyServiceOptions = {}) {
    this.latencyMs = options.latencyMs ?? 0;
    this.retryInMs = options.retryInMs ?? 20;
    this.historySize = options.historySize ?? 10_000;
  }

  /** A new fake Realtime client (like `new Ably.Realtime(options)`). */
  realtime(options: Ably.ClientOptions): FakeRealtime {
    const client = new FakeRealtime(this, options);
    this.clients.add(client);
    return client;
  }

  /** Issues a token, as your auth server would with an API key (`auth.requestToken`). */
  issueToken(
    params: { clientId?: string; ttlMs?: number; capability?: Record<string, string[]> } = {},
  ): Ably.TokenDetails {
    this.tokenCounter += 1;
    const token = `fake-token-${this.tokenCounter}`;
    const issued = Date.now();
    const expires = issued + (params.ttlMs ?? 3_600_000);
    const capability = params.capability ?? { '*': ['*'] };
    this.tokens.set(token, { clientId: params.clientId, expires, capability });
    return {
      token,
      issued,
      expires,
      capability: JSON.stringify(capability),
      ...(params.clientId === undefined ? {} : { clientId: params.clientId }),
    };
  }

  /** A signed TokenRequest, as `auth.createTokenRequest` on your server would make (the fake exchanges it for a token). */
  createTokenRequest(
    params: { clientId?: string; ttlMs?: number; capability?: Record<string, string[]> } = {},
  ): Ably.TokenRequest {
    const details = this.issueToken(params);
    return {
      keyName: this.keyName,
      ttl: params.ttlMs ?? 3_600_000,
      timestamp: Date.now(),
      nonce: details.token,
      mac: `fake-mac:${details.token}`,
      capability: details.capability,
      ...(params.clientId === undefined ? {} : { clientId: params.clientId }),
    };
  }

  /** Validates what an authCallback returned: the token's grant, or the ErrorInfo Ably answers with. */
  authenticate(credential: Ably.TokenDetails | Ably.TokenRequest | string): IssuedToken | ErrorInfo {
    let token: string | undefined;
    if (typeof credential === 'string') token = credential;
    else if ('mac' in credential) {
      if (credential.keyName !== this.keyName || !credential.mac.startsWith('fake-mac:'))
        return new ErrorInfo('Invalid key in request', 40101, 401);
      token = credential.mac.slice('fake-mac:'.length);
    } else token = credential.token;
    const grant = token === undefined ? undefined : this.tokens.get(token);
    if (!grant) return new ErrorInfo('Invalid credentials: token unrecognised', 40101, 401);
    if (grant.expires <= Date.now()) return new ErrorInfo('Token expired', 40142, 401);
    return grant;
  }

  channel(name: string): ServiceChannel {
    let channel = this.channels.get(name);
    if (!channel) {
      channel = {
        name,
        messages: [],
        ids: new Set(),
        attached: new Set(),
        members: new Map(),
        serial: 0,
        refusals: [],
      };
      this.channels.set(name, channel);
    }
    return channel;
  }

  /** The next publishes on `channel` are refused with these errors (e.g. `new ErrorInfo('Rate limit exceeded', 42910, 429)`). */
  refuseNextPublish(channel: string, ...errors: ErrorInfo[]): void {
    this.channel(channel).refusals.push(...errors);
  }

  /** Forgets `channel`'s stored messages older than the newest `keep` (history retention ran out). */
  forgetHistory(channel: string, keep = 0): void {
    const messages = this.channel(channel).messages;
    messages.splice(0, Math.max(0, messages.length - keep));
  }

  /** The messages stored on `channel`, oldest first. */
  stored(channel: string): readonly Ably.InboundMessage[] {
    return this.channel(channel).messages;
  }

  /** The presence set of `channel`. */
  presence(channel: string): Ably.PresenceMessage[] {
    return [...this.channel(channel).members.values()];
  }

  /** Publishes as a server SDK would (REST, no connection): raw data, no envelope. */
  publishFromServer(channel: string, message: Ably.Message): Ably.InboundMessage | null {
    return this.store(null, channel, message);
  }

  timestamp(): number {
    this.lastTimestamp = Math.max(Date.now(), this.lastTimestamp);
    return this.lastTimestamp;
  }

  /** Stores and fans out one message. Null when the id was published before (idempotent publishing). */
  store(from: FakeRealtime | null, name: string, message: Ably.Message): Ably.InboundMessage | null {
    const channel = this.channel(name);
    if (message.id !== undefined && channel.ids.has(message.id)) return null;
    channel.serial += 1;
    const timestamp = this.timestamp();
    const serial = `${String(channel.serial).padStart(12, '0')}@${timestamp}`;
    const id = message.id ?? `${from?.connection.id ?? 'rest'}:${channel.serial}:0`;
    const inbound: Ably.InboundMessage = {
      id,
      name: message.name,
      data: message.data,
      timestamp,
      serial,
      action: 'message.create',
      version: { serial, timestamp },
      annotations: { summary: {} },
      ...(message.extras === undefined ? {} : { extras: message.extras }),
      ...(from?.connection.id === undefined ? {} : { connectionId: from.connection.id }),
      ...(from?.auth.clientId ? { clientId: from.auth.clientId } : {}),
    };
    channel.ids.add(id);
    const ephemeral = (message.extras as { ephemeral?: unknown } | undefined)?.ephemeral === true;
    if (!ephemeral) {
      channel.messages.push(inbound);
      if (channel.messages.length > this.historySize)
        channel.messages.splice(0, channel.messages.length - this.historySize);
    }
    for (const client of [...channel.attached]) {
      if (client === from && !client.echoMessages) continue;
      client.receive(name, { kind: 'message', message: inbound, ephemeral });
    }
    return inbound;
  }

  /** Applies a presence action of `client` on `name` and fans it out. */
  presenceAction(client: FakeRealtime, name: string, action: 'enter' | 'update' | 'leave', data: unknown): void {
    const channel = this.channel(name);
    const clientId = client.auth.clientId;
    const connectionId = client.connection.id ?? '';
    const key = `${connectionId}:${clientId}`;
    const existing = channel.members.get(key);
    if (action === 'leave' && !existing) return;
    const message: Ably.PresenceMessage = {
      action: action === 'leave' ? 'leave' : existing ? 'update' : 'enter',
      clientId,
      connectionId,
      data: action === 'leave' ? existing?.data : data,
      encoding: '',
      extras: undefined,
      id: `${connectionId}:${channel.serial}:${channel.members.size}`,
      timestamp: this.timestamp(),
    };
    if (action === 'leave') channel.members.delete(key);
    else channel.members.set(key, { ...message, action: 'present' });
    for (const other of [...channel.attached]) other.receive(name, { kind: 'presence', message });
  }

  /** The connection `client` had is gone on the service side: its presence leaves, it gets nothing more. */
  forgetConnection(client: FakeRealtime, connectionId: string): void {
    for (const channel of this.channels.values()) {
      channel.attached.delete(client);
      for (const [key, member] of [...channel.members]) {
        if (member.connectionId !== connectionId) continue;
        channel.members.delete(key);
        const leave: Ably.PresenceMessage = { ...member, action: 'leave', timestamp: this.timestamp() };
        for (const other of [...channel.attached]) other.receive(channel.name, { kind: 'presence', message: leave });
      }
    }
  }

  /** Whether the token behind `client` allows `operation` on `channel`. */
  allows(client: FakeRealtime, channel: string, operation: 'publish' | 'subscribe' | 'presence'): boolean {
    const grant = client.grant;
    if (!grant) return false;
    for (const [pattern, operations] of Object.entries(grant.capability)) {
      const matches =
        pattern === '*' || pattern === channel || (pattern.endsWith(':*') && channel.startsWith(pattern.slice(0, -1)));
      if (matches && (operations.includes('*') || operations.includes(operation))) return true;
    }
    return false;
  }

  /** Closes every client (afterEach). */
  closeAll(): void {
    for (const client of [...this.clients]) client.close();
    this.clients.clear();
  }
}

type Delivery =
  | { kind: 'message'; message: Ably.InboundMessage; ephemeral: boolean }
  | { kind: 'presence'; message: Ably.PresenceMessage };

/** A minimal EventEmitter with ably's `on(listener)` / `on(event, listener)` / `off` shapes. */
class Emitter<E extends string, V> {
  private readonly listeners: { event: E | null; listener: Listener<V> }[] = [];

  on(first: E | E[] | Listener<V>, second?: Listener<V>): void {
    if (typeof first === 'function') this.listeners.push({ event: null, listener: first });
    else if (second)
      for (const event of Array.isArray(first) ? first : [first]) this.listeners.push({ event, listener: second });
  }

  off(first?: E | Listener<V>, second?: Listener<V>): void {
    if (first === undefined) this.listeners.length = 0;
    const keep = this.listeners.filter((entry) =>
      typeof first === 'function'
        ? entry.listener !== first
        : !(entry.event === first && (second === undefined || entry.listener === second)),
    );
    this.listeners.splice(0, this.listeners.length, ...keep);
  }

  emit(event: E, value: V): void {
    for (const entry of [...this.listeners]) if (entry.event === null || entry.event === event) entry.listener(value);
  }
}

/** The fake `realtime.connection`. */
export class FakeConnection implements Pick<Ably.Connection, 'state' | 'id' | 'on' | 'off' | 'connect' | 'close'> {
  state: Ably.ConnectionState = 'initialized';
  id?: string;
  private readonly emitter = new Emitter<Ably.ConnectionEvent, Ably.ConnectionStateChange>();

  constructor(private readonly client: FakeRealtime) {}

  on(
    first: Ably.ConnectionEvent | Ably.ConnectionEvent[] | Ably.connectionEventCallback,
    second?: Ably.connectionEventCallback,
  ): void {
    this.emitter.on(first, second);
  }

  off(first?: Ably.ConnectionEvent | Ably.connectionEventCallback, second?: Ably.connectionEventCallback): void {
    this.emitter.off(first, second);
  }

  connect(): void {
    this.client.connectNow();
  }

  close(): void {
    this.client.closeNow();
  }

  /** Moves to `current` and tells the listeners (like ably's `notifyState`). */
  notify(current: Ably.ConnectionState, reason?: ErrorInfo, retryIn?: number): void {
    const previous = this.state;
    this.state = current;
    const change: Ably.ConnectionStateChange = {
      current,
      previous,
      ...(reason ? { reason } : {}),
      ...(retryIn === undefined ? {} : { retryIn }),
    };
    this.emitter.emit(current, change);
  }
}

/** The fake `channel.presence`. */
export class FakePresence implements Pick<
  Ably.RealtimePresence,
  'enter' | 'update' | 'leave' | 'get' | 'subscribe' | 'unsubscribe'
> {
  private readonly listeners = new Set<Ably.messageCallback<Ably.PresenceMessage>>();
  /** What this connection entered with (re-entered after a non-resumed attach). */
  entered: { data: unknown } | null = null;

  constructor(private readonly channel: FakeChannel) {}

  async enter(data?: unknown): Promise<void> {
    await this.act('enter', data);
  }

  async update(data?: unknown): Promise<void> {
    await this.act('update', data);
  }

  async leave(data?: unknown): Promise<void> {
    const { client } = this.channel;
    if (this.channel.state !== 'attached' && this.channel.state !== 'attaching') {
      throw new ErrorInfo(`Unable to leave presence channel while in ${this.channel.state} state`, 90001, 400);
    }
    this.entered = null;
    await this.channel.attach();
    client.service.presenceAction(client, this.channel.name, 'leave', data);
  }

  get(
    params?: Ably.RealtimePresenceParams | null,
    callback?: Ably.StandardCallback<Ably.PresenceMessage[]>,
  ): Promise<Ably.PresenceMessage[]> {
    if (callback) throw new Error('FakePresence.get: the v1 callback form is not supported (ably v2 removed it).');
    return (async () => {
      await this.channel.attach();
      const members = this.channel.client.service.presence(this.channel.name);
      return members.filter(
        (member) =>
          (params?.clientId === undefined || member.clientId === params.clientId) &&
          (params?.connectionId === undefined || member.connectionId === params.connectionId),
      );
    })();
  }

  async subscribe(
    first?: Ably.PresenceAction | Ably.PresenceAction[] | Ably.messageCallback<Ably.PresenceMessage>,
    second?: Ably.messageCallback<Ably.PresenceMessage>,
  ): Promise<void> {
    const listener = typeof first === 'function' ? first : second;
    if (typeof first !== 'function' && first !== undefined)
      throw new Error('FakePresence.subscribe: filtering by action is not modelled.');
    if (listener) this.listeners.add(listener);
    await this.channel.attach();
  }

  unsubscribe(first?: Ably.PresenceAction | Ably.PresenceAction[] | Ably.messageCallback<Ably.PresenceMessage>): void {
    if (first === undefined) this.listeners.clear();
    else if (typeof first === 'function') this.listeners.delete(first);
  }

  deliver(message: Ably.PresenceMessage): void {
    for (const listener of [...this.listeners]) listener(message);
  }

  private async act(action: 'enter' | 'update', data: unknown) {
    const { client } = this.channel;
    if (!client.auth.clientId || client.auth.clientId === '*')
      throw new ErrorInfo('Presence requires an identified client (clientId)', 40012, 400);
    await this.channel.attach();
    if (!client.service.allows(client, this.channel.name, 'presence')) {
      throw new ErrorInfo(`Action not permitted: presence on "${this.channel.name}"`, 40160, 401);
    }
    this.entered = { data };
    client.service.presenceAction(client, this.channel.name, action, data);
  }
}

type ChannelPick = Pick<
  Ably.RealtimeChannel,
  'name' | 'state' | 'attach' | 'detach' | 'subscribe' | 'unsubscribe' | 'publish' | 'history' | 'on' | 'off'
>;

/** The fake `realtime.channels.get(name)`. */
export class FakeChannel implements ChannelPick {
  state: Ably.ChannelState = 'initialized';
  readonly presence: FakePresence;
  private readonly emitter = new Emitter<Ably.ChannelEvent, Ably.ChannelStateChange>();
  private readonly listeners = new Set<Ably.messageCallback<Ably.InboundMessage>>();
  private attaching: Promise<Ably.ChannelStateChange | null> | null = null;
  /** The service's serial at the last non-resumed attach: `untilAttach` history ends there. */
  attachSerial = 0;

  constructor(
    readonly client: FakeRealtime,
    readonly name: string,
  ) {
    this.presence = new FakePresence(this);
  }

  on(
    first: Ably.ChannelEvent | Ably.ChannelEvent[] | Ably.channelEventCallback,
    second?: Ably.channelEventCallback,
  ): void {
    this.emitter.on(first, second);
  }

  off(first?: Ably.ChannelEvent | Ably.channelEventCallback, second?: Ably.channelEventCallback): void {
    this.emitter.off(first, second);
  }

  attach(): Promise<Ably.ChannelStateChange | null> {
    if (this.state === 'attached') return Promise.resolve(null);
    const connection = this.client.connection.state;
    if (connection === 'closing' || connection === 'closed' || connection === 'failed' || connection === 'suspended') {
      return Promise.reject(
        new ErrorInfo(
          `Connection ${connection}: cannot attach "${this.name}"`,
          connection === 'suspended' ? 80002 : 80017,
          400,
        ),
      );
    }
    if (this.attaching) return this.attaching;
    this.notify('attaching', false);
    const attempt = new Promise<Ably.ChannelStateChange | null>((resolve, reject) => {
      const tryNow = () => {
        if (this.attaching !== attempt) return;
        const state = this.client.connection.state;
        if (state !== 'connected') {
          if (state === 'connecting' || state === 'disconnected' || state === 'initialized')
            return void this.client.whenConnected(tryNow);
          this.attaching = null;
          return reject(new ErrorInfo(`Connection ${state}: cannot attach "${this.name}"`, 80002, 400));
        }
        this.attaching = null;
        if (!this.client.service.allows(this.client, this.name, 'subscribe')) {
          const error = new ErrorInfo(`Channel denied access based on given capability: "${this.name}"`, 40160, 401);
          this.notify('failed', false, error);
          return reject(error);
        }
        resolve(this.attached(false));
      };
      setTimeout(tryNow, 0);
    });
    this.attaching = attempt;
    return attempt;
  }

  /** The service confirmed an attach: returns the state change (null when it was an `update`). */
  attached(resumed: boolean): Ably.ChannelStateChange | null {
    const service = this.client.service;
    service.channel(this.name).attached.add(this.client);
    if (!resumed) this.attachSerial = service.channel(this.name).serial;
    if (this.state === 'attached') {
      if (!resumed) {
        const change: Ably.ChannelStateChange = { current: 'attached', previous: 'attached', resumed: false };
        this.emitter.emit('update', change);
        if (this.presence.entered) service.presenceAction(this.client, this.name, 'enter', this.presence.entered.data);
      }
      return null;
    }
    const change = this.notify('attached', resumed);
    // RTP17i: members this connection had entered are entered again after a non-resumed attach.
    if (!resumed && this.presence.entered)
      service.presenceAction(this.client, this.name, 'enter', this.presence.entered.data);
    return change;
  }

  async detach(): Promise<void> {
    if (this.state === 'failed') throw new ErrorInfo('Channel failed', 90001, 400);
    this.attaching = null;
    this.client.service.channel(this.name).attached.delete(this.client);
    if (this.presence.entered) {
      this.presence.entered = null;
      this.client.service.presenceAction(this.client, this.name, 'leave', undefined);
    }
    if (this.state !== 'detached' && this.state !== 'initialized') this.notify('detached', false);
  }

  subscribe(
    first: string | string[] | Ably.MessageFilter | Ably.messageCallback<Ably.InboundMessage>,
    second?: Ably.messageCallback<Ably.InboundMessage>,
    third?: Ably.ErrorCallback,
  ): Promise<Ably.ChannelStateChange | null> {
    if (typeof first !== 'function' || second !== undefined || third !== undefined) {
      throw new Error('FakeChannel.subscribe: only subscribe(listener) is modelled.');
    }
    this.listeners.add(first);
    return this.attach();
  }

  unsubscribe(first?: string | string[] | Ably.MessageFilter | Ably.messageCallback<Ably.InboundMessage>): void {
    if (first === undefined) this.listeners.clear();
    else if (typeof first === 'function') this.listeners.delete(first);
  }

  publish(
    first: string | Ably.Message | Ably.Message[],
    second?: unknown,
    third?: unknown,
  ): Promise<Ably.PublishResult> {
    if (typeof first === 'string' || Array.isArray(first) || second !== undefined || third !== undefined) {
      throw new Error('FakeChannel.publish: only publish(message) is modelled.');
    }
    return this.client.publish(this, first);
  }

  history(
    params?: Ably.RealtimeHistoryParams | null,
    callback?: Ably.StandardCallback<Ably.PaginatedResult<Ably.InboundMessage>>,
  ): Promise<Ably.PaginatedResult<Ably.InboundMessage>> {
    if (callback) throw new Error('FakeChannel.history: the v1 callback form is not supported (ably v2 removed it).');
    return (async () => {
      const direction = params?.direction ?? 'backwards';
      let upTo = Number.POSITIVE_INFINITY;
      if (params?.untilAttach) {
        if (this.state !== 'attached')
          throw new ErrorInfo(`option untilAttach requires the channel to be attached, was: ${this.state}`, 40000, 400);
        if (direction !== 'backwards') throw new ErrorInfo('untilAttach requires direction "backwards"', 40000, 400);
        upTo = this.attachSerial;
      }
      const limit = params?.limit ?? 100;
      if (limit > 1000) throw new ErrorInfo('limit must not exceed 1000', 40003, 400);
      const start = params?.start ?? 0;
      const end = params?.end ?? Number.POSITIVE_INFINITY;
      const selected = this.client.service
        .stored(this.name)
        .filter((message) => message.timestamp >= start && message.timestamp <= end && serialNumber(message) <= upTo);
      if (direction === 'backwards') selected.reverse();
      return page(selected, 0, limit);
    })();
  }

  deliver(delivery: Delivery): void {
    if (this.state !== 'attached') return;
    if (delivery.kind === 'message') for (const listener of [...this.listeners]) listener(delivery.message);
    else this.presence.deliver(delivery.message);
  }

  notify(current: Ably.ChannelState, resumed: boolean, reason?: ErrorInfo): Ably.ChannelStateChange | null {
    const previous = this.state;
    if (previous === current) return null;
    this.state = current;
    if (current !== 'attaching') this.attaching = null;
    const change: Ably.ChannelStateChange = { current, previous, resumed, ...(reason ? { reason } : {}) };
    this.emitter.emit(current, change);
    return change;
  }
}

function serialNumber(message: Ably.InboundMessage): number {
  return Number.parseInt((message.serial ?? '0').split('@')[0] ?? '0', 10);
}

function page<T>(items: readonly T[], offset: number, limit: number): Ably.PaginatedResult<T> {
  const result: Ably.PaginatedResult<T> = {
    items: items.slice(offset, offset + limit),
    hasNext: () => offset + limit < items.length,
    isLast: () => offset + limit >= items.length,
    next: async () => (offset + limit < items.length ? page(items, offset + limit, limit) : null),
    first: async () => page(items, 0, limit),
    current: async () => result,
  };
  return result;
}

type RealtimePick = Pick<Ably.RealtimeClient, 'connect' | 'close'> & {
  readonly auth: Pick<Ably.Auth, 'clientId'>;
  readonly channels: Pick<Ably.Channels<FakeChannel>, 'get' | 'all'>;
  readonly connection: FakeConnection;
};

/** A fake `Ably.Realtime` on a {@link FakeAblyService}. */
export class FakeRealtime implements RealtimePick {
  readonly connection: FakeConnection;
  readonly auth: { clientId: string };
  readonly channels: {
    get(name: string, options?: Ably.ChannelOptions): FakeChannel;
    all: Record<string, FakeChannel>;
  };
  readonly echoMessages: boolean;
  /** The token the current connection runs on. */
  grant: IssuedToken | null = null;
  private credential: Ably.TokenDetails | Ably.TokenRequest | string | null = null;
  /** How many times the authCallback was called. */
  authCalls = 0;
  /** Which deliveries were held while `disconnected` (the service buffers them for a resume). */
  private readonly buffered: { channel: string; delivery: Delivery }[] = [];
  private readonly queued: {
    channel: FakeChannel;
    message: Ably.Message;
    resolve: (result: Ably.PublishResult) => void;
    reject: (error: ErrorInfo) => void;
  }[] = [];
  private readonly connectedWaiters: (() => void)[] = [];
  /** The service still holds this connection's state (a `disconnected` drop within the continuity window). */
  private resumable = false;
  /** The next `connected` reports that the resume failed (80008). */
  private resumeFailed = false;
  private down = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly service: FakeAblyService,
    readonly options: Ably.ClientOptions,
  ) {
    if (options.authUrl !== undefined)
      throw new Error('FakeRealtime: use authCallback (the fake has no HTTP auth server).');
    this.connection = new FakeConnection(this);
    this.auth = { clientId: options.clientId ?? (undefined as unknown as string) };
    this.echoMessages = options.echoMessages ?? true;
    const all: Record<string, FakeChannel> = {};
    this.channels = {
      all,
      get: (name: string) => (all[name] ??= new FakeChannel(this, name)),
    };
    if (options.autoConnect ?? true) setTimeout(() => this.connectNow(), 0);
  }

  connect(): void {
    this.connectNow();
  }

  close(): void {
    this.closeNow();
  }

  whenConnected(callback: () => void): void {
    if (this.connection.state === 'connected') callback();
    else this.connectedWaiters.push(callback);
  }

  // ---- connection lifecycle --------------------------------------------------------------------------------

  connectNow(): void {
    const state = this.connection.state;
    if (state === 'connected' || state === 'connecting' || state === 'closing') return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connection.notify('connecting');
    void this.handshake();
  }

  private async handshake(renewed = false): Promise<void> {
    let credential: Ably.TokenDetails | Ably.TokenRequest | string;
    try {
      // Like ably-js, a token is reused until it is known to have expired (or the service refused it).
      credential =
        this.credential !== null && !renewed && (this.grant === null || this.grant.expires > Date.now())
          ? this.credential
          : await this.requestToken();
      this.credential = credential;
    } catch (cause) {
      if (this.connection.state !== 'connecting') return;
      const info = cause instanceof ErrorInfo ? cause : new ErrorInfo(String(cause), 40170, 401);
      if (info.statusCode === 403)
        return this.fail(
          new ErrorInfo(
            'Client configured authentication provider returned 403, failing the connection',
            80019,
            403,
            info,
          ),
        );
      return this.disconnect(
        new ErrorInfo('Client configured authentication provider request failed', 80019, 401, info),
      );
    }
    if (this.connection.state !== 'connecting') return;
    if (this.down) return this.disconnect(new ErrorInfo('Unable to connect (the network is down)', 80003, 503));
    const grant = this.service.authenticate(credential);
    if (grant instanceof ErrorInfo) {
      this.credential = null;
      // ably-js renews an expired token once per attempt, then waits disconnected.
      if (grant.code === 40142 && !renewed) return this.handshake(true);
      if (grant.code === 40142) return this.disconnect(grant);
      return this.fail(grant);
    }
    if (
      this.options.clientId !== undefined &&
      grant.clientId !== undefined &&
      grant.clientId !== this.options.clientId
    ) {
      return this.fail(new ErrorInfo(`Mismatched clientId: token is for "${grant.clientId}"`, 40102, 401));
    }
    this.grant = grant;
    if (grant.clientId !== undefined) this.auth.clientId = grant.clientId;
    const resumed = this.resumable && this.connection.id !== undefined;
    if (!resumed) {
      connectionCounter += 1;
      this.connection.id = `fake-conn-${connectionCounter}`;
    }
    this.resumable = false;
    const resumeError = this.resumeFailed
      ? new ErrorInfo('Unable to recover connection: connection state expired', 80008, 400)
      : undefined;
    this.resumeFailed = false;
    this.connection.notify('connected', resumeError);
    for (const waiter of this.connectedWaiters.splice(0)) waiter();
    for (const channel of Object.values(this.channels.all)) {
      if (channel.state === 'attached' || channel.state === 'suspended' || channel.state === 'attaching') {
        if (channel.state === 'attaching') continue;
        if (channel.state === 'suspended') channel.notify('attaching', false);
        if (!this.service.allows(this, channel.name, 'subscribe')) {
          channel.notify(
            'failed',
            false,
            new ErrorInfo(`Channel denied access based on given capability: "${channel.name}"`, 40160, 401),
          );
          continue;
        }
        channel.attached(resumed);
      }
    }
    const held = this.buffered.splice(0);
    if (resumed) for (const { channel, delivery } of held) this.deliverNow(channel, delivery);
    for (const item of this.queued.splice(0))
      this.publishNow(item.channel, item.message).then(item.resolve, item.reject);
  }

  private async requestToken(): Promise<Ably.TokenDetails | Ably.TokenRequest | string> {
    const callback = this.options.authCallback;
    if (!callback) {
      if (this.options.key !== undefined) {
        const keyName = this.options.key.split(':')[0];
        if (keyName !== this.service.keyName) throw new ErrorInfo('Invalid key', 40101, 401);
        return this.service.issueToken(this.options.clientId === undefined ? {} : { clientId: this.options.clientId });
      }
      throw new ErrorInfo('No means provided to renew auth token', 40171, 403);
    }
    this.authCalls += 1;
    return new Promise((resolve, reject) => {
      callback({ clientId: this.options.clientId ?? '' } as Ably.TokenParams, (error, result) => {
        if (error !== null) reject(typeof error === 'string' ? new ErrorInfo(error, 40170, 401) : error);
        else if (result === null) reject(new ErrorInfo('authCallback returned no token', 40170, 401));
        else resolve(result);
      });
    });
  }

  private disconnect(reason: ErrorInfo): void {
    this.connection.notify('disconnected', reason, this.service.retryInMs);
    this.scheduleRetry();
  }

  private fail(reason: ErrorInfo): void {
    this.loseState();
    this.connection.notify('failed', reason);
    for (const channel of Object.values(this.channels.all)) {
      channel.presence.entered = null;
      if (channel.state !== 'initialized' && channel.state !== 'detached') channel.notify('failed', false, reason);
    }
    this.rejectQueued(reason);
  }

  private scheduleRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.down) {
        if (this.connection.state === 'disconnected' || this.connection.state === 'suspended') this.scheduleRetry();
        return;
      }
      const state = this.connection.state;
      if (state === 'disconnected' || state === 'suspended') {
        this.connection.notify('connecting');
        void this.handshake();
      }
    }, this.service.retryInMs);
  }

  closeNow(): void {
    const state = this.connection.state;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (state === 'closed' || state === 'closing' || state === 'failed') return;
    if (state === 'initialized') return void this.connection.notify('closed');
    this.connection.notify('closing');
    this.loseState();
    this.rejectQueued(new ErrorInfo('Connection closed', 80017, 400));
    setTimeout(() => {
      if (this.connection.state !== 'closing') return;
      this.connection.notify('closed');
      for (const channel of Object.values(this.channels.all)) {
        channel.presence.entered = null;
        if (channel.state === 'attached' || channel.state === 'attaching' || channel.state === 'suspended')
          channel.notify('detached', false);
      }
    }, 0);
  }

  /** The service forgets this connection: presence leaves, buffered messages are gone. */
  private loseState(): void {
    this.resumable = false;
    this.buffered.length = 0;
    if (this.connection.id !== undefined) this.service.forgetConnection(this, this.connection.id);
  }

  private rejectQueued(reason: ErrorInfo): void {
    for (const item of this.queued.splice(0)) item.reject(reason);
  }

  // ---- test controls ---------------------------------------------------------------------------------------

  /**
   * Drops the connection. `'disconnected'`: within Ably's continuity window — the service keeps the connection's
   * state, buffers what it misses, and the reconnect resumes it. `'suspended'`: the window was exceeded — the state
   * is gone (presence left, nothing buffered), the reconnect is a new connection and channels re-attach with
   * `resumed: false`. It stays down until {@link restore} (or for `downMs`).
   */
  drop(mode: 'disconnected' | 'suspended', options: { downMs?: number; serverLostState?: boolean } = {}): void {
    if (this.connection.state !== 'connected')
      throw new Error(`FakeRealtime.drop: the connection is ${this.connection.state}, not connected.`);
    this.down = true;
    this.resumable = mode === 'disconnected' && options.serverLostState !== true;
    this.connection.notify(
      'disconnected',
      new ErrorInfo('Connection to server unavailable', 80003, 503),
      this.service.retryInMs,
    );
    if (mode === 'disconnected' && options.serverLostState === true) {
      // The resume will fail in place: a new connection (80008) and channels that stay attached get an `update`
      // with `resumed: false`.
      this.loseState();
      this.resumeFailed = true;
    } else if (mode === 'suspended') {
      this.loseState();
      this.connection.notify(
        'suspended',
        new ErrorInfo('Connection to server unavailable', 80002, 503),
        this.service.retryInMs,
      );
      for (const channel of Object.values(this.channels.all)) {
        if (channel.state === 'attached' || channel.state === 'attaching')
          channel.notify('suspended', false, new ErrorInfo('Connection suspended', 80002, 503));
      }
      this.rejectQueued(new ErrorInfo('Connection suspended', 80002, 503));
    }
    // With 'disconnected' the service keeps delivering into the connection's buffer (see receive()).
    this.scheduleRetry();
    if (options.downMs !== undefined) setTimeout(() => this.restore(), options.downMs);
  }

  /** The network is back: the next retry connects. */
  restore(): void {
    this.down = false;
  }

  /** Whether the connection is down (between {@link drop} and {@link restore}). */
  get isDown(): boolean {
    return this.down;
  }

  // ---- messages ----------------------------------------------------------------------------------------------

  receive(channel: string, delivery: Delivery): void {
    const state = this.connection.state;
    if (state === 'connected') {
      setTimeout(() => this.deliverNow(channel, delivery), this.service.latencyMs);
      return;
    }
    if (this.resumable && !(delivery.kind === 'message' && delivery.ephemeral))
      this.buffered.push({ channel, delivery });
  }

  private deliverNow(name: string, delivery: Delivery): void {
    const channel = this.channels.all[name];
    if (!channel || this.connection.state !== 'connected') return;
    channel.deliver(delivery);
  }

  publish(channel: FakeChannel, message: Ably.Message): Promise<Ably.PublishResult> {
    const state = this.connection.state;
    if (state === 'connected') return this.publishNow(channel, message);
    if (state === 'connecting' || state === 'disconnected' || state === 'initialized') {
      // ably queues messages while the connection is not usable yet (queueMessages: true).
      return new Promise((resolve, reject) => this.queued.push({ channel, message, resolve, reject }));
    }
    return Promise.reject(
      new ErrorInfo(`Connection ${state}: cannot publish`, state === 'suspended' ? 80002 : 80000, 400),
    );
  }

  private async publishNow(channel: FakeChannel, message: Ably.Message): Promise<Ably.PublishResult> {
    if (channel.state === 'failed' || channel.state === 'suspended')
      throw new ErrorInfo(`Channel ${channel.state}: cannot publish`, 90001, 400);
    if (!this.service.allows(this, channel.name, 'publish'))
      throw new ErrorInfo(
        `Unable to perform channel operation: publish on "${channel.name}" (permission denied)`,
        40160,
        401,
      );
    const refusal = this.service.channel(channel.name).refusals.shift();
    if (refusal) throw refusal;
    const stored = this.service.store(this, channel.name, message);
    return { serials: [stored?.serial ?? null] };
  }
}

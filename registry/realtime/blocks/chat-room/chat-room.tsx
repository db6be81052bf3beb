'use client';

import * as React from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDown, CircleAlert, Clock, LoaderCircle, MessagesSquare, RotateCcw, SendHorizontal } from 'lucide-react';
import {
  useChannel,
  useConnectionState,
  useOptimisticPublish,
  usePresence,
  useReadReceipts,
  useTyping,
  type ConnectionStatus,
  type OptimisticItem,
  type OptimisticStatus,
  type PresenceMember,
  type RealtimeError,
} from '@realtime-kit/react';

import { useLocale } from '@/registry/realtime/hooks/use-locale';
import { cn } from '@/registry/realtime/lib/utils';
import { PresenceAvatar, PresenceAvatars } from '@/registry/realtime/ui/presence-avatars';
import { TypingIndicator } from '@/registry/realtime/ui/typing-indicator';

/** Who is chatting: your app's user. `id` marks your own messages; `name` and `avatarUrl` are shown to the others. */
interface ChatUser {
  id: string;
  name: string;
  avatarUrl?: string;
}

/** What a `message` event carries on the channel. */
interface ChatMessageData {
  text: string;
  author: ChatUser;
  /** When the author sent it (ms since epoch), shown in the reader's locale. */
  sentAt: number;
}

/** A stored message, e.g. from your database for `initialMessages` and `loadHistory`. `id` is the channel message id. */
interface ChatMessage extends ChatMessageData {
  id: string;
  /** Its channel `seq`, when known: `loadHistory` can page back from it with `realtime.history(channel, { before: seq })`. */
  seq?: number;
}

/** The channel's events: publish `message` with {@link ChatMessageData} from your server to post into the room. */
type ChatRoomEvents = { message: ChatMessageData };

/** What each member shares in presence. */
interface ChatPresenceData {
  id: string;
  name: string;
  avatarUrl?: string;
}

/** The texts of the chat. Override any of them to translate. */
interface ChatRoomLabels {
  /** Names the message list. */
  messages: string;
  /** Names the text field. */
  message: string;
  placeholder: string;
  send: string;
  /** Under the field while connected. */
  hint: string;
  connecting: string;
  /** Under the field while the connection is down: it must say that messages still go out. */
  reconnecting: string;
  offline: string;
  closed: string;
  /** Your name on your own messages. */
  you: string;
  /** The author of a message published without one (e.g. by your server). */
  anonymous: string;
  sending: string;
  /** A pending message while offline. */
  queued: string;
  failed: string;
  retry: string;
  seenBy: (names: string) => string;
  newMessages: (count: number) => string;
  jumpToLatest: string;
  loadingHistory: string;
  historyFailed: string;
  beginning: string;
  empty: string;
  emptyHint: string;
}

const defaultLabels: ChatRoomLabels = {
  messages: 'Messages',
  message: 'Message',
  placeholder: 'Write a message…',
  send: 'Send',
  hint: 'Enter to send, Shift+Enter for a new line',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting… Messages you send now go out when the connection is back.',
  offline: 'You are offline. Messages you send now go out when you are back online.',
  closed: 'Disconnected. Messages cannot be sent.',
  you: 'You',
  anonymous: 'Someone',
  sending: 'Sending…',
  queued: 'Waiting for the connection',
  failed: 'Not sent',
  retry: 'Retry',
  seenBy: (names) => `Seen by ${names}`,
  newMessages: (count) => (count === 1 ? '1 new message' : `${count} new messages`),
  jumpToLatest: 'Jump to latest',
  loadingHistory: 'Loading earlier messages…',
  historyFailed: 'Could not load earlier messages.',
  beginning: 'This is the beginning of the conversation.',
  empty: 'No messages yet',
  emptyHint: 'Say hello to get the conversation going.',
};

interface ChatRoomProps extends Omit<React.ComponentProps<'section'>, 'children' | 'title'> {
  /** The channel name, e.g. `room:42`. */
  channel: string;
  /** You. Your messages are the ones whose `author.id` is `user.id`. */
  user: ChatUser;
  /** Heading of the room. Default: the channel name. */
  title?: React.ReactNode;
  /** Messages you already have, oldest first (e.g. read by a Server Component). */
  initialMessages?: readonly ChatMessage[];
  /**
   * Older messages: called with the oldest message shown (undefined when there is none) when the reader scrolls to
   * the top; resolve with the messages just before it, oldest first, or `[]` when there are no more.
   */
  loadHistory?: (before: ChatMessage | undefined) => Promise<readonly ChatMessage[]>;
  /** Longest message, in characters. Default 2000. */
  maxLength?: number;
  /** Locale for times and name lists. Default: the reader's. */
  locale?: string;
  labels?: Partial<ChatRoomLabels>;
}

/** One row of the list: a stored message, or one of yours on its way. */
interface ChatRow {
  readonly key: string;
  readonly id: string | undefined;
  readonly message: ChatMessageData;
  readonly status: OptimisticStatus;
  readonly own: boolean;
  /** Came in live (not from history): news to announce. */
  readonly live: boolean;
  readonly retry: (() => void) | undefined;
  /** A refusal that Retry cannot fix (a server rule, an invalid payload, no right to post): what the server said. */
  readonly refusal?: { readonly message: string; readonly issues: readonly string[] } | undefined;
}

/** Within this distance (px) of the bottom, the list follows new messages. */
const STICK_THRESHOLD = 48;
/** Within this distance (px) of the top, older messages are loaded. */
const LOAD_THRESHOLD = 160;
/** Consecutive messages of one author within this time share one header. */
const GROUP_MS = 5 * 60_000;
/** The row above the list (loading / beginning of the conversation) is this tall, always: no shift when it changes. */
const TOP_ROW_PX = 40;
/** A row's height before it is measured (one line of text with its author line). */
const ESTIMATED_ROW_PX = 56;
/** The viewport the first render fills before the scroll element is measured: a tall room, so nothing is missing. */
const INITIAL_VIEWPORT_PX = 1000;
/** How many recent messages the screen-reader log keeps. */
const ANNOUNCED = 5;

/**
 * A chat room on one channel, for any transport: put it inside `<RealtimeProvider transport={…}>`.
 *
 * - A virtualized message list (`@tanstack/react-virtual`) that follows new messages while you are at the bottom
 *   and otherwise offers a "New messages" button with a count; older messages load as you scroll up
 *   (`loadHistory`) without moving what you are reading.
 * - Your messages show at once (`useOptimisticPublish`), as pending until the server has them, failed with Retry
 *   when it could not take them, or with the server's reason when it refused them for good (a rule, an invalid
 *   payload); while offline they wait and the composer says they will go out when you are back.
 * - Who is here (presence avatars), who is typing, and "Seen by …" under your last message (read receipts).
 * - Enter sends, Shift+Enter adds a line. New messages from others are announced politely (a `role="log"`).
 *
 * @example
 * <RealtimeProvider transport={websocketTransport({ url: '/realtime' })}>
 *   <ChatRoom channel="room:42" user={{ id: me.id, name: me.name }} initialMessages={history} className="h-[32rem]" />
 * </RealtimeProvider>
 */
function ChatRoom(props: ChatRoomProps) {
  // Another channel is another room: start over (history, scroll position, unread count) rather than mix them.
  return <ChatRoomPanel key={props.channel} {...props} />;
}

function ChatRoomPanel({
  channel: channelName,
  user,
  title,
  initialMessages,
  loadHistory,
  maxLength = 2000,
  locale,
  labels: labelOverrides,
  className,
  ...props
}: ChatRoomProps) {
  const labels = { ...defaultLabels, ...labelOverrides };
  const anonymousName = labels.anonymous;
  const resolvedLocale = useLocale(locale);
  const room = useChannel<ChatRoomEvents>(channelName);
  const connection = useConnectionState();
  const [live, send] = useOptimisticPublish(room, 'message');
  const presenceData = React.useMemo<ChatPresenceData>(
    () => ({ id: user.id, name: user.name, ...(user.avatarUrl ? { avatarUrl: user.avatarUrl } : {}) }),
    [user.id, user.name, user.avatarUrl],
  );
  const { members, self } = usePresence<ChatPresenceData>(room, { data: presenceData });
  const { typing, keystroke, stop } = useTyping(room);

  // History: what we were given plus what loadHistory returned, oldest first.
  const [history, setHistory] = React.useState<readonly ChatMessage[]>(() => initialMessages ?? []);
  const [historyState, setHistoryState] = React.useState<'idle' | 'loading' | 'error' | 'done'>(loadHistory ? 'idle' : 'done');

  // History rows are rebuilt only when the history changes; a live message only adds to the (short) live part, so a
  // room with 100k loaded messages does not rebuild 100k rows for each message that arrives.
  const historyRows = React.useMemo(
    () =>
      history.map<ChatRow>((message) => ({
        key: message.id,
        id: message.id,
        message,
        status: 'sent',
        own: message.author?.id === user.id,
        live: false,
        retry: undefined,
      })),
    [history, user.id],
  );
  const known = React.useMemo(() => new Set(history.map((message) => message.id)), [history]);
  const liveRows = React.useMemo(() => {
    const result: ChatRow[] = [];
    for (const item of live as readonly OptimisticItem<ChatMessageData>[]) {
      // A live message the history already has (a reload raced the subscription) is shown once.
      if (item.id !== undefined && known.has(item.id)) continue;
      // Anything published on `message` shows, even without an author or time (e.g. from a route handler).
      if (typeof item.data?.text !== 'string') continue;
      result.push({
        key: item.key,
        id: item.id,
        message: { ...item.data, author: item.data.author ?? { id: '', name: anonymousName }, sentAt: item.data.sentAt ?? Number.NaN },
        status: item.status,
        own: item.data?.author?.id === user.id,
        live: true,
        retry: item.retry,
        refusal: item.status === 'failed' && !item.retry ? refusalOf(item.error, channelName) : undefined,
      });
    }
    return result;
  }, [known, live, user.id, anonymousName, channelName]);
  const rows = React.useMemo(() => (liveRows.length === 0 ? historyRows : historyRows.concat(liveRows)), [historyRows, liveRows]);

  // Display names by user id: presence first (it is who is here now), then message authors.
  const historyNames = React.useMemo(() => {
    const map = new Map<string, string>();
    for (const message of history) if (message.author) map.set(message.author.id, message.author.name);
    return map;
  }, [history]);
  const names = React.useMemo(() => {
    const map = new Map(historyNames);
    for (const row of liveRows) if (row.message.author) map.set(row.message.author.id, row.message.author.name);
    for (const member of members) if (member.data?.name) map.set(member.userId, member.data.name);
    return map;
  }, [historyNames, liveRows, members]);
  const nameOf = React.useCallback((id: string) => names.get(id), [names]);
  const isSelf = React.useCallback(
    (member: PresenceMember<ChatPresenceData>) => member.userId === self?.userId || member.data?.id === user.id,
    [self, user.id],
  );

  const storedHistory = React.useMemo(() => historyRows.map((row) => ({ id: row.id as string, own: row.own })), [historyRows]);
  const stored = React.useMemo(() => {
    const fresh = liveRows.flatMap((row) => (row.id === undefined ? [] : [{ id: row.id, own: row.own }]));
    return fresh.length === 0 ? storedHistory : storedHistory.concat(fresh);
  }, [storedHistory, liveRows]);
  const { markRead, seenBy } = useReadReceipts(room, { messages: stored, isOwn: isOwnStored });
  const lastOwn = findLast(rows, (row) => row.own && row.id !== undefined);
  const list = React.useMemo(() => new Intl.ListFormat(resolvedLocale, { type: 'conjunction' }), [resolvedLocale]);
  // A reader who has left (and whose name we never saw) is "Someone", not a connection id.
  const seenNames = lastOwn?.id ? seenBy(lastOwn.id).map((id) => names.get(id) ?? anonymousName) : [];

  // --- Scrolling --------------------------------------------------------------------------------------------------
  const scrollRef = React.useRef<HTMLDivElement>(null);
  const composerRef = React.useRef<HTMLTextAreaElement>(null);
  /** Follow new messages: true while the reader is at the bottom. */
  const stuck = React.useRef(true);
  const [atBottom, setAtBottom] = React.useState(true);
  const [unseen, setUnseen] = React.useState(0);
  /** Set before prepending history: where the content was, to put the reader back in the same place. */
  const anchor = React.useRef<{ height: number; top: number } | null>(null);

  const getItemKey = React.useCallback((index: number) => rows[index]?.key ?? index, [rows]);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ESTIMATED_ROW_PX,
    // Render the newest rows on the very first render (a chat opens at the bottom), not only once the scroll element
    // has been measured and scrolled a few frames later: the first paint already shows the latest messages.
    initialOffset: () => rows.length * ESTIMATED_ROW_PX,
    initialRect: { width: 0, height: INITIAL_VIEWPORT_PX },
    // Stable between renders: a new function would make the virtualizer re-measure every row on every render.
    getItemKey,
    overscan: 8,
    scrollMargin: TOP_ROW_PX,
    paddingEnd: 12,
  });

  const scrollToBottom = React.useCallback(() => {
    const element = scrollRef.current;
    if (!element) return;
    stuck.current = true;
    element.scrollTop = element.scrollHeight;
    setAtBottom(true);
    setUnseen(0);
  }, []);

  /** A load in flight: scroll events keep coming before the state says so, and must not start a second one. */
  const loading = React.useRef(false);
  const loadOlder = React.useCallback(async () => {
    if (!loadHistory || loading.current || historyState === 'done') return;
    loading.current = true;
    setHistoryState('loading');
    try {
      const older = await loadHistory(history[0]);
      if (older.length === 0) {
        setHistoryState('done');
        return;
      }
      const element = scrollRef.current;
      if (element) anchor.current = { height: element.scrollHeight, top: element.scrollTop };
      setHistory((current) => {
        const known = new Set(current.map((message) => message.id));
        return [...older.filter((message) => !known.has(message.id)), ...current];
      });
      setHistoryState('idle');
    } catch {
      setHistoryState('error');
    } finally {
      loading.current = false;
    }
  }, [loadHistory, historyState, history]);

  const onScroll = React.useCallback(() => {
    const element = scrollRef.current;
    if (!element) return;
    const distance = element.scrollHeight - element.scrollTop - element.clientHeight;
    const bottom = distance <= STICK_THRESHOLD;
    stuck.current = bottom;
    setAtBottom(bottom);
    if (bottom) setUnseen(0);
    // After a failure, only the Retry button asks again (not every scroll event).
    if (element.scrollTop <= LOAD_THRESHOLD && historyState === 'idle') void loadOlder();
  }, [loadOlder, historyState]);

  // After every render: keep the place after history was prepended, or follow the bottom.
  React.useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    if (anchor.current) {
      element.scrollTop = anchor.current.top + (element.scrollHeight - anchor.current.height);
      anchor.current = null;
    } else if (stuck.current && element.scrollHeight - element.scrollTop - element.clientHeight > 1) {
      element.scrollTop = element.scrollHeight;
    }
  });

  // Nothing to scroll yet (an empty or short room): load older messages until it fills or history ends.
  React.useEffect(() => {
    const element = scrollRef.current;
    if (element && historyState === 'idle' && element.scrollTop <= LOAD_THRESHOLD) void loadOlder();
  }, [historyState, rows.length, loadOlder]);

  // --- News: announce messages from others, count the ones arriving while scrolled up ------------------------------
  const seenKeys = React.useRef<Set<string> | null>(null);
  const [announced, setAnnounced] = React.useState<readonly { key: string; text: string }[]>([]);
  React.useEffect(() => {
    // Only live messages are news (history is not announced), so only the live part is looked at.
    if (seenKeys.current === null) {
      seenKeys.current = new Set(liveRows.map((row) => row.key));
      return;
    }
    const fresh: ChatRow[] = [];
    for (const row of liveRows) {
      if (seenKeys.current.has(row.key)) continue;
      seenKeys.current.add(row.key);
      if (row.live && !row.own) fresh.push(row);
    }
    if (fresh.length === 0) return;
    setAnnounced((current) =>
      [...current, ...fresh.map((row) => ({ key: row.key, text: `${row.message.author?.name ?? ''}: ${excerpt(row.message.text)}` }))].slice(-ANNOUNCED),
    );
    if (!stuck.current) setUnseen((count) => count + fresh.length);
  }, [liveRows]);

  // Read up to the newest message while it is on screen (at the bottom, page visible).
  const newestId = findLast(rows, (row) => row.id !== undefined)?.id;
  React.useEffect(() => {
    if (!atBottom || newestId === undefined) return;
    const mark = () => {
      if (document.visibilityState === 'visible') markRead(newestId);
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [atBottom, newestId, markRead]);

  // --- Composer ---------------------------------------------------------------------------------------------------
  const [text, setText] = React.useState('');
  const submit = () => {
    const body = text.trim();
    if (body === '') return;
    send({ text: body, author: { ...user }, sentAt: Date.now() });
    setText('');
    stop();
    scrollToBottom();
  };

  const status = connection.status;
  const connected = status === 'open';
  const timeFormat = React.useMemo(() => new Intl.DateTimeFormat(resolvedLocale, { hour: 'numeric', minute: '2-digit' }), [resolvedLocale]);
  const dateTimeFormat = React.useMemo(
    () => new Intl.DateTimeFormat(resolvedLocale, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }),
    [resolvedLocale],
  );
  const formatTime = (at: number) => (Number.isFinite(at) ? (isToday(at) ? timeFormat : dateTimeFormat).format(at) : '');

  const ids = React.useId();
  const hintId = `${ids}-hint`;
  const titleId = `${ids}-title`;
  const items = virtualizer.getVirtualItems();
  const showJump = !atBottom && (unseen > 0 || rows.length > 0);

  return (
    <section
      aria-labelledby={titleId}
      data-slot="chat-room"
      data-state={status}
      className={cn('flex h-[32rem] min-h-0 flex-col overflow-hidden rounded-xl border bg-background text-foreground', className)}
      {...props}
    >
      <header data-slot="chat-room-header" className="flex min-h-14 items-center justify-between gap-3 border-b px-4 py-2">
        <h2 id={titleId} className="min-w-0 truncate text-sm font-semibold">
          {title ?? channelName}
        </h2>
        <PresenceAvatars members={members} isSelf={isSelf} side="bottom" align="end" max={4} locale={resolvedLocale} />
      </header>

      <div className="relative min-h-0 flex-1">
        <div
          ref={scrollRef}
          onScroll={onScroll}
          tabIndex={0}
          role="region"
          aria-label={labels.messages}
          data-slot="chat-room-scroller"
          className="h-full overflow-y-auto overscroll-contain outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50 focus-visible:ring-inset"
        >
          {/* A short conversation sits at the bottom, next to the composer, as in any chat. */}
          <div className="flex min-h-full flex-col justify-end">
            <div data-slot="chat-room-history" className="flex items-center justify-center gap-2 text-xs text-muted-foreground" style={{ height: TOP_ROW_PX }}>
              {historyState === 'loading' && (
                <span role="status" className="inline-flex items-center gap-2">
                  <LoaderCircle aria-hidden="true" className="size-3.5 motion-safe:animate-spin" />
                  {labels.loadingHistory}
                </span>
              )}
              {historyState === 'error' && (
                <span role="alert" className="inline-flex items-center gap-2">
                  {labels.historyFailed}
                  <button type="button" onClick={() => void loadOlder()} className={linkButton}>
                    {labels.retry}
                  </button>
                </span>
              )}
              {historyState === 'done' && loadHistory && rows.length > 0 && <span>{labels.beginning}</span>}
            </div>

            <div
              role="list"
              aria-labelledby={titleId}
              data-slot="chat-room-messages"
              className="relative w-full"
              style={{ height: virtualizer.getTotalSize() }}
            >
              {items.map((virtual) => {
                const row = rows[virtual.index] as ChatRow;
                const previous = rows[virtual.index - 1];
                const grouped =
                  previous !== undefined &&
                  previous.message.author?.id === row.message.author?.id &&
                  row.message.sentAt - previous.message.sentAt < GROUP_MS;
                return (
                  <div
                    key={virtual.key}
                    ref={virtualizer.measureElement}
                    data-index={virtual.index}
                    role="listitem"
                    aria-posinset={virtual.index + 1}
                    aria-setsize={historyState === 'done' ? rows.length : -1}
                    className="absolute inset-x-0 top-0"
                    style={{ transform: `translateY(${virtual.start - TOP_ROW_PX}px)` }}
                  >
                    <ChatRoomMessage
                      row={row}
                      grouped={grouped}
                      time={formatTime(row.message.sentAt)}
                      connected={connected}
                      seenBy={row === lastOwn && seenNames.length > 0 ? labels.seenBy(list.format(seenNames)) : undefined}
                      labels={labels}
                    />
                  </div>
                );
              })}
            </div>
          </div>
        </div>

        {rows.length === 0 && historyState !== 'loading' && (
          <div data-slot="chat-room-empty" className="pointer-events-none absolute inset-0 flex flex-col items-center justify-center gap-2 p-6 text-center">
            <MessagesSquare aria-hidden="true" className="size-8 text-muted-foreground" />
            <p className="text-sm font-medium">{labels.empty}</p>
            <p className="text-sm text-muted-foreground">{labels.emptyHint}</p>
          </div>
        )}

        {showJump && (
          <button
            type="button"
            onClick={() => {
              scrollToBottom();
              composerRef.current?.focus();
            }}
            data-slot="chat-room-jump"
            className="absolute bottom-3 start-1/2 inline-flex h-8 -translate-x-1/2 items-center gap-1.5 rounded-full border bg-background px-3 text-xs font-medium shadow-md outline-none hover:bg-accent hover:text-accent-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50 rtl:translate-x-1/2"
          >
            <ArrowDown aria-hidden="true" className="size-3.5" />
            {unseen > 0 ? labels.newMessages(unseen) : labels.jumpToLatest}
          </button>
        )}
      </div>

      {/* Screen readers hear each new message from the others once, not the rows virtualization mounts. */}
      <div role="log" aria-live="polite" aria-relevant="additions" aria-label={labels.messages} data-slot="chat-room-announcer" className="sr-only">
        {announced.map((entry) => (
          <p key={entry.key}>{entry.text}</p>
        ))}
      </div>

      <footer data-slot="chat-room-composer" className="border-t px-4 pt-1 pb-3">
        <TypingIndicator typing={typing} getName={nameOf} locale={resolvedLocale} className="mb-1" />
        <form
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
          className="flex items-end gap-2"
        >
          <label htmlFor={`${ids}-text`} className="sr-only">
            {labels.message}
          </label>
          <textarea
            ref={composerRef}
            id={`${ids}-text`}
            rows={1}
            value={text}
            maxLength={maxLength}
            placeholder={labels.placeholder}
            aria-describedby={hintId}
            dir="auto"
            onChange={(event) => {
              setText(event.target.value);
              if (event.target.value.trim() === '') stop();
              else keystroke();
            }}
            onKeyDown={(event) => {
              if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
              event.preventDefault();
              submit();
            }}
            data-slot="chat-room-input"
            className="field-sizing-content max-h-40 min-h-10 w-full min-w-0 flex-1 resize-none rounded-md border border-input bg-transparent px-3 py-2 text-sm shadow-xs outline-none placeholder:text-muted-foreground focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 dark:bg-input/30"
          />
          <button
            type="submit"
            disabled={text.trim() === ''}
            aria-label={labels.send}
            data-slot="chat-room-send"
            className="inline-flex size-10 shrink-0 items-center justify-center rounded-md bg-primary text-primary-foreground shadow-xs outline-none hover:bg-primary/90 focus-visible:ring-[3px] focus-visible:ring-ring/50 disabled:pointer-events-none disabled:opacity-50"
          >
            <SendHorizontal aria-hidden="true" className="size-4 rtl:-scale-x-100" />
          </button>
        </form>
        <p
          id={hintId}
          role="status"
          data-slot="chat-room-status"
          data-state={status}
          className={cn('mt-1.5 min-h-4 truncate text-xs', connected ? 'text-muted-foreground' : 'text-foreground')}
        >
          {connectionText(status, labels)}
        </p>
      </footer>
    </section>
  );
}

const linkButton =
  'rounded-sm font-medium text-foreground underline underline-offset-4 outline-none hover:text-primary focus-visible:ring-[3px] focus-visible:ring-ring/50';

function ChatRoomMessage({
  row,
  grouped,
  time,
  connected,
  seenBy,
  labels,
}: {
  row: ChatRow;
  grouped: boolean;
  time: string;
  connected: boolean;
  seenBy: string | undefined;
  labels: ChatRoomLabels;
}) {
  const { message, own, status } = row;
  const author = message.author ?? { id: '', name: '' };
  const name = own ? labels.you : author.name;
  const header = (
    <>
      <span className="font-medium text-foreground">{name}</span>
      {time && (
        <>
          {' '}
          <time dateTime={new Date(message.sentAt).toISOString()} suppressHydrationWarning className="tabular-nums">
            {time}
          </time>
        </>
      )}
    </>
  );
  return (
    <div
      data-slot="chat-message"
      data-status={status}
      data-own={own || undefined}
      className={cn('flex gap-2 px-4', grouped ? 'pt-0.5' : 'pt-3', own && 'flex-row-reverse')}
    >
      {!own && (
        <div className="w-7 shrink-0">
          {!grouped && <PresenceAvatar userId={author.id} name={author.name} avatarUrl={author.avatarUrl} size="sm" className="size-7 ring-0" aria-hidden="true" />}
        </div>
      )}
      <div className={cn('flex min-w-0 max-w-[80%] flex-col gap-1', own ? 'items-end' : 'items-start')}>
        {grouped ? (
          <span className="sr-only">{header}</span>
        ) : (
          <div className="text-xs text-muted-foreground">{header}</div>
        )}
        <div
          dir="auto"
          data-slot="chat-message-text"
          className={cn(
            'max-w-full rounded-2xl px-3 py-2 text-sm leading-relaxed whitespace-pre-wrap [overflow-wrap:anywhere]',
            own ? 'bg-primary text-primary-foreground' : 'bg-muted text-foreground',
            status === 'pending' && 'opacity-70',
            status === 'failed' && 'bg-destructive/10 text-foreground ring-1 ring-destructive/50',
          )}
        >
          {message.text}
        </div>
        {status === 'pending' && (
          <span data-slot="chat-message-status" className="inline-flex items-center gap-1 text-xs text-muted-foreground">
            <Clock aria-hidden="true" className="size-3" />
            {connected ? labels.sending : labels.queued}
          </span>
        )}
        {status === 'failed' && (
          <span data-slot="chat-message-status" className="inline-flex items-center gap-2 text-xs text-destructive">
            <CircleAlert aria-hidden="true" className="size-3.5" />
            {labels.failed}
            {row.retry && (
              <button type="button" onClick={row.retry} className={cn(linkButton, 'inline-flex items-center gap-1 text-foreground')}>
                <RotateCcw aria-hidden="true" className="size-3" />
                {labels.retry}
              </button>
            )}
          </span>
        )}
        {row.refusal && (
          <div dir="auto" data-slot="chat-message-refusal" className="max-w-full text-xs text-destructive [overflow-wrap:anywhere]">
            <p>{row.refusal.message}</p>
            {row.refusal.issues.length > 0 && <ul className="list-disc ps-4">{row.refusal.issues.map((issue, index) => <li key={index}>{issue}</li>)}</ul>}
          </div>
        )}
        {seenBy && (
          <span data-slot="chat-message-seen" className="text-xs text-muted-foreground">
            {seenBy}
          </span>
        )}
      </div>
    </div>
  );
}

function connectionText(status: ConnectionStatus, labels: ChatRoomLabels): string {
  switch (status) {
    case 'open':
      return labels.hint;
    case 'idle':
    case 'connecting':
      return labels.connecting;
    case 'reconnecting':
      return labels.reconnecting;
    case 'offline':
      return labels.offline;
    case 'closed':
      return labels.closed;
  }
}

const isOwnStored = (message: { own: boolean }) => message.own;

/** The server's words (without the channel the client appends for developers) and, for a payload, what was wrong. */
function refusalOf(error: Error | undefined, channel: string): ChatRow['refusal'] {
  const { message = '', issues = [] } = (error ?? {}) as Partial<RealtimeError>;
  const suffix = ` (channel "${channel}")`;
  const described = issues.map((issue) => (issue.path?.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
  return { message: message.endsWith(suffix) ? message.slice(0, -suffix.length) : message, issues: described };
}

function findLast<T>(items: readonly T[], predicate: (item: T) => boolean): T | undefined {
  for (let index = items.length - 1; index >= 0; index -= 1) {
    const item = items[index] as T;
    if (predicate(item)) return item;
  }
  return undefined;
}

function isToday(at: number): boolean {
  return new Date(at).toDateString() === new Date().toDateString();
}

function excerpt(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

export { ChatRoom };
export type { ChatRoomProps, ChatRoomLabels, ChatRoomEvents, ChatMessage, ChatMessageData, ChatUser, ChatPresenceData };

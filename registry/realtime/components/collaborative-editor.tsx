'use client';

import * as React from 'react';
import * as Y from 'yjs';
import { Check, CloudOff, LoaderCircle } from 'lucide-react';
import {
  useChannel,
  useConnectionState,
  usePresence,
  type ChannelSignal,
  type PresenceMember,
} from '@realtime-kit/react';
import {
  LOCAL_ORIGIN,
  applyTextEdit,
  bindYjsToChannel,
  decodeCaret,
  diffText,
  encodeCaret,
  resolvePosition,
  seedText,
  transformIndex,
  YJS_EVENTS,
  type TextDelta,
  type YjsChannelBinding,
  type YjsChannelState,
} from '@realtime-kit/core/yjs';

import { useLocale } from '@/registry/realtime/hooks/use-locale';
import { userColor } from '@/registry/realtime/lib/user-color';
import { cn } from '@/registry/realtime/lib/utils';

/** You, to the others: `id` picks your colour, `name` labels your caret. */
interface CollaborativeEditorUser {
  id: string;
  name: string;
}

/** What each editor puts in the channel's presence set. */
interface CollaborativeEditorPresence {
  id: string;
  name: string;
}

/** What the status shows. */
type CollaborativeEditorStatus = 'connecting' | 'syncing' | 'saved' | 'offline';

/** Every text the editor shows or announces. Override any of them to translate. */
interface CollaborativeEditorLabels {
  status: Record<CollaborativeEditorStatus, string>;
  /** "1,234 characters" — `formatted` is the count in the reader's locale. */
  characters: (count: number, formatted: string) => string;
  /** The accessible name of the list of people editing. */
  people: string;
  /** Appended to your own name in that list. */
  you: string;
}

const defaultLabels: CollaborativeEditorLabels = {
  status: {
    connecting: 'Connecting…',
    syncing: 'Syncing…',
    saved: 'Saved',
    offline: 'Offline — changes will sync',
  },
  characters: (count, formatted) => `${formatted} ${count === 1 ? 'character' : 'characters'}`,
  people: 'People editing',
  you: '(you)',
};

interface CollaborativeEditorProps extends Omit<React.ComponentProps<'div'>, 'children'> {
  /** The channel the document lives on (on the nearest `RealtimeProvider`'s client). One document per channel. */
  channel: string;
  /** You: your id (colour) and name (shown at your caret to the others). */
  user: CollaborativeEditorUser;
  /**
   * The text a new document starts with (e.g. what your database stored). Read once. Every client must pass the
   * same text: it is seeded so that two clients seeding it at once still end up with one copy.
   */
  initialText?: string;
  /** The textarea's accessible name. Default "Shared document". */
  label?: string;
  placeholder?: string;
  /** Locale for the character count. Default: the browser's. */
  locale?: string;
  /** Replace any text, e.g. to translate. */
  labels?: Partial<Omit<CollaborativeEditorLabels, 'status'>> & { status?: Partial<CollaborativeEditorLabels['status']> };
  /** Classes for the textarea (height, font). */
  textareaClassName?: string;
}

const TEXT_FIELD = 'text';
const CARET_SIGNAL = 'yjs-caret';
/** Carets at most 10 a second and edits (`FLUSH_MS`) under 7: together under our server's default 20 frames/s. */
const CARET_THROTTLE_MS = 100;
const FLUSH_MS = 150;
/** How long a remote caret's name tag stays after it last moved. */
const NAME_TAG_MS = 4000;
const NOT_BOUND: YjsChannelState = { synced: false, unsent: false };
const noopSubscribe = () => () => {};

/**
 * A plain-text document many people edit at once: a textarea over a Yjs `Y.Text`, carried by the channel API.
 *
 * - Edits are merged by Yjs (a CRDT): concurrent typing converges everywhere, and edits made offline are kept
 *   and merged on reconnect. The wire protocol (stored `yjs-update` messages, a `yjs-sync-request`/`yjs-sync`
 *   signal handshake for newcomers) is documented with `bindYjsToChannel` in `@realtime-kit/core/yjs`.
 * - Remote edits are applied as the smallest change, and your caret and selection move with the text around
 *   them: someone typing above you does not move you.
 * - Each other member's caret and selection show in their colour with their name (relative positions, sent as
 *   signals; drawn on a mirror of the textarea's text so they sit exactly on the characters).
 * - A status ("Saved", "Syncing…", "Offline — changes will sync"), a character count in the reader's locale, and
 *   the list of people editing. Only going offline and coming back are announced, not every keystroke's sync.
 *
 * @example
 * <RealtimeProvider transport={websocketTransport({ url: '/realtime' })}>
 *   <CollaborativeEditor channel="doc:42" user={{ id: me.id, name: me.name }} initialText={doc.body} />
 * </RealtimeProvider>
 */
function CollaborativeEditor(props: CollaborativeEditorProps) {
  // The Yjs document draws a random client id (crypto) when it is created: that belongs in the browser, not in a
  // server render or a prerender (Next refuses random values there). The server and the hydration render show the
  // same frame with the initial text, read-only and "Connecting…"; the live editor replaces it once mounted.
  const mounted = React.useSyncExternalStore(noopSubscribe, () => true, () => false);
  return mounted ? <LiveCollaborativeEditor {...props} /> : <StaticCollaborativeEditor {...props} />;
}

/** What the server renders: the editor's frame with the initial text, before the document exists. */
function StaticCollaborativeEditor({
  channel: _channel,
  user: _user,
  initialText = '',
  label = 'Shared document',
  placeholder,
  locale,
  labels: labelOverrides,
  textareaClassName,
  ...props
}: CollaborativeEditorProps) {
  const labels = { ...defaultLabels, ...labelOverrides, status: { ...defaultLabels.status, ...labelOverrides?.status } };
  const resolvedLocale = useLocale(locale);
  const count = countCharacters(initialText, resolvedLocale);
  const id = React.useId();
  return (
    <EditorFrame
      status="connecting"
      labels={labels}
      people={null}
      count={count}
      formattedCount={new Intl.NumberFormat(resolvedLocale).format(count)}
      countId={`${id}-count`}
      announcement=""
      {...props}
    >
      <textarea
        data-slot="collaborative-editor-textarea"
        aria-label={label}
        aria-describedby={`${id}-count`}
        defaultValue={initialText}
        placeholder={placeholder}
        readOnly
        className={cn(TEXTAREA_CLASS, textareaClassName)}
      />
    </EditorFrame>
  );
}

function LiveCollaborativeEditor({
  channel: channelName,
  user,
  initialText = '',
  label = 'Shared document',
  placeholder,
  locale,
  labels: labelOverrides,
  textareaClassName,
  className,
  ...props
}: CollaborativeEditorProps) {
  const labels = {
    ...defaultLabels,
    ...labelOverrides,
    status: { ...defaultLabels.status, ...labelOverrides?.status },
  };
  const channel = useChannel(channelName);
  const { members } = usePresence<CollaborativeEditorPresence>(channel, { data: { id: user.id, name: user.name } });
  const connection = useConnectionState();
  const channelState = React.useSyncExternalStore(
    React.useCallback((listener: () => void) => channel.subscribe(listener), [channel]),
    () => channel.getSnapshot(),
    () => channel.getSnapshot(),
  );

  // One document per channel, seeded once (identically on every client, so seeds merge into one copy). It is
  // left to the garbage collector, not destroyed in an effect: StrictMode re-runs effects on the same doc.
  const initialTextRef = React.useRef(initialText);
  const doc = React.useMemo(() => {
    const created = new Y.Doc();
    seedText(created, TEXT_FIELD, initialTextRef.current);
    return created;
  }, [channelName]);
  const ytext = doc.getText(TEXT_FIELD);

  // ---- the binding: doc ↔ channel --------------------------------------------------------------------------
  const userId = user.id;
  const [binding, setBinding] = React.useState<YjsChannelBinding | null>(null);
  React.useEffect(() => {
    const created = bindYjsToChannel(doc, channel, {
      flushMs: FLUSH_MS,
      isSelf: (member) => member.userId === channel.userId || (member.data as { id?: unknown } | null)?.id === userId,
    });
    setBinding(created);
    return () => {
      created.destroy();
      setBinding(null);
    };
  }, [doc, channel, userId]);
  const sync = React.useSyncExternalStore(
    binding ? binding.subscribe : noopSubscribe,
    () => (binding ? binding.getSnapshot() : NOT_BOUND),
    () => NOT_BOUND,
  );

  // ---- the textarea: local edits in, remote edits out -----------------------------------------------------
  const textareaRef = React.useRef<HTMLTextAreaElement>(null);
  /** The Y.Text content the textarea last showed: local input is diffed against it. */
  const shown = React.useRef(ytext.toString());
  const composing = React.useRef(false);
  /** Remote changes that arrived during an IME composition (applied when it ends). */
  const heldDeltas = React.useRef<TextDelta[]>([]);
  const [text, setText] = React.useState(() => ytext.toString());

  const showRemote = React.useCallback(
    (delta: TextDelta | null) => {
      const textarea = textareaRef.current;
      const next = ytext.toString();
      setText(next);
      if (!textarea) {
        shown.current = next;
        return;
      }
      if (textarea.value === next) {
        shown.current = next;
        return;
      }
      const { selectionStart, selectionEnd, selectionDirection, scrollTop } = textarea;
      textarea.value = next;
      shown.current = next;
      if (delta) {
        // Your caret and selection keep their place in the text, wherever the others typed.
        textarea.setSelectionRange(transformIndex(selectionStart, delta), transformIndex(selectionEnd, delta), selectionDirection);
      }
      textarea.scrollTop = scrollTop;
    },
    [ytext],
  );

  React.useEffect(() => {
    const observer = (event: Y.YTextEvent, transaction: Y.Transaction) => {
      if (transaction.origin === LOCAL_ORIGIN) return;
      const delta = event.delta as TextDelta;
      if (composing.current) {
        heldDeltas.current.push(delta);
        return;
      }
      showRemote(delta);
    };
    ytext.observe(observer);
    // Anything that arrived between the first render and now.
    showRemote(null);
    return () => ytext.unobserve(observer);
  }, [ytext, showRemote]);

  const applyLocal = React.useCallback(() => {
    const textarea = textareaRef.current;
    if (!textarea) return;
    const edit = diffText(shown.current, textarea.value, textarea.selectionEnd);
    const held = heldDeltas.current;
    heldDeltas.current = [];
    if (held.length === 0) {
      applyTextEdit(ytext, edit);
      shown.current = textarea.value;
      setText(textarea.value);
      return;
    }
    // Remote edits came in during a composition: place the edit in the current text, then show it all.
    let start = edit.index;
    let end = edit.index + edit.remove;
    for (const delta of held) {
      start = transformIndex(start, delta);
      end = transformIndex(end, delta);
    }
    applyTextEdit(ytext, { index: start, remove: Math.max(0, end - start), insert: edit.insert });
    const caret = start + edit.insert.length;
    const next = ytext.toString();
    textarea.value = next;
    shown.current = next;
    textarea.setSelectionRange(caret, caret);
    setText(next);
  }, [ytext]);

  // Undo and redo only your own edits (the browser's own history is lost whenever remote text is set).
  const undoManager = React.useRef<Y.UndoManager | null>(null);
  React.useEffect(() => {
    const manager = new Y.UndoManager(ytext, { trackedOrigins: new Set([LOCAL_ORIGIN]) });
    undoManager.current = manager;
    return () => {
      manager.destroy();
      if (undoManager.current === manager) undoManager.current = null;
    };
  }, [ytext]);

  const handleBeforeInput = (event: React.FormEvent<HTMLTextAreaElement>) => {
    const inputType = (event.nativeEvent as InputEvent).inputType;
    if (inputType === 'historyUndo' || inputType === 'historyRedo') {
      event.preventDefault();
      if (inputType === 'historyUndo') undoManager.current?.undo();
      else undoManager.current?.redo();
    }
  };

  const handleKeyDown = (event: React.KeyboardEvent<HTMLTextAreaElement>) => {
    const mod = event.metaKey || event.ctrlKey;
    if (!mod || event.altKey) return;
    const key = event.key.toLowerCase();
    if (key === 'z' && !event.shiftKey) {
      event.preventDefault();
      undoManager.current?.undo();
    } else if ((key === 'z' && event.shiftKey) || key === 'y') {
      event.preventDefault();
      undoManager.current?.redo();
    }
  };

  // ---- your caret, as the others see it -----------------------------------------------------------------
  const caretState = React.useRef({ timer: 0, lastSentAt: 0, lastSent: '' });
  const sendCaret = React.useCallback(
    (force = false) => {
      const textarea = textareaRef.current;
      if (!textarea) return;
      const state = caretState.current;
      if (state.timer !== 0) return;
      const wait = Math.max(0, state.lastSentAt + CARET_THROTTLE_MS - Date.now());
      state.timer = window.setTimeout(() => {
        state.timer = 0;
        const focused = textarea.ownerDocument.activeElement === textarea;
        const backwards = textarea.selectionDirection === 'backward';
        const data = focused
          ? encodeCaret(
              ytext,
              backwards ? textarea.selectionEnd : textarea.selectionStart,
              backwards ? textarea.selectionStart : textarea.selectionEnd,
            )
          : null;
        const key = JSON.stringify(data);
        if (!force && key === state.lastSent) return;
        if (channel.signal(CARET_SIGNAL, data)) {
          state.lastSent = key;
          state.lastSentAt = Date.now();
        }
      }, wait);
    },
    [channel, ytext],
  );

  React.useEffect(() => {
    const onSelectionChange = () => {
      if (document.activeElement === textareaRef.current) sendCaret();
    };
    document.addEventListener('selectionchange', onSelectionChange);
    // A newcomer asks for the document: tell them where you are too.
    const offRequest = channel.onSignal(YJS_EVENTS.syncRequest, () => sendCaret(true));
    const state = caretState.current;
    return () => {
      document.removeEventListener('selectionchange', onSelectionChange);
      offRequest();
      clearTimeout(state.timer);
      state.timer = 0;
    };
  }, [channel, sendCaret]);

  // ---- the others' carets ----------------------------------------------------------------------------------
  const [carets, setCarets] = React.useState<
    ReadonlyMap<string, { anchor: Y.RelativePosition; head: Y.RelativePosition; at: number }>
  >(() => new Map());
  React.useEffect(
    () =>
      channel.onSignal(CARET_SIGNAL, (signal: ChannelSignal) => {
        const caret = decodeCaret(signal.data);
        setCarets((previous) => {
          if (!caret && !previous.has(signal.from)) return previous;
          const next = new Map(previous);
          if (caret) next.set(signal.from, { ...caret, at: Date.now() });
          else next.delete(signal.from);
          return next;
        });
      }),
    [channel],
  );

  const others = React.useMemo(
    () => members.filter((member) => !isSelf(member, channel.userId, user.id)),
    [members, channel, user.id],
  );
  const you = members.find((member) => isSelf(member, channel.userId, user.id));

  // Carets of people who left go with them.
  React.useEffect(() => {
    const present = new Set(others.map((member) => member.userId));
    setCarets((previous) => {
      let changed = false;
      const next = new Map(previous);
      for (const from of previous.keys()) {
        if (present.has(from)) continue;
        next.delete(from);
        changed = true;
      }
      return changed ? next : previous;
    });
  }, [others]);

  // A name tag shows while its caret moves, then fades (the caret stays): many tags would hide the text.
  const [now, setNow] = React.useState(() => Date.now());
  const newest = Math.max(0, ...[...carets.values()].map((caret) => caret.at));
  React.useEffect(() => {
    if (newest === 0) return;
    const timer = setTimeout(() => setNow(Date.now()), Math.max(0, newest + NAME_TAG_MS - Date.now()) + 50);
    return () => clearTimeout(timer);
  }, [newest]);

  const marks: CaretMark[] = [];
  for (const member of others) {
    const caret = carets.get(member.userId);
    if (!caret) continue;
    const anchor = resolvePosition(doc, ytext, caret.anchor);
    const head = resolvePosition(doc, ytext, caret.head);
    if (anchor === null || head === null) continue;
    const color = userColor(idOf(member));
    marks.push({
      userId: member.userId,
      name: nameOf(member),
      solid: color.solid,
      tint: color.tint,
      start: Math.min(anchor, head),
      end: Math.max(anchor, head),
      head: Math.min(head, text.length),
      recent: Math.max(now, Date.now()) - caret.at < NAME_TAG_MS,
    });
  }

  // ---- status ---------------------------------------------------------------------------------------------
  const status: CollaborativeEditorStatus = channelState.subscribed
    ? !sync.synced || sync.unsent || channelState.pending > 0
      ? 'syncing'
      : 'saved'
    : connection.status === 'idle' || connection.status === 'connecting' || connection.status === 'open'
      ? 'connecting'
      : 'offline';
  // Announce going offline and coming back, not the syncing/saved flicker of every keystroke.
  const [announcement, setAnnouncement] = React.useState('');
  const wasOffline = React.useRef(false);
  React.useEffect(() => {
    if (status === 'offline') {
      wasOffline.current = true;
      setAnnouncement(labels.status.offline);
    } else if (status === 'saved' && wasOffline.current) {
      wasOffline.current = false;
      setAnnouncement(labels.status.saved);
    }
  }, [status, labels.status.offline, labels.status.saved]);

  const resolvedLocale = useLocale(locale);
  const count = React.useMemo(() => countCharacters(text, resolvedLocale), [text, resolvedLocale]);
  const formattedCount = new Intl.NumberFormat(resolvedLocale).format(count);

  const id = React.useId();
  const countId = `${id}-count`;
  return (
    <EditorFrame
      status={status}
      labels={labels}
      people={
        <>
          {you && <PersonChip member={you} suffix={labels.you} />}
          {others.map((member) => (
            <PersonChip key={member.userId} member={member} />
          ))}
        </>
      }
      count={count}
      formattedCount={formattedCount}
      countId={countId}
      announcement={announcement}
      className={className}
      {...props}
    >
      <textarea
        ref={textareaRef}
        data-slot="collaborative-editor-textarea"
        aria-label={label}
        aria-describedby={countId}
        defaultValue={text}
        placeholder={placeholder}
        spellCheck
        onChange={(event) => {
          if (composing.current || (event.nativeEvent as InputEvent).isComposing) return;
          applyLocal();
        }}
        onBeforeInput={handleBeforeInput}
        onKeyDown={handleKeyDown}
        onCompositionStart={() => {
          composing.current = true;
        }}
        onCompositionEnd={() => {
          composing.current = false;
          applyLocal();
        }}
        onFocus={() => sendCaret()}
        onBlur={() => sendCaret()}
        onScroll={(event) => scrollMirror(event.currentTarget)}
        className={cn(TEXTAREA_CLASS, textareaClassName)}
      />
      <CaretOverlay textareaRef={textareaRef} text={text} marks={marks} />
    </EditorFrame>
  );
}

const TEXTAREA_CLASS =
  'block h-64 min-h-24 w-full resize-y rounded-md border border-input bg-transparent px-3 py-2 text-base leading-6 shadow-xs transition-[color,box-shadow] outline-none placeholder:text-muted-foreground focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 md:text-sm md:leading-6 dark:bg-input/30';

interface EditorFrameProps extends Omit<React.ComponentProps<'div'>, 'children'> {
  status: CollaborativeEditorStatus;
  labels: CollaborativeEditorLabels;
  /** The people editing (null before anyone is known). */
  people: React.ReactNode;
  count: number;
  formattedCount: string;
  countId: string;
  announcement: string;
  /** The textarea (and its caret overlay). */
  children: React.ReactNode;
}

/** The editor's frame — people, status, surface, character count, announcer — shared by the server and live renders. */
function EditorFrame({ status, labels, people, count, formattedCount, countId, announcement, className, children, ...props }: EditorFrameProps) {
  const StatusIcon = status === 'saved' ? Check : status === 'offline' ? CloudOff : LoaderCircle;
  return (
    <div data-slot="collaborative-editor" data-state={status} className={cn('flex flex-col gap-2', className)} {...props}>
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
        <ul aria-label={labels.people} data-slot="collaborative-editor-people" className="flex min-w-0 flex-wrap items-center gap-1.5">
          {people}
        </ul>
        <p
          data-slot="collaborative-editor-status"
          data-state={status}
          className={cn(
            'ms-auto inline-flex items-center gap-1.5 text-xs whitespace-nowrap',
            status === 'offline' ? 'text-foreground' : 'text-muted-foreground',
          )}
        >
          <StatusIcon
            aria-hidden="true"
            className={cn(
              'size-3.5 shrink-0',
              (status === 'syncing' || status === 'connecting') && 'motion-safe:animate-spin',
              status === 'offline' && 'text-amber-600 dark:text-amber-500',
              status === 'saved' && 'text-emerald-600 dark:text-emerald-500',
            )}
          />
          {labels.status[status]}
        </p>
      </div>

      <div data-slot="collaborative-editor-surface" className="relative">
        {children}
      </div>

      <p id={countId} data-slot="collaborative-editor-count" className="text-xs text-muted-foreground tabular-nums">
        {labels.characters(count, formattedCount)}
      </p>
      <span role="status" aria-live="polite" aria-atomic="true" className="sr-only" data-slot="collaborative-editor-announcer">
        {announcement}
      </span>
    </div>
  );
}

/** One person in the "people editing" list: their colour and name. */
function PersonChip({ member, suffix }: { member: PresenceMember<CollaborativeEditorPresence>; suffix?: string }) {
  const color = userColor(idOf(member));
  return (
    <li
      data-slot="collaborative-editor-person"
      data-user-id={member.userId}
      className="inline-flex max-w-48 items-center gap-1.5 rounded-full border bg-background px-2 py-0.5 text-xs font-medium"
    >
      <span aria-hidden="true" className="size-2 shrink-0 rounded-full" style={{ backgroundColor: color.solid }} />
      <span className="truncate">{nameOf(member)}</span>
      {suffix && <span className="text-muted-foreground">{suffix}</span>}
    </li>
  );
}

interface CaretMark {
  userId: string;
  name: string;
  solid: string;
  tint: string;
  /** Selection start and end (equal for a bare caret), and where the caret itself is. */
  start: number;
  end: number;
  head: number;
  /** It moved in the last few seconds: its name tag shows. */
  recent: boolean;
}

/** The styles a mirror must share with the textarea for its text to wrap onto the very same lines. */
const MIRRORED_STYLES = [
  'fontFamily',
  'fontSize',
  'fontWeight',
  'fontStyle',
  'fontStretch',
  'fontFeatureSettings',
  'fontVariantLigatures',
  'lineHeight',
  'letterSpacing',
  'wordSpacing',
  'tabSize',
  'textIndent',
  'textTransform',
  'textAlign',
  'direction',
  'whiteSpace',
  'overflowWrap',
  'wordBreak',
  'paddingTop',
  'paddingRight',
  'paddingBottom',
  'paddingLeft',
] as const;

function scrollMirror(textarea: HTMLTextAreaElement) {
  const mirror = textarea.parentElement?.querySelector<HTMLElement>('[data-slot="collaborative-editor-mirror"]');
  if (mirror) mirror.style.transform = `translate(${-textarea.scrollLeft}px, ${-textarea.scrollTop}px)`;
  flipFlags(textarea);
}

/** A name tag that would be cut off above the visible area goes below its caret instead. */
function flipFlags(textarea: HTMLTextAreaElement) {
  const layer = textarea.parentElement;
  if (!layer) return;
  for (const caret of layer.querySelectorAll<HTMLElement>('[data-slot="collaborative-editor-caret"]')) {
    const top = caret.offsetTop - textarea.scrollTop;
    caret.dataset.flip = top < 18 ? 'below' : 'above';
  }
}

/**
 * The others' selections and carets, drawn on an invisible copy of the text laid out exactly like the textarea's
 * (same box, font and wrapping; scrolled with it), so each mark sits on its characters. Decorative: screen
 * readers get the people list instead.
 */
function CaretOverlay({
  textareaRef,
  text,
  marks,
}: {
  textareaRef: React.RefObject<HTMLTextAreaElement | null>;
  text: string;
  marks: readonly CaretMark[];
}) {
  const clipRef = React.useRef<HTMLDivElement>(null);
  const mirrorRef = React.useRef<HTMLDivElement>(null);

  React.useLayoutEffect(() => {
    const textarea = textareaRef.current;
    const clip = clipRef.current;
    const mirror = mirrorRef.current;
    if (!textarea || !clip || !mirror) return;
    const measure = () => {
      const style = getComputedStyle(textarea);
      for (const property of MIRRORED_STYLES) mirror.style[property] = style[property];
      // The clip box is the textarea's padding box (inside its border, without its scrollbar).
      clip.style.left = `${textarea.clientLeft}px`;
      clip.style.top = `${textarea.clientTop}px`;
      clip.style.width = `${textarea.clientWidth}px`;
      clip.style.height = `${textarea.clientHeight}px`;
      mirror.style.width = `${textarea.clientWidth}px`;
      scrollMirror(textarea);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(textarea);
    return () => observer.disconnect();
  }, [textareaRef]);

  React.useLayoutEffect(() => {
    const textarea = textareaRef.current;
    if (textarea) scrollMirror(textarea);
  });

  return (
    <div
      ref={clipRef}
      aria-hidden="true"
      data-slot="collaborative-editor-carets"
      className="pointer-events-none absolute top-0 left-0 overflow-hidden select-none"
    >
      <div ref={mirrorRef} data-slot="collaborative-editor-mirror" className="relative box-border text-transparent">
        {renderMarks(text, marks)}
        {/* A textarea shows an empty last line after a final newline; so must the mirror. */}
        {'\u200b'}
      </div>
    </div>
  );
}

function renderMarks(text: string, marks: readonly CaretMark[]): React.ReactNode[] {
  const points = new Set<number>([0, text.length]);
  for (const mark of marks) {
    points.add(mark.start);
    points.add(mark.end);
    points.add(mark.head);
  }
  const sorted = [...points].filter((point) => point >= 0 && point <= text.length).sort((a, b) => a - b);
  const nodes: React.ReactNode[] = [];
  for (let index = 0; index < sorted.length; index++) {
    const from = sorted[index]!;
    for (const mark of marks) {
      if (mark.head === from) nodes.push(<RemoteCaret key={`caret-${mark.userId}`} mark={mark} />);
    }
    const to = sorted[index + 1];
    if (to === undefined || to === from) continue;
    const covering = marks.find((mark) => mark.start <= from && to <= mark.end && mark.start < mark.end);
    const slice = text.slice(from, to);
    nodes.push(
      covering ? (
        <span key={`text-${from}`} data-slot="collaborative-editor-selection" data-user-id={covering.userId} style={{ backgroundColor: covering.tint }}>
          {slice}
        </span>
      ) : (
        slice
      ),
    );
  }
  return nodes;
}

function RemoteCaret({ mark }: { mark: CaretMark }) {
  // A plain inline span (not inline-block): it must not add a line-break opportunity the textarea does not have.
  return (
    <span
      data-slot="collaborative-editor-caret"
      data-user-id={mark.userId}
      data-recent={mark.recent}
      data-flip="above"
      className="group/caret relative"
    >
      <span className="absolute inset-y-0 -start-px w-0.5 rounded-full" style={{ backgroundColor: mark.solid }} />
      <span
        data-slot="collaborative-editor-caret-name"
        className="absolute -start-px max-w-32 truncate rounded-sm px-1 text-[10px] leading-4 font-medium whitespace-nowrap text-white transition-opacity duration-300 group-data-[flip=above]/caret:bottom-full group-data-[flip=below]/caret:top-full group-data-[recent=false]/caret:opacity-0"
        style={{ backgroundColor: mark.solid }}
      >
        {mark.name}
      </span>
    </span>
  );
}

/** You, however the server knows you: by user id, or (anonymous) by the id in your presence data. */
function isSelf(member: PresenceMember<CollaborativeEditorPresence>, selfUserId: string | null, selfId: string): boolean {
  return (selfUserId !== null && member.userId === selfUserId) || member.data?.id === selfId;
}

function idOf(member: PresenceMember<CollaborativeEditorPresence>): string {
  return typeof member.data?.id === 'string' ? member.data.id : member.userId;
}

function nameOf(member: PresenceMember<CollaborativeEditorPresence>): string {
  const name = member.data?.name;
  return typeof name === 'string' && name.trim() !== '' ? name : member.userId;
}

/** Characters as a reader counts them: an emoji or an accented letter is one, however many code units. */
function countCharacters(text: string, locale: string): number {
  if (text === '') return 0;
  if (typeof Intl.Segmenter !== 'function') return Array.from(text).length;
  let count = 0;
  for (const _ of new Intl.Segmenter(locale, { granularity: 'grapheme' }).segment(text)) count++;
  return count;
}

export { CollaborativeEditor };
export type {
  CollaborativeEditorProps,
  CollaborativeEditorUser,
  CollaborativeEditorPresence,
  CollaborativeEditorStatus,
  CollaborativeEditorLabels,
};

/** The hand-written part of each item's docs page: a usage snippet and a short props table. */
interface PropDoc {
  name: string;
  type: string;
  default?: string;
  description: string;
}

export interface ItemDoc {
  usage: string;
  /** Props (components) or parameters (hooks). */
  props: PropDoc[];
  propsHeading?: string;
  /** Keyboard and screen-reader behaviour, one note per line (components). */
  accessibility?: string[];
}

export const itemDocs: Record<string, ItemDoc> = {
  utils: {
    usage: `import { cn } from '@/lib/utils'

<div className={cn('p-2', isActive && 'bg-accent', className)} />`,
    propsHeading: 'Parameters',
    props: [
      {
        name: '...inputs',
        type: 'ClassValue[]',
        description: 'Class names, conditionals, arrays; later Tailwind utilities win.',
      },
    ],
  },
  'use-locale': {
    usage: `const locale = useLocale()            // 'en-US' on the server, the browser's after hydration
const locale = useLocale(fromHeaders) // the right locale from the first byte`,
    propsHeading: 'Parameters',
    props: [
      {
        name: 'preferred',
        type: 'string',
        description: 'Use this locale instead of the browser’s (e.g. from Accept-Language).',
      },
      {
        name: 'serverLocale',
        type: 'string',
        default: "'en-US'",
        description: 'What the server and hydration render with.',
      },
    ],
  },
  'use-retry-countdown': {
    usage: `const { retryAt } = useConnectionState(connection)
const seconds = useRetryCountdown(retryAt) // 3, 2, 1, 0 — null when not reconnecting`,
    propsHeading: 'Parameters',
    props: [
      {
        name: 'retryAt',
        type: 'number | null',
        description: 'Wall-clock time (ms) of the next attempt, from useConnectionState().',
      },
    ],
  },
  'stream-phase': {
    usage: `import { streamPhase } from '@/lib/stream-phase';

const sse = useSSE(url, { events: ['token', 'done'] });
const phase = streamPhase({ url, status: sse.status, error: sse.error, done, failed });`,
    propsHeading: 'Parameters',
    props: [
      { name: 'url', type: 'string | null', description: 'The stream URL; null: nothing asked for yet (idle).' },
      { name: 'status', type: 'ConnectionStatus', description: 'The connection status from useSSE.' },
      { name: 'error', type: 'RealtimeError | null', description: 'The connection error, if it stopped on one.' },
      { name: 'done', type: 'boolean', description: 'The server said the stream is complete.' },
      { name: 'failed', type: 'boolean', description: 'The server reported a failure of the work itself.' },
    ],
  },
  'connection-dot': {
    accessibility: [
      'A `role="status"` region with `aria-live="polite"`: state changes are announced once; the retry countdown\'s seconds are `aria-hidden`, so it is not read every second.',
      'Colour is never the only signal: every state has a text label.',
      'The pulse stops under `prefers-reduced-motion`.',
    ],
    usage: `'use client'
import { useSSE } from '@realtime-kit/react'
import { ConnectionDot } from '@/components/ui/connection-dot'

export function Status() {
  const { connection } = useSSE('/api/events')
  return <ConnectionDot connection={connection} variant="outline" />
}`,
    props: [
      {
        name: 'connection',
        type: 'SSEConnection | null',
        description: 'The connection to show, e.g. useSSE(url).connection. Without it: online/offline.',
      },
      {
        name: 'status',
        type: "ConnectionStatus | 'error'",
        description: 'Show this state instead of reading a connection.',
      },
      {
        name: 'labels',
        type: 'Partial<Record<state, string>>',
        description: 'Replace the texts, e.g. to translate them.',
      },
      {
        name: 'showCountdown',
        type: 'boolean',
        default: 'true',
        description: 'Show “in 3s” while reconnecting (visual only, not announced).',
      },
      {
        name: 'locale',
        type: 'string',
        default: 'browser',
        description: 'Locale of the countdown (Intl.RelativeTimeFormat).',
      },
      { name: 'hideLabel', type: 'boolean', default: 'false', description: 'Keep the label for screen readers only.' },
      {
        name: 'variant',
        type: "'default' | 'outline'",
        default: "'default'",
        description: 'Plain, or a pill with a border.',
      },
      { name: 'size', type: "'sm' | 'default' | 'lg'", default: "'default'", description: 'Text and dot size.' },
    ],
  },
  'live-counter': {
    accessibility: [
      'The number is announced politely when it settles, not on every animation frame.',
      'Digits are tabular, so the width never jumps; reduced motion shows each value at once.',
    ],
    usage: `// A Server Component can render it: pass the value you know so there is no flash from 0.
<LiveCounter
  url="/api/demo/counter"
  event="count"
  field="total"
  initialValue={snapshot.total}
  label="Events processed"
/>`,
    props: [
      { name: 'url', type: 'string | null', description: 'The Server-Sent Events endpoint.' },
      {
        name: 'channel',
        type: 'string | Channel',
        description:
          'Follow a channel instead (inside a RealtimeProvider): each `event` message is a value; the newest stored one shows at once.',
      },
      {
        name: 'value',
        type: 'number',
        description: 'A number you already follow (state, a query, useSharedState); `url` and `channel` are not read.',
      },
      { name: 'event', type: 'string', default: "'message'", description: 'The event name carrying the number.' },
      {
        name: 'field',
        type: 'string',
        description: 'Read this key of the event data (usable from Server Components).',
      },
      {
        name: 'select',
        type: '(data) => number',
        description: 'Compute the number from the event data (Client Components).',
      },
      {
        name: 'initialValue',
        type: 'number',
        default: '0',
        description: 'Rendered on the server and until the first event.',
      },
      { name: 'locale', type: 'string', default: 'browser', description: 'Locale for Intl.NumberFormat.' },
      {
        name: 'formatOptions',
        type: 'Intl.NumberFormatOptions',
        description: 'e.g. { notation: "compact" } or a currency.',
      },
      { name: 'label', type: 'string', description: 'What it counts, for screen readers (“Viewers: 12”).' },
      { name: 'announce', type: 'boolean', default: 'true', description: 'Announce each new value politely.' },
      {
        name: 'spring',
        type: 'SpringOptions',
        description: 'Animation feel; ignored under reduced motion (the number jumps).',
      },
    ],
  },
  'stream-progress': {
    accessibility: [
      'Steps are an ordered list; the current step has `aria-current="step"` and progress is a `progressbar` with its value text.',
      'Retry is a real button, reachable with Tab; errors are announced with `role="alert"`.',
    ],
    usage: `// app/api/jobs/[id]/events/route.ts
const stream = createEventStream(request)
stream.send({ id: '1', event: 'step', data: { id: 'build', label: 'Building', status: 'active' } })
stream.send({ id: '2', event: 'progress', data: { value: 40, max: 100 } })
stream.send({ id: '3', event: 'done', data: { message: 'Deployed' } })

// page
<StreamProgress url={\`/api/jobs/\${id}/events\`} title="Deploying" />`,
    props: [
      {
        name: 'url',
        type: 'string | null',
        description: 'The endpoint streaming step / progress / done / error events.',
      },
      { name: 'title', type: 'ReactNode', description: 'Heading; also names the progress bar.' },
      { name: 'steps', type: '{ id, label }[]', description: 'Known steps, shown as pending before the first event.' },
      { name: 'onRetry', type: '() => void', default: 'reset()', description: 'What Retry does after an error.' },
      { name: 'onDone', type: '(result) => void', description: 'Called once when the task is done.' },
      {
        name: 'labels',
        type: 'Partial<StreamProgressLabels>',
        description: 'Replace the texts, e.g. to translate them.',
      },
      { name: 'locale', type: 'string', default: 'browser', description: 'Locale of the percentage and countdown.' },
      {
        name: 'eventNames',
        type: 'Partial<{ step, progress, done, error }>',
        description: 'If your server names events differently.',
      },
    ],
  },
  'use-connection-feedback': {
    usage: `const { connection } = useSSE('/api/events')
const feedback = useConnectionFeedback(connection, { delayMs: 1500 })
// feedback.phase: 'hidden' | 'connecting' | 'reconnecting' | 'offline' | 'failed' | 'restored'
const seconds = useRetryCountdown(feedback.retryAt)`,
    propsHeading: 'Parameters',
    props: [
      {
        name: 'connection',
        type: 'SSEConnection | RealtimeClient | null',
        description: 'The connection; without it, the provider’s client (or just online/offline).',
      },
      {
        name: 'options.delayMs',
        type: 'number',
        default: '1500',
        description: 'How long a problem must last before it is shown. Failures show at once.',
      },
      {
        name: 'options.restoredMs',
        type: 'number',
        default: '3000',
        description: 'How long the “restored” phase lasts after a problem that was shown.',
      },
    ],
  },
  'connection-banner': {
    accessibility: [
      'Two live regions are always in the page: a polite status for losing and regaining the connection, an alert for a failure. Focus never moves.',
      '"Retry now" is a button in the Tab order while the banner shows; the countdown\'s seconds are hidden from screen readers.',
      'An overlay: it never pushes the content you are reading; enter/exit motion is off under reduced motion.',
    ],
    usage: `'use client'
import { useSSE } from '@realtime-kit/react'
import { ConnectionBanner } from '@/components/ui/connection-banner'

export function LiveOrders() {
  const { connection } = useSSE('/api/orders/events')
  return (
    <div className="relative">
      <ConnectionBanner connection={connection} strategy="absolute" />
      {/* … */}
    </div>
  )
}

// Or app-wide, fixed to the viewport, for the provider's channel client:
<ConnectionBanner connection={useRealtimeClient()} placement="bottom" />`,
    props: [
      {
        name: 'connection',
        type: 'SSEConnection | RealtimeClient | null',
        description:
          'useSSE(url).connection or a channel client. Without it: the provider’s client, or online/offline.',
      },
      {
        name: 'delayMs',
        type: 'number',
        default: '1500',
        description: 'A problem shorter than this shows nothing. Failures show at once.',
      },
      {
        name: 'restoredMs',
        type: 'number',
        default: '3000',
        description: 'How long “Reconnected” / “Back online” stays.',
      },
      { name: 'placement', type: "'top' | 'bottom'", default: "'top'", description: 'Edge it floats over.' },
      {
        name: 'strategy',
        type: "'fixed' | 'absolute'",
        default: "'fixed'",
        description: 'Over the viewport, or over the nearest positioned parent. It never pushes content.',
      },
      {
        name: 'onRetry',
        type: '() => void',
        default: 'connection.reconnect()',
        description: 'What “Retry now” / “Retry” does.',
      },
      {
        name: 'labels',
        type: 'Partial<ConnectionBannerLabels>',
        description: 'Replace the texts, e.g. to translate them.',
      },
      { name: 'locale', type: 'string', default: 'browser', description: 'Locale of the countdown.' },
    ],
  },
  'reconnect-toast': {
    accessibility: [
      'One toast, updated in place (one announcement per state, not per second).',
      "Sonner's toasts are reachable with its hotkey (Alt+T) and honour reduced motion.",
    ],
    usage: `'use client'
import { useSSE } from '@realtime-kit/react'
import { ReconnectToaster, useReconnectToasts } from '@/components/reconnect-toast'

// Its own Toaster, themed with your tokens:
export function ConnectionToasts() {
  const { connection } = useSSE('/api/events')
  return <ReconnectToaster connection={connection} position="bottom-center" />
}

// Or with the <Toaster /> your app already renders (even if it mounts later):
useReconnectToasts(connection)`,
    props: [
      {
        name: 'connection',
        type: 'SSEConnection | RealtimeClient | null',
        description: 'The connection to report on.',
      },
      { name: 'delayMs', type: 'number', default: '1500', description: 'A problem shorter than this raises no toast.' },
      { name: 'restoredMs', type: 'number', default: '3000', description: 'How long the “Reconnected” toast stays.' },
      {
        name: 'onRetry',
        type: '() => void',
        default: 'connection.reconnect()',
        description: 'What the toast’s Retry button does.',
      },
      {
        name: 'id',
        type: 'string',
        default: 'one per hook',
        description: 'The one toast id every state updates in place.',
      },
      { name: 'toasterId', type: 'string', description: 'Hook: send the toasts to the <Toaster id={…}> with this id.' },
      {
        name: 'labels',
        type: 'Partial<ReconnectToastLabels>',
        description: 'Replace the texts, e.g. to translate them.',
      },
      {
        name: '...ToasterProps',
        type: 'ToasterProps',
        description: 'ReconnectToaster: any sonner Toaster prop (position, richColors…).',
      },
    ],
  },
  'streaming-text': {
    accessibility: [
      '`aria-busy` while streaming; new text is announced in whole sentences (`Intl.Segmenter`), never token by token.',
      'Stop, Retry and Regenerate are one button that changes its label, so keyboard focus is never lost.',
      'The caret does not blink under reduced motion.',
    ],
    usage: `// app/api/answers/[id]/stream/route.ts
const stream = createEventStream(request)
const start = stream.lastEventId === undefined ? 0 : Number(stream.lastEventId) + 1 // resume after a drop
for (let i = start; i < tokens.length; i++) stream.send({ id: String(i), event: 'token', data: { text: tokens[i] } })
stream.send({ event: 'done', data: {} })
stream.close()

// page
<StreamingText url={\`/api/answers/\${id}/stream\`} onDone={(text) => save(text)} />`,
    props: [
      { name: 'url', type: 'string | null', description: 'The endpoint streaming token / done / error events.' },
      { name: 'controls', type: 'boolean', default: 'true', description: 'Show Stop, Retry and Regenerate.' },
      { name: 'onStop', type: '(text) => void', description: 'After Stop closed the stream, with the text so far.' },
      { name: 'onDone', type: '(text) => void', description: 'Called once when the answer is complete.' },
      {
        name: 'onRetry',
        type: '() => void',
        default: 'reset()',
        description: 'What Retry / Regenerate does. Default: stream afresh.',
      },
      {
        name: 'labels',
        type: 'Partial<StreamingTextLabels>',
        description: 'Replace the texts, e.g. to translate them.',
      },
      {
        name: 'locale',
        type: 'string',
        default: 'browser',
        description: 'Sentence splitting for screen readers, and the countdown.',
      },
      {
        name: 'eventNames',
        type: 'Partial<{ token, done, error }>',
        description: 'If your server names events differently.',
      },
      {
        name: 'sseOptions',
        type: 'UseSSEOptions',
        description: 'method and body for POST endpoints, headers, backoff…',
      },
    ],
  },
  'use-sentence-announcements': {
    usage: `const announced = useSentenceAnnouncements(text, isStreaming, locale)

<div aria-live="polite" className="sr-only">
  {announced.map((chunk) => <p key={chunk.key}>{chunk.text}</p>)}
</div>`,
    propsHeading: 'Parameters',
    props: [
      { name: 'text', type: 'string', description: 'The text so far; a shorter text starts over (a new answer).' },
      {
        name: 'busy',
        type: 'boolean',
        description: 'Still being written: only whole sentences are returned. False: the rest too.',
      },
      { name: 'locale', type: 'string', description: 'Sentence boundaries (Intl.Segmenter) in this locale.' },
    ],
  },
  'ai-chat': {
    accessibility: [
      'The conversation is a `role="log"`, `aria-busy` while an answer is written; new answers are read by a polite live region a sentence at a time, never token by token.',
      'Enter sends, Shift+Enter adds a line. Send and Stop are one button that changes role, so keyboard focus stays on it; Regenerate and Retry are buttons in the tab order.',
      'Reasoning and tool details are collapsed behind buttons with `aria-expanded`; a failed request is a `role="alert"` with its own words.',
      'The caret and spinners hold still under reduced motion; colours come from the theme, dark mode included.',
    ],
    usage: `// app/chat.tsx
'use client'
import { useChat } from '@ai-sdk/react'
import type { UIMessage } from 'ai'
import { RealtimeProvider } from '@realtime-kit/react'
import { websocketTransport } from '@realtime-kit/core/websocket'
import { AiChat } from '@/components/ai-chat'
import { useRealtimeChatTransport } from '@/hooks/use-realtime-chat-transport'

const transport = websocketTransport({ url: '/realtime' })

function Chat({ id, saved }: { id: string; saved: UIMessage[] }) {
  const chatTransport = useRealtimeChatTransport({ api: '/api/chat' })
  const chat = useChat({ id, messages: saved, transport: chatTransport, resume: true }) // resume: pick up after a reload
  return <AiChat chat={chat} className="h-[36rem]" />
}

export function ChatPage(props: { id: string; saved: UIMessage[] }) {
  return <RealtimeProvider transport={transport}><Chat {...props} /></RealtimeProvider>
}

// app/api/chat/route.ts
import { after } from 'next/server'
import { convertToModelMessages, streamText, toUIMessageStream } from 'ai'
import { getRealtime } from '@realtime-kit/server'
import { respondToStop, respondWithActiveStream, respondWithChannelStream } from '@realtime-kit/server/ai'

export async function POST(request: Request) {
  const { id, messages } = await request.json()
  const abortController = new AbortController()
  const result = streamText({ model, messages: await convertToModelMessages(messages), abortSignal: abortController.signal })
  return respondWithChannelStream(await getRealtime(), {
    chatId: id,
    stream: toUIMessageStream({ stream: result.stream, originalMessages: messages }),
    abortController,
    waitUntil: after, // the answer goes on once this request is answered
  })
}
export const GET = async (request: Request) => respondWithActiveStream(await getRealtime(), request) // the answer in progress
export const DELETE = async (request: Request) => respondToStop(await getRealtime(), request) // Stop, from any instance`,
    props: [
      {
        name: 'chat',
        type: 'UseChatHelpers',
        description:
          'What useChat() returns (messages, status, error, sendMessage, regenerate, stop). The block never creates a transport.',
      },
      {
        name: 'resuming',
        type: 'boolean',
        default: 'auto',
        description:
          'Show “Resuming the answer…”. Default: while useChat({ resume: true }) reconnects; true or false to decide yourself.',
      },
      {
        name: 'renderText',
        type: '(text, message) => ReactNode',
        description: 'Render an answer’s text your way, e.g. as Markdown. Default: as written, line breaks kept.',
      },
      {
        name: 'renderTool',
        type: '(part, message) => ReactNode',
        description: 'Render a tool call your way (a weather card…); return undefined for the one-line default.',
      },
      { name: 'maxLength', type: 'number', default: '4000', description: 'Longest question, in characters.' },
      {
        name: 'locale',
        type: 'string',
        default: 'browser',
        description: 'Cutting answers into sentences for screen readers.',
      },
      {
        name: 'labels',
        type: 'Partial<AiChatLabels>',
        description: 'Replace any text (Stop, Regenerate, “Resuming the answer…”…), e.g. to translate.',
      },
    ],
  },
  'presence-avatars': {
    accessibility: [
      'The "+N" overflow is a button: focus or hover shows the hidden names, Escape hides them; the names are also in its accessible label.',
      'Joins and leaves are announced politely, batched, and not at all for someone who drops and comes back within the grace period.',
      'Idle and away are shown by shape (a dashed ring) and in the label, not by colour alone.',
    ],
    usage: `'use client'
import { useChannel, usePresence } from '@realtime-kit/react'
import { PresenceAvatars } from '@/components/ui/presence-avatars'

export function WhoIsHere({ me }: { me: { name: string; avatarUrl?: string } }) {
  const room = useChannel('doc:42')
  const { members } = usePresence(room, { data: me }) // enter, and read who else is here
  return <PresenceAvatars members={members} isSelf={(m) => m.userId === room.userId} max={4} />
}

// Or just watch a room without entering it:
<PresenceAvatars channel={room} />`,
    props: [
      { name: 'channel', type: 'Channel', description: 'Watch this channel’s presence without entering it.' },
      {
        name: 'members',
        type: 'PresenceMember<{ name?, avatarUrl? }>[]',
        description: 'The members to show (wins over channel), e.g. usePresence(room).members.',
      },
      {
        name: 'isSelf',
        type: '(member) => boolean',
        default: 'channel user',
        description: 'Which member is you: listed first and marked “(you)”.',
      },
      {
        name: 'max',
        type: 'number',
        default: '4',
        description: 'Avatars shown before the “+N” chip, which names the rest.',
      },
      {
        name: 'getName',
        type: '(member) => string',
        default: 'data.name',
        description: 'A member’s display name; initials come from it.',
      },
      { name: 'size', type: "'sm' | 'default' | 'lg'", default: "'default'", description: 'Avatar size.' },
      {
        name: 'side',
        type: "'top' | 'bottom'",
        default: "'bottom'",
        description: 'Where the name tooltip opens (top for a stack at the bottom of a panel).',
      },
      {
        name: 'align',
        type: "'start' | 'center' | 'end'",
        default: "'start'",
        description: 'How tooltips line up with their avatar (end for a stack at the end of a header).',
      },
      {
        name: 'announce',
        type: 'boolean',
        default: 'true',
        description: 'Announce joins and leaves politely, batched.',
      },
      {
        name: 'announceDelayMs',
        type: 'number',
        default: '1500',
        description: 'How long changes settle before they are announced.',
      },
      {
        name: 'locale',
        type: 'string',
        default: 'browser',
        description: 'Locale for joining names (Intl.ListFormat).',
      },
      {
        name: 'labels',
        type: 'Partial<PresenceAvatarsLabels>',
        description: 'Replace the texts (“(you)”, idle, away, joined, left…).',
      },
    ],
  },
  'typing-indicator': {
    accessibility: [
      'A polite live region: "Ada is typing…" is read once per change, never per keystroke.',
      'It keeps its height when nobody types (no layout shift); the dots are still under reduced motion.',
    ],
    usage: `'use client'
import { useChannel, useTyping } from '@realtime-kit/react'
import { TypingIndicator } from '@/components/ui/typing-indicator'

// Names from the members' presence data ({ name }):
<TypingIndicator channel={room} />

// Or wire it yourself:
const { typing, keystroke, stop } = useTyping(room)
<TypingIndicator typing={typing} getName={(id) => users[id]?.name} />
<textarea onChange={(e) => { setText(e.target.value); keystroke() }} />`,
    props: [
      {
        name: 'channel',
        type: 'Channel',
        description: 'Follow this channel’s typists (useTyping); names from presence data.name.',
      },
      { name: 'typing', type: 'string[]', description: 'User ids typing now (wins over channel).' },
      {
        name: 'getName',
        type: '(userId) => string | undefined',
        default: 'the id',
        description: 'Display name for a user id.',
      },
      { name: 'maxNames', type: 'number', default: '3', description: 'Names shown before “and N others”.' },
      {
        name: 'announce',
        type: 'boolean',
        default: 'true',
        description: 'Announce changes politely to screen readers.',
      },
      { name: 'locale', type: 'string', default: 'browser', description: 'Locale for the list (Intl.ListFormat).' },
      {
        name: 'labels',
        type: 'Partial<TypingIndicatorLabels>',
        description: 'Replace the sentence and “N others”, e.g. to translate.',
      },
    ],
  },
  'chat-room': {
    accessibility: [
      'Enter sends, Shift+Enter adds a line; the composer says when you are offline and that messages will be sent when you are back.',
      'Messages from others are announced through a hidden `role="log"` (`aria-live="polite"`); the virtualized list itself is a `list` whose rows carry their position and set size.',
      'The "N new messages" button is focusable, jumps to the newest message and returns focus to the composer; failed messages have a Retry button.',
    ],
    usage: `'use client'
import { websocketTransport } from '@realtime-kit/core/websocket'
import { RealtimeProvider } from '@realtime-kit/react'
import { ChatRoom, type ChatMessage } from '@/components/chat-room'

const transport = websocketTransport({ url: '/realtime' }) // or any transport: Pusher, Ably, Supabase…

export function Room({ me, history }: { me: { id: string; name: string }; history: ChatMessage[] }) {
  return (
    <RealtimeProvider transport={transport}>
      <ChatRoom
        channel="room:42"
        user={me}
        initialMessages={history}
        loadHistory={(before) => fetchOlder(before?.id)} // older messages, oldest first; [] when there are no more
        className="h-[32rem]"
      />
    </RealtimeProvider>
  )
}

// Post from the server: publish('room:42', 'message', { text, author: { id, name }, sentAt: Date.now() })`,
    props: [
      {
        name: 'channel',
        type: 'string',
        description: 'The channel name. Messages are `message` events: { text, author, sentAt }.',
      },
      {
        name: 'user',
        type: '{ id, name, avatarUrl? }',
        description: 'You: your messages are those with author.id === user.id; shared in presence.',
      },
      { name: 'title', type: 'ReactNode', default: 'channel', description: 'Heading of the room.' },
      {
        name: 'initialMessages',
        type: 'ChatMessage[]',
        description: 'Messages you already have, oldest first ({ id, text, author, sentAt }).',
      },
      {
        name: 'loadHistory',
        type: '(before?: ChatMessage) => Promise<ChatMessage[]>',
        description: 'Older messages on scroll-up; the scroll position stays put.',
      },
      { name: 'maxLength', type: 'number', default: '2000', description: 'Longest message, in characters.' },
      {
        name: 'reactions',
        type: 'string[]',
        default: "['👍', '❤️', '😂', '🎉', '😮', '😢']",
        description: 'The reactions the picker under each message offers.',
      },
      { name: 'locale', type: 'string', default: 'browser', description: 'Locale for times, counts and name lists.' },
      {
        name: 'labels',
        type: 'Partial<ChatRoomLabels>',
        description: 'Replace any text (offline notice, “Seen by”, “New messages”…), e.g. to translate.',
      },
    ],
  },
  'tic-tac-toe': {
    accessibility: [
      'The board is one tab stop (roving tabindex): arrow keys move between squares (wrapping), Home/End go to the ends of a row, Enter or Space plays.',
      'Each square is a button named "Row 1, column 2, empty" (or X, O); whose turn it is, a win, a draw and a timeout are announced through a polite live region, a refused move through an alert.',
      'A move not yet confirmed by the server is faded (a pulse only without reduced motion) and "Sending…" is shown; clocks are timers with "Ada’s clock: 0:42 left".',
    ],
    usage: `// server (the file the item added, imported by both sides)
import { ticTacToe } from '@/lib/tic-tac-toe-game'
const realtime = await createRealtime({
  sharedState: { 'tictactoe:': ticTacToe },          // the reducer runs here, with the server's clock
  // players must be authenticated: seats belong to user ids
})
createWebSocketEndpoint({ server, path: '/realtime', realtime, authenticate: (token) => verify(token) })

// page
<RealtimeProvider transport={websocketTransport({ url: '/realtime', auth: () => fetchToken() })}>
  <TicTacToe channel="tictactoe:7" name={me.name} />
</RealtimeProvider>`,
    props: [
      {
        name: 'channel',
        type: 'string',
        description: 'The game’s channel; its prefix must be registered with the same definition on the server.',
      },
      { name: 'name', type: 'string', description: 'Your name on your seat and avatar.' },
      {
        name: 'definition',
        type: 'SharedStateDefinition<TicTacToeState, TicTacToeAction>',
        default: 'ticTacToe',
        description:
          'The game; defineTicTacToe({ clockMs, seatGraceMs }) for other clocks (the server must use the same).',
      },
      { name: 'locale', type: 'string', default: 'browser', description: 'Locale for clocks and counts.' },
      {
        name: 'labels',
        type: 'Partial<TicTacToeLabels>',
        description: 'Replace any text (status, seats, refusal-free parts), e.g. to translate.',
      },
    ],
  },
  'live-metrics': {
    accessibility: [
      'Each chart is `role="img"` with a summary ("CPU 42 %, up from 38 % over the last minute") and a visually hidden table of recent values.',
      'Changes are shown by icon, sign and text, not colour alone; ticking values are not announced.',
      'Reduced motion redraws the chart in place instead of scrolling it.',
    ],
    usage: `// app/api/metrics/route.ts
export async function GET(request: Request) {
  const stream = createEventStream(request)
  for (const sample of recentSamples()) stream.send({ id: String(sample.at), event: 'metrics', data: sample }) // charts start full
  const stop = onSample((sample) => stream.send({ id: String(sample.at), event: 'metrics', data: sample })) // { at, values: { cpu: 42, rps: 1240 } }
  stream.onClose(stop)
  return stream.response
}

// page (a Server Component can render it: metrics are plain data)
<LiveMetrics
  url="/api/metrics"
  title="api-1"
  metrics={[
    { key: 'cpu', label: 'CPU', format: { style: 'unit', unit: 'percent' }, trend: 'down-is-good', min: 0, max: 100 },
    { key: 'rps', label: 'Requests / s', format: { notation: 'compact' }, trend: 'up-is-good' },
  ]}
/>`,
    props: [
      {
        name: 'url',
        type: 'string | null',
        description: 'The Server-Sent Events endpoint streaming `metrics` events.',
      },
      {
        name: 'channel',
        type: 'string | Channel',
        description:
          'Follow a channel instead (inside a RealtimeProvider): its `metrics` messages are the samples, the newest stored ones first.',
      },
      {
        name: 'metrics',
        type: 'LiveMetric[]',
        description: '{ key, label, format?, trend?, min?, max?, color? } per card, in order.',
      },
      { name: 'title', type: 'ReactNode', description: 'Heading of the block; the connection status sits beside it.' },
      { name: 'window', type: 'number', default: '30', description: 'How many samples each chart shows.' },
      { name: 'event', type: 'string', default: "'metrics'", description: 'The event name carrying samples.' },
      {
        name: 'locale',
        type: 'string',
        default: 'browser',
        description: 'Locale of values, changes and times (Intl).',
      },
      {
        name: 'labels',
        type: 'Partial<LiveMetricsLabels>',
        description: 'Replace any text (the chart summary, “No data yet”…), e.g. to translate.',
      },
      { name: 'sseOptions', type: 'UseSSEOptions', description: 'Headers, credentials, backoff… passed to useSSE.' },
    ],
  },
  'notification-center': {
    accessibility: [
      'The bell\'s label includes the unread count ("Notifications, 3 unread").',
      'The panel is a non-modal dialog: focus moves to the first unread item, arrow keys, Home and End move through the list, Enter marks read, Escape closes and returns focus to the bell.',
      'New notifications while the panel is open are announced politely; the desktop-permission control explains a denied state in text.',
    ],
    usage: `'use client'
import { Toaster } from 'sonner'
import { websocketTransport } from '@realtime-kit/core/websocket'
import { RealtimeProvider } from '@realtime-kit/react'
import { NotificationCenter, type NotificationCenterItem } from '@/components/notification-center'

const transport = websocketTransport({ url: '/realtime' })

export function Notifications({ userId, history }: { userId: string; history: NotificationCenterItem[] }) {
  return (
    <RealtimeProvider transport={transport}>
      <NotificationCenter
        channel={\`notifications:\${userId}\`}
        initial={history}                    // from your database: { id, title, body?, at, read? }
        onMarkRead={(ids) => markRead(ids)}  // persist, e.g. a Server Action
      />
      <Toaster />
    </RealtimeProvider>
  )
}

// Notify from the server: publish(\`notifications:\${userId}\`, 'notification', { title: 'Deploy finished', body: 'acme.dev is live' })`,
    props: [
      {
        name: 'channel',
        type: 'string',
        description: 'The user’s channel; notifications are `notification` events: { title, body?, id?, at? }.',
      },
      {
        name: 'initial',
        type: 'NotificationCenterItem[]',
        description: 'History shown before live ones (any order; newest first on screen).',
      },
      {
        name: 'onMarkRead',
        type: '(ids: string[]) => void',
        description: 'Persist read state: one id, or every unread one for “Mark all as read”.',
      },
      {
        name: 'toasts',
        type: 'boolean',
        default: 'true',
        description: 'A sonner toast per new notification while the panel is closed (needs <Toaster />).',
      },
      {
        name: 'desktop',
        type: 'boolean',
        default: 'true',
        description: 'Offer desktop notifications, shown while the tab is hidden once allowed.',
      },
      { name: 'max', type: 'number', default: '100', description: 'Keep at most this many notifications.' },
      {
        name: 'align',
        type: "'start' | 'end'",
        default: "'end'",
        description: 'Which side of the bell the panel lines up with.',
      },
      {
        name: 'event',
        type: 'string',
        default: "'notification'",
        description: 'The event name carrying notifications.',
      },
      { name: 'locale', type: 'string', default: 'browser', description: 'Locale of the count and relative times.' },
      {
        name: 'labels',
        type: 'Partial<NotificationCenterLabels>',
        description: 'Replace any text (bell name, empty state, permission help…), e.g. to translate.',
      },
    ],
  },
  'user-color': {
    usage: `import { userColor } from '@/lib/user-color'

const { solid, tint } = userColor(user.id) // the same colour for this id everywhere
<span style={{ backgroundColor: solid }} className="text-white">{user.name}</span>`,
    propsHeading: 'Parameters',
    props: [
      {
        name: 'id',
        type: 'string',
        description:
          'The user id. Returns { solid, tint, hue }: solid for arrows and tags (white text on it passes 4.5:1), tint for selections.',
      },
    ],
  },
  'live-cursors': {
    accessibility: [
      'The cursor layer is decorative (`aria-hidden`, no pointer events); a polite text says who is here ("Ada and Grace are here").',
      'Cursors jump instead of gliding under reduced motion.',
    ],
    usage: `'use client'
import { RealtimeProvider } from '@realtime-kit/react'
import { websocketTransport } from '@realtime-kit/core/websocket'
import { LiveCursors } from '@/components/live-cursors'

const transport = websocketTransport({ url: '/realtime' })

export function Board({ me }: { me: { id: string; name: string } }) {
  return (
    <RealtimeProvider transport={transport}>
      <LiveCursors channel="board:7" user={{ id: me.id, name: me.name }} className="h-[32rem] rounded-xl border">
        <Whiteboard />
      </LiveCursors>
    </RealtimeProvider>
  )
}

// Wire format: channel.signal('cursor', { x, y }) with x, y in 0..1 of the surface; null when the pointer leaves.`,
    props: [
      {
        name: 'channel',
        type: 'string',
        description: 'The channel the cursors travel on (signals, never stored). Everyone on it sees each other.',
      },
      {
        name: 'user',
        type: '{ id: string; name: string }',
        description: 'You: the id picks your colour, the name is your cursor’s tag. Sent as your presence data.',
      },
      {
        name: 'children',
        type: 'ReactNode',
        description:
          'The shared surface. The cursor layer is an absolute overlay on it: no layout shift, no pointer events.',
      },
      {
        name: 'throttleMs',
        type: 'number',
        default: '80',
        description:
          'At most one position per this many ms, sent on an animation frame (stays under the server’s default 20 frames/s).',
      },
      {
        name: 'timeoutMs',
        type: 'number',
        default: '5000',
        description: 'Drop a cursor after this long without a signal; a still pointer re-sends every timeoutMs / 2.',
      },
      {
        name: 'locale',
        type: 'string',
        default: 'browser',
        description: 'Locale of the screen-reader list of names (Intl.ListFormat).',
      },
      {
        name: 'formatHere',
        type: '(names, list) => string',
        default: '“Ada and Grace are here”',
        description: 'The polite screen-reader text; the cursors themselves are aria-hidden.',
      },
    ],
  },
  'live-reactions': {
    accessibility: [
      'Each button has a name ("Send 👏"); the floating layer is decorative (`aria-hidden`, no pointer events).',
      'Nothing is announced per reaction: a busy room would flood a screen reader.',
      'Under reduced motion a reaction fades in place instead of rising.',
    ],
    usage: `'use client'
import { RealtimeProvider } from '@realtime-kit/react'
import { websocketTransport } from '@realtime-kit/core/websocket'
import { LiveReactions } from '@/components/live-reactions'

const transport = websocketTransport({ url: '/realtime' })

export function StreamReactions() {
  return (
    <RealtimeProvider transport={transport}>
      <LiveReactions channel="stream:42" reactions={['👏', '🎉', '🔥']} />
    </RealtimeProvider>
  )
}

// Wire format: channel signals (useRoomReactions), never stored; throttled per sender.`,
    props: [
      {
        name: 'channel',
        type: 'string',
        description: 'The channel the reactions go to. Everyone on it sees them float by.',
      },
      {
        name: 'reactions',
        type: 'string[]',
        default: "['👏', '❤️', '😂', '🎉', '🔥', '😮']",
        description: 'The reactions offered, one button each.',
      },
      { name: 'showMs', type: 'number', default: '2500', description: 'How long each reaction floats.' },
      { name: 'label', type: 'string', default: "'Reactions'", description: 'Names the row of buttons.' },
      {
        name: 'sendLabel',
        type: '(reaction) => string',
        default: '“Send 👏”',
        description: 'A button’s accessible name, e.g. to translate.',
      },
    ],
  },
  'collaborative-rich-text': {
    accessibility: [
      'The document is a labelled multi-line `textbox`; the word count (in your locale) is its description. Read-only sets `aria-readonly`.',
      'The toolbar is one tab stop (`role="toolbar"`): arrow keys, Home and End move along it; marks and blocks are toggle buttons with `aria-pressed`, each with its shortcut in `aria-keyshortcuts` (Ctrl/⌘+B, I, E, Shift+S, Alt+2, Shift+7/8, Shift+B, Z, Shift+Z).',
      'Undo and redo only take back your own edits, never someone else’s.',
      "Other people's carets and selections are decorative (`aria-hidden`); the list of people editing is text. Only going offline and coming back are announced.",
      'The editing area has a fixed height from the first paint (it scrolls), so nothing shifts when the document arrives; the spinner stops under reduced motion.',
    ],
    usage: `'use client'
import { RealtimeProvider } from '@realtime-kit/react'
import { websocketTransport } from '@realtime-kit/core/websocket'
import { CollaborativeRichText } from '@/components/collaborative-rich-text'

const transport = websocketTransport({ url: '/realtime' })

export function Notes({ me, doc }: { me: { id: string; name: string }; doc: { id: string; html: string } }) {
  return (
    <RealtimeProvider transport={transport}>
      <CollaborativeRichText channel={\`doc:\${doc.id}\`} user={me} initialContent={doc.html} />
    </RealtimeProvider>
  )
}

// Under the hood (@realtime-kit/core/yjs and /yjs-awareness), usable with any Yjs editor binding:
const doc = new Y.Doc()
const awareness = new Awareness(doc)                       // from 'y-protocols/awareness'
bindYjsToChannel(doc, channel)                              // 'yjs-update' publishes + a sync handshake
bindAwarenessToChannel(awareness, channel)                  // 'yjs-awareness' signals: carets, names, colours
CollaborationCaret.configure({ provider: { awareness }, user: { name, color: '#0a7c8c' } })`,
    props: [
      {
        name: 'channel',
        type: 'string',
        description: 'One document per channel, on the nearest RealtimeProvider’s client.',
      },
      {
        name: 'user',
        type: '{ id: string; name: string }',
        description: 'You: the id picks your colour, the name labels your caret for the others.',
      },
      {
        name: 'initialContent',
        type: 'string | JSONContent',
        description:
          'HTML or Tiptap JSON a new document starts with. Read once; every client must pass the same (identical seeds merge into one copy).',
      },
      { name: 'label', type: 'string', default: "'Shared document'", description: 'The editor’s accessible name.' },
      { name: 'placeholder', type: 'string', description: 'Shown while the document is empty.' },
      {
        name: 'readOnly',
        type: 'boolean',
        default: 'false',
        description: 'Show the document and the others’ carets without letting this user edit.',
      },
      { name: 'locale', type: 'string', description: 'Locale for the word count. Default: the browser’s.' },
      {
        name: 'labels',
        type: 'Partial<CollaborativeRichTextLabels>',
        description: 'Replace any text (status, toolbar buttons, word count) to translate.',
      },
      { name: 'editorClassName', type: 'string', description: 'Classes for the editable area (height, typography).' },
    ],
  },
  'collaborative-editor': {
    accessibility: [
      "A labelled textarea with the browser's own keyboard behaviour; undo and redo only take back your own edits.",
      'Only going offline and coming back are announced, not every remote edit; the character count is in your locale.',
      "Other people's carets are decorative; the list of people editing is text.",
    ],
    usage: `'use client'
import { RealtimeProvider } from '@realtime-kit/react'
import { websocketTransport } from '@realtime-kit/core/websocket'
import { CollaborativeEditor } from '@/components/collaborative-editor'

const transport = websocketTransport({ url: '/realtime' })

export function Notes({ me, doc }: { me: { id: string; name: string }; doc: { id: string; body: string } }) {
  return (
    <RealtimeProvider transport={transport}>
      <CollaborativeEditor channel={\`doc:\${doc.id}\`} user={me} initialText={doc.body} />
    </RealtimeProvider>
  )
}

// On the wire (bindYjsToChannel from @realtime-kit/core/yjs): 'yjs-update' messages are published (stored, replayed on reconnect);
// a newcomer signals 'yjs-sync-request' with its state vector and present peers answer 'yjs-sync' with the diff;
// carets are 'yjs-caret' signals carrying Yjs relative positions.`,
    props: [
      {
        name: 'channel',
        type: 'string',
        description: 'One document per channel, on the nearest RealtimeProvider’s client.',
      },
      {
        name: 'user',
        type: '{ id: string; name: string }',
        description: 'You: the id picks your colour, the name labels your caret for the others.',
      },
      {
        name: 'initialText',
        type: 'string',
        default: "''",
        description:
          'What a new document starts with, read once. Every client must pass the same text: identical seeds merge into one copy.',
      },
      { name: 'label', type: 'string', default: "'Shared document'", description: 'The textarea’s accessible name.' },
      { name: 'placeholder', type: 'string', description: 'Shown while the document is empty.' },
      {
        name: 'locale',
        type: 'string',
        default: 'browser',
        description: 'Locale of the character count (graphemes: an emoji counts once).',
      },
      {
        name: 'labels',
        type: 'Partial<CollaborativeEditorLabels>',
        description: 'Replace any text (status, “N characters”, people list), e.g. to translate.',
      },
      {
        name: 'textareaClassName',
        type: 'string',
        description: 'Classes for the textarea (height, font); the caret overlay follows its computed style.',
      },
    ],
  },
  'realtime-devtools': {
    accessibility: [
      'The floating button is a labelled toggle (`aria-expanded`, `aria-keyshortcuts`); Ctrl+Shift+D (or your `shortcut`) toggles from anywhere, Escape closes and returns focus to the button.',
      'The open panel is a non-modal `dialog` that takes focus; Overview, Events and Chaos are ARIA tabs (arrow keys, Home, End; mirrored in right-to-left).',
      'Payloads are an ARIA `tree`: Up/Down move, Right expands or enters, Left collapses or goes to the parent, Enter or Space toggles.',
      'Only the selected connection’s status changes are announced (politely), never each frame; event direction is spoken ("In"/"Out"), not just drawn.',
      'Fixed position: it never shifts the page. Status dots stop pulsing under `prefers-reduced-motion`; colours come from the theme, so dark mode works.',
    ],
    usage: `// app/layout.tsx (or your Vite root): renders nothing when NODE_ENV is production
import { RealtimeDevtools } from '@/components/realtime-devtools'

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        {children}
        <RealtimeDevtools />
      </body>
    </html>
  )
}

// Keep it in a staging build:
<RealtimeDevtools enabled={process.env.NEXT_PUBLIC_DEVTOOLS === '1'} shortcut="alt+shift+r" />

// The same data without the UI (tests, your own tools):
import { createInspector } from '@realtime-kit/core/devtools'
const inspector = createInspector({ maxEvents: 200 })
inspector.chaos(inspector.getSnapshot()[0].id).drop(2) // watch the client resync
inspector.close()                                      // every tap removed`,
    props: [
      {
        name: 'enabled',
        type: 'boolean',
        default: "NODE_ENV !== 'production'",
        description:
          'Render it. Off in production builds (Next.js and Vite replace NODE_ENV at build time) unless you pass true.',
      },
      { name: 'defaultOpen', type: 'boolean', default: 'false', description: 'Open on mount.' },
      {
        name: 'shortcut',
        type: 'string | null',
        default: "'ctrl+shift+d'",
        description:
          'Key combination that toggles the panel (modifiers ctrl, shift, alt, meta joined with +); null for none.',
      },
      {
        name: 'corner',
        type: "'bottom-end' | 'bottom-start' | 'top-end' | 'top-start'",
        default: "'bottom-end'",
        description: 'Where the button sits; logical, so `end` is on the left in right-to-left pages.',
      },
      {
        name: 'maxEvents',
        type: 'number',
        default: '500',
        description: 'Events kept per connection while the panel is open (older ones are counted, not kept).',
      },
      { name: 'locale', type: 'string', default: 'browser', description: 'Locale for times, sizes and counts.' },
      {
        name: 'labels',
        type: 'Partial<RealtimeDevtoolsLabels>',
        description: 'Replace any text (status names, tabs, buttons), e.g. to translate.',
      },
    ],
  },
  'live-form': {
    accessibility: [
      'Every field has a visible label; required fields say "required" to screen readers (the asterisk is hidden from them).',
      'Each field\'s message ("Checking…", "available", why it is invalid) is a polite live region tied to the input with `aria-describedby`; an invalid field has `aria-invalid`. Messages keep their space, so nothing moves as they come and go.',
      'Submitting with a known-invalid field moves focus to it; errors from the server move focus to the first field they name.',
      'The submit button uses `aria-disabled` while submitting and while the work runs: it keeps focus, and Enter or a click does nothing until the run is over.',
      'A failed submission is an alert with a Retry button; progress is the stream-progress `progressbar` with its polite status line. Spinners hold still under reduced motion.',
    ],
    usage: `// app/actions/sign-up.ts
'use server'
export async function signUp(previous: LiveFormState, formData: FormData): Promise<LiveFormState> {
  const values = { username: String(formData.get('username') ?? ''), email: String(formData.get('email') ?? '') }
  const errors = await validate(values)            // the same rules as the live check, run again
  if (errors) return { status: 'invalid', fieldErrors: errors, values }
  const job = await startJob(values)               // streams step / progress / done events
  return { status: 'working', progressUrl: \`/api/jobs/\${job.id}/events\`, values }
}

// app/sign-up/form.tsx
'use client'
import { LiveForm, type LiveFormValidator } from '@/components/live-form'
import { signUp } from '@/app/actions/sign-up'

const checkUsername: LiveFormValidator = async (value, { signal }) =>
  (await fetch(\`/api/username?name=\${encodeURIComponent(value)}\`, { signal })).json() // { valid, message }

export function SignUpForm() {
  return (
    <LiveForm
      fields={[
        { name: 'username', label: 'Username', required: true },
        { name: 'email', label: 'Email', type: 'email', required: true },
      ]}
      validators={{ username: checkUsername }}
      action={signUp}          // a Server Action: the form also posts without JavaScript
      permalink="/sign-up"
      labels={{ submit: 'Create account' }}
    />
  )
}`,
    props: [
      {
        name: 'fields',
        type: 'LiveFormField[]',
        description:
          '{ name, label, type?, description?, required?, placeholder?, autoComplete?, minLength?, maxLength?, defaultValue? } per input, in order.',
      },
      {
        name: 'action',
        type: '(state, formData) => Promise<LiveFormState>',
        description:
          'Handles the submission; pass a Server Action directly. Returns { status: "invalid", fieldErrors } | { status: "working", progressUrl } | { status: "success", message } | { status: "error", message }, each with optional `values`.',
      },
      {
        name: 'validators',
        type: 'Record<string, (value, { signal, values }) => Promise<LiveFormVerdict>>',
        description:
          'Live checks per field name, answering { valid: true, message? } or { valid: false, message }. Pass `signal` to fetch: a newer value aborts it. Throwing means "could not check" (checked on submit).',
      },
      {
        name: 'debounceMs',
        type: 'number',
        default: '300',
        description: 'Quiet time after the last keystroke before a check; blur checks at once.',
      },
      {
        name: 'initialState',
        type: 'LiveFormState',
        default: "{ status: 'idle' }",
        description: 'Where the form starts, e.g. a state your page got from the server.',
      },
      {
        name: 'permalink',
        type: 'string',
        description: 'The page URL, for posts made before hydration (React useActionState permalink).',
      },
      {
        name: 'progress',
        type: 'StreamProgressProps',
        description: 'Passed to the progress card: title, planned steps, labels, sseOptions.',
      },
      {
        name: 'onSuccess',
        type: '(message?: string) => void',
        description: 'Called once the work is done: a success state, or the stream’s done event.',
      },
      {
        name: 'labels',
        type: 'Partial<LiveFormLabels>',
        description: 'Replace any text (submit, submitting, checking, retry…), e.g. to translate.',
      },
      {
        name: 'children',
        type: 'ReactNode',
        description: 'Extra inputs (hidden fields, checkboxes) placed before the submit button; they are posted too.',
      },
    ],
  },
};

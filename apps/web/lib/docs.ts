/** The hand-written part of each item's docs page: a usage snippet and a short props table. */
export interface PropDoc {
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
}

export const itemDocs: Record<string, ItemDoc> = {
  utils: {
    usage: `import { cn } from '@/lib/utils'

<div className={cn('p-2', isActive && 'bg-accent', className)} />`,
    propsHeading: 'Parameters',
    props: [{ name: '...inputs', type: 'ClassValue[]', description: 'Class names, conditionals, arrays; later Tailwind utilities win.' }],
  },
  'use-locale': {
    usage: `const locale = useLocale()            // 'en-US' on the server, the browser's after hydration
const locale = useLocale(fromHeaders) // the right locale from the first byte`,
    propsHeading: 'Parameters',
    props: [
      { name: 'preferred', type: 'string', description: 'Use this locale instead of the browser’s (e.g. from Accept-Language).' },
      { name: 'serverLocale', type: 'string', default: "'en-US'", description: 'What the server and hydration render with.' },
    ],
  },
  'use-retry-countdown': {
    usage: `const { retryAt } = useConnectionState(connection)
const seconds = useRetryCountdown(retryAt) // 3, 2, 1, 0 — null when not reconnecting`,
    propsHeading: 'Parameters',
    props: [{ name: 'retryAt', type: 'number | null', description: 'Wall-clock time (ms) of the next attempt, from useConnectionState().' }],
  },
  'connection-dot': {
    usage: `'use client'
import { useSSE } from '@realtime-kit/react'
import { ConnectionDot } from '@/components/ui/connection-dot'

export function Status() {
  const { connection } = useSSE('/api/events')
  return <ConnectionDot connection={connection} variant="outline" />
}`,
    props: [
      { name: 'connection', type: 'SSEConnection | null', description: 'The connection to show, e.g. useSSE(url).connection. Without it: online/offline.' },
      { name: 'status', type: "ConnectionStatus | 'error'", description: 'Show this state instead of reading a connection.' },
      { name: 'labels', type: 'Partial<Record<state, string>>', description: 'Replace the texts, e.g. to translate them.' },
      { name: 'showCountdown', type: 'boolean', default: 'true', description: 'Show “in 3s” while reconnecting (visual only, not announced).' },
      { name: 'locale', type: 'string', default: 'browser', description: 'Locale of the countdown (Intl.RelativeTimeFormat).' },
      { name: 'hideLabel', type: 'boolean', default: 'false', description: 'Keep the label for screen readers only.' },
      { name: 'variant', type: "'default' | 'outline'", default: "'default'", description: 'Plain, or a pill with a border.' },
      { name: 'size', type: "'sm' | 'default' | 'lg'", default: "'default'", description: 'Text and dot size.' },
    ],
  },
  'live-counter': {
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
      { name: 'event', type: 'string', default: "'message'", description: 'The event name carrying the number.' },
      { name: 'field', type: 'string', description: 'Read this key of the event data (usable from Server Components).' },
      { name: 'select', type: '(data) => number', description: 'Compute the number from the event data (Client Components).' },
      { name: 'initialValue', type: 'number', default: '0', description: 'Rendered on the server and until the first event.' },
      { name: 'locale', type: 'string', default: 'browser', description: 'Locale for Intl.NumberFormat.' },
      { name: 'formatOptions', type: 'Intl.NumberFormatOptions', description: 'e.g. { notation: "compact" } or a currency.' },
      { name: 'label', type: 'string', description: 'What it counts, for screen readers (“Viewers: 12”).' },
      { name: 'announce', type: 'boolean', default: 'true', description: 'Announce each new value politely.' },
      { name: 'spring', type: 'SpringOptions', description: 'Animation feel; ignored under reduced motion (the number jumps).' },
    ],
  },
  'stream-progress': {
    usage: `// app/api/jobs/[id]/events/route.ts
const stream = createEventStream(request)
stream.send({ id: '1', event: 'step', data: { id: 'build', label: 'Building', status: 'active' } })
stream.send({ id: '2', event: 'progress', data: { value: 40, max: 100 } })
stream.send({ id: '3', event: 'done', data: { message: 'Deployed' } })

// page
<StreamProgress url={\`/api/jobs/\${id}/events\`} title="Deploying" />`,
    props: [
      { name: 'url', type: 'string | null', description: 'The endpoint streaming step / progress / done / error events.' },
      { name: 'title', type: 'ReactNode', description: 'Heading; also names the progress bar.' },
      { name: 'steps', type: '{ id, label }[]', description: 'Known steps, shown as pending before the first event.' },
      { name: 'onRetry', type: '() => void', default: 'reset()', description: 'What Retry does after an error.' },
      { name: 'onDone', type: '(result) => void', description: 'Called once when the task is done.' },
      { name: 'labels', type: 'Partial<StreamProgressLabels>', description: 'Replace the texts, e.g. to translate them.' },
      { name: 'locale', type: 'string', default: 'browser', description: 'Locale of the percentage and countdown.' },
      { name: 'eventNames', type: 'Partial<{ step, progress, done, error }>', description: 'If your server names events differently.' },
    ],
  },
};

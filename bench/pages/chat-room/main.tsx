// The chat-room benchmark page: the registry's ChatRoom (virtualized) against a plain list rendering every message,
// both with the same N messages and the same row content, in a 600 px tall room. `window.__bench()` measures the time
// from render() to the first paint showing the newest message, then scrolls to the top at a steady speed and records
// every frame's duration. The messages are generated before `__bench()` starts the clock.
import { useLayoutEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { createTestTransport } from '@realtime-kit/core/testing';
import { RealtimeProvider } from '@realtime-kit/react';
import { ChatRoom, type ChatMessage } from '@/registry/realtime/blocks/chat-room/chat-room';
import './style.css';

const params = new URLSearchParams(location.search);
const mode = params.get('mode') === 'naive' ? 'naive' : 'ours';
const count = Number(params.get('n') ?? '100000');
const scrollMs = Number(params.get('scrollMs') ?? '3000');

const NAMES = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Katherine Johnson', 'Edsger Dijkstra', 'Barbara Liskov'];
const WORDS =
  'the build is green again after we moved the cache and the deploy went out before lunch so we can ship it'.split(' ');
const BASE = Date.UTC(2026, 10, 1, 9, 0, 0);

const messages: ChatMessage[] = Array.from({ length: count }, (_, index) => {
  const name = NAMES[index % NAMES.length] as string;
  const words = 4 + ((index * 7) % 24);
  const text = Array.from({ length: words }, (_, w) => WORDS[(index + w * 3) % WORDS.length]).join(' ');
  // As the benchmark asks: 10% of messages carry reactions, 5% were edited (both rendered by both sides).
  const reacted = index % 10 === 3;
  const edited = index % 20 === 7;
  return {
    id: `m${index}`,
    text: `${text} #${index}`,
    author: { id: `u${index % NAMES.length}`, name },
    sentAt: BASE + index * 45_000,
    ...(edited ? { version: 2 } : {}),
    ...(reacted ? { reactions: reactionsFor(index) } : {}),
  };
});

function reactionsFor(index: number) {
  const users = NAMES.slice(0, 1 + (index % 4)).map((_, n) => `u${n}`);
  return {
    '👍': { count: users.length, users, clipped: false },
    ...(index % 3 === 0 ? { '🎉': { count: 1, users: ['u5'], clipped: false } } : {}),
  };
}
const newest = `#${count - 1}`;

const time = new Intl.DateTimeFormat('en', { hour: 'numeric', minute: '2-digit' });
const initials = (name: string) =>
  name
    .split(' ')
    .map((part) => part[0])
    .join('');

/** The peer: what a chat without virtualization renders — every message in the DOM, scrolled to the bottom. */
function PlainList() {
  useLayoutEffect(() => {
    const scroller = document.querySelector<HTMLElement>('[data-slot="plain-scroller"]');
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  }, []);
  return (
    <section className="flex h-[600px] w-[720px] flex-col rounded-xl border bg-card text-card-foreground">
      <header className="flex min-h-14 items-center border-b px-4 font-semibold">Room</header>
      <div data-slot="plain-scroller" className="min-h-0 flex-1 overflow-y-auto">
        <ul className="flex flex-col">
          {messages.map((message) => (
            <li key={message.id} className="flex gap-3 px-4 py-1.5">
              <span className="flex size-8 shrink-0 items-center justify-center rounded-full bg-muted text-xs font-medium">
                {initials(message.author.name)}
              </span>
              <div className="min-w-0">
                <p className="flex items-baseline gap-2 text-sm">
                  <span className="font-medium">{message.author.name}</span>
                  <time className="text-xs text-muted-foreground">{time.format(message.sentAt)}</time>
                </p>
                <p dir="auto" className="text-sm break-words whitespace-pre-wrap">
                  {message.text}
                  {message.version !== undefined && message.version > 1 && (
                    <span className="ml-1 text-xs text-muted-foreground">(edited)</span>
                  )}
                </p>
                {message.reactions && (
                  <div className="mt-1 flex gap-1">
                    {Object.entries(message.reactions).map(([reaction, { count }]) => (
                      <button key={reaction} type="button" className="rounded-full border px-2 text-xs">
                        {reaction} {count}
                      </button>
                    ))}
                  </div>
                )}
              </div>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

const kit = createTestTransport();
const app =
  mode === 'ours' ? (
    <RealtimeProvider transport={kit.createTransport({ userId: 'you' })}>
      <ChatRoom
        channel="bench"
        user={{ id: 'you', name: 'You' }}
        initialMessages={messages}
        className="h-[600px] w-[720px]"
      />
    </RealtimeProvider>
  ) : (
    <PlainList />
  );

const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
let started = Number.NaN;

let committedMs = Number.NaN;

async function firstPaint(): Promise<number> {
  // The newest message in the DOM (committed), then one frame later it has been painted.
  while (!document.body.textContent?.includes(newest)) await nextFrame();
  committedMs = performance.now() - started;
  await nextFrame();
  return performance.now() - started;
}

async function scrollToTop(): Promise<{ frames: number[]; distance: number }> {
  const scroller = document.querySelector<HTMLElement>(
    mode === 'ours' ? '[data-slot="chat-room-scroller"]' : '[data-slot="plain-scroller"]',
  );
  if (!scroller) throw new Error('no scroller');
  // Both scroll the same distance (as far as the shorter of the two could go is unknown here, so a fixed one).
  const distance = Math.min(scroller.scrollHeight - scroller.clientHeight, 200_000);
  const from = scroller.scrollTop;
  const frames: number[] = [];
  let last = await nextFrame();
  const begin = last;
  for (;;) {
    const now = await nextFrame();
    frames.push(now - last);
    last = now;
    const progress = Math.min(1, (now - begin) / scrollMs);
    scroller.scrollTop = from - distance * progress;
    if (progress >= 1) break;
  }
  return { frames, distance };
}

(window as unknown as { __bench: () => Promise<unknown> }).__bench = async () => {
  // The messages exist before the clock starts (they come from your API either way); render() starts it.
  await nextFrame();
  started = performance.now();
  createRoot(document.getElementById('root') as HTMLElement).render(app);
  const paintMs = await firstPaint();
  const domNodes = document.getElementsByTagName('*').length;
  await nextFrame();
  const { frames, distance } = await scrollToTop();
  return { paintMs, committedMs, domNodes, frames, distance };
};

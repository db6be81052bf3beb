import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';

import { registryItems } from '@/registry/registry';
import { ConnectionDotDemo } from '@/components/demos/connection-dot-demo';
import { LiveCounterDemo, LiveCounterFallback } from '@/components/demos/live-counter-demo';
import { StreamProgressDemo } from '@/components/demos/stream-progress-demo';
import { ChatRoomDemo } from '@/components/demos/chat-room-demo';
import { PresenceAvatarsDemo } from '@/components/demos/presence-avatars-demo';
import { TypingIndicatorDemo } from '@/components/demos/typing-indicator-demo';
import { ConnectionBannerDemo } from '@/components/demos/connection-banner-demo';
import { ReconnectToastDemo } from '@/components/demos/reconnect-toast-demo';
import { StreamingTextDemo } from '@/components/demos/streaming-text-demo';
import { LiveMetricsDemo } from '@/components/demos/live-metrics-demo';
import { NotificationCenterDemo } from '@/components/demos/notification-center-demo';
import { LiveCursorsDemo } from '@/components/demos/live-cursors-demo';
import { CollaborativeEditorDemo } from '@/components/demos/collaborative-editor-demo';
import { CollaborativeRichTextDemo } from '@/components/demos/collaborative-rich-text-demo';
import { LiveFormDemo } from '@/components/demos/live-form-demo';
import { RealtimeDevtoolsDemo } from '@/components/demos/realtime-devtools-demo';
import { AiChatDemo } from '@/components/demos/ai-chat-demo';
import { TicTacToeDemo } from '@/components/demos/tic-tac-toe-demo';
import { InstallCommand } from '@/components/install-command';
import { itemDocs } from '@/lib/docs';
import { installCommand, REGISTRY_URL } from '@/lib/registry-url';

export function generateStaticParams() {
  return registryItems().map((item) => ({ item: item.name }));
}

function findItem(name: string) {
  return registryItems(REGISTRY_URL).find((item) => item.name === name);
}

export async function generateMetadata({ params }: PageProps<'/docs/[item]'>): Promise<Metadata> {
  const item = findItem((await params).item);
  return item ? { title: item.title ?? item.name, description: item.description } : {};
}

const demos: Record<string, React.ReactNode> = {
  'connection-dot': <ConnectionDotDemo />,
  'live-counter': (
    <Suspense fallback={<LiveCounterFallback />}>
      <LiveCounterDemo />
    </Suspense>
  ),
  'stream-progress': <StreamProgressDemo />,
  'live-metrics': <LiveMetricsDemo />,
  'notification-center': <NotificationCenterDemo />,
  'presence-avatars': <PresenceAvatarsDemo />,
  'typing-indicator': <TypingIndicatorDemo />,
  'chat-room': <ChatRoomDemo />,
  'connection-banner': <ConnectionBannerDemo />,
  'reconnect-toast': <ReconnectToastDemo />,
  'streaming-text': <StreamingTextDemo />,
  'live-cursors': <LiveCursorsDemo />,
  'collaborative-editor': <CollaborativeEditorDemo />,
  'collaborative-rich-text': <CollaborativeRichTextDemo />,
  'live-form': <LiveFormDemo />,
  'realtime-devtools': <RealtimeDevtoolsDemo />,
  'ai-chat': <AiChatDemo />,
  'tic-tac-toe': <TicTacToeDemo />,
};

export default async function ItemPage({ params }: PageProps<'/docs/[item]'>) {
  const { item: name } = await params;
  const item = findItem(name);
  const docs = itemDocs[name];
  if (!item || !docs) notFound();
  const demo = demos[name];
  // Dependencies on our items are URLs; plain names ("button") are shadcn's own primitives.
  const dependencies = item.registryDependencies ?? [];
  const ownItems = dependencies
    .filter((dep) => dep.startsWith(`${REGISTRY_URL}/`))
    .map((dep) => dep.replace(`${REGISTRY_URL}/`, '').replace(/\.json$/, ''));
  const primitives = dependencies.filter((dep) => !/^https?:/.test(dep));

  return (
    <article className="space-y-10">
      <header className="space-y-2">
        <p className="font-mono text-xs text-muted-foreground">{item.type}</p>
        <h1 className="text-3xl font-semibold tracking-tight">{item.title ?? item.name}</h1>
        <p className="max-w-2xl text-muted-foreground">{item.description}</p>
      </header>

      <section aria-labelledby="install" className="space-y-3">
        <h2 id="install" className="text-lg font-semibold">
          Install
        </h2>
        <InstallCommand command={installCommand(item.name)} />
        {item.dependencies && item.dependencies.length > 0 && (
          <p className="text-sm text-muted-foreground">
            Installs {item.dependencies.map((dep, i) => [i > 0 && ', ', <code key={dep}>{dep}</code>])}
            {ownItems.length > 0 && (
              <>
                {' '}
                and the items{' '}
                {ownItems.map((depName, i) => [
                  i > 0 && ', ',
                  <a key={depName} href={`/docs/${depName}`} className="underline underline-offset-4">
                    {depName}
                  </a>,
                ])}
              </>
            )}
            .
          </p>
        )}
        {primitives.length > 0 && (
          <p className="text-sm text-muted-foreground">
            Built on shadcn&apos;s{' '}
            {primitives.map((primitive, i) => [
              i > 0 && ', ',
              <a
                key={primitive}
                href={`https://ui.shadcn.com/docs/components/${primitive}`}
                className="underline underline-offset-4"
              >
                {primitive}
              </a>,
            ])}
            : <code>shadcn add</code> installs the ones you do not have yet and keeps the ones already in your{' '}
            <code>components/ui</code> (it asks before overwriting), so your theme applies.
          </p>
        )}
      </section>

      {demo && (
        <section aria-labelledby="demo" className="space-y-3">
          <h2 id="demo" className="text-lg font-semibold">
            Live demo
          </h2>
          <div className="rounded-xl border p-6">{demo}</div>
        </section>
      )}

      <section aria-labelledby="usage" className="space-y-3">
        <h2 id="usage" className="text-lg font-semibold">
          Usage
        </h2>
        <pre className="overflow-x-auto rounded-lg border bg-muted/50 p-4 text-sm">
          <code>{docs.usage}</code>
        </pre>
      </section>

      <section aria-labelledby="props" className="space-y-3">
        <h2 id="props" className="text-lg font-semibold">
          {docs.propsHeading ?? 'Props'}
        </h2>
        <div className="overflow-x-auto rounded-lg border">
          <table className="w-full text-start text-sm">
            <thead className="bg-muted/50 text-start">
              <tr>
                <th scope="col" className="px-3 py-2 text-start font-medium">
                  Name
                </th>
                <th scope="col" className="px-3 py-2 text-start font-medium">
                  Type
                </th>
                <th scope="col" className="px-3 py-2 text-start font-medium">
                  Default
                </th>
                <th scope="col" className="px-3 py-2 text-start font-medium">
                  Description
                </th>
              </tr>
            </thead>
            <tbody>
              {docs.props.map((prop) => (
                <tr key={prop.name} className="border-t align-top">
                  <td className="px-3 py-2 font-mono text-xs whitespace-nowrap">{prop.name}</td>
                  <td className="px-3 py-2 font-mono text-xs">{prop.type}</td>
                  <td className="px-3 py-2 font-mono text-xs whitespace-nowrap">{prop.default ?? '—'}</td>
                  <td className="px-3 py-2 text-muted-foreground">{prop.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {docs.accessibility && docs.accessibility.length > 0 && (
        <section aria-labelledby="accessibility" className="space-y-3">
          <h2 id="accessibility" className="text-lg font-semibold">
            Keyboard and screen readers
          </h2>
          <ul className="list-disc space-y-1 ps-5 text-sm text-muted-foreground">
            {docs.accessibility.map((note) => (
              <li key={note}>
                {note.split('`').map((part, index) =>
                  index % 2 === 1 ? (
                    <code key={index} className="rounded bg-muted px-1 py-0.5 text-xs text-foreground">
                      {part}
                    </code>
                  ) : (
                    part
                  ),
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </article>
  );
}

'use client';

import * as React from 'react';
import { Toaster } from 'sonner';
import { websocketTransport } from '@realtime-kit/core/websocket';
import { RealtimeProvider } from '@realtime-kit/react';

import {
  NotificationCenter,
  type NotificationCenterItem,
} from '@/registry/realtime/blocks/notification-center/notification-center';
import { Button } from '@/components/ui/button';

/** The channel `app/api/demo/notifications/route.ts` publishes to. */
const CHANNEL = 'demo:notifications';

const kinds = [
  { kind: 'deploy', label: 'Deploy finished' },
  { kind: 'comment', label: 'New comment' },
  { kind: 'payment', label: 'Payment received' },
  { kind: 'alert', label: 'CPU alert' },
] as const;

/** History as your database would hand it over: fixed offsets from the time the page loaded. */
function history(now: number): NotificationCenterItem[] {
  return [
    {
      id: 'welcome',
      title: 'Welcome to realtime-kit',
      body: 'Send yourself a notification with the buttons.',
      at: now - 3 * 60_000,
    },
    { id: 'report', title: 'Weekly report is ready', at: now - 2 * 24 * 3_600_000, read: true },
  ];
}

/**
 * The bell against this app's WebSocket endpoint (`/realtime`, served by `server.mjs`). Each button POSTs to a route
 * handler that `publish()`es a notification: with the panel closed it shows as a toast; allow desktop notifications
 * and switch tabs to get a system notification instead.
 */
export function NotificationCenterDemo() {
  // One transport for the page's lifetime: a new one would be a new client and a new connection.
  const [transport] = React.useState(() => websocketTransport({ url: '/realtime' }));
  // Relative times need the browser's clock: the history is built after hydration.
  const [initial, setInitial] = React.useState<NotificationCenterItem[] | null>(null);
  React.useEffect(() => setInitial(history(Date.now())), []);
  const [sending, setSending] = React.useState<'idle' | 'sending' | 'failed'>('idle');
  const [theme, setTheme] = React.useState<'light' | 'dark'>('light');
  React.useEffect(() => {
    const html = document.documentElement;
    const update = () => setTheme(html.classList.contains('dark') ? 'dark' : 'light');
    update();
    const observer = new MutationObserver(update);
    observer.observe(html, { attributes: true, attributeFilter: ['class'] });
    return () => observer.disconnect();
  }, []);

  const send = async (kind: string) => {
    setSending('sending');
    try {
      const response = await fetch('/api/demo/notifications', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind }),
      });
      setSending(response.ok ? 'idle' : 'failed');
    } catch {
      setSending('failed');
    }
  };

  return (
    <RealtimeProvider transport={transport}>
      <div className="space-y-4">
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div className="flex flex-wrap gap-2">
            {kinds.map(({ kind, label }) => (
              <Button
                key={kind}
                variant="outline"
                size="sm"
                onClick={() => void send(kind)}
                disabled={sending === 'sending'}
              >
                {label}
              </Button>
            ))}
          </div>
          {initial === null ? (
            // The bell's size, until the history is ready.
            <span aria-hidden="true" className="inline-block size-9 rounded-md border bg-muted" />
          ) : (
            <NotificationCenter channel={CHANNEL} initial={initial} />
          )}
        </div>
        <p className="text-sm text-muted-foreground" role="status">
          {sending === 'failed'
            ? 'The route handler could not publish: is the app running with server.mjs?'
            : 'Everyone on this page shares the demo channel: open it in a second tab to see notifications arrive there too.'}
        </p>
        {/* Room for the panel to open into. */}
        <div aria-hidden="true" className="h-80" />
      </div>
      <Toaster theme={theme} position="bottom-right" />
    </RealtimeProvider>
  );
}

'use client';

import * as React from 'react';
import { browserNetwork, type NetworkEvent, type NetworkSource } from '@realtime-kit/core';
import { websocketTransport } from '@realtime-kit/core/websocket';
import { RealtimeProvider } from '@realtime-kit/react';

import {
  CollaborativeRichText,
  type CollaborativeRichTextUser,
} from '@/registry/realtime/components/collaborative-rich-text';
import { Button } from '@/components/ui/button';

/** Everyone on this page (every tab, every visitor) edits this one document. */
const CHANNEL = 'demo:rich-text';
const INITIAL_CONTENT =
  '<h2>Release notes</h2><p>Everyone on this page edits this document together. Try <strong>bold</strong> (Ctrl+B), a list, or a quote.</p><ul><li><p>Type in both windows at once</p></li><li><p>Take window B offline, edit both, bring it back</p></li></ul>';

const animals = ['Otter', 'Heron', 'Lynx', 'Badger', 'Puffin', 'Marten', 'Ibex', 'Gecko'];

function guest(): CollaborativeRichTextUser {
  const id = crypto.randomUUID();
  return { id, name: `${animals[Math.floor(Math.random() * animals.length)]} ${id.slice(0, 3).toUpperCase()}` };
}

/** The browser's network, plus a switch to take one window offline on its own (the demo's "pull the cable"). */
function switchableNetwork(): NetworkSource & { setOnline(online: boolean): void } {
  let forcedOffline = false;
  const listeners = new Set<(event: NetworkEvent) => void>();
  return {
    isOnline: () => !forcedOffline && browserNetwork.isOnline(),
    subscribe(listener) {
      listeners.add(listener);
      const off = browserNetwork.subscribe(listener);
      return () => {
        listeners.delete(listener);
        off();
      };
    },
    setOnline(online) {
      forcedOffline = !online;
      for (const listener of [...listeners]) listener(online ? 'online' : 'offline');
    },
  };
}

/**
 * Two "windows" on this page, each with its own WebSocket connection to this app's `/realtime` endpoint
 * (`server.mjs`), editing the same rich-text document. Window B can go offline on its own: its edits wait, then merge.
 */
export function CollaborativeRichTextDemo() {
  const [windows] = React.useState(() => {
    const network = switchableNetwork();
    return {
      a: websocketTransport({ url: '/realtime' }),
      b: websocketTransport({ url: '/realtime', network }),
      network,
    };
  });
  const [guests, setGuests] = React.useState<CollaborativeRichTextUser[] | null>(null);
  React.useEffect(() => setGuests([guest(), guest()]), []);
  const [bOnline, setBOnline] = React.useState(true);

  const toggleB = () => {
    windows.network.setOnline(!bOnline);
    setBOnline(!bOnline);
  };

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <Button variant="outline" size="sm" onClick={toggleB}>
          {bOnline ? 'Take window B offline' : 'Bring window B online'}
        </Button>
        <p className="text-sm text-muted-foreground">Open this page in a second tab to edit with yourself.</p>
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        {(['a', 'b'] as const).map((key, index) => {
          const user = guests?.[index];
          const title = `Window ${key.toUpperCase()}`;
          return (
            <section key={key} aria-label={title} className="min-w-0 space-y-2">
              <h3 className="text-sm font-semibold">{title}</h3>
              {user ? (
                <RealtimeProvider transport={windows[key]} network={key === 'b' ? windows.network : undefined}>
                  <CollaborativeRichText
                    channel={CHANNEL}
                    user={user}
                    initialContent={INITIAL_CONTENT}
                    label={`Shared document, ${title}`}
                    placeholder="Write something together…"
                  />
                </RealtimeProvider>
              ) : (
                <div aria-hidden="true" className="h-[22rem] rounded-md border bg-muted/30" />
              )}
            </section>
          );
        })}
      </div>
      <p className="text-xs text-muted-foreground">
        Runs over WebSocket at <code>/realtime</code>: start the app with <code>node server.mjs</code>. Edits are stored
        Yjs updates on the channel; carets and names are awareness signals, never stored.
      </p>
    </div>
  );
}

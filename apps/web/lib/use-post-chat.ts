'use client';

import * as React from 'react';

/**
 * Posts a demo chat message from the server (`POST /api/demo/chat`, a route handler that `publish()`es it), for the
 * demos that show a message arriving. `posting` is `failed` when the route could not publish (no server.mjs).
 */
export function usePostChatFromServer() {
  const [posting, setPosting] = React.useState<'idle' | 'posting' | 'failed'>('idle');
  const post = React.useCallback(async () => {
    setPosting('posting');
    try {
      const response = await fetch('/api/demo/chat', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: `Hello from a route handler at ${new Date().toLocaleTimeString()}` }),
      });
      setPosting(response.ok ? 'idle' : 'failed');
    } catch {
      setPosting('failed');
    }
  }, []);
  return { posting, post };
}

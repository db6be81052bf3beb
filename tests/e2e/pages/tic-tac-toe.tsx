/**
 * The page of tic-tac-toe.test.ts: one player (`?user=guest-…&name=…`; the user id is the token, which the test
 * server's `authenticate` takes as the user id, as the docs demo takes a tab's guest id) at the tic-tac-toe block on
 * `tictactoe:e2e`, over WebSocket.
 */
import * as React from 'react';
import { createRoot } from 'react-dom/client';
import { websocketTransport } from '@realtime-kit/core/websocket';
import { RealtimeProvider } from '@realtime-kit/react';

import { TicTacToe } from '@/registry/realtime/blocks/tic-tac-toe/tic-tac-toe';

const params = new URLSearchParams(location.search);
const user = params.get('user') ?? '';
const name = params.get('name') ?? user;

// Created once: a new transport identity would be a new client.
const transport = websocketTransport({ url: `ws://${location.host}/realtime`, auth: () => user });

createRoot(document.getElementById('root')!).render(
  <RealtimeProvider transport={transport}>
    <main className="flex min-h-screen items-start justify-center p-6">
      <TicTacToe channel="tictactoe:e2e" name={name} locale="en-US" />
    </main>
  </RealtimeProvider>,
);

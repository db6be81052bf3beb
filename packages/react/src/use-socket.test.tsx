// useSocket against a real socket.io server on 127.0.0.1, in happy-dom (socket.io-client runs on `ws` under Node;
// `transports: ['websocket']` skips HTTP long-polling).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { StrictMode, useState, type ReactNode } from 'react';
import { act, render, renderHook, screen, waitFor } from '@testing-library/react';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { useSocket, useSocketEvent, type UseSocketOptions } from './use-socket.js';

interface ServerEvents {
  said: (text: string) => void;
}
interface ClientEvents {
  say: (text: string) => void;
}

const stoppers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stoppers.splice(0).map((stop) => stop()));
});

async function startServer(token?: string) {
  const httpServer = http.createServer();
  const server = new Server<ClientEvents, ServerEvents>(httpServer);
  let connections = 0;
  if (token !== undefined) {
    server.use((socket, next) => next(socket.handshake.auth.token === token ? undefined : new Error('unauthorized')));
  }
  server.on('connection', (socket) => {
    connections += 1;
    socket.on('say', (text) => server.emit('said', text));
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  const stop = async () => {
    httpServer.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  stoppers.push(stop);
  return { url: `http://127.0.0.1:${port}`, server, stop, connections: () => connections };
}

const OPTIONS: UseSocketOptions = {
  transports: ['websocket'],
  reconnectionDelay: 20,
  reconnectionDelayMax: 50,
  randomizationFactor: 0,
};
const WAIT = { timeout: 5000 };

describe('useSocket + useSocketEvent over a real socket.io server', () => {
  it('connects once for every component with the same url and options (StrictMode too), and receives events', async () => {
    const { url, connections } = await startServer();
    function Chat({ name }: { name: string }) {
      const { socket, status } = useSocket<ServerEvents, ClientEvents>(url, OPTIONS);
      const [log, setLog] = useState<string[]>([]);
      // A new handler identity on every render: it must not re-subscribe (the log would double).
      useSocketEvent(socket, 'said', (text) => setLog((previous) => [...previous, text]));
      return (
        <div>
          <p data-testid={`${name}-status`}>{status}</p>
          <p data-testid={`${name}-log`}>{log.join(',')}</p>
          <button type="button" onClick={() => socket?.emit('say', `${name}:${log.length}`)}>
            say {name}
          </button>
        </div>
      );
    }
    const wrapper = ({ children }: { children: ReactNode }) => <StrictMode>{children}</StrictMode>;
    render(
      <>
        <Chat name="a" />
        <Chat name="b" />
      </>,
      { wrapper },
    );
    expect(screen.getByTestId('a-status').textContent).toBe('connecting');
    await waitFor(() => expect(screen.getByTestId('b-status').textContent).toBe('open'), WAIT);
    expect(connections()).toBe(1);

    act(() => screen.getByText('say a').click());
    await waitFor(() => expect(screen.getByTestId('b-log').textContent).toBe('a:0'), WAIT);
    act(() => screen.getByText('say b').click());
    await waitFor(() => expect(screen.getByTestId('a-log').textContent).toBe('a:0,b:1'), WAIT);
    expect(screen.getByTestId('b-log').textContent).toBe('a:0,b:1');
  });

  it('reconnects with a fresh token from the newest auth callback after the server drops it', async () => {
    const { url, server } = await startServer('good');
    const tokens: string[] = [];
    const seen: string[] = [];
    const { result, rerender } = renderHook(
      ({ token }: { token: string }) => {
        const value = useSocket(url, {
          ...OPTIONS,
          auth: (cb) => {
            tokens.push(token);
            cb({ token });
          },
        });
        seen.push(value.status);
        return value;
      },
      { initialProps: { token: 'good' } },
    );
    await waitFor(() => expect(result.current.status).toBe('open'), WAIT);
    expect(result.current).toMatchObject({ error: null, recovered: false });
    const first = result.current.socket;

    rerender({ token: 'good' });
    expect(result.current.socket).toBe(first);
    // A transport-level cut (not a server `disconnect()`): socket.io reconnects by itself.
    act(() => {
      for (const socket of server.sockets.sockets.values()) socket.conn.close();
    });
    await waitFor(() => expect(tokens).toEqual(['good', 'good']), WAIT);
    await waitFor(() => expect(result.current.status).toBe('open'), WAIT);
    expect(seen).toContain('reconnecting');

    rerender({ token: 'revoked' });
    act(() => {
      for (const socket of server.sockets.sockets.values()) socket.conn.close();
    });
    await waitFor(() => expect(result.current.status).toBe('closed'), WAIT);
    expect(result.current.error?.code).toBe('unauthorized');
    expect(tokens).toEqual(['good', 'good', 'revoked']);
  });

  it('is idle with a null url and disconnects after the last component unmounts', async () => {
    const { url, server } = await startServer();
    const idle = renderHook(() => useSocket(null, OPTIONS));
    expect(idle.result.current).toEqual({ socket: null, status: 'idle', error: null, recovered: false });

    const { result, unmount } = renderHook(() => useSocket(url, OPTIONS));
    await waitFor(() => expect(result.current.status).toBe('open'), WAIT);
    const socket = result.current.socket;
    unmount();
    await waitFor(() => expect(server.sockets.sockets.size).toBe(0), WAIT);
    expect(socket?.connected).toBe(false);
  });
});

// The load balancer in front of the deployment-matrix instances: an HTTP proxy on 127.0.0.1 that forwards every
// request (streaming both ways, so event streams and long polls pass through) and every WebSocket upgrade to one of
// the live backends, chosen per request:
// - `sticky`: the same backend for every request of one client (`?client=`), as a cookie-affine balancer does;
// - `round-robin`: the next backend for every request, as a serverless host or a plain balancer does (a client's
//   stream, its POSTs and its polls all land on different instances);
// - a backend that refuses the connection (killed) is skipped, as a health-checking balancer would.
import { request as httpRequest, createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export type BalancerMode = 'sticky' | 'round-robin';

export interface Balancer {
  readonly port: number;
  readonly base: string;
  /** The backends' ports (changed as instances come and go). */
  setBackends(ports: readonly number[]): void;
  /** Requests each backend got, by port. */
  readonly counts: Map<number, number>;
  close(): Promise<void>;
}

export async function startBalancer(mode: BalancerMode, backends: readonly number[]): Promise<Balancer> {
  let ports = [...backends];
  let next = 0;
  const counts = new Map<number, number>();
  const sockets = new Set<Socket>();

  function order(url: string | undefined): number[] {
    if (ports.length === 0) return [];
    let start: number;
    if (mode === 'sticky') {
      const client = new URL(url ?? '/', 'http://x').searchParams.get('client') ?? '';
      start = [...client].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) >>> 0, 7) % ports.length;
    } else {
      start = next % ports.length;
      next += 1;
    }
    return ports.map((_, index) => ports[(start + index) % ports.length]!);
  }

  function count(port: number) {
    counts.set(port, (counts.get(port) ?? 0) + 1);
  }

  const server: Server = createServer((inbound, outbound) => {
    const candidates = order(inbound.url);
    const attempt = (index: number) => {
      const port = candidates[index];
      if (port === undefined) return void outbound.writeHead(502).end();
      const proxied = httpRequest(
        { host: '127.0.0.1', port, method: inbound.method, path: inbound.url, headers: inbound.headers },
        (answer) => {
          count(port);
          outbound.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outbound);
          answer.on('error', () => outbound.destroy());
        },
      );
      proxied.on('error', (error: NodeJS.ErrnoException) => {
        // Refused before anything was sent: the next backend. Cut mid-response: the client sees the cut.
        if (!outbound.headersSent && error.code === 'ECONNREFUSED') return attempt(index + 1);
        outbound.destroy();
      });
      outbound.on('close', () => proxied.destroy());
      inbound.pipe(proxied);
    };
    attempt(0);
  });

  server.on('upgrade', (inbound: IncomingMessage, socket: Socket, head: Buffer) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const candidates = order(inbound.url);
    const attempt = (index: number) => {
      const port = candidates[index];
      if (port === undefined) return void socket.destroy();
      const upstream = connect(port, '127.0.0.1');
      sockets.add(upstream);
      upstream.on('close', () => {
        sockets.delete(upstream);
        socket.destroy();
      });
      upstream.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ECONNREFUSED' && !socket.destroyed) return attempt(index + 1);
        socket.destroy();
      });
      upstream.once('connect', () => {
        count(port);
        let lines = `${inbound.method} ${inbound.url} HTTP/1.1\r\n`;
        for (let i = 0; i < inbound.rawHeaders.length; i += 2)
          lines += `${inbound.rawHeaders[i]}: ${inbound.rawHeaders[i + 1]}\r\n`;
        upstream.write(`${lines}\r\n`);
        if (head.byteLength > 0) upstream.write(head);
        socket.pipe(upstream).pipe(socket);
        socket.on('close', () => upstream.destroy());
      });
    };
    attempt(0);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    base: `127.0.0.1:${port}`,
    counts,
    setBackends(next) {
      ports = [...next];
    },
    close() {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// The server process of shutdown.integration.test.ts, run with `node --conditions=source --import tsx`.
// Usage: shutdown-server.ts <redis-url>   (prints "READY <port>" once listening; drains and exits on SIGTERM)
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRealtime, createWebSocketEndpoint, gracefulShutdown } from '../src/index.js';

const [redisUrl = ''] = process.argv.slice(2);
const realtime = await createRealtime({ redis: redisUrl, rateLimit: false });
const server = createServer((_request, response) => response.writeHead(404).end());
const endpoint = createWebSocketEndpoint({ server, path: '/realtime', realtime });
gracefulShutdown({
  server,
  close: [endpoint, realtime],
  exit: (code) => {
    console.log(`EXIT ${code}`);
    process.exit(code);
  },
});
server.listen(0, '127.0.0.1', () => console.log(`READY ${(server.address() as AddressInfo).port}`));

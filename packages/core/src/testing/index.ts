/**
 * The realtime-kit test kit: an in-memory SSE server, a controllable network and fault injection,
 * for unit tests, component tests and stories. Browser-safe: no Node-only APIs.
 * @packageDocumentation
 */
export { createSSETestServer } from './create-sse-test-server.js';
export type { SSETestRequest, SSETestResponse, SSETestServer, SSETestTarget } from './create-sse-test-server.js';
export { createTestNetwork } from './create-test-network.js';
export type { TestNetwork } from './create-test-network.js';
export { createTestTransport } from './create-test-transport.js';
export type { Chaos, TestTransport } from './create-test-transport.js';
export type { SSETestMessage } from './encode-sse.js';
export type { ChannelTestServer, TestServer, TestTransportOptions } from './create-test-transport.js';
export { createMemoryTransport } from './create-memory-transport.js';
export type { MemoryTransport, MemoryTransportOptions } from './create-memory-transport.js';
export { createTestLink } from './create-test-link.js';
export type { TestLink } from './create-test-link.js';

export { fallbackTransport, type FallbackTransport, type FallbackTransportOptions } from './fallback-transport.js';

export { mapAblyError } from './ably-errors.js';
export { ablyTransport } from './ably-transport.js';
export * from './ably-types.js';

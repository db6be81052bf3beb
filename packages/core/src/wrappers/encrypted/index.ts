export {
  CHANNEL_KEY_BYTES,
  ENCRYPTED_CHANNEL_PREFIX,
  IV_BYTES,
  PRESENCE_EVENT,
  envelopeAad,
  importChannelKey,
  isEncryptedChannel,
  isEncryptedEnvelope,
  openData,
  sealData,
} from '../../crypto/envelope.js';
export type { ChannelKeyInput, EncryptedEnvelope } from '../../crypto/envelope.js';
export { DEFAULT_KEY_TIMEOUT_MS, KEY_RETRY_MS } from './encrypted-constants.js';
export { encryptedTransport, type EncryptedTransport, type EncryptedTransportOptions } from './encrypted-transport.js';

/**
 * A fresh client message id. `crypto.randomUUID` exists only in secure contexts (https, localhost), so a page
 * served over plain http on a LAN address falls back to 128 random bits from `getRandomValues`.
 */
export function createCid(): string {
  const cryptoApi = globalThis.crypto;
  if (typeof cryptoApi.randomUUID === 'function') return cryptoApi.randomUUID();
  const bytes = cryptoApi.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** How long a failed key fetch is remembered before the next use of the channel asks again (a reconnect asks at once). */
export const KEY_RETRY_MS = 5_000;

/** Default of `EncryptedTransportOptions.keyTimeoutMs`. */
export const DEFAULT_KEY_TIMEOUT_MS = 10_000;

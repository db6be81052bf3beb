import { randomId } from './random-id.js';

/**
 * A random UUID version 7 (RFC 9562) whose timestamp is `at` (ms since 1970): the message id the brokers mint by
 * default. The compact frame encoding sends such an id as 22 characters and rebuilds the message's `at` from it
 * instead of sending both.
 */
export function timeOrderedId(at: number): string {
  const random = randomId().replace(/-/g, '');
  // 48 bits of milliseconds, the version nibble, then v4's random bits (its variant bits at the same place).
  const hex = `${Math.max(0, Math.floor(at)).toString(16).padStart(12, '0').slice(-12)}7${random.slice(13)}`;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

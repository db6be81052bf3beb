import { isRecord } from '../../lib/is-record.js';

/**
 * What a realtime-kit publish travels in on a hosted service, inside the vendor's own message: the publisher's
 * `cid` as the message id, so every receiver (and a re-send) carries the same id, and the publish time. The vendor
 * adds no sequence; receivers number what they deliver.
 */
export interface Envelope {
  readonly rk: 1;
  readonly id: string;
  readonly cid: string;
  readonly data: unknown;
  readonly at: number;
}

/** What a received envelope says. Fields an older or foreign writer left out are absent. */
export interface ReceivedEnvelope {
  readonly id: string;
  readonly cid?: string;
  readonly data: unknown;
  /** The publish time, when it is a finite number. */
  readonly at?: number;
}

/** The envelope of a publish with client message id `cid`, made now (or `at`). */
export function encodeEnvelope(cid: string, data: unknown, at: number = Date.now()): Envelope {
  return { rk: 1, id: cid, cid, data, at };
}

/**
 * Reads an envelope: `{ rk: 1, data }` with a non-empty string `id` or `cid` (the id defaults to the cid). Anything
 * else is null: a message published by something other than realtime-kit, which the adapter delivers as it is.
 */
export function decodeEnvelope(value: unknown): ReceivedEnvelope | null {
  if (!isRecord(value) || value.rk !== 1 || !('data' in value)) return null;
  const { id, cid, at } = value;
  if (id !== undefined && (typeof id !== 'string' || id === '')) return null;
  if (cid !== undefined && typeof cid !== 'string') return null;
  const identity = id ?? cid;
  if (typeof identity !== 'string' || identity === '') return null;
  return {
    id: identity,
    ...(typeof cid === 'string' ? { cid } : {}),
    data: value.data,
    ...(typeof at === 'number' && Number.isFinite(at) ? { at } : {}),
  };
}

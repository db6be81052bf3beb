import { RealtimeError } from '../errors.js';
import { emitToListeners } from '../lib/report-listener-error.js';
import type { EventStreamEvent } from './event-stream-parser.js';
import type { SSEErrorEvent, SSEListener, SSEMessage, SSEParse } from './types.js';

type ErrorListener = (error: SSEErrorEvent) => void;

/**
 * The listeners of one SSE connection, as a triple: `on` is the connection's `on`, `deliver` and `emitError` are
 * what the connection calls. A triple, not an object, so a bundle minifies the three names away.
 */
export type SSEListeners<T> = readonly [
  /**
   * Adds a listener of `event` (`'error'`: of {@link SSEErrorEvent}s, `'*'`: of every message) and returns its
   * removal. Every call adds its own entry, so adding the same function twice needs two removals.
   */
  on: (event: string, listener: SSEListener<T> | ErrorListener) => () => void,
  /**
   * Parses an event's data and hands the message to the event's listeners, then to `'*'`'s. Data that does not parse
   * becomes a `bad_data` error event instead: the event is skipped and the stream goes on.
   */
  deliver: (raw: EventStreamEvent) => void,
  /** Hands `event` to the `'error'` listeners. */
  emitError: (event: SSEErrorEvent) => void,
];

/** Creates the listeners of the SSE connection to `url`, parsing data with `parse`. See {@link SSEListeners}. */
export function createSSEListeners<T>(url: string, parse: SSEParse<T>): SSEListeners<T> {
  const parseData = toDataParser(parse);
  const messageListeners = new Map<string, Set<SSEListener<T>>>();
  const errorListeners = new Set<ErrorListener>();

  function on(event: string, listener: SSEListener<T> | ErrorListener): () => void {
    if (event === 'error') {
      // A wrapper per call, so adding the same function twice needs two removals (as `subscribe`).
      const entry: ErrorListener = (value) => (listener as ErrorListener)(value);
      errorListeners.add(entry);
      return () => errorListeners.delete(entry);
    }
    const entry: SSEListener<T> = (value) => (listener as SSEListener<T>)(value);
    let listeners = messageListeners.get(event);
    if (listeners === undefined) messageListeners.set(event, (listeners = new Set()));
    listeners.add(entry);
    return () => {
      listeners.delete(entry);
      if (listeners.size === 0 && messageListeners.get(event) === listeners) messageListeners.delete(event);
    };
  }

  function deliver(raw: EventStreamEvent) {
    const event = raw.event ?? 'message';
    const id = raw.id === undefined || raw.id === '' ? undefined : raw.id;
    let data: T;
    try {
      data = parseData(raw.data, event);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      const failure = new RealtimeError(
        'bad_data',
        process.env.NODE_ENV !== 'production'
          ? `Could not parse the data of a "${event}" event from ${url}: ${reason}. The event was skipped and the ` +
              'stream goes on; fix the payload on the server or pass a parse option that accepts it.'
          : `${url} "${event}" ${reason}`,
        { cause, raw: raw.data },
      );
      emitError(
        id === undefined ? { error: failure, event, raw: raw.data } : { error: failure, event, id, raw: raw.data },
      );
      return;
    }
    const message: SSEMessage<T> = id === undefined ? { event, data } : { id, event, data };
    // 'error' is the channel of SSEErrorEvents and '*' is every event: such names reach '*' only.
    if (event !== 'error' && event !== '*') emitToListeners(messageListeners.get(event), message);
    emitToListeners(messageListeners.get('*'), message);
  }

  function emitError(event: SSEErrorEvent) {
    emitToListeners(errorListeners, event);
  }

  return [on, deliver, emitError];
}

function toDataParser<T>(parse: SSEParse<T>): (raw: string, event: string) => T {
  if (parse === 'json') return (raw) => JSON.parse(raw) as T;
  if (parse === 'text') return (raw) => raw as T;
  return parse;
}

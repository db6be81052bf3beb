/** One event of an event stream: its `data` lines joined by LF, with its `event` type and `id` when it named them. */
export interface EventStreamEvent {
  readonly id: string | undefined;
  readonly event: string | undefined;
  readonly data: string;
}

/** Feeds text of one stream, in chunks cut anywhere (even between a CR and its LF). */
export interface EventStreamParser {
  feed(chunk: string): void;
}

/**
 * The WHATWG event-stream format (HTML § 9.2.6), parsed as text arrives: lines end with CR, LF or CRLF; `data:`
 * lines accumulate, a blank line dispatches (nothing when no `data:` came); `event:`, `id:` (ignored when it holds
 * NULL) and `retry:` (digits only) are read; comments and unknown fields are skipped. A CR ending a chunk ends its
 * line at once: an LF opening the next chunk is then dropped. Decoding (and the leading BOM) is the caller's
 * `TextDecoder`'s job. A line split over many chunks is scanned once per chunk, never from its start again.
 */
export function createEventStreamParser(
  onEvent: (event: EventStreamEvent) => void,
  onRetry: (ms: number) => void,
): EventStreamParser {
  let partial = '';
  let lfAfterCR = false;
  let data: string | undefined;
  let event: string | undefined;
  let id: string | undefined;

  function line(text: string) {
    if (text === '') {
      if (data !== undefined) onEvent({ id, event, data });
      data = event = id = undefined;
      return;
    }
    const colon = text.indexOf(':');
    if (colon === 0) return;
    const field = colon < 0 ? text : text.slice(0, colon);
    const value = colon < 0 ? '' : text.slice(text.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1);
    if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
    else if (field === 'event') event = value || undefined;
    else if (field === 'id') id = value.includes('\0') ? id : value;
    else if (field === 'retry' && /^\d+$/.test(value)) onRetry(Number(value));
  }

  return {
    feed(chunk) {
      if (chunk === '') return;
      let at = lfAfterCR && chunk.charCodeAt(0) === 10 ? 1 : 0;
      lfAfterCR = false;
      let cr = chunk.indexOf('\r', at);
      let lf = chunk.indexOf('\n', at);
      while (cr !== -1 || lf !== -1) {
        const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
        line(partial + chunk.slice(at, end));
        partial = '';
        at = end + 1;
        if (end === cr) {
          if (chunk.charCodeAt(at) === 10) at += 1;
          else if (at === chunk.length) lfAfterCR = true;
        }
        if (cr !== -1 && cr < at) cr = chunk.indexOf('\r', at);
        if (lf !== -1 && lf < at) lf = chunk.indexOf('\n', at);
      }
      partial += chunk.slice(at);
    },
  };
}

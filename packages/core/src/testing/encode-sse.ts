/** One event as a test server sends it. */
export interface SSETestMessage {
  /** Becomes `id:`; an empty string resets the client's last event id. */
  id?: string;
  /** Becomes `event:`; omitted = `"message"`. */
  event?: string;
  /** JSON-stringified unless it is a string. Multi-line strings become several `data:` lines. */
  data: unknown;
  /** Becomes `retry:` (milliseconds). */
  retry?: number;
}

/** Frames one event in the `text/event-stream` format. Internal to the test kit. */
export function encodeSSE(message: SSETestMessage): string {
  let frame = '';
  if (message.retry !== undefined) {
    if (!Number.isInteger(message.retry) || message.retry < 0) {
      throw new RangeError(`encodeSSE: retry must be a non-negative integer (got ${message.retry}).`);
    }
    frame += `retry: ${message.retry}\n`;
  }
  if (message.event !== undefined) frame += `event: ${singleLine('event', message.event)}\n`;
  if (message.id !== undefined) frame += `id: ${singleLine('id', message.id)}\n`;
  const data = typeof message.data === 'string' ? message.data : (JSON.stringify(message.data) ?? 'null');
  for (const line of data.split(/\r\n|\r|\n/)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

/** Comment lines (`: text`), one per line of `text`. */
export function encodeComment(text = ''): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => (line === '' ? ':\n' : `: ${line}\n`))
    .join('');
}

function singleLine(field: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new RangeError(`encodeSSE: ${field} cannot contain a line break.`);
  return value;
}

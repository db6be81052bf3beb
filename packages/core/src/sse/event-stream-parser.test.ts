import { describe, expect, it } from 'vitest';
import { createEventStreamParser, type EventStreamEvent } from './event-stream-parser.js';

function parse(chunks: readonly string[]) {
  const events: EventStreamEvent[] = [];
  const retries: number[] = [];
  const parser = createEventStreamParser(
    (event) => events.push(event),
    (ms) => retries.push(ms),
  );
  for (const chunk of chunks) parser.feed(chunk);
  return { events, retries };
}

/** Every way to cut `text` in two, and cut into single characters. */
function cuts(text: string): string[][] {
  const out: string[][] = [[text], [...text]];
  for (let i = 1; i < text.length; i += 1) out.push([text.slice(0, i), text.slice(i)]);
  return out;
}

describe('createEventStreamParser', () => {
  it('reads data, event and id, and joins data lines with LF', () => {
    const { events } = parse(['event: tick\nid: 7\ndata: a\ndata: b\n\n']);
    expect(events).toEqual([{ event: 'tick', id: '7', data: 'a\nb' }]);
  });

  it('ends lines on LF, CR and CRLF alike, wherever the chunks are cut', () => {
    for (const ending of ['\n', '\r', '\r\n']) {
      const text = `data: one${ending}${ending}data: two${ending}${ending}`;
      for (const chunks of cuts(text)) {
        expect(
          parse(chunks).events.map((e) => e.data),
          JSON.stringify(chunks),
        ).toEqual(['one', 'two']);
      }
    }
  });

  it('dispatches a CR-terminated event at once, before more bytes come', () => {
    const { events } = parse(['data: now\r\r']);
    expect(events.map((e) => e.data)).toEqual(['now']);
  });

  it('drops the LF that completes a CRLF split across chunks, and only that one', () => {
    expect(parse(['data: a\r', '\n\r', '\ndata: b\n\n']).events.map((e) => e.data)).toEqual(['a', 'b']);
    // A CR then an LF opening a later chunk (not the next one) is a new line ending.
    expect(parse(['data: a\r', 'data: b\r', '\r']).events.map((e) => e.data)).toEqual(['a\nb']);
  });

  it('takes one leading space off a value and keeps the rest', () => {
    expect(parse(['data:  two spaces\n\n', 'data:none\n\n']).events.map((e) => e.data)).toEqual([
      ' two spaces',
      'none',
    ]);
  });

  it('skips comments and unknown fields, and dispatches nothing without data', () => {
    const { events } = parse([': keep-alive\nfoo: bar\n\nevent: lonely\n\n']);
    expect(events).toEqual([]);
  });

  it('treats a field without a colon as having an empty value', () => {
    expect(parse(['data\n\n']).events).toEqual([{ event: undefined, id: undefined, data: '' }]);
  });

  it('forgets event and id after each dispatch, so each event reports only what it named', () => {
    const { events } = parse(['event: a\nid: 1\ndata: x\n\ndata: y\n\n']);
    expect(events).toEqual([
      { event: 'a', id: '1', data: 'x' },
      { event: undefined, id: undefined, data: 'y' },
    ]);
  });

  it('reports an empty id (a reset of the resume point) and ignores ids that hold NULL', () => {
    expect(parse(['id\ndata: x\n\n']).events[0]?.id).toBe('');
    expect(parse(['id: 4\nid: bad\0id\ndata: x\n\n']).events[0]?.id).toBe('4');
  });

  it('reads retry only when it is all digits', () => {
    expect(parse(['retry: 2500\n', 'retry: 1e3\nretry: -5\nretry: 10 \nretry:\n']).retries).toEqual([2500]);
  });

  it('keeps a line that spans many chunks whole', () => {
    const long = 'x'.repeat(10_000);
    const chunks = ['data: ', ...long.match(/.{1,7}/g)!, '\n\n'];
    expect(parse(chunks).events[0]?.data).toBe(long);
  });

  it('ignores empty chunks, even between a CR and its LF', () => {
    expect(parse(['data: a\r', '', '\n', '\n']).events.map((e) => e.data)).toEqual(['a']);
  });
});

describe('createEventStreamParser against eventsource-parser', () => {
  // A small seeded generator, so a failure names an input that can be replayed.
  function random(seed: number) {
    let state = seed >>> 0;
    return () => {
      state = (state * 1664525 + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
  }
  const pieces = [
    'data',
    'data:',
    'data: ',
    'event: ',
    'id: ',
    'id',
    'retry: ',
    'retry: 12',
    ': c',
    'x',
    'é',
    '\0',
    ' ',
    ':',
    '\n',
    '\r',
    '\r\n',
    '\n\n',
  ];

  it('agrees on 2,000 random streams cut at random places', async () => {
    const { createParser } = await import('eventsource-parser');
    for (let seed = 1; seed <= 2_000; seed += 1) {
      const next = random(seed);
      let text = '';
      for (let i = 0, n = 5 + Math.floor(next() * 40); i < n; i += 1)
        text += pieces[Math.floor(next() * pieces.length)];
      // Both must see the stream end: a chunk-final CR is held by eventsource-parser, not by ours.
      text += '\n\n';
      const theirs: EventStreamEvent[] = [];
      const theirRetries: number[] = [];
      const reference = createParser({
        onEvent: (e) => theirs.push({ id: e.id, event: e.event, data: e.data }),
        onRetry: (ms) => theirRetries.push(ms),
      });
      reference.feed(text);
      const chunks: string[] = [];
      for (let at = 0; at < text.length;) {
        const size = 1 + Math.floor(next() * 6);
        chunks.push(text.slice(at, at + size));
        at += size;
      }
      const ours = parse(chunks);
      expect({ events: ours.events, retries: ours.retries }, JSON.stringify(text)).toEqual({
        events: theirs,
        retries: theirRetries,
      });
    }
  });
});

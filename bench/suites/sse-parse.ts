/**
 * Client SSE parse path throughput: bytes of a pre-built event stream through `createSSEConnection` (injected
 * `fetch`, JSON data, every message counted) against `eventsource-parser`'s `EventSourceParserStream` behind a
 * `TextDecoderStream`, on the same bytes and the same chunking. Rounds interleave ours and the peer; medians.
 */
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { createSSEConnection, type NetworkSource } from '@realtime-kit/core';
import { median, type BenchRow } from '../lib/result.js';

const PAYLOAD_BYTES = 8 * 1024 * 1024;
const ROUNDS = 9;
const PEER_NAME = 'eventsource-parser EventSourceParserStream';

interface Payload {
  readonly bytes: Uint8Array;
  readonly events: number;
}

interface Sample {
  readonly ms: number;
  readonly events: number;
}

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA', 'AVGO'] as const;
const VENUES = ['XNAS', 'XNYS', 'ARCX', 'BATS'] as const;

/** Realistic market-data events: `id:`, `event:`, one JSON `data:` line of about 120 B, a blank line. */
function buildPayload(targetBytes: number): Payload {
  const parts: string[] = [];
  let size = 0;
  let events = 0;
  let seed = 1;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  while (size < targetBytes) {
    const seq = events + 1;
    const data = JSON.stringify({
      symbol: SYMBOLS[seq % SYMBOLS.length],
      price: Math.round(100_000 + random() * 50_000) / 100,
      qty: 1 + Math.floor(random() * 900),
      side: random() < 0.5 ? 'buy' : 'sell',
      venue: VENUES[seq % VENUES.length],
      currency: 'USD',
      ts: 1_763_900_000_000 + seq * 7,
      seq,
    });
    const event = `id: ${seq}\nevent: ${seq % 10 === 0 ? 'trade' : 'quote'}\ndata: ${data}\n\n`;
    parts.push(event);
    size += Buffer.byteLength(event);
    events += 1;
  }
  return { bytes: new TextEncoder().encode(parts.join('')), events };
}

function chunksOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) chunks.push(bytes.subarray(offset, offset + size));
  return chunks;
}

/** A body delivering `chunks` one per pull, as a network stream would, with no copying on our side. */
function bodyOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const chunk = chunks[index];
        index += 1;
        if (chunk === undefined) controller.close();
        else controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
}

function responseOf(chunks: readonly Uint8Array[]): Response {
  return new Response(bodyOf(chunks), { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

const alwaysOnline: NetworkSource = { isOnline: () => true, subscribe: () => () => {} };

/** `json`: data is JSON-parsed (our default, and what a user of the peer does next); `text`: data left as a string. */
type DataMode = 'json' | 'text';

/** Ours: `createSSEConnection` reading the injected response until the stream ends. */
function runOurs(chunks: readonly Uint8Array[], mode: DataMode): Promise<Sample> {
  return new Promise((resolve, reject) => {
    let events = 0;
    let checksum = 0;
    const started = performance.now();
    const connection = createSSEConnection<{ seq: number } | string>('https://bench.invalid/stream', {
      fetch: () => Promise.resolve(responseOf(chunks)),
      network: alwaysOnline,
      backoff: { minMs: 60_000, maxMs: 60_000 },
      parse: mode,
    });
    const offMessage = connection.on('*', (message) => {
      events += 1;
      checksum += typeof message.data === 'string' ? message.data.length : message.data.seq;
    });
    const offError = connection.on('error', (failure) => {
      const ms = performance.now() - started;
      offMessage();
      offError();
      connection.close();
      // The end of the body surfaces as a retryable 'network' error (the server closed the stream); anything else
      // (bad JSON, a refused response) means the run did not measure what it should.
      if (failure.error.code !== 'network' || failure.event !== undefined || checksum === 0) reject(failure.error);
      else resolve({ ms, events });
    });
  });
}

/** Peer: `TextDecoderStream` → `EventSourceParserStream`, read to the end. */
async function runPeer(chunks: readonly Uint8Array[], mode: DataMode): Promise<Sample> {
  let events = 0;
  let checksum = 0;
  const started = performance.now();
  const body = responseOf(chunks).body;
  if (body === null) throw new Error('sse-parse: the peer response has no body');
  const reader = body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    events += 1;
    checksum += mode === 'json' ? (JSON.parse(value.data) as { seq: number }).seq : value.data.length;
  }
  const ms = performance.now() - started;
  if (checksum === 0) throw new Error('sse-parse: the peer parsed no data');
  return { ms, events };
}

function mbPerSecond(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000);
}

async function measure(payload: Payload, chunkSize: number, rounds: number, mode: DataMode) {
  const chunks = chunksOf(payload.bytes, chunkSize);
  // Warm-up: both paths once, so the JIT has seen them before the timed rounds.
  await runOurs(chunks, mode);
  await runPeer(chunks, mode);
  const ours: number[] = [];
  const peer: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    // Alternate which side goes first, so neither always inherits the other's garbage.
    const order = round % 2 === 0 ? [runOurs, runPeer] : [runPeer, runOurs];
    for (const side of order) {
      const sample = await side(chunks, mode);
      if (sample.events !== payload.events) {
        throw new Error(
          `sse-parse: ${side === runOurs ? 'ours' : 'the peer'} counted ${sample.events} events with ${chunkSize} B ` +
            `chunks; the payload holds ${payload.events}.`,
        );
      }
      (side === runOurs ? ours : peer).push(mbPerSecond(payload.bytes.length, sample.ms));
    }
  }
  return { ours, peer, chunks: chunks.length };
}

function spread(values: readonly number[]): string {
  return `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`;
}

export async function run(): Promise<BenchRow[]> {
  const payload = buildPayload(PAYLOAD_BYTES);
  const mib = (payload.bytes.length / 1024 / 1024).toFixed(1);
  const large = await measure(payload, 64 * 1024, ROUNDS, 'json');
  const small = await measure(payload, 100, ROUNDS, 'json');
  const largeText = await measure(payload, 64 * 1024, ROUNDS, 'text');
  const textRatio = median(largeText.ours) / median(largeText.peer);
  const common =
    `${mib} MiB, ${payload.events} events (id, event, ~120 B JSON data), both sides count every event and ` +
    'JSON.parse its data; ours through createSSEConnection with an injected fetch, the peer through ' +
    `TextDecoderStream → EventSourceParserStream; median of ${ROUNDS} interleaved rounds after a warm-up`;
  return [
    {
      measure: 'SSE parse, 64 KiB chunks',
      ours: { value: median(large.ours), unit: 'MB/s' },
      peer: { name: PEER_NAME, value: median(large.peer), unit: 'MB/s' },
      target: { kind: 'ratio', op: '>=', value: 1.5 },
      note:
        `${common}; ${large.chunks} chunks; range ours ${spread(large.ours)}, peer ${spread(large.peer)} MB/s. ` +
        `Without JSON (ours parse: 'text', the peer's strings as they come): ours ${median(largeText.ours).toFixed(1)}, ` +
        `peer ${median(largeText.peer).toFixed(1)} MB/s, ratio ${textRatio.toFixed(2)}.`,
    },
    {
      measure: 'SSE parse, 100 B chunks',
      ours: { value: median(small.ours), unit: 'MB/s' },
      peer: { name: PEER_NAME, value: median(small.peer), unit: 'MB/s' },
      note: `${common}; ${small.chunks} chunks; range ours ${spread(small.ours)}, peer ${spread(small.peer)} MB/s.`,
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await run(), null, 2));
}

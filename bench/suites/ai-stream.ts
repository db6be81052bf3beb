/**
 * Server CPU per streamed AI chunk: `streamToChannel` (`@realtime-kit/server/ai`, memory broker, one subscribed
 * session whose frames are JSON-encoded as a WebSocket endpoint would) against the AI SDK's own
 * `createUIMessageStreamResponse` (what `result.toUIMessageStreamResponse()` returns) read to its end, on the same
 * response: a realistic answer of text deltas, one chunk per macrotask as a model delivers tokens. CPU is
 * `process.cpuUsage()` over each side's responses; rounds interleave ours and the peer; medians.
 *
 * Quick run: `node --conditions=source --import tsx bench/suites/ai-stream.ts`.
 */
import { pathToFileURL } from 'node:url';
import { createUIMessageStreamResponse, type UIMessageChunk } from 'ai';
import { createRealtime, type Realtime } from '@realtime-kit/server';
import { streamToChannel } from '@realtime-kit/server/ai';
import { median, type BenchRow } from '../lib/result.js';

/** Text deltas per response: a long answer (about 1,500 words). */
const DELTAS = 2000;
const RESPONSES_PER_ROUND = 4;
const ROUNDS = 7;
const PEER_NAME = 'AI SDK createUIMessageStreamResponse (toUIMessageStreamResponse)';

const WORDS = ['the', 'channel', 'resumes', 'at', 'exactly', 'the', 'next', 'chunk', 'after', 'a', 'refresh,'] as const;

/** The chunks of one answer, as `streamText(...).toUIMessageStream()` emits them. */
function answerChunks(): UIMessageChunk[] {
  const chunks: UIMessageChunk[] = [
    { type: 'start', messageId: 'msg-1' },
    { type: 'start-step' },
    { type: 'text-start', id: 't1' },
  ];
  for (let n = 0; n < DELTAS; n += 1)
    chunks.push({ type: 'text-delta', id: 't1', delta: `${WORDS[n % WORDS.length]} ` });
  chunks.push({ type: 'text-end', id: 't1' }, { type: 'finish-step' }, { type: 'finish' });
  return chunks;
}

/** A model's stream: one chunk per macrotask (tokens arrive apart, never all in one read). */
function modelStream(chunks: readonly UIMessageChunk[]): ReadableStream<UIMessageChunk> {
  let index = 0;
  return new ReadableStream<UIMessageChunk>({
    pull: (controller) =>
      new Promise<void>((resolve) =>
        setImmediate(() => {
          const chunk = chunks[index];
          index += 1;
          if (chunk) controller.enqueue(chunk);
          else controller.close();
          resolve();
        }),
      ),
  });
}

/** CPU ms (user + system) that `work` took. */
async function cpuOf(work: () => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  await work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

async function peerResponse(chunks: readonly UIMessageChunk[]): Promise<number> {
  const response = createUIMessageStreamResponse({ stream: modelStream(chunks) });
  const body = await response.arrayBuffer();
  return body.byteLength;
}

let responses = 0;

async function ourResponse(realtime: Realtime, chunks: readonly UIMessageChunk[]): Promise<number> {
  responses += 1;
  const chatId = `bench-${responses}`;
  const streamId = `s${responses}`;
  const channel = `ai-stream:${chatId}:${streamId}`;
  let bytes = 0;
  // The browser tab following the answer, as the WebSocket endpoint serves it: every frame encoded once.
  const reader = realtime.hub.connect({ send: (frame) => void (bytes += JSON.stringify(frame).length) });
  await reader.receive({ type: 'subscribe', channel });
  const started = await streamToChannel(realtime, { chatId, streamId, stream: modelStream(chunks) });
  const compacted = await started.done;
  if (compacted.status !== 'done') throw new Error(`ai-stream: the response ended ${compacted.status}.`);
  reader.close();
  return bytes;
}

export async function run(): Promise<BenchRow[]> {
  const chunks = answerChunks();
  const realtime = await createRealtime({ redis: false, rateLimit: false, subscribeLimit: false });
  const perChunk = (ms: number) => (ms * 1000) / (RESPONSES_PER_ROUND * chunks.length);
  const sides = {
    ours: async () => {
      for (let n = 0; n < RESPONSES_PER_ROUND; n += 1) await ourResponse(realtime, chunks);
    },
    peer: async () => {
      for (let n = 0; n < RESPONSES_PER_ROUND; n += 1) await peerResponse(chunks);
    },
  };
  // Warm-up: both once, so the JIT has seen them before the timed rounds.
  await sides.ours();
  await sides.peer();
  const ours: number[] = [];
  const peer: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const order = round % 2 === 0 ? (['ours', 'peer'] as const) : (['peer', 'ours'] as const);
    for (const side of order) (side === 'ours' ? ours : peer).push(perChunk(await cpuOf(sides[side])));
  }
  await realtime.close();
  const spread = (values: readonly number[]) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
  return [
    {
      measure: 'Server CPU per streamed AI chunk',
      ours: { value: median(ours), unit: 'µs' },
      peer: { name: PEER_NAME, value: median(peer), unit: 'µs' },
      target: { kind: 'ratio', op: '<=', value: 1.2 },
      note:
        `${RESPONSES_PER_ROUND} answers of ${chunks.length} UI message chunks (${DELTAS} text deltas) per round, one chunk ` +
        'per macrotask; ours: streamToChannel on a memory realtime (batched channel publishes, heartbeat, end event, ' +
        'the compacted message on the chat channel) with one subscribed session JSON-encoding its frames; the peer: ' +
        `its SSE response read to the end. Median of ${ROUNDS} interleaved rounds after a warm-up; range ours ` +
        `${spread(ours)}, peer ${spread(peer)} µs.`,
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await run(), null, 2));
}

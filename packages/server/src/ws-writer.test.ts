import { createRequire } from 'node:module';
import { constants, inflateRawSync } from 'node:zlib';
import type { ServerFrame } from '@realtime-kit/core';
import { describe, expect, it } from 'vitest';
import { resolveCompression } from './ws-compression.js';
import {
  createFrameWriter,
  FLUSH_AT_BYTES,
  textFrame,
  type FrameWriterOptions,
  type WriterTarget,
} from './ws-writer.js';

// ws's own framing, the reference (its types do not declare `Sender`).
const { Sender } = createRequire(import.meta.url)('ws') as {
  Sender: { frame(data: Buffer, options: object): Buffer[] };
};

function message(seq: number, data: unknown = `line ${seq}`): ServerFrame {
  return Object.freeze({
    type: 'message',
    channel: 'room',
    seq,
    id: `m${seq}`,
    event: 'chat',
    data,
    at: 1_700_000_000_000,
  }) as ServerFrame;
}

/** Reads every WebSocket frame of `bytes` (server frames: unmasked), inflating compressed ones. */
function readFrames(bytes: Buffer): { compressed: boolean; text: string }[] {
  const frames: { compressed: boolean; text: string }[] = [];
  let at = 0;
  while (at < bytes.byteLength) {
    const first = bytes[at] as number;
    let length = (bytes[at + 1] as number) & 0x7f;
    let offset = at + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(at + 2);
      offset = at + 4;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(at + 2));
      offset = at + 10;
    }
    expect(first & 0x8f).toBe(0x81); // FIN, text
    const payload = bytes.subarray(offset, offset + length);
    const compressed = (first & 0x40) !== 0;
    const text = compressed
      ? inflateRawSync(Buffer.concat([payload, Buffer.from([0, 0, 0xff, 0xff])]), {
          finishFlush: constants.Z_SYNC_FLUSH,
        }).toString('utf8')
      : payload.toString('utf8');
    frames.push({ compressed, text });
    at = offset + length;
  }
  return frames;
}

/** A socket and its `ws` as the writer sees them: writes recorded, the kernel taking `accepts` bytes at most. */
function fakeTarget(windowBits?: number) {
  const writes: Buffer[] = [];
  const events: string[] = [];
  let corked = 0;
  let pending: Buffer[] = [];
  const state = { readyState: 1, kernelHolds: 0 };
  const target: WriterTarget = {
    ws: {
      get readyState() {
        return state.readyState as 1;
      },
      get bufferedAmount() {
        return state.kernelHolds;
      },
      close(code?: number, reason?: string | Buffer) {
        events.push(`close ${code} ${String(reason)}`);
        state.readyState = 2;
      },
    },
    socket: {
      write(chunk: Buffer) {
        if (corked > 0) pending.push(chunk);
        else {
          writes.push(chunk);
          events.push('write');
        }
        return true;
      },
      cork() {
        corked += 1;
      },
      uncork() {
        corked -= 1;
        if (corked === 0 && pending.length > 0) {
          writes.push(Buffer.concat(pending));
          events.push('write');
          pending = [];
        }
      },
    } as unknown as WriterTarget['socket'],
    windowBits,
  };
  const texts = () => readFrames(Buffer.concat(writes)).map((frame) => frame.text);
  return { target, writes, events, state, texts };
}

/** A writer whose turns and clock the test runs by hand. */
function manualWriter(options: Partial<FrameWriterOptions> = {}) {
  const turns: (() => void)[] = [];
  const clock = { now: 0 };
  const writer = createFrameWriter({
    coalesceMs: 0,
    sliceMs: 8,
    maxBufferedBytes: 1024 * 1024,
    compression: undefined,
    now: () => clock.now,
    defer: (run) => turns.push(run),
    ...options,
  });
  const nextTurn = () => {
    const due = turns.splice(0);
    for (const run of due) run();
    return due.length;
  };
  return { writer, clock, nextTurn, turns };
}

describe('textFrame', () => {
  it('frames text exactly as ws does for a server (unmasked, FIN, opcode 1) at every length encoding', () => {
    for (const data of ['hi', 'ünïcode 数据 '.repeat(20), 'x'.repeat(70_000)]) {
      const frame = message(1, data);
      const json = JSON.stringify(frame);
      const expected = Buffer.concat(
        Sender.frame(Buffer.from(json), { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false }),
      );
      expect(textFrame(frame).equals(expected)).toBe(true);
    }
  });

  it('builds a frame once for every socket it is broadcast to', () => {
    const frame = message(1);
    expect(textFrame(frame)).toBe(textFrame(frame));
  });
});

describe('createFrameWriter', () => {
  it('writes what a socket was sent during one turn as one write at the end of the turn, each frame its own message, in order', () => {
    const { writer, nextTurn } = manualWriter();
    const a = fakeTarget();
    const b = fakeTarget();
    const toA = writer.attach(a.target);
    const toB = writer.attach(b.target);
    for (let seq = 1; seq <= 5; seq++) {
      toA.send(message(seq));
      toB.send(message(seq));
    }
    expect(a.writes).toEqual([]);
    expect(nextTurn()).toBe(1);
    expect(a.writes).toHaveLength(1);
    expect(b.writes).toHaveLength(1);
    expect(a.texts()).toEqual([1, 2, 3, 4, 5].map((seq) => JSON.stringify(message(seq))));
    expect(b.texts()).toEqual(a.texts());
  });

  it('with coalesceMs: false, writes every frame as it is sent', () => {
    const { writer, turns } = manualWriter({ coalesceMs: false });
    const a = fakeTarget();
    const toA = writer.attach(a.target);
    toA.send(message(1));
    toA.send(message(2));
    expect(a.writes).toHaveLength(2);
    expect(turns).toEqual([]);
  });

  it('keeps compressed and plain frames of one socket in the order they were sent', () => {
    const { writer, nextTurn } = manualWriter({ compression: resolveCompression(true) });
    const deflating = fakeTarget(15);
    const plain = fakeTarget();
    const big = (seq: number) =>
      message(seq, { rows: Array.from({ length: 60 }, (_, i) => ({ i, name: `row ${i}`, seq })) });
    const frames = [message(1), big(2), message(3), big(4), big(5), message(6)];
    const toDeflating = writer.attach(deflating.target);
    const toPlain = writer.attach(plain.target);
    for (const frame of frames) {
      toDeflating.send(frame);
      toPlain.send(frame);
    }
    nextTurn();
    const read = readFrames(Buffer.concat(deflating.writes));
    expect(read.map((frame) => frame.compressed)).toEqual([false, true, false, true, true, false]);
    expect(read.map((frame) => frame.text)).toEqual(frames.map((frame) => JSON.stringify(frame)));
    expect(plain.texts()).toEqual(frames.map((frame) => JSON.stringify(frame)));
  });

  it('writes a queue that reaches FLUSH_AT_BYTES at once (a long replay), still in order', () => {
    const { writer, nextTurn } = manualWriter();
    const a = fakeTarget();
    const toA = writer.attach(a.target);
    const frames = Array.from({ length: 40 }, (_, i) => message(i + 1, 'x'.repeat(4000)));
    for (const frame of frames) toA.send(frame);
    expect(a.writes.length).toBeGreaterThan(0);
    for (const chunk of a.writes) expect(chunk.byteLength).toBeLessThan(FLUSH_AT_BYTES + 5000);
    nextTurn();
    expect(a.texts()).toEqual(frames.map((frame) => JSON.stringify(frame)));
  });

  it('closes a slow consumer with 1013 once unsent bytes (the kernel’s and the queue’s) pass maxBufferedBytes, and drops its queue', () => {
    const { writer, nextTurn } = manualWriter({ maxBufferedBytes: 1000 });
    const a = fakeTarget();
    const toA = writer.attach(a.target);
    a.state.kernelHolds = 800;
    toA.send(message(1));
    expect(a.events).toEqual([]);
    toA.send(message(2, 'x'.repeat(100)));
    expect(a.events).toEqual(['close 1013 slow consumer']);
    toA.send(message(3));
    nextTurn();
    expect(a.writes).toEqual([]);
  });

  it('close() writes what is queued before the close frame', () => {
    const { writer } = manualWriter();
    const a = fakeTarget();
    const toA = writer.attach(a.target);
    toA.send(message(1));
    toA.send({ type: 'error', error: { code: 'unavailable', message: 'bye' } });
    toA.close(1012, 'server shutting down');
    expect(a.events).toEqual(['write', 'close 1012 server shutting down']);
    expect(a.texts()).toHaveLength(2);
  });

  it('drops what is queued for a socket that closed or is no longer open', () => {
    const { writer, nextTurn } = manualWriter();
    const a = fakeTarget();
    const b = fakeTarget();
    const toA = writer.attach(a.target);
    const toB = writer.attach(b.target);
    toA.send(message(1));
    toB.send(message(1));
    toA.release();
    b.state.readyState = 2;
    nextTurn();
    expect(a.writes).toEqual([]);
    expect(b.writes).toEqual([]);
    toA.send(message(2));
    expect(writer.waiting).toBe(0);
  });

  it('spends at most sliceMs of a turn writing, and goes on in the next turn first come first served', () => {
    const { writer, clock, nextTurn } = manualWriter({ sliceMs: 8 });
    const targets = Array.from({ length: 40 }, () => fakeTarget());
    for (const { target } of targets) {
      const original = target.socket.write.bind(target.socket);
      // Each write takes 1 ms of this clock.
      (target.socket as { write: (chunk: Buffer) => boolean }).write = (chunk: Buffer) => {
        clock.now += 1;
        return original(chunk);
      };
    }
    const outputs = targets.map(({ target }) => writer.attach(target));
    outputs.forEach((output, i) => output.send(message(i)));
    const written = () => targets.filter((target) => target.writes.length > 0).length;
    nextTurn();
    expect(written()).toBe(8);
    // A socket written already gets a new frame: it waits behind the ones that have been waiting longer.
    outputs[0]?.send(message(100));
    nextTurn();
    expect(written()).toBe(16);
    expect(targets[0]?.writes).toHaveLength(1);
    while (nextTurn() > 0);
    expect(written()).toBe(40);
    expect(targets[0]?.texts()).toEqual([JSON.stringify(message(0)), JSON.stringify(message(100))]);
    expect(writer.waiting).toBe(0);
  });
});

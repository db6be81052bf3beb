import { randomUUID } from 'node:crypto';
import { RealtimeError } from '@realtime-kit/core';
import type { Redis } from 'ioredis';
import { command, isRecord, noop, unavailable } from './connection.js';

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Requests between instances: each has an inbox (`{prefix}:inbox:{id}`), and answers come back to the sender's. */
export interface ClusterInbox {
  /** Asks `instance`; rejects `unavailable` when nobody listens there or it does not answer within `timeoutMs`. */
  request(instance: string, body: unknown, timeoutMs: number): Promise<unknown>;
  /** Answers the requests of the others with `handler`. */
  onRequest(handler: (body: unknown) => Promise<unknown>): () => void;
  /** Rejects what still waits for an answer; answers no more requests. */
  close(): void;
}

/** The inbox of `instanceId`, over the `subscriber` connection (requests and answers are published with `commands`). */
export function createClusterInbox(
  commands: Redis,
  subscriber: Redis,
  prefix: string,
  instanceId: string,
): ClusterInbox {
  const inboxName = (id: string) => `${prefix}:inbox:${id}`;
  const pending = new Map<string, Pending>();
  let handler: ((body: unknown) => Promise<unknown>) | undefined;
  let inbox: Promise<void> | undefined;
  let closed = false;

  subscriber.on('message', (name: string, text: string) => {
    if (name !== inboxName(instanceId)) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    if (!isRecord(parsed) || typeof parsed.id !== 'string') return;
    if (parsed.k === 'r') {
      const waiting = pending.get(parsed.id);
      if (!waiting) return;
      pending.delete(parsed.id);
      clearTimeout(waiting.timer);
      if (typeof parsed.error === 'string') waiting.reject(new RealtimeError('unavailable', parsed.error));
      else waiting.resolve(parsed.body);
      return;
    }
    if (parsed.k !== 'q' || typeof parsed.from !== 'string' || !handler) return;
    const { id, from, body } = parsed;
    const answer = (reply: Record<string, unknown>) =>
      void commands.publish(inboxName(from), JSON.stringify({ k: 'r', id, ...reply })).catch(noop);
    handler(body).then(
      (result) => answer({ body: result }),
      (error: unknown) => answer({ error: error instanceof Error ? error.message : String(error) }),
    );
  });

  function listen(): Promise<void> {
    inbox ??= command(subscriber, 'Could not open this instance inbox', async () => {
      await subscriber.subscribe(inboxName(instanceId));
    }).catch((error: unknown) => {
      inbox = undefined;
      throw error;
    });
    return inbox;
  }

  function forget(id: string) {
    const waiting = pending.get(id);
    if (waiting) clearTimeout(waiting.timer);
    pending.delete(id);
  }

  return {
    async request(instance, body, timeoutMs) {
      if (closed) throw new RealtimeError('closed', 'The Redis broker is closed.');
      await listen();
      const id = randomUUID();
      const answer = new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(
            new RealtimeError(
              'unavailable',
              `Instance ${instance} did not answer within ${timeoutMs} ms (it may be gone).`,
              { retryable: true },
            ),
          );
        }, timeoutMs);
        timer.unref?.();
        pending.set(id, { resolve, reject, timer });
      });
      answer.catch(noop);
      let receivers: number;
      try {
        receivers = await command(commands, 'Could not reach another instance', () =>
          commands.publish(inboxName(instance), JSON.stringify({ k: 'q', id, from: instanceId, body })),
        );
      } catch (error) {
        forget(id);
        throw error;
      }
      if (receivers === 0) {
        // Nobody listens on that inbox: the instance is gone. Fail now instead of at the timeout.
        forget(id);
        throw unavailable(`Could not reach instance ${instance}`, new Error('no instance with that id is listening'));
      }
      return answer;
    },
    onRequest(next) {
      handler = next;
      void listen().catch(noop);
      return () => {
        if (handler === next) handler = undefined;
      };
    },
    close() {
      closed = true;
      for (const [id, waiting] of pending) {
        clearTimeout(waiting.timer);
        waiting.reject(new RealtimeError('closed', 'The Redis broker closed before the instance answered.'));
        pending.delete(id);
      }
    },
  };
}

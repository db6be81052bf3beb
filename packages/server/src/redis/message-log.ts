import {
  createEpoch,
  readHistoryQuery,
  type ChannelHistory,
  type HistoryQuery,
  type HubMessage,
  type MessageDraft,
  type PublishOutcome,
} from '@realtime-kit/core';
import type { Redis } from 'ioredis';
import { command, unavailable } from './connection.js';
import type { ChannelKeys } from './redis-keys.js';
import { historyScript, latestScript, publishScript } from './scripts.js';
import { messageJsonHead, parseMessage } from './stored-message.js';

/** How one broker's channel logs are kept. */
export interface MessageLogSettings {
  readonly commands: Redis;
  readonly keys: (channel: string) => ChannelKeys;
  readonly logSize: number;
  readonly cidTtlSeconds: number;
  readonly retentionMs: number;
  readonly now: () => number;
  /** Gets the message's `at` (the default, a UUID v7, carries it). */
  readonly createId: (at: number) => string;
}

/** The channel logs of a Redis broker: each operation one Lua call (or one `MGET`), atomic on the Redis server. */
export interface MessageLog {
  publish(channel: string, draft: MessageDraft, fence: string): Promise<PublishOutcome>;
  history(channel: string, query: HistoryQuery): Promise<ChannelHistory>;
  latest(channel: string, event: string): Promise<HubMessage | undefined>;
  lookup(channel: string, cid: string): Promise<{ id: string; seq: number; epoch?: string } | undefined>;
}

/** See {@link MessageLog}. */
export function createMessageLog(settings: MessageLogSettings): MessageLog {
  const { commands, keys, logSize, cidTtlSeconds, retentionMs, now, createId } = settings;
  return {
    async publish(channel, draft, fence) {
      const { event, data, cid, from, action, target, version } = draft;
      const at = now();
      const id = createId(at);
      const head = messageJsonHead(channel, id);
      const body = JSON.stringify({
        event,
        data,
        ...(cid === undefined ? {} : { cid }),
        at,
        ...(from === undefined ? {} : { from }),
        ...(action === undefined ? {} : { action }),
        ...(target === undefined ? {} : { target }),
        ...(version === undefined ? {} : { version }),
      });
      const tail = `,${body.slice(1)}`;
      const k = keys(channel);
      const scriptKeys = [
        k.seq,
        k.log,
        k.epoch,
        k.states,
        k.stateSeqs,
        ...(cid === undefined ? [] : [k.cid(cid)]),
        ...(fence === '' ? [] : [k.lock]),
      ];
      const reply = await command(commands, `Could not publish to "${channel}"`, () =>
        publishScript.run(commands, scriptKeys, [
          head,
          tail,
          logSize,
          k.pub,
          id,
          cidTtlSeconds,
          createEpoch(),
          retentionMs,
          fence,
          cid === undefined ? '0' : '1',
          event,
        ]),
      );
      if (!Array.isArray(reply) || reply.length === 0) {
        throw unavailable(`Could not publish to "${channel}"`, new Error('Unexpected reply from the publish script.'));
      }
      const [fresh, value, epochValue] = reply as [unknown, unknown, unknown];
      if (fresh === -1)
        throw unavailable(
          `Could not publish to "${channel}"`,
          new Error('the channel turn passed to another instance (the lease ran out)'),
        );
      const text = String(value);
      const epoch = typeof epochValue === 'string' && epochValue !== '' ? { epoch: epochValue } : {};
      if (fresh === 1) return { id, seq: Number(text), fresh: true, ...epoch };
      const colon = text.indexOf(':');
      return { id: text.slice(colon + 1), seq: Number(text.slice(0, colon)), fresh: false, ...epoch };
    },

    async history(channel, query) {
      const k = keys(channel);
      const args = historyArgs(query);
      const reply = await command(commands, `Could not read the history of "${channel}"`, () =>
        historyScript.run(
          commands,
          [k.seq, k.log, k.epoch, k.states, k.stateSeqs],
          [...args, createEpoch(), retentionMs],
        ),
      );
      if (!Array.isArray(reply) || reply.length < 2) {
        throw unavailable(
          `Could not read the history of "${channel}"`,
          new Error('Unexpected reply from the history script.'),
        );
      }
      const [headText, epoch, ...texts] = reply as unknown[];
      const messages: HubMessage[] = [];
      for (const text of texts) {
        const message = typeof text === 'string' ? parseMessage(text) : undefined;
        if (message) messages.push(message);
      }
      if (args[0] === 'before') messages.reverse();
      return { messages, head: Number(headText), epoch: String(epoch) };
    },

    async latest(channel, event) {
      const reply = await command(commands, `Could not read the latest "${event}" of "${channel}"`, () =>
        latestScript.run(commands, [keys(channel).log], [event]),
      );
      return typeof reply === 'string' ? parseMessage(reply) : undefined;
    },

    async lookup(channel, cid) {
      const k = keys(channel);
      const [text, epoch] = await command(commands, `Could not look up a publish on "${channel}"`, () =>
        commands.mget(k.cid(cid), k.epoch),
      );
      if (text === null || text === undefined) return undefined;
      const colon = text.indexOf(':');
      return { id: text.slice(colon + 1), seq: Number(text.slice(0, colon)), ...(epoch ? { epoch } : {}) };
    },
  };
}

/** The history script's range arguments for a query: `after`, `before` (pages back from the newest) or just the head (`edge`). */
function historyArgs(query: HistoryQuery): (string | number)[] {
  const { after, before, limit } = readHistoryQuery(query);
  if (after !== undefined) {
    // `after` at or past the largest safe integer (or NaN): the head only.
    return !(after < Number.MAX_SAFE_INTEGER) || limit === 0
      ? ['edge', '', '']
      : ['after', after < 0 ? '-' : `(0-${Math.floor(after)}`, limit ?? ''];
  }
  if (limit === 0) return ['edge', '', ''];
  const bound =
    before === undefined || !(before < Number.MAX_SAFE_INTEGER) ? '+' : before <= 1 ? '' : `(0-${Math.floor(before)}`;
  return bound === '' ? ['edge', '', ''] : ['before', bound, limit ?? ''];
}

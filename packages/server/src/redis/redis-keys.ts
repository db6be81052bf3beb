import { encodeName } from './connection.js';

/** The Redis keys and pub/sub name of one channel, all in one hash slot (`{…}`). */
export interface ChannelKeys {
  readonly seq: string;
  readonly log: string;
  readonly epoch: string;
  readonly pub: string;
  readonly lock: string;
  readonly presence: string;
  /** Message states (edits, deletions, reactions): a hash, message id → state JSON. */
  readonly states: string;
  /** The same ids in a sorted set by `seq`: the states of messages trimmed from the log are found and dropped. */
  readonly stateSeqs: string;
  cid(cid: string): string;
}

/** The keys of `channel` under `prefix`. */
export function channelKeys(prefix: string, channel: string): ChannelKeys {
  const base = `${prefix}:{${encodeName(channel)}}`;
  return {
    seq: `${base}:seq`,
    log: `${base}:log`,
    epoch: `${base}:epoch`,
    pub: `${base}:pub`,
    lock: `${base}:lock`,
    presence: `${base}:presence`,
    states: `${base}:states`,
    stateSeqs: `${base}:states:seq`,
    cid: (cid: string) => `${base}:cid:${encodeName(cid)}`,
  };
}

/**
 * The publish ids (`cid`s) a channel delivered lately. Within one epoch of a log, `seq` already makes delivery
 * exactly-once; this covers the step between epochs: a message stored in a log that was then lost (a restart without
 * a persistent log) whose ack never reached its publisher is published again (same `cid`) into the new log, and a
 * reader that saw the first copy must not see it twice.
 */
export interface CidWindow {
  /** True when `cid` was delivered lately (the message is a repeat); otherwise remembers it and answers false. */
  repeat(cid: string): boolean;
  clear(): void;
}

/** Default size of a channel's {@link CidWindow}: more than the publishes in flight around one restart. */
const CID_WINDOW_SIZE = 512;

export function createCidWindow(size = CID_WINDOW_SIZE): CidWindow {
  const seen = new Set<string>();
  return {
    repeat(cid) {
      if (seen.has(cid)) return true;
      seen.add(cid);
      if (seen.size > size) seen.delete(seen.values().next().value as string);
      return false;
    },
    clear: () => seen.clear(),
  };
}

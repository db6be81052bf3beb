import type { ServerFrame } from '../../protocol/frames.js';
import type { ChannelHub, HubSession } from '../../protocol/hub.js';
import type { LinkInternals } from '../create-test-link.js';

/** A memory transport's session on the hub: frames to the client go through the test link, JSON-encoded. */
export interface MemorySession {
  /** The hub session while one is open. */
  readonly current: HubSession | null;
  /** Opens a hub session. */
  open(): void;
  /** Ends the session from the client's side; frames still on the link are ignored. */
  end(): void;
}

export interface MemorySessionHooks {
  /** A frame that came through the link, for the transport's listeners. */
  receive(frame: ServerFrame): void;
  /** The server ended the session (`hub.reset()`). */
  endedByServer(): void;
}

export function createMemorySession(
  hub: ChannelHub,
  wire: LinkInternals,
  userId: string | undefined,
  hooks: MemorySessionHooks,
): MemorySession {
  let session: HubSession | null = null;
  /** Bumped whenever a session ends, so frames and callbacks of an old session are ignored. */
  let generation = 0;

  return {
    get current() {
      return session;
    },
    open() {
      const current = ++generation;
      session = hub.connect({
        userId,
        send(frame) {
          if (current !== generation) return;
          wire.deliver(JSON.stringify(frame), (text) => {
            if (current === generation) hooks.receive(JSON.parse(text) as ServerFrame);
          });
        },
        close() {
          if (current !== generation) return;
          session = null;
          generation += 1;
          hooks.endedByServer();
        },
      });
    },
    end() {
      const ending = session;
      session = null;
      generation += 1;
      ending?.close();
    },
  };
}

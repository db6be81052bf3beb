import { PRESENCE_EVENT, isEncryptedEnvelope, notSealedError, openEnvelope, parseData } from '../../crypto/envelope.js';
import { RealtimeError } from '../../errors.js';
import type { PresenceMember, ServerFrame } from '../../protocol/frames.js';
import type { ChannelKeys } from './channel-keys.js';
import type { EncryptedContext } from './encrypted-context.js';
import { asPayloadError, toFrameError } from './payload-errors.js';

type Opened = { readonly ok: true; readonly data: unknown } | { readonly ok: false; readonly error: RealtimeError };

/** The server→client half: opens payloads on encrypted channels and emits every frame in the order it came. */
export interface IncomingOpener {
  /** Takes a frame from the inner transport (or a refusal from the outgoing half). */
  receive(frame: ServerFrame): void;
  /** The session ended: frames still being opened are dropped. */
  reset(): void;
}

export function createIncomingOpener(
  context: EncryptedContext,
  keys: ChannelKeys,
  emitFrame: (frame: ServerFrame) => void,
): IncomingOpener {
  const { isEncrypted } = context;
  let incoming: Promise<readonly ServerFrame[]>[] = [];
  let pumping = false;

  function needsOpening(frame: ServerFrame): boolean {
    switch (frame.type) {
      case 'message':
        // Deletions and reactions carry no text of the message: they travel unsealed.
        return (
          isEncrypted(frame.channel) && !frame.deleted && (frame.action === undefined || frame.action === 'update')
        );
      case 'signal':
        return isEncrypted(frame.channel);
      case 'presence':
        if (!isEncrypted(frame.channel)) return false;
        return frame.action === 'sync'
          ? frame.members.some((member) => member.data !== undefined)
          : frame.member.data !== undefined;
      default:
        return false;
    }
  }

  async function openPayload(channel: string, event: string, value: unknown, arrival: number): Promise<Opened> {
    // Plaintext needs no key to be refused.
    if (!isEncryptedEnvelope(value)) return { ok: false, error: notSealedError(channel, event) };
    let entry = keys.keyFor(channel);
    for (let attempt = 0; ; attempt += 1) {
      try {
        const plaintext = await openEnvelope(await entry.promise, channel, event, value, context.cryptoApi);
        return { ok: true, data: parseData(plaintext, channel, event) };
      } catch (cause) {
        const error = asPayloadError(cause, channel);
        // Only a seal that would not open may need a newer key; a refused key or non-JSON plaintext is final.
        const retry =
          attempt === 0 && error.code === 'decryption_failed' ? keys.rotatedKey(channel, entry, arrival) : undefined;
        if (retry === undefined) return { ok: false, error };
        entry = retry;
      }
    }
  }

  async function openPresence(
    frame: Extract<ServerFrame, { type: 'presence' }>,
    arrival: number,
  ): Promise<readonly ServerFrame[]> {
    const open = async (member: PresenceMember): Promise<PresenceMember | RealtimeError> => {
      if (member.data === undefined) return member;
      const opened = await openPayload(frame.channel, PRESENCE_EVENT, member.data, arrival);
      return opened.ok ? { ...member, data: opened.data } : opened.error;
    };
    const unreadable = (error: RealtimeError, count: number): ServerFrame => ({
      type: 'error',
      channel: frame.channel,
      error: {
        code: error.code,
        message: `${count === 1 ? 'A presence member is' : `${count} presence members are`} left out of "${frame.channel}": ${error.message}`,
      },
    });
    if (frame.action === 'sync') {
      const results = await Promise.all(frame.members.map(open));
      const members = results.filter((result): result is PresenceMember => !(result instanceof RealtimeError));
      const failures = results.filter((result): result is RealtimeError => result instanceof RealtimeError);
      const sync: ServerFrame = { ...frame, members };
      return failures.length === 0 ? [sync] : [sync, unreadable(failures[0]!, failures.length)];
    }
    const member = await open(frame.member);
    return member instanceof RealtimeError ? [unreadable(member, 1)] : [{ ...frame, member }];
  }

  async function openFrame(frame: ServerFrame, arrival: number): Promise<readonly ServerFrame[]> {
    switch (frame.type) {
      case 'message': {
        const opened = await openPayload(frame.channel, frame.event, frame.data, arrival);
        return [
          opened.ok
            ? { ...frame, data: opened.data }
            : { ...frame, data: undefined, error: toFrameError(opened.error) },
        ];
      }
      case 'signal': {
        const opened = await openPayload(frame.channel, frame.event, frame.data, arrival);
        return [
          opened.ok
            ? { ...frame, data: opened.data }
            : { type: 'error', channel: frame.channel, error: toFrameError(opened.error) },
        ];
      }
      case 'presence':
        return openPresence(frame, arrival);
      default:
        return [frame];
    }
  }

  async function pump() {
    if (pumping) return;
    pumping = true;
    const mine = context.session;
    while (mine === context.session && incoming.length > 0) {
      const frames = await incoming[0]!;
      if (mine !== context.session) return;
      // Emitted before the shift: a frame arriving during a listener queues behind, never overtakes.
      for (const frame of frames) if (mine === context.session) emitFrame(frame);
      if (mine === context.session) incoming.shift();
    }
    if (mine === context.session) pumping = false;
  }

  return {
    receive(frame) {
      context.observe();
      context.arrivals += 1;
      const opening = needsOpening(frame);
      if (!opening && incoming.length === 0) {
        emitFrame(frame);
        return;
      }
      incoming.push(opening ? openFrame(frame, context.arrivals) : Promise.resolve([frame]));
      void pump();
    },
    reset() {
      incoming = [];
      pumping = false;
    },
  };
}

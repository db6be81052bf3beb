import { PRESENCE_EVENT, sealEnvelope, serializeData, type EncryptedEnvelope } from '../../crypto/envelope.js';
import type { ClientFrame, FrameError, ServerFrame } from '../../protocol/frames.js';
import type { ChannelKeys } from './channel-keys.js';
import type { EncryptedContext } from './encrypted-context.js';
import { asPayloadError, toFrameError } from './payload-errors.js';

/** What a frame is sealed under. */
interface SealPlan {
  readonly channel: string;
  readonly event: string;
  readonly plaintext: string;
}

/** A client frame ready to go, or the frame telling the client it could not be sealed. */
type Prepared = { readonly frame: ClientFrame } | { readonly refused: ServerFrame };

/** The client→server half: seals payloads on encrypted channels and sends every frame in the order it was given. */
export interface OutgoingSealer {
  /** The transport's `send`. */
  send(frame: ClientFrame): boolean;
  /** The session ended: frames still waiting are dropped (the client sends again on the next one). */
  reset(): void;
}

/** `receive` takes the frames that tell the client a frame could not go (a `nack`, an `error`). */
export function createOutgoingSealer(
  context: EncryptedContext,
  keys: ChannelKeys,
  receive: (frame: ServerFrame) => void,
): OutgoingSealer {
  const { inner, isEncrypted } = context;
  let outgoing: Promise<Prepared>[] = [];
  let pumping = false;

  /** The plaintext and event a frame is sealed under, or undefined when it goes as it is. Throws for non-JSON data. */
  function planSeal(frame: ClientFrame): SealPlan | undefined {
    switch (frame.type) {
      case 'publish':
      case 'signal':
        // Deletions and reactions carry no text of the message: they go unsealed, so the server can count them.
        if (!isEncrypted(frame.channel) || (frame.type === 'publish' && isUnsealedChange(frame))) return undefined;
        return { channel: frame.channel, event: frame.event, plaintext: serializeData(frame.data) };
      case 'presence':
        if (frame.action === 'leave' || frame.data === undefined || !isEncrypted(frame.channel)) return undefined;
        return { channel: frame.channel, event: PRESENCE_EVENT, plaintext: serializeData(frame.data) };
      default:
        return undefined;
    }
  }

  async function prepare(frame: ClientFrame, plan: SealPlan): Promise<Prepared> {
    let envelope: EncryptedEnvelope;
    try {
      const key = await keys.keyFor(plan.channel).promise;
      envelope = await sealEnvelope(key, plan.channel, plan.event, plan.plaintext, context.cryptoApi);
    } catch (cause) {
      const error = toFrameError(asPayloadError(cause, plan.channel));
      return frame.type === 'publish'
        ? { refused: { type: 'nack', cid: frame.cid, channel: frame.channel, error } }
        : { refused: { type: 'error', channel: plan.channel, error } };
    }
    return { frame: { ...frame, data: envelope } as ClientFrame };
  }

  async function pump() {
    if (pumping) return;
    pumping = true;
    const mine = context.session;
    // `mine !== session`: the session ended (here or in a listener); its queue is gone and a new pump owns the next.
    while (mine === context.session && outgoing.length > 0) {
      const prepared = await outgoing[0]!;
      if (mine !== context.session) return;
      outgoing.shift();
      if ('refused' in prepared) {
        receive(prepared.refused);
        continue;
      }
      try {
        // A false send means the socket is going away: the client re-sends on the next session.
        inner.send(prepared.frame);
      } catch (cause) {
        // Checked in `send` already, so only a transport's own refusal lands here: told, never lost in the queue.
        const error: FrameError = {
          code: 'invalid_payload',
          message: `encryptedTransport: the ${prepared.frame.type} frame could not be sent: ${String(cause)}`,
        };
        const { frame } = prepared;
        if (frame.type === 'publish') receive({ type: 'nack', cid: frame.cid, channel: frame.channel, error });
        else if ('channel' in frame) receive({ type: 'error', channel: frame.channel, error });
      }
    }
    if (mine === context.session) pumping = false;
  }

  return {
    send(frame) {
      if (!context.observe()) return false;
      const plan = planSeal(frame);
      if (plan === undefined && outgoing.length === 0) return inner.send(frame);
      // A frame waiting behind a seal must fail now if it cannot be encoded, not later where nobody hears it.
      if (plan === undefined) JSON.stringify(frame);
      outgoing.push(plan === undefined ? Promise.resolve({ frame }) : prepare(frame, plan));
      void pump();
      return true;
    },
    reset() {
      outgoing = [];
      pumping = false;
    },
  };
}

/** A deletion or a reaction: no message text, so never sealed (the server must read a reaction to count it). */
function isUnsealedChange(frame: { readonly action?: string }): boolean {
  return frame.action === 'delete' || frame.action === 'reaction';
}

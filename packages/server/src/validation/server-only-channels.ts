import type { ClientFrame, FrameError } from '@realtime-kit/core';

/**
 * The channels of AI responses (`@realtime-kit/server/ai`): the chat's (`ai-chat:`), each response's chunks
 * (`ai-stream:`) and the stop requests (`ai-control:`). Only the server writes them (`streamToChannel`,
 * `stopStream`); the names are spelled out here so the server's core does not load the `ai` subpath.
 */
const SERVER_WRITTEN_PREFIXES = ['ai-chat:', 'ai-stream:', 'ai-control:'] as const;

/**
 * The refusal (`forbidden`) for a client publish or signal on a channel only the server writes: a client could
 * otherwise forge chunks of a model's answer, end another user's response, or stop it. Reading them (subscribe) and
 * presence stay the hub's `authorizeChannel` decision. Undefined for every other frame.
 */
export function refuseServerWritten(frame: Exclude<ClientFrame, { type: 'ping' }>): FrameError | undefined {
  if (frame.type !== 'publish' && frame.type !== 'signal') return undefined;
  if (!SERVER_WRITTEN_PREFIXES.some((prefix) => frame.channel.startsWith(prefix))) return undefined;
  return {
    code: 'forbidden',
    message: `Only the server writes "${frame.channel.slice(0, 200)}" (an AI response's channel): clients read it.`,
  };
}

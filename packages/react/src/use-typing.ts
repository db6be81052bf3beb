import { useEffect, useMemo } from 'react';
import { createTypingIndicator, type Channel, type TypingOptions } from '@realtime-kit/core';
import { useStore } from './lib/use-store.js';

/** What {@link useTyping} returns. */
export interface UseTypingResult {
  /** User ids of the others typing now, in the order they started (never you). */
  readonly typing: readonly string[];
  /** Call on every keystroke (the input's `onChange`): tells the others, throttled. */
  readonly keystroke: () => void;
  /** Call when you send or clear the message: the others stop showing you at once. Called on unmount too. */
  readonly stop: () => void;
}

const NOBODY: readonly string[] = /* @__PURE__ */ Object.freeze([]);

/**
 * Who is typing on `channel`, and your side of it. Ephemeral signals: nothing is stored. A typist is dropped
 * `timeoutMs` (default 5 s) after their last keystroke signal, so a closed tab never leaves them "typing".
 * @example
 * const { typing, keystroke, stop } = useTyping(room)
 * <textarea onChange={(e) => { setText(e.target.value); keystroke() }} />
 * <button onClick={() => { send(text); stop() }}>Send</button>
 */
export function useTyping(
  channel: Pick<Channel, 'signal' | 'onSignal' | 'userId'>,
  options: TypingOptions = {},
): UseTypingResult {
  const { timeoutMs, throttleMs } = options;
  const indicator = useMemo(
    () => createTypingIndicator(channel, { timeoutMs, throttleMs }),
    [channel, timeoutMs, throttleMs],
  );
  useEffect(() => () => indicator.stop(), [indicator]);
  const typing = useStore(indicator, NOBODY);
  return useMemo(() => ({ typing, keystroke: indicator.keystroke, stop: indicator.stop }), [typing, indicator]);
}

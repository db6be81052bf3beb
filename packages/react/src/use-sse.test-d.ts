import { describe, expectTypeOf, it } from 'vitest';
import type { ConnectionStatus, RealtimeError, SSEConnection, SSEMessage } from '@realtime-kit/core';
import { useSSE } from './use-sse.js';
import { useConnectionState } from './use-connection-state.js';

interface Step {
  id: string;
  done: boolean;
}

describe('useSSE types', () => {
  it('types data and messages by the generic', () => {
    const result = useSSE<Step>('/steps');
    expectTypeOf(result.data).toEqualTypeOf<Step | undefined>();
    expectTypeOf(result.messages).toEqualTypeOf<readonly SSEMessage<Step>[]>();
    expectTypeOf(result.status).toEqualTypeOf<ConnectionStatus>();
    expectTypeOf(result.error).toEqualTypeOf<RealtimeError | null>();
    expectTypeOf(result.connection).toEqualTypeOf<SSEConnection<Step> | null>();
  });

  it('types onMessage and parse by the generic, and accepts a null url', () => {
    useSSE<number>(null, {
      parse: (raw) => Number(raw),
      onMessage: (message) => expectTypeOf(message.data).toEqualTypeOf<number>(),
    });
    // @ts-expect-error parse must return the declared data type
    useSSE<number>('/n', { parse: (raw: string) => raw });
  });

  it('accepts any connection in useConnectionState', () => {
    const sse = useSSE('/x');
    expectTypeOf(useConnectionState(sse.connection).online).toEqualTypeOf<boolean>();
    expectTypeOf(useConnectionState().status).toEqualTypeOf<ConnectionStatus>();
  });
});

import { describe, expectTypeOf, it } from 'vitest';
import type { Channel, ChannelMessage, PresenceMember, PublishReceipt, RealtimeClient } from '@realtime-kit/core';
import {
  isRealtimeError,
  RealtimeError,
  useOccupancy,
  type ChannelGap,
  type ChannelGapOptions,
  type ChannelOccupancy,
  type ChannelOptions,
  type RealtimeErrorIssue,
  useChannel,
  useChannelMessages,
  useEvent,
  useOptimisticPublish,
  usePresence,
  usePublish,
  useRealtimeClient,
  useWebSocket,
  type OptimisticItem,
  type OptimisticSend,
} from './index.js';

interface Message {
  text: string;
}
type RoomEvents = { message: Message; typing: { userId: string } };

describe('typed channels', () => {
  it('types the channel by its event map', () => {
    expectTypeOf(useChannel<RoomEvents>('room:1')).toEqualTypeOf<Channel<RoomEvents>>();
    expectTypeOf(useChannel('room:1')).toEqualTypeOf<Channel>();
    expectTypeOf(useRealtimeClient()).toEqualTypeOf<RealtimeClient>();
  });

  it('types useEvent handlers by event, and "*" by the union of events', () => {
    const room = useChannel<RoomEvents>('room:1');
    useEvent(room, 'message', (message) => {
      expectTypeOf(message).toEqualTypeOf<ChannelMessage<Message, 'message'>>();
    });
    useEvent(room, 'typing', (message) => expectTypeOf(message.data.userId).toEqualTypeOf<string>());
    useEvent(room, '*', (message) => {
      expectTypeOf(message.event).toEqualTypeOf<'message' | 'typing'>();
      expectTypeOf(message.data).toEqualTypeOf<Message | { userId: string }>();
    });
    // @ts-expect-error not an event of this channel
    useEvent(room, 'mesage', () => {});
    // @ts-expect-error the handler's data type does not match the event
    useEvent(room, 'message', (message: ChannelMessage<number, 'message'>) => message);
  });

  it('types publish by event and data', () => {
    const publish = usePublish(useChannel<RoomEvents>('room:1'));
    expectTypeOf(publish('message', { text: 'hi' })).toEqualTypeOf<Promise<PublishReceipt>>();
    publish('typing', { userId: 'u' }, { cid: 'c-1' });
    // @ts-expect-error wrong data for the event
    publish('message', { userId: 'u' });
    // @ts-expect-error unknown event
    publish('nope', { text: 'hi' });
  });

  it('types the message list by event', () => {
    const room = useChannel<RoomEvents>('room:1');
    expectTypeOf(useChannelMessages(room, 'message')).toEqualTypeOf<readonly ChannelMessage<Message, 'message'>[]>();
    expectTypeOf(useChannelMessages(room, '*', { maxMessages: 10, throttle: 'frame' })).toEqualTypeOf<
      readonly ChannelMessage<Message | { userId: string }, 'message' | 'typing'>[]
    >();
    // @ts-expect-error throttle is 'frame', a number of ms or false
    useChannelMessages(room, 'message', { throttle: 'fast' });
  });

  it('types optimistic items and send by the event data', () => {
    const room = useChannel<RoomEvents>('room:1');
    const [items, send] = useOptimisticPublish(room, 'message', [{ text: 'history' }]);
    expectTypeOf(items).toEqualTypeOf<readonly OptimisticItem<Message>[]>();
    expectTypeOf(send).toEqualTypeOf<OptimisticSend<Message>>();
    expectTypeOf(send({ text: 'hi' })).toEqualTypeOf<string>();
    expectTypeOf(items[0]!.status).toEqualTypeOf<'pending' | 'sent' | 'failed'>();
    expectTypeOf(items[0]!.retry).toEqualTypeOf<(() => void) | undefined>();
    // @ts-expect-error initial items must be the event's data
    useOptimisticPublish(room, 'message', [{ userId: 'u' }]);
    // @ts-expect-error sent data must be the event's data
    send({ userId: 'u' });
  });

  it('types presence members by their data', () => {
    const { members } = usePresence<{ name: string }>(useChannel<RoomEvents>('room:1'), { data: { name: 'Ada' } });
    expectTypeOf(members).toEqualTypeOf<readonly PresenceMember<{ name: string }>[]>();
    // @ts-expect-error data must match the declared type
    usePresence<{ name: string }>(useChannel('room:1'), { data: { name: 1 } });
  });

  it('types useWebSocket messages by the generic', () => {
    const ws = useWebSocket<{ price: number }>('wss://example.test', { parse: (raw) => ({ price: Number(raw) }) });
    expectTypeOf(ws.lastMessage).toEqualTypeOf<{ price: number } | undefined>();
    expectTypeOf(ws.messages).toEqualTypeOf<readonly { price: number }[]>();
    useWebSocket<number>(null, { onMessage: (data) => expectTypeOf(data).toEqualTypeOf<number>() });
    // @ts-expect-error parse must return the declared type
    useWebSocket<number>('wss://example.test', { parse: (raw: unknown) => String(raw) });
  });
});

describe('rewind, occupancy, gaps and errors', () => {
  it('types useChannel options and keeps the event map', () => {
    expectTypeOf(useChannel<RoomEvents>('room:1', { rewind: 50 })).toEqualTypeOf<Channel<RoomEvents>>();
    expectTypeOf<Parameters<typeof useChannel>[1]>().toEqualTypeOf<ChannelOptions | undefined>();
    // @ts-expect-error rewind is a number of messages
    useChannel('room:1', { rewind: '50' });
  });

  it('types useOccupancy as the counts or null', () => {
    expectTypeOf(useOccupancy(useChannel('room:1'))).toEqualTypeOf<ChannelOccupancy | null>();
    expectTypeOf<ChannelOccupancy>().toEqualTypeOf<{ readonly connections: number; readonly members: number }>();
    // @ts-expect-error a channel object, not a name
    useOccupancy('room:1');
  });

  it('takes onGap on every message hook, typed ChannelGap', () => {
    const room = useChannel<RoomEvents>('room:1');
    const onGap = (gap: ChannelGap) => {
      expectTypeOf(gap.reason).toEqualTypeOf<'trimmed' | 'reset'>();
      expectTypeOf(gap.to).toEqualTypeOf<number>();
    };
    useEvent(room, 'message', () => {}, { onGap });
    useEvent(room, '*', () => {}, { onGap });
    useChannelMessages(room, 'message', { onGap, maxMessages: 10 });
    useOptimisticPublish(room, 'message', [], { onGap });
    expectTypeOf<ChannelGapOptions['onGap']>().toEqualTypeOf<((gap: ChannelGap) => void) | undefined>();
    // @ts-expect-error onGap receives a ChannelGap
    useEvent(room, 'message', () => {}, { onGap: (gap: string) => gap });
  });

  it('re-exports RealtimeError as a class and isRealtimeError as a guard', () => {
    const error: unknown = new RealtimeError('rejected', 'Outbid: 130 leads', { details: { top: 130 } });
    if (isRealtimeError(error, 'invalid_payload')) {
      expectTypeOf(error.issues).toEqualTypeOf<readonly RealtimeErrorIssue[] | undefined>();
      expectTypeOf(error.details).toEqualTypeOf<unknown>();
      expectTypeOf(error.retryAfterMs).toEqualTypeOf<number | undefined>();
    }
    // @ts-expect-error not an error code
    isRealtimeError(error, 'outbid');
  });
});

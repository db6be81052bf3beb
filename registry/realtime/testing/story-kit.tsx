/**
 * Story helpers (not a registry item: nothing here ships). Every story gets a fresh in-memory SSE server
 * and network from `@realtime-kit/core/testing`, so stories drive every state without a backend.
 */
import * as React from 'react';
import type { Decorator, StoryContext } from '@storybook/react-vite';
import { createTestTransport, type TestTransport } from '@realtime-kit/core/testing';
import { RealtimeProvider } from '@realtime-kit/react';

/** Creates the story's test transport; read it with {@link kitOf}. */
export const testTransportLoader = async (): Promise<{ kit: TestTransport }> => ({ kit: createTestTransport() });

/** The story's test transport (from {@link testTransportLoader}). */
export function kitOf(context: Pick<StoryContext, 'loaded'>): TestTransport {
  const kit = (context.loaded as { kit?: TestTransport }).kit;
  if (!kit) throw new Error('This story needs `loaders: [testTransportLoader]`.');
  return kit;
}

/** Wraps the story in a RealtimeProvider wired to its test transport. */
export const withTestTransport: Decorator = (Story, context) => {
  const kit = kitOf(context);
  return (
    <RealtimeProvider fetch={kit.fetch} network={kit.network}>
      <Story />
    </RealtimeProvider>
  );
};

/** Backoff that waits ~8 s, so a "reconnecting" story holds still long enough to show its countdown. */
export const slowBackoff = { minMs: 8_000, maxMs: 8_000, random: () => 0.99 } as const;

/** Resolves after `ms` of real time. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

import { registryItems } from '@/registry/registry';
import { itemDocs } from '@/lib/docs';

/** The home page's sections: what an item is for, then the hooks and helpers the others are built from. */
const GROUPS = [
  {
    id: 'connection',
    title: 'Connection UI',
    description: 'Show readers whether they are live, reconnecting or offline.',
    items: ['connection-dot', 'connection-banner', 'reconnect-toast', 'realtime-devtools'],
  },
  {
    id: 'streaming',
    title: 'Streaming',
    description: 'Progress and text that arrive a piece at a time.',
    items: ['stream-progress', 'streaming-text', 'ai-chat'],
  },
  {
    id: 'chat-presence',
    title: 'Chat & presence',
    description: 'Who is here, who is typing, and what they said.',
    items: ['chat-room', 'presence-avatars', 'typing-indicator', 'live-reactions', 'notification-center'],
  },
  {
    id: 'collaboration',
    title: 'Collaboration',
    description: 'Several people on one document, form or canvas.',
    items: ['collaborative-editor', 'collaborative-rich-text', 'live-cursors', 'live-form'],
  },
  {
    id: 'dashboards',
    title: 'Dashboards',
    description: 'Numbers and charts that follow the server.',
    items: ['live-counter', 'live-metrics'],
  },
  { id: 'games', title: 'Games', description: 'Turn-based play over a channel.', items: ['tic-tac-toe'] },
] as const;

type Item = ReturnType<typeof registryItems>[number];

export interface ItemGroup {
  id: string;
  title: string;
  description: string;
  items: Item[];
}

/** Documented items by group; whatever no group names lands in "Hooks & helpers", so a new item is never hidden. */
export function itemGroups(): ItemGroup[] {
  const documented = new Map(
    registryItems()
      .filter((item) => itemDocs[item.name])
      .map((item) => [item.name, item]),
  );
  const grouped: ItemGroup[] = GROUPS.map((group) => ({
    ...group,
    items: group.items.flatMap((name) => documented.get(name) ?? []),
  }));
  const placed = new Set<string>(GROUPS.flatMap((group) => group.items));
  grouped.push({
    id: 'hooks-helpers',
    title: 'Hooks & helpers',
    description: 'The pieces the components are built from, for your own UI.',
    items: [...documented.values()].filter((item) => !placed.has(item.name)),
  });
  return grouped.filter((group) => group.items.length > 0);
}

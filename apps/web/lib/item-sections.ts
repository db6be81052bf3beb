import { itemDocs } from '@/lib/docs';

/** The sections of an item's docs page, in order: the page renders these headings and ⌘K searches them. */
export function itemSections(name: string): { id: string; heading: string }[] {
  const docs = itemDocs[name];
  if (!docs) return [];
  return [
    { id: 'install', heading: 'Install' },
    { id: 'example', heading: 'Example' },
    { id: 'usage', heading: 'Usage' },
    { id: 'props', heading: docs.propsHeading ?? 'Props' },
    ...(docs.accessibility?.length ? [{ id: 'accessibility', heading: 'Keyboard and screen readers' }] : []),
  ];
}

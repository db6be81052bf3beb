import { registryItems } from '@/registry/registry';
import { itemDocs } from '@/lib/docs';
import { itemSections } from '@/lib/item-sections';
import type { SearchEntry } from '@/lib/search-entries';

/** Every documented item, then every heading of its page; built on the server and passed to the dialog as props. */
export function searchIndex(): SearchEntry[] {
  const items = registryItems().filter((item) => itemDocs[item.name]);
  const pages = items.map((item): SearchEntry => {
    const title = item.title ?? item.name;
    return {
      href: `/docs/${item.name}`,
      title,
      detail: item.description ?? '',
      kind: 'item',
      haystack: `${title} ${item.name} ${item.description ?? ''}`.toLowerCase(),
    };
  });
  const headings = items.flatMap((item) =>
    itemSections(item.name).map(({ id, heading }): SearchEntry => {
      const title = item.title ?? item.name;
      return {
        href: `/docs/${item.name}#${id}`,
        title: heading,
        detail: title,
        kind: 'heading',
        haystack: `${heading} ${title} ${item.name}`.toLowerCase(),
      };
    }),
  );
  return [...pages, ...headings];
}

/** One thing ⌘K can jump to: a docs page or a heading on one. */
export interface SearchEntry {
  href: string;
  title: string;
  /** The item's description, or the item a heading belongs to. */
  detail: string;
  kind: 'item' | 'heading';
  /** Lower-cased text the query is matched against. */
  haystack: string;
}

/** Entries containing every word of the query, pages before headings, at most `limit`. */
export function searchEntries(entries: SearchEntry[], query: string, limit = 30): SearchEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return entries.filter((entry) => entry.kind === 'item').slice(0, limit);
  return entries.filter((entry) => words.every((word) => entry.haystack.includes(word))).slice(0, limit);
}

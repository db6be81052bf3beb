'use client';

import { FileTextIcon, HashIcon, SearchIcon } from 'lucide-react';
import { useRouter } from 'next/navigation';
import * as React from 'react';

import { searchEntries, type SearchEntry } from '@/lib/search-entries';

/** Whether a key press is the reader typing text somewhere, where `/` must stay a slash. */
function isTyping(target: EventTarget | null) {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}

/**
 * ⌘K / Ctrl+K (or `/`) search over item names, descriptions and the headings of the docs pages. A modal <dialog>
 * holding a combobox and its listbox: arrows move the active option, Enter opens it, Esc closes and focus goes back
 * to where it was.
 */
export function SearchDialog({ entries }: { entries: SearchEntry[] }) {
  const router = useRouter();
  const dialogRef = React.useRef<HTMLDialogElement>(null);
  const inputRef = React.useRef<HTMLInputElement>(null);
  const returnFocusTo = React.useRef<HTMLElement | null>(null);
  const [query, setQuery] = React.useState('');
  const [active, setActive] = React.useState(0);
  const results = React.useMemo(() => searchEntries(entries, query), [entries, query]);
  const listboxId = React.useId();
  const optionId = (index: number) => `${listboxId}-option-${index}`;

  const open = React.useCallback(() => {
    const dialog = dialogRef.current;
    if (!dialog || dialog.open) return;
    returnFocusTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setQuery('');
    setActive(0);
    dialog.showModal();
    inputRef.current?.focus();
  }, []);

  React.useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      const shortcut = event.key.toLowerCase() === 'k' && (event.metaKey || event.ctrlKey);
      if (shortcut || (event.key === '/' && !isTyping(event.target))) {
        event.preventDefault();
        open();
      }
    }
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [open]);

  function onClose() {
    returnFocusTo.current?.focus();
    returnFocusTo.current = null;
  }

  function go(entry: SearchEntry | undefined) {
    if (!entry) return;
    dialogRef.current?.close();
    router.push(entry.href);
  }

  function onInputKeyDown(event: React.KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (results.length === 0) return;
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((index) => (index + step + results.length) % results.length);
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      setActive(event.key === 'Home' ? 0 : Math.max(results.length - 1, 0));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      go(results[active]);
    }
  }

  React.useEffect(() => {
    if (dialogRef.current?.open) document.getElementById(optionId(active))?.scrollIntoView({ block: 'nearest' });
  });

  return (
    <>
      <button
        type="button"
        onClick={open}
        aria-keyshortcuts="Meta+K Control+K /"
        className="inline-flex h-8 items-center gap-2 rounded-md border px-2 text-sm text-muted-foreground transition-colors outline-none hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50 sm:w-52 sm:px-3 [&_svg]:size-4"
      >
        <SearchIcon aria-hidden="true" />
        <span className="sr-only sm:not-sr-only">Search docs…</span>
        <kbd
          aria-hidden="true"
          className="ms-auto hidden rounded border bg-muted px-1.5 font-mono text-[10px] sm:inline"
        >
          ⌘K
        </kbd>
      </button>
      <dialog
        ref={dialogRef}
        aria-label="Search docs"
        onClose={onClose}
        onClick={(event) => {
          // A click on the backdrop lands on the <dialog> itself.
          if (event.target === event.currentTarget) event.currentTarget.close();
        }}
        className="m-auto mt-[12vh] w-[calc(100%-2rem)] max-w-lg rounded-xl border bg-popover p-0 text-popover-foreground shadow-lg backdrop:bg-black/50"
      >
        <div className="flex items-center gap-2 border-b px-3 [&_svg]:size-4 [&_svg]:text-muted-foreground">
          <SearchIcon aria-hidden="true" />
          <input
            ref={inputRef}
            role="combobox"
            aria-label="Search docs"
            aria-expanded={results.length > 0}
            aria-controls={listboxId}
            aria-autocomplete="list"
            aria-activedescendant={results.length > 0 ? optionId(active) : undefined}
            value={query}
            onChange={(event) => {
              setQuery(event.target.value);
              setActive(0);
            }}
            onKeyDown={onInputKeyDown}
            placeholder="Search items and headings…"
            autoComplete="off"
            spellCheck={false}
            className="h-11 min-w-0 flex-1 bg-transparent text-sm outline-none placeholder:text-muted-foreground"
          />
        </div>
        <ul id={listboxId} role="listbox" aria-label="Results" className="max-h-[min(60vh,24rem)] overflow-y-auto p-1">
          {results.map((entry, index) => (
            <li
              key={entry.href}
              id={optionId(index)}
              role="option"
              aria-selected={index === active}
              onMouseMove={() => setActive(index)}
              onClick={() => go(entry)}
              className="flex cursor-pointer items-start gap-2 rounded-md px-2 py-1.5 text-sm aria-selected:bg-accent aria-selected:text-accent-foreground [&_svg]:mt-0.5 [&_svg]:size-4 [&_svg]:shrink-0 [&_svg]:text-muted-foreground"
            >
              {entry.kind === 'item' ? <FileTextIcon aria-hidden="true" /> : <HashIcon aria-hidden="true" />}
              <span className="min-w-0">
                <span className="block font-medium">{entry.title}</span>
                <span className="block truncate text-xs text-muted-foreground">{entry.detail}</span>
              </span>
            </li>
          ))}
        </ul>
        <p role="status" aria-live="polite" className="border-t px-3 py-2 text-xs text-muted-foreground">
          {results.length === 0 ? 'No results' : `${results.length} result${results.length === 1 ? '' : 's'}`}
        </p>
      </dialog>
    </>
  );
}

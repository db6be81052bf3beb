'use client';

import { CheckIcon, CopyIcon } from 'lucide-react';
import * as React from 'react';

import { cn } from '@/lib/utils';

type CopyState = 'idle' | 'copied' | 'failed';

const ANNOUNCEMENTS: Record<CopyState, string> = { idle: '', copied: 'Copied', failed: 'Could not copy' };

/**
 * Copies `value` to the clipboard. The button's name says what it copies; the outcome is announced in a polite live
 * region that is always in the DOM (a region inserted together with its text is not read by every screen reader).
 */
export function CopyButton({
  value,
  label = 'Copy code',
  className,
}: {
  value: string;
  /** The accessible name, e.g. "Copy install command". */
  label?: string;
  className?: string;
}) {
  const [state, setState] = React.useState<CopyState>('idle');
  const resetTimer = React.useRef<ReturnType<typeof setTimeout>>(undefined);
  React.useEffect(() => () => clearTimeout(resetTimer.current), []);

  async function copy() {
    clearTimeout(resetTimer.current);
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch (error) {
      // Clipboard access can be denied (permissions, insecure origin): say so instead of pretending it worked.
      console.warn('Copy to clipboard failed', error);
      setState('failed');
    }
    resetTimer.current = setTimeout(() => setState('idle'), 2000);
  }

  return (
    <>
      <button
        type="button"
        data-slot="copy-button"
        data-state={state}
        aria-label={label}
        title={label}
        onClick={copy}
        className={cn(
          'inline-flex size-7 shrink-0 items-center justify-center rounded-md text-muted-foreground transition-colors outline-none hover:bg-accent hover:text-accent-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50 [&_svg]:size-3.5',
          className,
        )}
      >
        {state === 'copied' ? <CheckIcon aria-hidden="true" /> : <CopyIcon aria-hidden="true" />}
      </button>
      <span role="status" aria-live="polite" className="sr-only">
        {ANNOUNCEMENTS[state]}
      </span>
    </>
  );
}

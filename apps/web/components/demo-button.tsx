import * as React from 'react';

/** A small outline button for the demos (the registry ships no button; use your own). */
export function DemoButton({ className = '', ...props }: React.ComponentProps<'button'>) {
  return (
    <button
      type="button"
      className={`inline-flex h-8 items-center rounded-md border bg-background px-3 text-sm font-medium shadow-xs transition-colors outline-none hover:bg-accent hover:text-accent-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50 ${className}`}
      {...props}
    />
  );
}

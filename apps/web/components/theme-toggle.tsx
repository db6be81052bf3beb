'use client';

import { MonitorIcon, MoonIcon, SunIcon } from 'lucide-react';
import * as React from 'react';

import { setThemePreference, themePreference, type ThemePreference } from '@/lib/theme';
import { cn } from '@/lib/utils';

const OPTIONS: { value: ThemePreference; label: string; Icon: typeof SunIcon }[] = [
  { value: 'light', label: 'Light theme', Icon: SunIcon },
  { value: 'dark', label: 'Dark theme', Icon: MoonIcon },
  { value: 'system', label: 'System theme', Icon: MonitorIcon },
];

/** Light, dark or system: three toggle buttons, the current one pressed. The choice is saved in localStorage. */
export function ThemeToggle({ className }: { className?: string }) {
  const current = React.useSyncExternalStore(
    themePreference.subscribe,
    themePreference.getSnapshot,
    themePreference.getServerSnapshot,
  );
  return (
    <div
      role="group"
      aria-label="Theme"
      data-slot="theme-toggle"
      className={cn('flex items-center rounded-md border p-0.5', className)}
    >
      {OPTIONS.map(({ value, label, Icon }) => (
        <button
          key={value}
          type="button"
          aria-label={label}
          title={label}
          aria-pressed={current === value}
          data-theme-option={value}
          onClick={() => setThemePreference(value)}
          className="inline-flex size-7 items-center justify-center rounded-sm text-muted-foreground transition-colors outline-none hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50 aria-pressed:bg-accent aria-pressed:text-foreground [&_svg]:size-4"
        >
          <Icon aria-hidden="true" />
        </button>
      ))}
    </div>
  );
}

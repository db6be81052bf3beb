import * as React from 'react';
import type { Decorator, Preview } from '@storybook/react-vite';
import { MotionConfig } from 'motion/react';
import { configure } from 'storybook/test';

import './tailwind.css';

/**
 * Theme, direction and reduced motion come from the toolbar (or a story's `globals`), and are applied to
 * <html> so portals and `dark:` / `rtl:` variants see them, exactly as in an app.
 */
const withAppearance: Decorator = (Story, context) => {
  const { theme, direction, reducedMotion } = context.globals as {
    theme?: 'light' | 'dark';
    direction?: 'ltr' | 'rtl';
    reducedMotion?: 'user' | 'reduce';
  };
  const html = document.documentElement;
  html.classList.toggle('dark', theme === 'dark');
  html.dir = direction ?? 'ltr';
  html.lang = direction === 'rtl' ? 'ar' : 'en';
  if (reducedMotion === 'reduce') html.dataset.reducedMotion = 'reduce';
  else delete html.dataset.reducedMotion;

  return (
    // `reducedMotion="always"` makes motion's JS animations jump too, like the OS setting would.
    <MotionConfig reducedMotion={reducedMotion === 'reduce' ? 'always' : 'user'}>
      <div className="bg-background p-6 text-foreground">
        <Story />
      </div>
    </MotionConfig>
  );
};

// `waitFor` and `findBy*` in play functions give up after 1 s by default: on a machine busy with the whole suite a
// render can take longer than that. Waiting longer only matters when a test is about to fail anyway.
configure({ asyncUtilTimeout: 3000 });

const preview: Preview = {
  decorators: [withAppearance],
  parameters: {
    layout: 'fullscreen',
    // Axe violations fail the story tests, not just warn.
    a11y: { test: 'error' },
    controls: { matchers: { color: /(background|color)$/i, date: /Date$/i } },
  },
  globalTypes: {
    theme: {
      description: 'Light or dark (shadcn `.dark` class)',
      toolbar: {
        title: 'Theme',
        icon: 'mirror',
        items: [
          { value: 'light', title: 'Light', icon: 'sun' },
          { value: 'dark', title: 'Dark', icon: 'moon' },
        ],
        dynamicTitle: true,
      },
    },
    direction: {
      description: 'Text direction',
      toolbar: {
        title: 'Direction',
        icon: 'transfer',
        items: [
          { value: 'ltr', title: 'Left to right' },
          { value: 'rtl', title: 'Right to left' },
        ],
        dynamicTitle: true,
      },
    },
    reducedMotion: {
      description: 'Simulate prefers-reduced-motion',
      toolbar: {
        title: 'Motion',
        icon: 'play',
        items: [
          { value: 'user', title: 'Motion: system setting' },
          { value: 'reduce', title: 'Motion: reduced' },
        ],
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { theme: 'light', direction: 'ltr', reducedMotion: 'user' },
  tags: ['autodocs'],
};

export default preview;

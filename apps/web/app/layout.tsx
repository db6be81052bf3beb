import type { Metadata } from 'next';
import Link from 'next/link';

import { SearchDialog } from '@/components/search-dialog';
import { ThemeToggle } from '@/components/theme-toggle';
import { searchIndex } from '@/lib/search-index';
import { themeScript } from '@/lib/theme';

import './globals.css';

export const metadata: Metadata = {
  title: { default: 'realtime-kit', template: '%s · realtime-kit' },
  description: 'Realtime features for React and Next.js: hooks, server helpers, and copy-in shadcn/ui components.',
};

/** The blocks the header links to; every item is on the home page. */
const FEATURED = [
  ['chat-room', 'Chat room'],
  ['live-metrics', 'Live metrics'],
  ['collaborative-editor', 'Editor'],
] as const;

export default function RootLayout({ children }: LayoutProps<'/'>) {
  return (
    <html lang="en" className="h-full antialiased" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="flex min-h-full flex-col font-sans">
        <header className="sticky top-0 z-40 border-b bg-background/95 backdrop-blur supports-[backdrop-filter]:bg-background/80">
          <div className="mx-auto flex h-14 max-w-5xl items-center gap-4 px-4 text-sm sm:px-6">
            <nav aria-label="Main" className="flex min-w-0 items-center gap-5">
              <Link href="/" className="font-semibold whitespace-nowrap">
                realtime-kit
              </Link>
              <Link href="/#items" className="hidden text-muted-foreground hover:text-foreground sm:inline">
                All items
              </Link>
              {FEATURED.map(([name, title]) => (
                <Link
                  key={name}
                  href={`/docs/${name}`}
                  className="hidden text-muted-foreground hover:text-foreground lg:inline"
                >
                  {title}
                </Link>
              ))}
            </nav>
            <div className="ms-auto flex items-center gap-2">
              <SearchDialog entries={searchIndex()} />
              <ThemeToggle />
            </div>
          </div>
        </header>
        <main className="mx-auto w-full max-w-5xl min-w-0 flex-1 px-4 py-10 sm:px-6">{children}</main>
      </body>
    </html>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';

import './globals.css';

export const metadata: Metadata = {
  title: { default: 'realtime-kit', template: '%s · realtime-kit' },
  description: 'Realtime features for React and Next.js: hooks, server helpers, and copy-in shadcn/ui components.',
};

/** The blocks the header links to; every item is on the home page. */
const FEATURED = [
  ['chat-room', 'Chat room'],
  ['live-metrics', 'Live metrics'],
  ['notification-center', 'Notifications'],
  ['collaborative-editor', 'Editor'],
] as const;

// Follows the OS colour scheme before first paint, so dark readers never see a white flash.
const themeScript = `try{var m=matchMedia('(prefers-color-scheme: dark)');var a=function(){document.documentElement.classList.toggle('dark',m.matches)};a();m.addEventListener('change',a)}catch(e){}`;

export default function RootLayout({ children }: LayoutProps<'/'>) {
  return (
    <html lang="en" className="h-full antialiased" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="flex min-h-full flex-col font-sans">
        <header className="border-b">
          <nav aria-label="Main" className="mx-auto flex h-14 max-w-4xl items-center gap-6 px-6 text-sm">
            <Link href="/" className="font-semibold">
              realtime-kit
            </Link>
            <Link href="/#items-heading" className="text-muted-foreground hover:text-foreground">
              All items
            </Link>
            {FEATURED.map(([name, title]) => (
              <Link
                key={name}
                href={`/docs/${name}`}
                className="hidden text-muted-foreground hover:text-foreground sm:inline"
              >
                {title}
              </Link>
            ))}
          </nav>
        </header>
        <main className="mx-auto w-full max-w-4xl flex-1 px-6 py-10">{children}</main>
      </body>
    </html>
  );
}

import Link from 'next/link';

import { registryItems } from '@/registry/registry';
import { REGISTRY_URL } from '@/lib/registry-url';

const typeLabel: Record<string, string> = {
  'registry:ui': 'UI',
  'registry:component': 'Component',
  'registry:block': 'Block',
  'registry:hook': 'Hook',
  'registry:lib': 'Lib',
};

export default function HomePage() {
  const items = registryItems(REGISTRY_URL);
  return (
    <div className="space-y-10">
      <section className="space-y-3">
        <h1 className="text-3xl font-semibold tracking-tight">realtime-kit registry</h1>
        <p className="max-w-2xl text-muted-foreground">
          Copy-in shadcn/ui components for realtime features. Each one gets its logic from{' '}
          <code className="rounded bg-muted px-1 py-0.5 text-sm text-foreground">@realtime-kit/react</code> and its
          looks from your theme. Install any item with the shadcn CLI.
        </p>
      </section>
      <section aria-labelledby="items-heading" className="space-y-4">
        <h2 id="items-heading" className="text-lg font-semibold">
          Items
        </h2>
        <ul className="grid gap-4 sm:grid-cols-2">
          {items.map((item) => (
            <li key={item.name}>
              <Link
                href={`/docs/${item.name}`}
                className="block h-full rounded-xl border bg-card p-4 text-card-foreground shadow-xs transition-colors hover:bg-accent focus-visible:ring-[3px] focus-visible:ring-ring/50 focus-visible:outline-none"
              >
                <span className="flex items-center justify-between gap-2">
                  <span className="font-medium">{item.title ?? item.name}</span>
                  <span className="rounded-full border px-2 py-0.5 text-xs text-muted-foreground">
                    {typeLabel[item.type] ?? item.type}
                  </span>
                </span>
                <span className="mt-2 block text-sm text-muted-foreground">{item.description}</span>
                <span className="mt-3 block font-mono text-xs text-muted-foreground">/r/{item.name}.json</span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

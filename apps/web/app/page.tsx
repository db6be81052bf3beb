import Link from 'next/link';

import { CodeBlock } from '@/components/code-block';
import { itemDocs } from '@/lib/docs';
import { itemGroups } from '@/lib/item-groups';

const typeLabel: Record<string, string> = {
  'registry:ui': 'UI',
  'registry:component': 'Component',
  'registry:block': 'Block',
  'registry:hook': 'Hook',
  'registry:lib': 'Lib',
};

/** The first lines of the item's usage snippet: enough to see its shape. */
function usageExcerpt(name: string, lines = 8) {
  const usage = itemDocs[name]?.usage ?? '';
  return usage.split('\n').slice(0, lines).join('\n');
}

export default function HomePage() {
  const groups = itemGroups();
  return (
    <div className="space-y-12">
      <section className="space-y-3">
        <h1 className="text-3xl font-semibold tracking-tight">realtime-kit registry</h1>
        <p className="max-w-2xl text-muted-foreground">
          Copy-in shadcn/ui components for realtime features. Each one gets its logic from{' '}
          <code className="rounded bg-muted px-1 py-0.5 text-sm text-foreground">@realtime-kit/react</code> and its
          looks from your theme. Install any item with the shadcn CLI; every page has a live demo and the code.
        </p>
        <nav aria-label="Groups" className="flex flex-wrap gap-2 pt-2">
          {groups.map((group) => (
            <a
              key={group.id}
              href={`#${group.id}`}
              className="rounded-full border px-3 py-1 text-sm text-muted-foreground hover:bg-accent hover:text-foreground"
            >
              {group.title}
            </a>
          ))}
        </nav>
      </section>
      <div id="items" className="scroll-mt-20 space-y-12">
        {groups.map((group) => (
          <section key={group.id} aria-labelledby={group.id} className="space-y-4">
            <div className="space-y-1">
              <h2 id={group.id} className="scroll-mt-20 text-xl font-semibold tracking-tight">
                {group.title}
              </h2>
              <p className="text-sm text-muted-foreground">{group.description}</p>
            </div>
            <ul className="grid gap-4 md:grid-cols-2">
              {group.items.map((item) => (
                <li
                  key={item.name}
                  className="relative flex min-w-0 flex-col gap-3 rounded-xl border bg-card p-4 text-card-foreground shadow-xs transition-colors focus-within:ring-[3px] focus-within:ring-ring/50 hover:bg-accent/40"
                >
                  <div className="flex items-center justify-between gap-2">
                    {/* The whole card is the link's hit area (an ::after overlay), without nesting the code in it. */}
                    <Link
                      href={`/docs/${item.name}`}
                      className="font-medium outline-none after:absolute after:inset-0 after:rounded-xl"
                    >
                      {item.title ?? item.name}
                    </Link>
                    <span className="rounded-full border px-2 py-0.5 text-xs text-muted-foreground">
                      {typeLabel[item.type] ?? item.type}
                    </span>
                  </div>
                  <p className="text-sm text-muted-foreground">{item.description}</p>
                  {/* A glimpse of the code, not a place to stop: inert keeps it out of the tab order and the a11y tree. */}
                  <div inert className="mt-auto">
                    <CodeBlock
                      code={usageExcerpt(item.name)}
                      language="tsx"
                      title={`/r/${item.name}.json`}
                      className="[&_.shiki]:max-h-44 [&_.shiki]:overflow-hidden"
                      copyable={false}
                    />
                  </div>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </div>
  );
}

import type { Metadata } from 'next';
import { notFound } from 'next/navigation';

import { registryItems } from '@/registry/registry';
import { CodeBlock } from '@/components/code-block';
import { itemDemos } from '@/components/demos/item-demos';
import { InstallTabs } from '@/components/install-tabs';
import { InstallNotes } from '@/components/item-page/install-notes';
import { ItemExample } from '@/components/item-page/item-example';
import { PropsTable } from '@/components/item-page/props-table';
import { itemDocs } from '@/lib/docs';
import { itemSections } from '@/lib/item-sections';
import { REGISTRY_URL } from '@/lib/registry-url';

export function generateStaticParams() {
  return registryItems().map((item) => ({ item: item.name }));
}

function findItem(name: string) {
  return registryItems(REGISTRY_URL).find((item) => item.name === name);
}

export async function generateMetadata({ params }: PageProps<'/docs/[item]'>): Promise<Metadata> {
  const item = findItem((await params).item);
  return item ? { title: item.title ?? item.name, description: item.description } : {};
}

/** Text with `backticks` shown as inline code. */
function InlineCode({ text }: { text: string }) {
  return text.split('`').map((part, index) =>
    index % 2 === 1 ? (
      <code key={index} className="rounded bg-muted px-1 py-0.5 text-xs text-foreground">
        {part}
      </code>
    ) : (
      part
    ),
  );
}

export default async function ItemPage({ params }: PageProps<'/docs/[item]'>) {
  const { item: name } = await params;
  const item = findItem(name);
  const docs = itemDocs[name];
  if (!item || !docs) notFound();
  const headings = Object.fromEntries(itemSections(name).map(({ id, heading }) => [id, heading]));
  const sectionHeading = (id: string) => (
    <h2 id={id} className="scroll-mt-20 text-lg font-semibold">
      {headings[id]}
    </h2>
  );

  return (
    <article className="min-w-0 space-y-10">
      <header className="space-y-2">
        <p className="font-mono text-xs text-muted-foreground">{item.type}</p>
        <h1 className="text-2xl font-semibold tracking-tight wrap-break-word sm:text-3xl">{item.title ?? item.name}</h1>
        <p className="max-w-2xl text-muted-foreground">{item.description}</p>
      </header>

      <section aria-labelledby="install" className="space-y-3">
        {sectionHeading('install')}
        <InstallTabs item={item.name} />
        <InstallNotes item={item} />
      </section>

      <section aria-labelledby="example" className="space-y-3">
        {sectionHeading('example')}
        <ItemExample name={name} demo={itemDemos[name]} />
      </section>

      <section aria-labelledby="usage" className="space-y-3">
        {sectionHeading('usage')}
        <CodeBlock code={docs.usage} language="tsx" title="Usage" />
      </section>

      <section aria-labelledby="props" className="space-y-3">
        {sectionHeading('props')}
        <PropsTable props={docs.props} label={headings.props!} />
      </section>

      {headings.accessibility && (
        <section aria-labelledby="accessibility" className="space-y-3">
          {sectionHeading('accessibility')}
          <ul className="list-disc space-y-1 ps-5 text-sm text-muted-foreground">
            {docs.accessibility?.map((note) => (
              <li key={note}>
                <InlineCode text={note} />
              </li>
            ))}
          </ul>
        </section>
      )}
    </article>
  );
}

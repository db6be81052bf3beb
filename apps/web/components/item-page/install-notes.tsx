import type { registryItems } from '@/registry/registry';
import { itemDocs } from '@/lib/docs';
import { REGISTRY_URL } from '@/lib/registry-url';

type RegistryItem = ReturnType<typeof registryItems>[number];

/** What `shadcn add` brings along: npm packages, our other items, and shadcn's primitives. */
export function InstallNotes({ item }: { item: RegistryItem }) {
  // Dependencies on our items are URLs; plain names ("button") are shadcn's own primitives.
  const dependencies = item.registryDependencies ?? [];
  const ownItems = dependencies
    .filter((dep) => dep.startsWith(`${REGISTRY_URL}/`))
    .map((dep) => dep.replace(`${REGISTRY_URL}/`, '').replace(/\.json$/, ''));
  const primitives = dependencies.filter((dep) => !/^https?:/.test(dep));
  return (
    <>
      {item.dependencies && item.dependencies.length > 0 && (
        <p className="text-sm text-muted-foreground">
          Installs {item.dependencies.map((dep, i) => [i > 0 && ', ', <code key={dep}>{dep}</code>])}
          {ownItems.length > 0 && (
            <>
              {' '}
              and the items{' '}
              {ownItems.map((depName, i) => [
                i > 0 && ', ',
                // Some helpers have no page of their own: name them without a link to a 404.
                itemDocs[depName] ? (
                  <a key={depName} href={`/docs/${depName}`} className="underline underline-offset-4">
                    {depName}
                  </a>
                ) : (
                  <code key={depName}>{depName}</code>
                ),
              ])}
            </>
          )}
          .
        </p>
      )}
      {primitives.length > 0 && (
        <p className="text-sm text-muted-foreground">
          Built on shadcn&apos;s{' '}
          {primitives.map((primitive, i) => [
            i > 0 && ', ',
            <a
              key={primitive}
              href={`https://ui.shadcn.com/docs/components/${primitive}`}
              className="underline underline-offset-4"
            >
              {primitive}
            </a>,
          ])}
          : <code>shadcn add</code> installs the ones you do not have yet and keeps the ones already in your{' '}
          <code>components/ui</code> (it asks before overwriting), so your theme applies.
        </p>
      )}
    </>
  );
}

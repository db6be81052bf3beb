import type { ItemDoc } from '@/lib/docs';

const HEADERS = ['Name', 'Type', 'Default', 'Description'];

/** The props (or parameters) of an item; the table scrolls inside its frame on narrow screens, never the page. */
export function PropsTable({ props, label }: { props: ItemDoc['props']; label: string }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} className="overflow-x-auto rounded-lg border">
      <table className="w-full min-w-[36rem] text-start text-sm">
        <thead className="bg-muted/50 text-start">
          <tr>
            {HEADERS.map((header) => (
              <th key={header} scope="col" className="px-3 py-2 text-start font-medium">
                {header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.map((prop) => (
            <tr key={prop.name} className="border-t align-top">
              <td className="px-3 py-2 font-mono text-xs whitespace-nowrap">{prop.name}</td>
              <td className="px-3 py-2 font-mono text-xs break-words">{prop.type}</td>
              <td className="px-3 py-2 font-mono text-xs whitespace-nowrap">{prop.default ?? '—'}</td>
              <td className="px-3 py-2 text-muted-foreground">{prop.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

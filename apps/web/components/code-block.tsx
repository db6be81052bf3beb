import { CopyButton } from '@/components/copy-button';
import { highlight, type CodeLanguage } from '@/lib/highlight';
import { cn } from '@/lib/utils';

/**
 * A highlighted code block with a copy button, rendered on the server: the page ships HTML and CSS variables,
 * not a highlighter. `title` (usually a file path) is shown above the code and names the copy button.
 */
export async function CodeBlock({
  code,
  language = 'tsx',
  title,
  copyable = true,
  className,
}: {
  code: string;
  language?: CodeLanguage;
  title?: string;
  /** False for previews that are not meant to be copied from (the home page cards). */
  copyable?: boolean;
  className?: string;
}) {
  const html = await highlight(code.replace(/\n+$/, ''), language);
  return (
    <figure data-slot="code-block" className={cn('min-w-0 overflow-hidden rounded-lg border bg-muted/40', className)}>
      <div className="flex min-h-9 items-center gap-2 border-b ps-3 pe-1 text-xs text-muted-foreground">
        <figcaption className="min-w-0 flex-1 truncate font-mono">{title ?? language}</figcaption>
        {copyable && <CopyButton value={code} label={title ? `Copy ${title}` : 'Copy code'} />}
      </div>
      <div className="code-block-body" dangerouslySetInnerHTML={{ __html: html }} />
    </figure>
  );
}

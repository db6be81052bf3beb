import { CopyButton } from '@/components/copy-button';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { installCommands } from '@/lib/registry-url';

/** `shadcn add <url>` for pnpm, npm, yarn and bun, one tab each, each with its copy button. */
export function InstallTabs({ item }: { item: string }) {
  const commands = installCommands(item);
  return (
    <Tabs defaultValue={commands[0]!.packageManager} className="min-w-0 gap-0 rounded-lg border bg-muted/40">
      <TabsList variant="line" aria-label="Package manager" className="h-9 w-full justify-start border-b px-2">
        {commands.map(({ packageManager }) => (
          <TabsTrigger key={packageManager} value={packageManager} className="flex-none px-2 font-mono text-xs">
            {packageManager}
          </TabsTrigger>
        ))}
      </TabsList>
      {commands.map(({ packageManager, command }) => (
        <TabsContent key={packageManager} value={packageManager} className="flex min-w-0 items-center gap-2 p-2 ps-3">
          <code tabIndex={0} className="min-w-0 flex-1 overflow-x-auto py-1 font-mono text-sm whitespace-nowrap">
            {command}
          </code>
          <CopyButton value={command} label="Copy install command" />
        </TabsContent>
      ))}
    </Tabs>
  );
}

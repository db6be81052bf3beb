import { CodeBlock } from '@/components/code-block';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { languageOf } from '@/lib/highlight';
import { itemSourceFiles } from '@/lib/item-source';

/** Every file the item installs, highlighted, each with its copy button. */
async function ItemSource({ name }: { name: string }) {
  const files = await itemSourceFiles(name);
  return (
    <div className="space-y-4">
      {files.map((file) => (
        <CodeBlock
          key={file.path}
          code={file.content}
          language={languageOf(file.path)}
          title={file.path}
          className="[&_.shiki]:max-h-[32rem]"
        />
      ))}
    </div>
  );
}

/** Preview / Code tabs when the item has a live demo; its code alone when it has none (hooks, helpers). */
export function ItemExample({ name, demo }: { name: string; demo: React.ReactNode }) {
  if (!demo) return <ItemSource name={name} />;
  return (
    <Tabs defaultValue="preview" className="min-w-0">
      <TabsList aria-label="Example">
        <TabsTrigger value="preview">Preview</TabsTrigger>
        <TabsTrigger value="code">Code</TabsTrigger>
      </TabsList>
      <TabsContent value="preview" className="min-w-0 rounded-xl border p-4 sm:p-6">
        {demo}
      </TabsContent>
      <TabsContent value="code" className="min-w-0">
        <ItemSource name={name} />
      </TabsContent>
    </Tabs>
  );
}

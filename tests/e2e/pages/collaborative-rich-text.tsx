/**
 * The page of collaborative-rich-text.test.ts: the docs demo of the collaborative-rich-text item
 * (apps/web/components/demos/collaborative-rich-text-demo.tsx), two windows over WebSocket to the server that served
 * the page, in StrictMode as Next renders it in development.
 */
import * as React from 'react';
import { createRoot } from 'react-dom/client';

import { CollaborativeRichTextDemo } from '../../../apps/web/components/demos/collaborative-rich-text-demo.tsx';

createRoot(document.getElementById('root')!).render(
  <React.StrictMode>
    <main className="mx-auto w-full max-w-5xl p-6">
      <CollaborativeRichTextDemo />
    </main>
  </React.StrictMode>,
);

import { cacheLife } from 'next/cache';
import { createHighlighterCore, type HighlighterCore } from 'shiki/core';
import { createJavaScriptRegexEngine } from 'shiki/engine/javascript';

/** The languages the docs pages show; anything else is highlighted as plain text. */
export type CodeLanguage = 'tsx' | 'typescript' | 'bash' | 'json' | 'css' | 'text';

let highlighter: Promise<HighlighterCore> | undefined;

// Fine-grained imports and the JavaScript regex engine: no WebAssembly and only five grammars, loaded once per build.
function loadHighlighter() {
  highlighter ??= createHighlighterCore({
    themes: [import('shiki/themes/github-light.mjs'), import('shiki/themes/github-dark.mjs')],
    langs: [
      import('shiki/langs/tsx.mjs'),
      import('shiki/langs/typescript.mjs'),
      import('shiki/langs/bash.mjs'),
      import('shiki/langs/json.mjs'),
      import('shiki/langs/css.mjs'),
    ],
    engine: createJavaScriptRegexEngine(),
  });
  return highlighter;
}

/** The language shiki should use for a file, from its extension. */
export function languageOf(path: string): CodeLanguage {
  const extension = path.slice(path.lastIndexOf('.') + 1);
  if (extension === 'tsx' || extension === 'jsx') return 'tsx';
  if (extension === 'ts' || extension === 'mts' || extension === 'js' || extension === 'mjs') return 'typescript';
  if (extension === 'json' || extension === 'css') return extension;
  if (extension === 'sh') return 'bash';
  return 'text';
}

/**
 * The code as highlighted HTML (a `<pre class="shiki">`), computed on the server and cached with the page.
 * Both themes are in the markup as `--shiki-light` / `--shiki-dark` variables on each token; globals.css picks one
 * from the `.dark` class, so switching themes needs no client-side highlighter.
 */
export async function highlight(code: string, language: CodeLanguage): Promise<string> {
  'use cache';
  // Derived from files of this build only: nothing to revalidate until the next deploy.
  cacheLife('max');
  const shiki = await loadHighlighter();
  return shiki.codeToHtml(code, {
    lang: language,
    themes: { light: 'github-light', dark: 'github-dark' },
    defaultColor: false,
  });
}

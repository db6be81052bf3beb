"use client"

import * as React from "react"

const noopSubscribe = () => () => {}
const getBrowserLocale = () => navigator.language

/**
 * The locale to format numbers and times with: `preferred` when given, else the browser's.
 *
 * The server cannot know the reader's locale, so it (and hydration) uses `serverLocale`, and the
 * browser's takes over right after hydration. Pass `preferred` (e.g. from `Accept-Language`) to render
 * the right locale from the first byte.
 */
export function useLocale(preferred?: string, serverLocale = "en-US"): string {
  const getServerLocale = React.useCallback(() => serverLocale, [serverLocale])
  const browser = React.useSyncExternalStore(
    noopSubscribe,
    getBrowserLocale,
    getServerLocale
  )
  return preferred ?? browser
}

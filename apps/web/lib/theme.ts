/** What the reader picked; `system` follows `prefers-color-scheme`. */
export type ThemePreference = 'light' | 'dark' | 'system';

export const THEME_STORAGE_KEY = 'theme';
const CHANGE_EVENT = 'themepreferencechange';

/**
 * Runs in <head> before the body is parsed, so the first paint already has the right `.dark` class (no flash of the
 * light theme for dark readers). It also follows OS changes while the preference is `system`, and other tabs.
 * Kept as a string: it must run before React loads, and it is the only owner of the class on <html>.
 */
export const themeScript = `(function(){try{var k=${JSON.stringify(THEME_STORAGE_KEY)},m=matchMedia('(prefers-color-scheme: dark)'),r=document.documentElement;var a=function(){var p=localStorage.getItem(k);var d=p==='dark'||(p!=='light'&&m.matches);r.classList.toggle('dark',d);r.style.colorScheme=d?'dark':'light'};a();m.addEventListener('change',a);addEventListener('storage',function(e){if(e.key===k)a()});addEventListener(${JSON.stringify(CHANGE_EVENT)},a)}catch(e){}})()`;

function readPreference(): ThemePreference {
  try {
    const stored = localStorage.getItem(THEME_STORAGE_KEY);
    return stored === 'light' || stored === 'dark' ? stored : 'system';
  } catch {
    return 'system';
  }
}

/** A store over the saved preference, for useSyncExternalStore. */
export const themePreference = {
  subscribe(listener: () => void) {
    addEventListener(CHANGE_EVENT, listener);
    addEventListener('storage', listener);
    return () => {
      removeEventListener(CHANGE_EVENT, listener);
      removeEventListener('storage', listener);
    };
  },
  getSnapshot: readPreference,
  // The server cannot know: the toggle renders no pressed button until hydration, the class is already right.
  getServerSnapshot: () => null,
};

/** Saves the preference; the head script hears the event and updates the class. */
export function setThemePreference(preference: ThemePreference) {
  try {
    if (preference === 'system') localStorage.removeItem(THEME_STORAGE_KEY);
    else localStorage.setItem(THEME_STORAGE_KEY, preference);
  } catch {
    // Storage can be disabled (private mode): then there is no choice to remember and the OS setting applies.
  }
  dispatchEvent(new Event(CHANGE_EVENT));
}

// Client-side routing over the History API: a location store, `navigate`, and `<Link>` for
// in-app links (ordinary anchors, so they work with the keyboard, middle-click and "open in new
// tab"). The server answers index.html for every app path, so reloads and shared links work.
import type { ComponentChildren, PartialAnchorHTMLAttributes, TargetedMouseEvent } from 'preact';
import { createStore } from './lib/store.ts';

export interface AppLocation {
  path: string;
  query: URLSearchParams;
  /** path + search, as it appears in the address bar. */
  href: string;
}

function readLocation(): AppLocation {
  const { pathname, search } = window.location;
  return { path: pathname, query: new URLSearchParams(search), href: pathname + search };
}

export const location = createStore<AppLocation>(readLocation());

/** True after the first in-app navigation: pages then move focus to their heading. */
export let hasNavigated = false;

window.addEventListener('popstate', () => {
  hasNavigated = true;
  location.set(readLocation());
});

export function navigate(href: string, options: { replace?: boolean } = {}): void {
  const current = window.location.pathname + window.location.search;
  if (href === current) return;
  hasNavigated = true;
  window.history[options.replace ? 'replaceState' : 'pushState'](null, '', href);
  location.set(readLocation());
}

/** Changes query parameters of the current page without adding a history entry. */
export function replaceQuery(changes: Record<string, string | undefined>): void {
  const query = new URLSearchParams(window.location.search);
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined || value === '') query.delete(name);
    else query.set(name, value);
  }
  const search = query.toString();
  window.history.replaceState(null, '', window.location.pathname + (search ? `?${search}` : ''));
  location.set(readLocation());
}

/** A same-origin path to return to after signing in; anything else falls back to /notes. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\'))
    return '/notes';
  if (next.startsWith('/login') || next.startsWith('/signup')) return '/notes';
  return next;
}

/** `{ id: '…' }` when `path` matches a pattern such as `/notes/:id`. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  const source = pattern.replace(/:(\w+)/g, (_match, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const match = new RegExp(`^${source}$`).exec(path);
  if (!match) return undefined;
  return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
}

type LinkProps = Omit<PartialAnchorHTMLAttributes<HTMLAnchorElement>, 'onClick' | 'role'> & {
  href: string;
  onClick?: (event: TargetedMouseEvent<HTMLAnchorElement>) => void;
  children?: ComponentChildren;
};

export function Link({ href, onClick, ...props }: LinkProps) {
  function follow(event: TargetedMouseEvent<HTMLAnchorElement>): void {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  }
  return <a href={href} onClick={follow} {...props} />;
}

// Page scaffolding: the document title, and the heading that takes focus after an in-app
// navigation so keyboard and screen-reader users start at the top of the new page.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { hasNavigated } from '../router.tsx';

export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Jotter` : 'Jotter';
  }, [title]);
}

export function PageHeading({
  children,
  class: className,
}: {
  children: ComponentChildren;
  class?: string;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (hasNavigated) heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 ref={heading} tabIndex={-1} class={className}>
      {children}
    </h1>
  );
}

export function Loading({ label }: { label: string }) {
  return (
    <p aria-busy="true" class="loading">
      {label}
    </p>
  );
}

// "Load more" for cursor-paged lists: a real button (keyboard, screen readers) that also loads
// by itself when scrolled into view, which makes the list scroll on and on.
import { useEffect, useRef } from 'preact/hooks';

export function LoadMore({
  label,
  busy,
  onLoad,
}: {
  label: string;
  busy: boolean;
  onLoad: () => void;
}) {
  const button = useRef<HTMLButtonElement>(null);
  const load = useRef(onLoad);
  load.current = onLoad;
  useEffect(() => {
    const element = button.current;
    if (!element || typeof IntersectionObserver !== 'function') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) load.current();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return (
    <button
      ref={button}
      type="button"
      class="secondary outline load-more"
      aria-busy={busy}
      onClick={onLoad}
    >
      {label}
    </button>
  );
}

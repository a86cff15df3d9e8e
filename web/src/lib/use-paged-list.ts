// A list read page by page over the API's cursor (`next_cursor`). Changing `key` (the filters)
// starts over; answers to superseded requests are dropped, so a slow first search cannot
// overwrite the results of the next one.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface PagedList<T> {
  items: T[];
  status: 'loading' | 'ready' | 'failed';
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => Promise<void>;
  reload: () => void;
  setItems: (change: (items: T[]) => T[]) => void;
}

export function usePagedList<T extends { id: string }>(
  key: string,
  load: (cursor: string | undefined) => Promise<Page<T>>,
  onError: (error: unknown) => void,
): PagedList<T> {
  const [items, setItemsState] = useState<T[]>([]);
  const [status, setStatus] = useState<PagedList<T>['status']>('loading');
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [reloads, setReloads] = useState(0);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const mine = ++generation.current;
    setStatus('loading');
    loadRef.current(undefined).then(
      (page) => {
        if (mine !== generation.current) return;
        setItemsState(page.items);
        setCursor(page.next_cursor);
        setStatus('ready');
      },
      (error: unknown) => {
        if (mine !== generation.current) return;
        setStatus('failed');
        onError(error);
      },
    );
    // The list restarts only when the filters change (or on reload), not when callers re-render.
  }, [key, reloads]);

  const loadMore = useCallback(async () => {
    if (!cursor || loadingMore) return;
    const mine = generation.current;
    setLoadingMore(true);
    try {
      const page = await loadRef.current(cursor);
      if (mine !== generation.current) return;
      // Items added here since the first page (a new to-do) may come again from the server.
      setItemsState((current) => {
        const seen = new Set(current.map((item) => item.id));
        return [...current, ...page.items.filter((item) => !seen.has(item.id))];
      });
      setCursor(page.next_cursor);
    } catch (error) {
      onError(error);
    } finally {
      setLoadingMore(false);
    }
  }, [cursor, loadingMore, onError]);

  return {
    items,
    status,
    hasMore: cursor !== null,
    loadingMore,
    loadMore,
    reload: () => setReloads((n) => n + 1),
    setItems: (change) => setItemsState(change),
  };
}

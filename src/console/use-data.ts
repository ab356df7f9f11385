// A panel's data: loaded through the SDK on mount and whenever `reload` is called or the key changes, and again every
// few seconds so figures follow the market without a page reload. A null key asks for nothing yet (a query that
// needs a choice the page has not made). The key names what `load` asks for (its route and query).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export type Data<T> = { data: T | undefined; error: string | undefined; reload: () => void };

const REFRESH_MS = 5_000;

export function useData<T>(key: string | null, load: () => Promise<T>): Data<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  // The latest loader, so a re-render's new closure is used without refetching on every render.
  const loader = useRef(load);
  loader.current = load;
  useEffect(() => {
    if (key === null) return;
    let live = true;
    loader.current().then(
      (fresh) => {
        if (!live) return;
        setData(fresh);
        setError(undefined);
      },
      (failure: unknown) => live && setError(failure instanceof Error ? failure.message : String(failure)),
    );
    const timer = setTimeout(reload, REFRESH_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, tick, reload]);
  return { data, error, reload };
}

/** Runs a user's action; a failure becomes the panel's error message, a success runs `then` (e.g. a reload). */
export function useAction(then: () => void): {
  error: string | undefined;
  run: (action: () => Promise<unknown>) => Promise<void>;
} {
  const [error, setError] = useState<string | undefined>(undefined);
  const run = async (action: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await action();
      then();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  return { error, run };
}

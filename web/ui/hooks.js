import { useCallback, useEffect, useRef, useState } from './preact.js';

// Runs `load` (returning a promise) when `deps` change and holds its outcome:
// {data, error, loading, reload}. An answer to an older run is dropped.
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: undefined, error: null, loading: true });
  const run = useRef(0);
  const reload = useCallback(() => {
    const mine = ++run.current;
    setState((s) => ({ ...s, error: null, loading: true }));
    load().then(
      (data) => mine === run.current && setState({ data, error: null, loading: false }),
      (error) => mine === run.current && setState({ data: undefined, error, loading: false }),
    );
  }, deps);
  useEffect(reload, [reload]);
  return { ...state, reload };
}

// A value chosen once for the life of the component (an idempotency key).
export function useOnce(make) {
  const ref = useRef(null);
  if (ref.current === null) ref.current = make();
  return ref;
}

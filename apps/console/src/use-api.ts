import { useCallback, useEffect, useState } from 'react';
import { api, ApiProblem } from './api';

/** Loads one API resource; `reload` after a change, or give a `version` that changes with it. */
export function useApi<T>(path: string | null, version?: number) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiProblem | null>(null);
  const [loading, setLoading] = useState(true);
  const reload = useCallback(async () => {
    if (!path) return;
    setLoading(true);
    try {
      setData(await api.get<T>(path));
      setError(null);
    } catch (e) {
      setError(
        e instanceof ApiProblem ? e : new ApiProblem(0, 'NETWORK', 'The service could not be reached', String(e)),
      );
    } finally {
      setLoading(false);
    }
  }, [path]);
  useEffect(() => {
    void reload();
  }, [reload, version]);
  return { data, error, loading, reload };
}

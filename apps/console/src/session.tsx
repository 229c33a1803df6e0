import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiProblem } from './api';

export interface SessionPerson {
  sub: string;
  personId: string | null;
  name: string | null;
  roles: string[];
  consortiumId: string | null;
  providerId: string | null;
  expiresAt: string;
}

interface SessionState {
  person: SessionPerson | null;
  loading: boolean;
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
}

const Ctx = createContext<SessionState>({
  person: null,
  loading: true,
  refresh: async () => undefined,
  signOut: async () => undefined,
});

/** Who is signed in, from the API's session cookie (the console never sees the token). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [person, setPerson] = useState<SessionPerson | null>(null);
  const [loading, setLoading] = useState(true);
  const refresh = useCallback(async () => {
    try {
      setPerson(await api.get<SessionPerson>('/console/session'));
    } catch (e) {
      if (!(e instanceof ApiProblem) || e.status !== 401) console.error(e);
      setPerson(null);
    } finally {
      setLoading(false);
    }
  }, []);
  const signOut = useCallback(async () => {
    await api.del('/console/session');
    setPerson(null);
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return <Ctx.Provider value={{ person, loading, refresh, signOut }}>{children}</Ctx.Provider>;
}

export const useSession = () => useContext(Ctx);
export const hasRole = (p: SessionPerson | null, ...roles: string[]) => !!p && roles.some((r) => p.roles.includes(r));

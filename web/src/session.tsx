/** Who is signed in (GET /api/v1/session), shared by every page; sign-in and sign-out update it. */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken } from './api.ts';

export interface Grant {
  role: string;
  unitId: string | null;
}
export interface Session {
  accountId: string;
  email: string;
  grants: Grant[];
  csrfToken: string;
}

interface SessionState {
  session: Session | null;
  loading: boolean;
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
}

const Ctx = createContext<SessionState>({ session: null, loading: true, refresh: async () => undefined, signOut: async () => undefined });

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [loading, setLoading] = useState(true);
  const refresh = useCallback(async () => {
    try {
      const s = await api<Session>('/session');
      setCsrfToken(s.csrfToken);
      setSession(s);
    } catch (e) {
      if (!(e instanceof ApiError) || (e.status !== 401 && e.status !== 404)) throw e;
      setCsrfToken(null);
      setSession(null);
    } finally {
      setLoading(false);
    }
  }, []);
  const signOut = useCallback(async () => {
    await api('/session', { method: 'DELETE' }).catch(() => undefined);
    setCsrfToken(null);
    setSession(null);
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return <Ctx.Provider value={{ session, loading, refresh, signOut }}>{children}</Ctx.Provider>;
}

export const useSession = () => useContext(Ctx);

/** Whether the signed-in account holds a role (anywhere, or at a given unit). */
export const holds = (s: Session | null, role: string, unitId?: string) => s?.grants.some((g) => g.role === role && (unitId === undefined || g.unitId === unitId)) ?? false;
